//! The sample pictures in `images/`, drawn by code so that anyone can make them again, byte for
//! byte (`cargo run -- images`), and nothing is downloaded.
//!
//! Their sizes are chosen for the parity project: car.png is 640 × 427 (even × odd), house.jpg
//! 481 × 320 (odd × even), dog.jpg 360 × 243 (even × odd); not-found.png is the picture a server
//! sends for a name it does not have.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

/// One picture: its file name and its encoded bytes.
pub struct Sample {
    /// The file name in `images/`.
    pub name: &'static str,
    /// The PNG or JPEG file.
    pub bytes: Vec<u8>,
}

/// Draws every sample picture.
pub fn draw() -> Result<Vec<Sample>, image::ImageError> {
    Ok(vec![
        Sample {
            name: "car.png",
            bytes: encode(&car(), ImageFormat::Png)?,
        },
        Sample {
            name: "house.jpg",
            bytes: encode(&house(), ImageFormat::Jpeg)?,
        },
        Sample {
            name: "dog.jpg",
            bytes: encode(&dog(), ImageFormat::Jpeg)?,
        },
        Sample {
            name: "not-found.png",
            bytes: encode(&not_found(), ImageFormat::Png)?,
        },
    ])
}

fn encode(picture: &RgbImage, format: ImageFormat) -> Result<Vec<u8>, image::ImageError> {
    let mut bytes = Cursor::new(Vec::new());
    picture.write_to(&mut bytes, format)?;
    Ok(bytes.into_inner())
}

/// A small painter: every shape is a test on the pixel's coordinates.
struct Canvas(RgbImage);

impl Canvas {
    fn new(width: u32, height: u32, top: [u8; 3], bottom: [u8; 3]) -> Self {
        let image = RgbImage::from_fn(width, height, |_, y| {
            let t = y as f32 / height as f32;
            Rgb(std::array::from_fn(|i| {
                (top[i] as f32 * (1.0 - t) + bottom[i] as f32 * t) as u8
            }))
        });
        Canvas(image)
    }

    fn fill(&mut self, color: [u8; 3], inside: impl Fn(f32, f32) -> bool) {
        for (x, y, pixel) in self.0.enumerate_pixels_mut() {
            if inside(x as f32, y as f32) {
                *pixel = Rgb(color);
            }
        }
    }

    fn rect(&mut self, color: [u8; 3], x0: f32, y0: f32, x1: f32, y1: f32) {
        self.fill(color, |x, y| x >= x0 && x < x1 && y >= y0 && y < y1);
    }

    fn ellipse(&mut self, color: [u8; 3], cx: f32, cy: f32, rx: f32, ry: f32) {
        self.fill(color, |x, y| {
            let (dx, dy) = ((x - cx) / rx, (y - cy) / ry);
            dx * dx + dy * dy <= 1.0
        });
    }

    /// A triangle pointing up: apex (ax, top), base from x0 to x1 at `base`.
    fn roof(&mut self, color: [u8; 3], ax: f32, top: f32, x0: f32, x1: f32, base: f32) {
        self.fill(color, |x, y| {
            if y < top || y > base {
                return false;
            }
            let t = (y - top) / (base - top);
            x >= ax + (x0 - ax) * t && x <= ax + (x1 - ax) * t
        });
    }
}

fn car() -> RgbImage {
    let mut c = Canvas::new(640, 427, [120, 180, 240], [200, 230, 255]);
    c.rect([90, 160, 80], 0.0, 300.0, 640.0, 427.0); // grass
    c.rect([70, 70, 75], 0.0, 330.0, 640.0, 400.0); // road
    c.rect([240, 240, 240], 40.0, 362.0, 600.0, 368.0); // line
    c.rect([200, 30, 40], 130.0, 230.0, 510.0, 320.0); // body
    c.roof([200, 30, 40], 320.0, 150.0, 190.0, 450.0, 232.0); // cabin
    c.roof([170, 210, 240], 320.0, 168.0, 218.0, 422.0, 226.0); // windows
    c.rect([200, 30, 40], 316.0, 160.0, 324.0, 230.0); // pillar
    c.ellipse([30, 30, 30], 215.0, 320.0, 38.0, 38.0); // wheels
    c.ellipse([30, 30, 30], 425.0, 320.0, 38.0, 38.0);
    c.ellipse([180, 180, 180], 215.0, 320.0, 16.0, 16.0);
    c.ellipse([180, 180, 180], 425.0, 320.0, 16.0, 16.0);
    c.ellipse([255, 240, 150], 500.0, 255.0, 10.0, 8.0); // headlight
    c.0
}

fn house() -> RgbImage {
    let mut c = Canvas::new(481, 320, [140, 200, 250], [220, 240, 255]);
    c.ellipse([255, 210, 60], 400.0, 60.0, 32.0, 32.0); // sun
    c.rect([100, 170, 90], 0.0, 260.0, 481.0, 320.0); // grass
    c.rect([235, 220, 190], 120.0, 150.0, 360.0, 270.0); // walls
    c.roof([150, 60, 50], 240.0, 60.0, 100.0, 380.0, 152.0); // roof
    c.rect([120, 80, 50], 215.0, 195.0, 265.0, 270.0); // door
    c.rect([150, 200, 235], 145.0, 175.0, 195.0, 220.0); // windows
    c.rect([150, 200, 235], 290.0, 175.0, 340.0, 220.0);
    c.rect([110, 110, 110], 300.0, 80.0, 325.0, 125.0); // chimney
    c.0
}

fn dog() -> RgbImage {
    let mut c = Canvas::new(360, 243, [250, 235, 200], [240, 210, 170]);
    let brown = [150, 95, 50];
    c.ellipse(brown, 170.0, 150.0, 90.0, 45.0); // body
    for x in [105.0, 135.0, 205.0, 235.0] {
        c.rect(brown, x, 170.0, x + 16.0, 228.0); // legs
    }
    c.ellipse(brown, 275.0, 95.0, 45.0, 40.0); // head
    c.ellipse([110, 65, 35], 250.0, 70.0, 14.0, 30.0); // ears
    c.ellipse([110, 65, 35], 300.0, 70.0, 14.0, 30.0);
    c.ellipse([20, 20, 20], 262.0, 90.0, 5.0, 5.0); // eyes
    c.ellipse([20, 20, 20], 290.0, 90.0, 5.0, 5.0);
    c.ellipse([20, 20, 20], 277.0, 112.0, 9.0, 6.0); // nose
    c.ellipse(brown, 78.0, 115.0, 10.0, 30.0); // tail
    c.0
}

fn not_found() -> RgbImage {
    let mut c = Canvas::new(200, 150, [235, 235, 235], [210, 210, 210]);
    c.ellipse([200, 40, 40], 100.0, 75.0, 60.0, 60.0);
    c.ellipse([235, 235, 235], 100.0, 75.0, 46.0, 46.0);
    // The slash of the "no entry" sign.
    c.fill([200, 40, 40], |x, y| {
        let (dx, dy) = (x - 100.0, y - 75.0);
        (dx - dy).abs() < 10.0 && dx * dx + dy * dy < 55.0 * 55.0
    });
    c.0
}
