//! Project: a picture server over TCP, the menu project done right.
//!
//! Follows Exercise 3. The protocol is in PROTOCOL.md: `LIST`, or `GET <name>`; every reply is
//! a header line, then exactly the number of bytes it announces.
//!
//! Terminal 1: `cargo ex proj_image_server` (serves images/ on port 40674)
//! Terminal 2: `cargo run --example proj_image_client` (a menu), or `-- car.png`, or
//! `nc 127.0.0.1 40674` and type `LIST`.
//! Check your work: `cargo run -- check proj_image_server`
//!
//! Open level: only the command line is written. Design the program yourself, from
//! PROTOCOL.md and the tests, which `cargo run -- check proj_image_server` runs and explains;
//! the kit's helpers (tp_sockets::image, tp_sockets::net) are yours to use, or not.
//! `cargo run -- reset proj_image_server` brings back the guided skeleton.

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::image::serve::ServedFolder;
use tp_sockets::image::tcp::DEFAULT_PORT;

/// Serve the pictures of a folder over TCP (LIST, GET <name>).
#[derive(Parser)]
struct Args {
    /// The port to listen on (0: let the system choose one)
    #[arg(default_value_t = DEFAULT_PORT)]
    port: u16,
    #[command(flatten)]
    served: ServedFolder,
    /// How many clients may be served at once (half of them at most from one address); more
    /// get `ERR server busy`
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    max_clients: u64,
    /// Seconds a client has to send each whole request line before the server hangs up
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle: u64,
}

pub fn main() -> ExitCode {
    // TODO (project, open level): read the command line (Args::parse()), then do what
    // PROTOCOL.md says this program does. An error a user can cause is one line on stderr and
    // exit code 1: tp_sockets::net::finish(result) does that for a Result<(), String>.
    todo!("project: the whole program, at the open level")
}
