//! Advanced exercise, client side: connect over IPv6 (default) or IPv4 (`--ipv4`).
//!
//! Handout: Advanced exercise, steps 4-7.
//!
//! Terminal 1: `cargo run --example ex5_ipv6_server -- 60000`
//! Terminal 2: `cargo ex ex5_ipv6_client -- --ipv4 60000 Bonjour` (step 4: refused),
//! then `cargo ex ex5_ipv6_client -- 60000 Bonjour` (step 6: IPv6, works)
//! Check your work: `cargo run -- check ex5_ipv6_client`

use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::process::ExitCode;

use clap::Parser;
use tp_sockets::net::io::ipv6_missing;
use tp_sockets::net::sock::NO_IPV6;
use tp_sockets::net::{connect_error, exchange_error, finish, welcome};

/// Send a message to the IPv6 server, over IPv6 (to ::1) or IPv4 (to 127.0.0.1).
#[derive(Parser)]
struct Args {
    /// The server's port (1 to 65535)
    #[arg(value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// The message to send; several words are joined with spaces
    #[arg(required = true, num_args = 1..)]
    message: Vec<String>,
    /// Connect over IPv4, to 127.0.0.1, instead of IPv6 (to ::1)
    #[arg(long)]
    ipv4: bool,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    // Steps 4 and 6: the address family of the client decides which server sockets it can
    // reach: 127.0.0.1 is IPv4 (AF_INET), ::1 is IPv6 (AF_INET6).
    // TODO (steps 4 and 6): the server's address: 127.0.0.1 (Ipv4Addr::LOCALHOST) with --ipv4,
    // otherwise ::1 (Ipv6Addr::LOCALHOST), with args.port: SocketAddr::from((ip, port)).
    let server: SocketAddr = todo!("steps 4 and 6: the address, by family");
    println!("connecting to {server}");
    let mut stream = TcpStream::connect(server).map_err(|e| match e.kind() {
        _ if server.is_ipv6() && ipv6_missing(&e) => NO_IPV6.to_string(),
        ErrorKind::ConnectionRefused if args.ipv4 => format!(
            "cannot connect to {server}: nothing listens there over IPv4 (connection refused); \
             a server bound to ::1, or to :: with IPV6_V6ONLY, accepts IPv6 clients only: \
             connect over IPv6 (without --ipv4), or start the server with --dual-stack"
        ),
        _ => connect_error(server, &e, "ex5_ipv6_server"),
    })?;
    let local = stream
        .local_addr()
        .map_err(|e| format!("getsockname failed: {e}"))?;
    println!("local address: {local}");

    let reply = welcome::exchange(&mut stream, &args.message.join(" "))
        .map_err(|e| exchange_error(server, &e))?;
    println!("server replied: {reply}");
    Ok(())
}
