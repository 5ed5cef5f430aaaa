//! `tp`, the kit's own command, and its grading engine, in layers; `main.rs` only parses the
//! command line, calls a command, and turns its error into one line.
//!
//! | layer | what |
//! | --- | --- |
//! | [`commands`] | a file per subcommand (`list`, `hint`, `check`, `watch`, `grade`, `reset`, `run`, `trace`, `images`), each with the typed [`commands::Error`] |
//! | [`results`] | what grading found, computed once ([`results::Report`]), and a writer per platform: the table and CSV, the Markdown feedback, Gradescope, Moodle VPL, Classroom 50, and the class at a glance (HTML) |
//! | [`grade`] | a submission graded a program at a time: its files, its programs compiled, the kit's tests run in a sandbox, the scores, the reference's exchange beside a failure |
//! | [`workspace`], [`compile`], [`cargo`] | where grading builds and runs (`target/tp-grade/`), a student's file compiled by rustc against the kit's library, cargo run by the kit |
//! | [`sandbox`], [`cgroup`], [`netns`] | bubblewrap cells, control groups, networks of one's own |
//! | [`wire`] | packets recorded, read, drawn and compared |
//! | [`told`], [`libtest`] | what a test tells the grader, and the test binary run and read |
//! | [`programs`], [`files`], [`samples`] | the kit's programs as data (kind, exercise, project, hints), files written in place, the sample pictures |
//!
//! A layer uses only those below it; no file is in an import circle (tests/kit/layers.rs checks
//! both). Each module has its own error type, with the error it wraps as its `source()`.

pub mod cargo;
pub mod cgroup;
pub mod commands;
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
