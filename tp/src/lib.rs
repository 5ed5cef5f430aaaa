//! The kit's own tooling, used by the `tp` command and by the kit's tests: the list of
//! programs with their hints ([`programs`]), cargo run by the kit ([`cargo`]), test binaries
//! run and read ([`libtest`]), networks of one's own ([`netns`]), and the sample pictures
//! ([`samples`]).

pub mod cargo;
pub mod cgroup;
pub mod compile;
pub mod files;
pub mod grade;
pub mod libtest;
pub mod netns;
pub mod programs;
pub mod results;
pub mod samples;
pub mod sandbox;
pub mod told;
pub mod wire;
pub mod workspace;

use std::path::Path;

/// The kit's folder: the one that holds `Cargo.toml`, `exercises/`, `solutions/` and `tp/`.
pub fn kit_root() -> &'static Path {
    let tp = Path::new(env!("CARGO_MANIFEST_DIR"));
    tp.parent().unwrap_or(tp)
}
