//! The kit's own checks: what it ships is what it says it ships. No student program runs here.

use std::path::Path;

use tp_sockets::picture::dimensions;
use tp_sockets::samples;

/// `cargo run -- images` draws the pictures of images/ again, byte for byte.
#[test]
fn the_sample_pictures_are_drawn_by_the_kit_byte_for_byte() {
    let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("images");
    let drawn = samples::draw().expect("draw the samples");
    assert_eq!(drawn.len(), 4);
    for sample in drawn {
        let shipped = std::fs::read(images.join(sample.name)).expect("shipped picture");
        assert!(
            shipped == sample.bytes,
            "images/{} differs from what the kit draws: run `cargo run -- images`",
            sample.name
        );
    }
}

/// The parity project needs sides of both parities, and an odd width.
#[test]
fn the_sample_pictures_have_the_sizes_the_parity_project_needs() {
    let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("images");
    let size = |name: &str| dimensions(&images.join(name)).expect("a picture");
    assert_eq!(size("car.png"), (640, 427));
    assert_eq!(size("house.jpg"), (481, 320));
    assert_eq!(size("dog.jpg"), (360, 243));
    assert_eq!(size("not-found.png"), (200, 150));
}
