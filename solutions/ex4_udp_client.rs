//! Exercise 4, client side: send one datagram, wait (not for ever) for the answer.
//!
//! Handout: Exercise 4.
//!
//! Terminal 1: `cargo run --example ex4_udp_server -- 60000`
//! Terminal 2: `cargo run --example ex4_udp_client -- 60000 Bonjour`

use std::io::ErrorKind;
use std::net::UdpSocket;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use tp_sockets::net::welcome::BUFFER;
use tp_sockets::net::{finish, io::is_timeout, prompt, shown, sock, udp};

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

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    let server = sock::resolve(&args.host, args.port)?[0];
    let timeout = Duration::from_secs_f64(args.timeout);
    let start = format!("cargo run --example ex4_udp_server -- {}", args.port);
    let silence = udp::no_answer(server, timeout, &start);

    // a) A datagram socket; binding port 0 lets the OS choose ours, as connect() does for TCP.
    let v6 = server.is_ipv6();
    let any = if v6 { "[::]:0" } else { "0.0.0.0:0" };
    let socket = UdpSocket::bind(any).map_err(|e| format!("cannot create a UDP socket: {e}"))?;

    // c) send_to: no connect() first, the destination goes with the datagram.
    socket
        .send_to(args.message.join(" ").as_bytes(), server)
        .map_err(|e| format!("cannot send to {server}: {e}"))?;

    // d) recv_from, with a deadline: a lost datagram, or no server, and nothing ever arrives,
    // and nothing says so. Datagrams from anyone but the server are ignored.
    let deadline = Instant::now() + timeout;
    let mut buffer = [0u8; BUFFER];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(silence);
        }
        socket
            .set_read_timeout(Some(left))
            .map_err(|e| format!("cannot set the timeout: {e}"))?;
        let result = socket.recv_from(&mut buffer);
        match result {
            Ok((received, from)) if from == server => {
                // The answer is shown with control characters escaped (see ex1_tcp_client).
                println!("server replied: {}", shown(&buffer[..received]));
                return Ok(());
            }
            Ok(_) => continue,
            // Windows turns the ICMP "port unreachable" into ConnectionReset on the next read.
            Err(e) if is_timeout(&e) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Err(silence),
            Err(e) => return Err(format!("cannot receive from {server}: {e}")),
        }
    }
}
