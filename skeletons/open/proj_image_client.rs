//! Project: download a picture by name, or choose it from the server's menu.
//!
//! Follows Exercise 3. The download is checked (size and Fletcher-32) and saved under its name
//! only once complete: an interrupted or damaged transfer leaves no file behind. Nothing the
//! server sends is trusted: names, sizes and texts are checked before they are used.
//!
//! Terminal 1: `cargo run --example proj_image_server`
//! Terminal 2: `cargo ex proj_image_client` (menu), or `-- car.png --preview`
//! Check your work: `cargo run -- check proj_image_client`
//!
//! Open level: only the command line is written. Design the program yourself, from
//! PROTOCOL.md and the tests, which `cargo run -- check proj_image_client` runs and explains;
//! the kit's helpers (tp_sockets::image, tp_sockets::net) are yours to use, or not.
//! `cargo run -- reset proj_image_client` brings back the guided skeleton.

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::image::save::SaveOptions;
use tp_sockets::image::tcp::DEFAULT_PORT;

/// Download a picture from the image server.
#[derive(Parser)]
struct Args {
    /// The picture to download; without it, choose from the server's menu
    name: Option<String>,
    /// The server's address or name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The server's port
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    #[command(flatten)]
    save: SaveOptions,
    /// Draw the picture in the terminal
    #[arg(long)]
    preview: bool,
}

pub fn main() -> ExitCode {
    // TODO (project, open level): read the command line (Args::parse()), then do what
    // PROTOCOL.md says this program does. An error a user can cause is one line on stderr and
    // exit code 1: tp_sockets::net::finish(result) does that for a Result<(), String>.
    todo!("project: the whole program, at the open level")
}
