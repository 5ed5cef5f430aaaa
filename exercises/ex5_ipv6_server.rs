//! Advanced exercise, server side: the TCP server in IPv6 (AF_INET6).
//!
//! Handout: Advanced exercise, steps 1-3.
//!
//! Terminal 1: `cargo ex ex5_ipv6_server -- 60000` (binds ::1; also try
//! `--dual-stack` and `--v6only`)
//! Terminal 2: `cargo run --example ex5_ipv6_client -- 60000 Bonjour` (IPv6), then with `--ipv4`
//! Check your work: `cargo run -- check ex5_ipv6_server`

use std::net::{Ipv6Addr, SocketAddr, TcpListener};
use std::process::ExitCode;

use clap::Parser;
use socket2::{Domain, Socket, Type};
use tp_sockets::net::io::ipv6_missing;
use tp_sockets::net::sock::{self, NO_IPV6};
use tp_sockets::net::{bind_error, finish, welcome};

/// A TCP server on IPv6: ::1 by default, or every address (::) with --dual-stack or --v6only.
#[derive(Parser)]
struct Args {
    /// The port to listen on (0: let the system choose one)
    port: u16,
    /// Listen on :: with IPV6_V6ONLY off: IPv4 clients are accepted too, seen as ::ffff:a.b.c.d
    #[arg(long, conflicts_with = "v6only")]
    dual_stack: bool,
    /// Listen on :: with IPV6_V6ONLY on: IPv6 clients only
    #[arg(long)]
    v6only: bool,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    // TODO (step 1): create the socket as in Exercise 1, but with the IPv6 domain
    // (Domain::IPV6, AF_INET6). If it fails and ipv6_missing(&e) says this machine has no IPv6,
    // return Err(NO_IPV6.to_string()); otherwise Err(format!("cannot create an IPv6 socket: {e}")).
    let socket: Socket = todo!("step 1: an IPv6 socket");
    sock::allow_quick_restart(&socket).map_err(|e| format!("cannot set SO_REUSEADDR: {e}"))?;

    // ::1 is IPv6's loopback (127.0.0.1's counterpart); :: is "every address" (0.0.0.0's).
    // On a socket bound to ::, IPV6_V6ONLY decides whether IPv4 clients get in too. Its default
    // differs: off on Linux (unless net.ipv6.bindv6only=1) and macOS, on on Windows. Set it.
    // TODO (step 1): choose the address: with --dual-stack or --v6only, Ipv6Addr::UNSPECIFIED
    // (::) after socket.set_only_v6(args.v6only); otherwise Ipv6Addr::LOCALHOST (::1).
    let ip: Ipv6Addr = todo!("step 1: ::1, or :: with IPV6_V6ONLY");
    let address = SocketAddr::from((ip, args.port));
    socket.bind(&address.into()).map_err(|e| {
        if ipv6_missing(&e) {
            NO_IPV6.to_string()
        } else {
            bind_error(address, &e)
        }
    })?;
    socket
        .listen(128)
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    let listener = TcpListener::from(socket);
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    println!("listening on {address}");

    // Clients print as [::1]:port, or [::ffff:127.0.0.1]:port for IPv4 ones on a dual stack.
    for count in 1.. {
        welcome::welcome_next(&listener, count);
    }
    Ok(())
}
