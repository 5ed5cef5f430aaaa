//! Project: ask the parity server about a picture, and say the answer in words.
//!
//! Follows Exercise 4.
//!
//! Terminal 1: `cargo run --example proj_parity_server`
//! Terminal 2: `cargo ex proj_parity_client -- house.jpg`
//! Check your work: `cargo run -- check proj_parity_client`

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use tp_sockets::image::parity::{self, DEFAULT_PORT, MAX_DATAGRAM};
use tp_sockets::image::picture::describe;
use tp_sockets::net::{finish, shown, sock, udp};

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
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    let server = sock::resolve(&args.host, args.port)?[0];
    let socket = udp::socket_for(server).map_err(|e| format!("cannot create a UDP socket: {e}"))?;
    socket
        .send_to(args.name.as_bytes(), server)
        .map_err(|e| format!("cannot send to {server}: {e}"))?;

    let timeout = Duration::from_secs(args.timeout);
    let mut buffer = [0u8; MAX_DATAGRAM];
    let received = udp::receive_from(&socket, server, &mut buffer, Instant::now() + timeout)
        .map_err(|e| format!("cannot receive from {server}: {e}"))?
        .ok_or_else(|| udp::no_answer(server, timeout, "cargo run --example proj_parity_server"))?;
    let reply = String::from_utf8_lossy(&buffer[..received]);
    println!("{}: {}", args.name, in_words(reply.trim_end())?);
    Ok(())
}

/// `OK 640 427 pair impair` in words; an `ERR` or a malformed answer is an error.
fn in_words(reply: &str) -> Result<String, String> {
    // TODO (project): read the answer line.
    // - `ERR <reason>`: return Err(format!("the server says: {}", shown(reason))): shown()
    //   escapes the control characters a server could send to play with your terminal.
    // - `OK <width> <height> <pair|impair> <pair|impair>`: check that both numbers parse and
    //   that the parities match them (parity::of(n)), then return Ok(describe(width, height)).
    // - anything else: Err(format!("the server sent an answer this client cannot read: {reply:?}")).
    todo!("project: the answer in words")
}
