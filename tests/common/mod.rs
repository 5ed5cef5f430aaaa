//! The test harness shared by every exercise's test file, a file per job.
//!
//! A test never knows whether it checks a reference (`cargo test`) or a student's file
//! (`cargo grade`, i.e. `cargo test --features exercises`): it starts "the example binary NAME"
//! built for the current feature set ([`build`]). Everything is bounded ([`process`]): a
//! skeleton that hangs fails its test in seconds and never stalls the suite.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed expect is a failed test

pub mod build;
pub mod checks;
pub mod fixtures;
pub mod outcome;
pub mod peers;
pub mod ports;
pub mod process;
pub mod program;
pub mod verdict;
pub mod wire;

pub use build::*;
pub use checks::*;
pub use fixtures::*;
pub use outcome::*;
pub use peers::*;
pub use ports::*;
pub use process::*;
pub use program::*;
pub use verdict::*;
