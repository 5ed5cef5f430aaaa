//! Exercise 2, step 6: the client binds a fixed port (62000) before it connects.
//!
//! Handout: Exercise 2, step 6 (a: run the client, b: run it again, c: what do you notice?).
//!
//! Terminal 1: `cargo run --example ex2_tcp_loop`
//! Terminal 2: `cargo ex ex2_static_bind`, twice in a row (the second run fails while
//! port 62000 is in TIME_WAIT); `cargo ex ex2_static_bind -- --reuse` sets SO_REUSEADDR.
//! Check your work: `cargo run -- check ex2_static_bind`

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use clap::Parser;
use socket2::{Domain, Socket, Type};
use tp_sockets::net::{connect_error, exchange_error, finish, time_wait_error, welcome};

/// Connect to 127.0.0.1:60000 from the fixed local port 62000.
#[derive(Parser)]
struct Args {
    /// Set SO_REUSEADDR before bind(), so that a port still in TIME_WAIT can be bound again
    /// (on Linux, only if the previous run had set it too)
    #[arg(long)]
    reuse: bool,
    /// The client's own port, bound before connecting
    #[arg(long, default_value_t = 62000)]
    local_port: u16,
    /// The server's port, on 127.0.0.1
    #[arg(long, default_value_t = 60000)]
    server_port: u16,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    let local = SocketAddr::from(([127, 0, 0, 1], args.local_port));
    let server = SocketAddr::from(([127, 0, 0, 1], args.server_port));
    let reuse = args.reuse;

    // std's TcpStream::connect cannot bind first, so the socket is made with socket2.
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)
        .map_err(|e| format!("cannot create a socket: {e}"))?;
    if reuse {
        socket
            .set_reuse_address(true)
            .map_err(|e| format!("cannot set SO_REUSEADDR: {e}"))?;
    }

    // TODO (step 6): bind the socket to `local` before connecting (socket.bind(&local.into())).
    // When the port is in use (ErrorKind::AddrInUse), return Err(time_wait_error(local,
    // reuse)); any other error: Err(format!("cannot bind {local}: {e}")).
    todo!("step 6: bind the client to its fixed port");
    socket
        .connect(&server.into())
        .map_err(|e| connect_error(server, &e, "ex2_tcp_loop"))?;
    let mut stream = TcpStream::from(socket);
    println!("local address: {local}");

    // welcome::exchange closes our sending side first, so this client always closes first: it is
    // this side, port 62000, that waits in TIME_WAIT afterwards.
    let reply = welcome::exchange(&mut stream, &format!("Hello from port {}", local.port()))
        .map_err(|e| exchange_error(server, &e))?;
    println!("server replied: {reply}");
    Ok(())
}
