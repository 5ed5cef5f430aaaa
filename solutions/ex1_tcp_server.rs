//! Exercise 1, server side: a TCP server that welcomes one client, then stops.
//!
//! Handout: Exercise 1, part 1 (steps 4 to 11).
//!
//! Terminal 1: `cargo run --example ex1_tcp_server`
//! Terminal 2: `cargo run --example ex1_tcp_client`

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

    // Step 4: socket() asks the OS for a new communication endpoint. Domain::IPV4 is AF_INET
    // (IPv4 addresses) and Type::STREAM is SOCK_STREAM (a reliable byte stream: TCP).
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)
        .map_err(|e| format!("cannot create a socket: {e}"))?;
    sock::allow_quick_restart(&socket).map_err(|e| format!("cannot set SO_REUSEADDR: {e}"))?;

    // Step 5: bind() gives the socket its local address: the (IP address, port) pair clients
    // will connect to. It fails if another socket already holds that port.
    socket
        .bind(&address.into())
        .map_err(|e| bind_error(address, &e))?;

    // Step 6: listen() turns it into a passive socket: from now on the OS completes incoming
    // connections by itself and queues up to 128 of them until the program accepts them.
    socket
        .listen(128)
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    println!("listening on {address}");

    // From here on, std's TcpListener wraps the same socket (same file descriptor).
    let listener = TcpListener::from(socket);

    // Step 7: accept(), on the listening socket, waits for a client, then returns a *new* socket
    // connected to that client and the client's address. The listening socket stays free for
    // other clients.
    let (mut client, client_address) = listener
        .accept()
        .map_err(|e| format!("cannot accept a connection: {e}"))?;

    // Step 8: read() (recv) returns what has arrived, at most 1024 bytes here; whatever does not
    // fit stays queued for the next read. 0 bytes means the client closed its side.
    let mut buffer = [0u8; 1024];
    let received = client
        .read(&mut buffer)
        .map_err(|e| format!("lost the connection with {client_address}: {e}"))?;

    // Step 9: write_all() (send) sends bytes, not text: b"..." is a byte string.
    client
        .write_all(b"Welcome to this server")
        .map_err(|e| format!("cannot reply to {client_address}: {e}"))?;

    // Step 10: the bytes become text to print; from_utf8_lossy shows bytes that are not UTF-8
    // as U+FFFD instead of failing, and {:?} quotes the text and escapes control characters.
    let message = String::from_utf8_lossy(&buffer[..received]);
    println!("received {message:?} from {client_address}");

    // Step 11: close() both sockets: the one connected to the client, then the listening one.
    // Rust has no close(): dropping a socket closes it, at the end of its scope or, as here,
    // with drop(x) where it should happen. This side closes first, so it is this side that
    // keeps the connection in TIME_WAIT for a while (Exercise 2, step 3 shows it).
    drop(client);
    drop(listener);
    Ok(())
}
