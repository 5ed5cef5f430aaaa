//! Project: are a picture's width and height even ("pair") or odd ("impair")? Over UDP.
//!
//! Follows Exercise 4. The request datagram is a picture name (blank: car.png; empty: no
//! answer); the answer is one line: `OK <width> <height> <pair|impair> <pair|impair>` or
//! `ERR <reason>`.
//!
//! Terminal 1: `cargo ex proj_parity_server`
//! Terminal 2: `cargo run --example proj_parity_client -- house.jpg`
//! Check your work: `cargo run -- check proj_parity_server`
//!
//! Open level: only the command line is written. Design the program yourself, from
//! PROTOCOL.md and the tests, which `cargo run -- check proj_parity_server` runs and explains;
//! the kit's helpers (tp_sockets::image, tp_sockets::net) are yours to use, or not.
//! `cargo run -- reset proj_parity_server` brings back the guided skeleton.

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::image::parity::DEFAULT_PORT;
use tp_sockets::image::serve::ServedFolder;

/// A UDP server that answers the size of a picture and the parity of each side.
#[derive(Parser)]
struct Args {
    /// The port to receive on (0: let the system choose one)
    #[arg(default_value_t = DEFAULT_PORT)]
    port: u16,
    #[command(flatten)]
    served: ServedFolder,
}

pub fn main() -> ExitCode {
    // TODO (project, open level): read the command line (Args::parse()), then do what
    // PROTOCOL.md says this program does. An error a user can cause is one line on stderr and
    // exit code 1: tp_sockets::net::finish(result) does that for a Result<(), String>.
    todo!("project: the whole program, at the open level")
}
