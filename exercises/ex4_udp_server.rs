//! Exercise 4, server side: UDP, a socket with no connection.
//!
//! Handout: Exercise 4 (a: SOCK_DGRAM; b: no listen/accept/connect; c: sendto; d: recvfrom).
//!
//! Terminal 1: `cargo ex ex4_udp_server -- 60000`
//! Terminal 2: `cargo run --example ex4_udp_client -- 60000 Bonjour`
//! Check your work: `cargo run -- check ex4_udp_server`

use std::net::UdpSocket;
use std::process::ExitCode;

use clap::Parser;
use tp_sockets::net::reflection::ReplyLimit;
use tp_sockets::net::welcome::{BUFFER, WELCOME};
use tp_sockets::net::{finish, sock};

/// A UDP server: prints every datagram it receives and answers each with
/// "Welcome to this server".
#[derive(Parser)]
struct Args {
    /// The port to receive on (0: let the system choose one)
    port: u16,
    /// The address to receive on: 127.0.0.1, ::1, 0.0.0.0, ...
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    // a) A datagram socket (SOCK_DGRAM: UDP), bound to an address like a TCP server's.
    // b) There is no listen() and no accept(): no connection will ever be set up.
    let address = sock::resolve(&args.host, args.port)?[0];
    // TODO (a, b): create a UDP socket bound to `address` with UdpSocket::bind (it makes a
    // SOCK_DGRAM socket and binds it); report a failure with tp_sockets::net::bind_error(address, &e).
    let socket: UdpSocket = todo!("a: create and bind the UDP socket");
    let address = socket
        .local_addr()
        .map_err(|e| format!("cannot read the local address: {e}"))?;
    // UDP has no listen(): the bound socket simply receives the datagrams sent to it.
    println!("receiving on {address}");

    let mut buffer = [0u8; BUFFER];
    let mut limit = ReplyLimit::new();
    loop {
        // d) recv_from (recvfrom) returns one whole datagram and who sent it. A datagram longer
        // than the buffer is cut: the rest is lost, not kept for the next call as TCP would.
        // Windows reports that as an error (WSAEMSGSIZE) instead of returning the first bytes.
        // TODO (d): receive one datagram with socket.recv_from(&mut buffer): you get the number of
        // bytes and the sender's address. On an error, print it with eprintln! and `continue`:
        // one bad datagram must not stop the server.
        let (received, sender): (usize, std::net::SocketAddr) = todo!("d: recvfrom");
        // Anyone can write any source address on a datagram: a server that answers everything
        // would flood whoever an attacker names (reflection). Each sender gets a few answers
        // at once, then a few per second; an empty datagram, none. What is refused is told in
        // one line per second at most.
        if !limit.allows(sender, received) {
            if let Some(line) = limit.report() {
                eprintln!("{line}");
            }
            continue;
        }
        let message = String::from_utf8_lossy(&buffer[..received]);
        println!("from {sender}: {message:?}");

        // c) send_to (sendto) names the destination on every call: the address the datagram
        // came from. Nothing tells us whether it arrives.
        // TODO (c): answer WELCOME to `sender` with socket.send_to; print an error, don't stop.
        todo!("c: sendto");
    }
}
