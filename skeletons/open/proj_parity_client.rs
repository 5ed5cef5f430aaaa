//! Project: ask the parity server about a picture, and say the answer in words.
//!
//! Follows Exercise 4.
//!
//! Terminal 1: `cargo run --example proj_parity_server`
//! Terminal 2: `cargo ex proj_parity_client -- house.jpg`
//! Check your work: `cargo run -- check proj_parity_client`
//!
//! Open level: only the command line is written. Design the program yourself, from
//! PROTOCOL.md and the tests, which `cargo run -- check proj_parity_client` runs and explains;
//! the kit's helpers (tp_sockets::image, tp_sockets::net) are yours to use, or not.
//! `cargo run -- reset proj_parity_client` brings back the guided skeleton.

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::image::parity::DEFAULT_PORT;

/// Ask the parity server whether a picture's width and height are even or odd.
#[derive(Parser)]
struct Args {
    /// The picture's name (an empty request would get no answer)
    #[arg(default_value = "car.png")]
    name: String,
    /// The server's address or name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The server's port
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    /// How long to wait for the answer, in seconds
    #[arg(long, default_value_t = 2)]
    timeout: u64,
}

pub fn main() -> ExitCode {
    // TODO (project, open level): read the command line (Args::parse()), then do what
    // PROTOCOL.md says this program does. An error a user can cause is one line on stderr and
    // exit code 1: tp_sockets::net::finish(result) does that for a Result<(), String>.
    todo!("project: the whole program, at the open level")
}
