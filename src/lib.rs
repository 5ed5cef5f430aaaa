//! Shared helpers for the tp-sockets lab kit.
//!
//! Only what two or more programs repeat lives here: turning socket errors into one clear line,
//! the exit convention, and the socket options every server sets. Each program in `solutions/`
//! and `exercises/` stays readable on its own; this crate is the plumbing around it.

pub mod errors;
pub mod launcher;
pub mod netstat;
pub mod prompt;
pub mod sock;
pub mod welcome;

pub use errors::{bind_error, connect_error, finish};
