//! Exercise 1, client side: connect to the server, send a message, print the reply.
//!
//! Handout: Exercise 1, part 2 (steps 3 to 7), and Exercise 2, step 1 (print the reply).
//!
//! Terminal 1: `cargo run --example ex1_tcp_server`
//! Terminal 2: `cargo run --example ex1_tcp_client`

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use socket2::{Domain, Socket, Type};
use tp_sockets::net::{REPLY_TIMEOUT, connect_error, exchange_error, finish, shown};

pub fn main() -> ExitCode {
    finish(run())
}

fn run() -> Result<(), String> {
    let server = SocketAddr::from(([127, 0, 0, 1], 60000));

    // Step 3: the same kind of socket as the server's: IPv4 (AF_INET), TCP (SOCK_STREAM).
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)
        .map_err(|e| format!("cannot create a socket: {e}"))?;

    // Step 4: connect() opens the connection (TCP's three-way handshake). The OS picks a free
    // local port for this socket by itself, since the client did not bind one.
    socket
        .connect(&server.into())
        .map_err(|e| connect_error(server, &e, "ex1_tcp_server"))?;
    let mut stream = TcpStream::from(socket);

    // Step 5: send the message, as bytes.
    stream
        .write_all(b"Hello from the client")
        .map_err(|e| format!("cannot send to {server}: {e}"))?;

    // Step 6: receive the reply. The server closes the connection after replying, so reading
    // until end of stream (a 0-byte read) collects the whole reply even if TCP delivers it in
    // several pieces; take(1024) keeps a misbehaving server from filling our memory. A server
    // that accepts and then says nothing would keep read() waiting for ever: set_read_timeout
    // (SO_RCVTIMEO) makes a read that waited REPLY_TIMEOUT (5 s) fail instead.
    stream
        .set_read_timeout(Some(REPLY_TIMEOUT))
        .map_err(|e| format!("cannot set a timeout: {e}"))?;
    let mut reply = Vec::new();
    (&mut stream)
        .take(1024)
        .read_to_end(&mut reply)
        .map_err(|e| exchange_error(server, &e))?;

    // Exercise 2, step 1: show what the server answered. Its bytes are not to be trusted:
    // shown() makes them text and escapes control characters, which could otherwise clear or
    // retitle your terminal.
    println!("server replied: {}", shown(&reply));

    // Step 7: close the socket (dropping it closes it).
    drop(stream);
    Ok(())
}
