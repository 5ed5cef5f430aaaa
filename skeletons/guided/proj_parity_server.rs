//! Project: are a picture's width and height even ("pair") or odd ("impair")? Over UDP.
//!
//! Follows Exercise 4. The request datagram is a picture name (blank: car.png; empty: no
//! answer); the answer is one line: `OK <width> <height> <pair|impair> <pair|impair>` or
//! `ERR <reason>`.
//!
//! Terminal 1: `cargo ex proj_parity_server`
//! Terminal 2: `cargo run --example proj_parity_client -- house.jpg`
//! Check your work: `cargo run -- check proj_parity_server`

use std::io::BufReader;
use std::process::ExitCode;

use clap::Parser;
use tp_sockets::image::folder::{Folder, Lookup};
use tp_sockets::image::parity::{self, DEFAULT_PORT, MAX_DATAGRAM};
use tp_sockets::image::picture::dimensions;
use tp_sockets::image::serve::ServedFolder;
use tp_sockets::net::finish;
use tp_sockets::net::reflection::ReplyLimit;

/// The picture asked for by an empty request.
const DEFAULT_PICTURE: &str = "car.png";

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
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    let (folder, socket) = args.served.bind_udp(args.port)?;

    let mut buffer = [0u8; MAX_DATAGRAM];
    let mut limit = ReplyLimit::new();
    loop {
        let (received, sender) = match socket.recv_from(&mut buffer) {
            Ok(datagram) => datagram,
            Err(e) => {
                eprintln!("a datagram could not be received: {e}");
                continue;
            }
        };
        // A reply to anyone who asks would make this server a loudspeaker for floods
        // (reflection): each sender gets a few at once, then a few per second; an empty
        // datagram, none. One line per second at most tells what was refused.
        if !limit.allows(sender, received) {
            if let Some(line) = limit.report() {
                eprintln!("{line}");
            }
            continue;
        }
        let request = String::from_utf8_lossy(&buffer[..received]);
        let reply = answer(&folder, request.trim());
        println!("from {sender}: {request:?} -> {reply}");
        if let Err(e) = socket.send_to(format!("{reply}\n").as_bytes(), sender) {
            eprintln!("cannot answer {sender}: {e}");
        }
    }
}

/// The answer line for the picture `name`.
fn answer(folder: &Folder, name: &str) -> String {
    let name = if name.is_empty() {
        DEFAULT_PICTURE
    } else {
        name
    };
    // TODO (project): open the picture with folder.open(name), which applies the folder's rules:
    // - Ok(Lookup::Found((file, _))): read its size with dimensions(BufReader::new(file)) and
    //   answer `OK <width> <height> <parity of width> <parity of height>` (parity::of(n) gives
    //   pair/impair); if it is not a picture: `ERR <name> is not a PNG or JPEG picture`;
    // - Ok(Lookup::Refused(why)): `ERR <why>`; Ok(Lookup::Missing): `ERR no picture named <name>`;
    // - Err(e): `ERR cannot read <name>: <e>`.
    // Give each side its own parity (the original project kept only the last one).
    todo!("project: the answer line")
}
