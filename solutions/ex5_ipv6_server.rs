//! Advanced exercise, server side: the TCP server in IPv6 (AF_INET6).
//!
//! Handout: Advanced exercise, steps 1-3.
//!
//! Terminal 1: `cargo run --example ex5_ipv6_server -- 60000` (binds ::1; also try
//! `--dual-stack` and `--v6only`)
//! Terminal 2: `cargo run --example ex5_ipv6_client -- 60000 Bonjour` (IPv6), then with `--ipv4`

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
    // Step 1: an IPv6 socket: Domain::IPV6 is AF_INET6.
    let socket = Socket::new(Domain::IPV6, Type::STREAM, None).map_err(|e| {
        if ipv6_missing(&e) {
            NO_IPV6.to_string()
        } else {
            format!("cannot create an IPv6 socket: {e}")
        }
    })?;
    sock::allow_quick_restart(&socket).map_err(|e| format!("cannot set SO_REUSEADDR: {e}"))?;

    // ::1 is IPv6's loopback (127.0.0.1's counterpart); :: is "every address" (0.0.0.0's).
    // On a socket bound to ::, IPV6_V6ONLY decides whether IPv4 clients get in too. Its default
    // differs: off on Linux (unless net.ipv6.bindv6only=1) and macOS, on on Windows. Set it.
    let ip = if args.dual_stack || args.v6only {
        socket
            .set_only_v6(args.v6only)
            .map_err(|e| format!("cannot set IPV6_V6ONLY: {e}"))?;
        Ipv6Addr::UNSPECIFIED
    } else {
        Ipv6Addr::LOCALHOST
    };
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
