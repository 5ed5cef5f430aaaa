//! Exercise 1, client side: connect to the server, send a message, print the reply.
//!
//! Handout: Exercise 1, part 2 (steps 3 to 7), and Exercise 2, step 1 (print the reply).
//!
//! Terminal 1: `cargo ex ex1_tcp_server` (or the reference: `cargo run --example ex1_tcp_server`)
//! Terminal 2: `cargo ex ex1_tcp_client`
//! Check your work: `cargo run -- check ex1_tcp_client`

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

    // TODO (step 3): create the same kind of socket as the server's (IPv4, TCP).
    let socket: Socket = todo!("step 3: create the socket");

    // TODO (step 4): connect to `server`. If it fails, explain why with
    // .map_err(|e| connect_error(server, &e, "ex1_tcp_server"))?
    todo!("step 4: connect");
    let mut stream = TcpStream::from(socket);

    // TODO (step 5): send a message to the server, as bytes. Any text will do (the server and
    // the tests accept any message): b"Hello from the client" is a byte string.
    todo!("step 5: send");

    // TODO (step 6): first give up on a server that never answers: set a read timeout of
    // REPLY_TIMEOUT on `stream` (set_read_timeout takes Some(duration)). Then receive the reply:
    // the server closes after replying, so read until the end of the stream, at most 1024 bytes
    // ((&mut stream).take(1024).read_to_end(&mut reply)); explain a failure, a timeout
    // included, with .map_err(|e| exchange_error(server, &e))?
    let mut reply: Vec<u8> = Vec::new();
    todo!("step 6: receive");

    // TODO (Exercise 2, step 1): print `server replied: <reply>`, the reply made text by
    // shown(&reply): it escapes control characters, which a server could send to clear or
    // retitle your terminal.
    todo!("Exercise 2 step 1: print the reply");

    // TODO (step 7): close the socket.
    todo!("step 7: close");
    Ok(())
}
