//! Project: pictures over UDP, with reliability built by the application.
//!
//! Follows the TCP image project. A file travels as numbered chunks, one per datagram; the
//! client asks for the chunks it lacks. The server remembers nothing about its clients but the
//! chunks they still wait for, which go out client by client, a few at a time: one greedy
//! client cannot starve the others (PROTOCOL.md, "Pictures over UDP").
//!
//! Terminal 1: `cargo ex proj_image_udp_server` (serves images/ on UDP port 40675)
//! Terminal 2: `cargo run --example proj_image_udp_client -- car.png`
//! Check your work: `cargo run -- check proj_image_udp_server`
//!
//! Open level: only the command line is written. Design the program yourself, from
//! PROTOCOL.md and the tests, which `cargo run -- check proj_image_udp_server` runs and explains;
//! the kit's helpers (tp_sockets::image, tp_sockets::net) are yours to use, or not.
//! `cargo run -- reset proj_image_udp_server` brings back the guided skeleton.

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::image::serve::ServedFolder;
use tp_sockets::image::udp::DEFAULT_PORT;

/// Serve the pictures of a folder over UDP, chunk by chunk.
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
