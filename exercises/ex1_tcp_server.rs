//! Exercise 1, server side: a TCP server that welcomes one client, then stops.
//!
//! Handout: Exercise 1, part 1 (steps 4 to 11).
//!
//! Terminal 1: `cargo ex ex1_tcp_server`
//! Terminal 2: `cargo ex ex1_tcp_client` (or the reference: `cargo run --example ex1_tcp_client`)
//! Check your work: `cargo run -- check ex1_tcp_server`

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use socket2::{Domain, Socket, Type};
use tp_sockets::net::{bind_error, finish, sock};

pub fn main() -> ExitCode {
    finish(run())
}

fn run() -> Result<(), String> {
    let address = SocketAddr::from(([127, 0, 0, 1], 60000));

    // TODO (step 4): create an IPv4 (Domain::IPV4) TCP (Type::STREAM) socket with Socket::new.
    // Turn an error into a message with .map_err(|e| format!("cannot create a socket: {e}"))?
    let socket: Socket = todo!("step 4: create the socket");
    sock::allow_quick_restart(&socket).map_err(|e| format!("cannot set SO_REUSEADDR: {e}"))?;

    // TODO (step 5): bind the socket to `address` (socket.bind takes `&address.into()`).
    // Report a failure with .map_err(|e| bind_error(address, &e))?
    todo!("step 5: bind");

    // TODO (step 6): put the socket in listening mode (socket.listen, with a backlog of 128).
    todo!("step 6: listen");
    println!("listening on {address}");

    // From here on, std's TcpListener wraps the same socket (same file descriptor).
    let listener = TcpListener::from(socket);

    // TODO (step 7): accept one client. accept() is called on the listening socket, `listener`
    // (`socket` now lives inside it); it waits for a client and gives back two things: a new
    // socket connected to that client, and the client's address.
    let (mut client, client_address): (std::net::TcpStream, SocketAddr) = todo!("step 7: accept");

    // TODO (step 8): read at most 1024 bytes from the client into a buffer.
    let mut buffer = [0u8; 1024];
    let received: usize = todo!("step 8: receive");

    // TODO (step 9): send the bytes b"Welcome to this server" to the client.
    todo!("step 9: send");

    // TODO (step 10): print the message and who sent it. The line must read exactly like this,
    // for a client that sent `hi from nc` and a newline:
    //     received "hi from nc\n" from 127.0.0.1:54321
    // Turn the bytes into text with String::from_utf8_lossy, and print it with {:?} (not {}):
    // {:?} adds the quotes and writes a newline as \n, so the line stays on one line.
    todo!("step 10: print what was received");

    // TODO (step 11): close the client's socket, then the listening socket. Rust has no close():
    // a socket is closed when it is dropped, at the end of its scope or with drop(x) where you
    // want it to happen.
    todo!("step 11: close");
    Ok(())
}
