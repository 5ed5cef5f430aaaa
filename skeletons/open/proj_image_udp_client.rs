//! Project: download a picture over UDP, making up for what UDP does not promise.
//!
//! Follows the TCP image project. The client asks for the file's size and checksum, then for
//! its chunks, a window of them at a time; it writes each chunk where it belongs, ignores the
//! ones it already has, and asks again for those that do not come. The whole file's Fletcher-32
//! is checked at the end, and only then does the file get its name.
//!
//! Terminal 1: `cargo run --example proj_image_udp_server`
//! Terminal 2: `cargo ex proj_image_udp_client -- car.png`
//! Through loss: `cargo run --example proj_lossy_proxy -- --listen 40676 --server 127.0.0.1:40675
//! --drop 0.3`, then `cargo ex proj_image_udp_client -- --port 40676 car.png`
//! Check your work: `cargo run -- check proj_image_udp_client`
//!
//! Open level: only the command line is written. Design the program yourself, from
//! PROTOCOL.md and the tests, which `cargo run -- check proj_image_udp_client` runs and explains;
//! the kit's helpers (tp_sockets::image, tp_sockets::net) are yours to use, or not.
//! `cargo run -- reset proj_image_udp_client` brings back the guided skeleton.

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::image::save::SaveOptions;
use tp_sockets::image::udp::{DEFAULT_CHUNK, DEFAULT_PORT, MAX_CHUNK, MIN_CHUNK};

/// Download a picture from the UDP image server.
#[derive(Parser)]
struct Args {
    /// The picture to download
    name: String,
    /// The server's address or name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The server's port
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    #[command(flatten)]
    save: SaveOptions,
    /// Bytes per chunk (512 to 65000); 1400 avoids IP fragmentation on a real network
    #[arg(long, default_value_t = DEFAULT_CHUNK,
          value_parser = clap::value_parser!(u16).range(i64::from(MIN_CHUNK)..=i64::from(MAX_CHUNK)))]
    chunk: u16,
    /// How many chunks may be asked for and not yet received
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    window: u32,
}

pub fn main() -> ExitCode {
    // TODO (project, open level): read the command line (Args::parse()), then do what
    // PROTOCOL.md says this program does. An error a user can cause is one line on stderr and
    // exit code 1: tp_sockets::net::finish(result) does that for a Result<(), String>.
    todo!("project: the whole program, at the open level")
}
