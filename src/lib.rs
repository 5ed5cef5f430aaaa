//! Shared helpers for the tp-sockets lab kit.
//!
//! Only what two or more programs repeat lives here: turning socket errors into one clear line,
//! the exit convention, and the socket options every server sets. Each program in `solutions/`
//! and `exercises/` stays readable on its own; this crate is the plumbing around it.

pub mod catalog;
pub mod chunks;
pub mod download;
pub mod errors;
pub mod fletcher;
pub mod kit;
pub mod launcher;
pub mod netstat;
pub mod picture;
pub mod prompt;
pub mod protocol;
pub mod samples;
pub mod sock;
pub mod udp;
pub mod welcome;

pub use errors::{bind_error, connect_error, finish};
