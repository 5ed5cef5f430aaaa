//! Exercise 4, client side: send one datagram, wait (not for ever) for the answer.
//!
//! Handout: Exercise 4.
//!
//! Terminal 1: `cargo run --example ex4_udp_server -- 60000`
//! Terminal 2: `cargo ex ex4_udp_client -- 60000 Bonjour`
//! Check your work: `cargo grade --test ex4_udp`

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use tp_sockets::net::welcome::BUFFER;
use tp_sockets::net::{finish, prompt, shown, sock};

/// Send a message to a UDP server and print its answer.
#[derive(Parser)]
struct Args {
    /// The server's port (1 to 65535)
    #[arg(value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// The message to send; several words are joined with spaces
    #[arg(required = true, num_args = 1..)]
    message: Vec<String>,
    /// The server's address or name: 127.0.0.1, localhost, ::1, ...
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// How long to wait for the answer, in seconds
    #[arg(long, default_value_t = 2.0, value_parser = prompt::parse_seconds)]
    timeout: f64,
}

/// The line for a request that got no answer in time.
fn no_answer(server: SocketAddr, timeout: Duration, port: u16) -> String {
    let start = format!("cargo run --example ex4_udp_server -- {port}");
    tp_sockets::net::udp::no_answer(server, timeout, &start)
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    let server = sock::resolve(&args.host, args.port)?[0];
    let timeout = Duration::from_secs_f64(args.timeout);

    // a) A datagram socket; binding port 0 lets the OS choose ours, as connect() does for TCP.
    let any: SocketAddr = if server.is_ipv6() {
        "[::]:0".parse()
    } else {
        "0.0.0.0:0".parse()
    }
    .map_err(|e| format!("{e}"))?;
    // TODO (a): create a UDP socket bound to `any` (UdpSocket::bind).
    let socket: UdpSocket = todo!("a: create the UDP socket");

    // c) send_to: no connect() first, the destination goes with the datagram.
    let message = args.message.join(" ");
    // TODO (c): send the message to `server` with socket.send_to.
    todo!("c: sendto");

    // d) recv_from, with a deadline: if the datagram or the answer is lost, or no server is
    // there, nothing will ever arrive, and nothing will say so. Datagrams from anyone but the
    // server are ignored.
    let deadline = Instant::now() + timeout;
    let mut buffer = [0u8; BUFFER];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(no_answer(server, timeout, args.port));
        }
        socket
            .set_read_timeout(Some(left))
            .map_err(|e| format!("cannot set the timeout: {e}"))?;
        // TODO (d): receive with socket.recv_from(&mut buffer) in place of todo!(); the match
        // below sorts out what it gives: the datagram and its sender, or an error.
        let result: std::io::Result<(usize, SocketAddr)> = todo!("d: recvfrom");
        match result {
            Ok((received, from)) if from == server => {
                // The answer is shown with control characters escaped (see ex1_tcp_client).
                println!("server replied: {}", shown(&buffer[..received]));
                return Ok(());
            }
            Ok(_) => continue,
            // Windows turns the ICMP "port unreachable" into ConnectionReset on the next read.
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                return Err(no_answer(server, timeout, args.port));
            }
            Err(e) => return Err(format!("cannot receive from {server}: {e}")),
        }
    }
}
