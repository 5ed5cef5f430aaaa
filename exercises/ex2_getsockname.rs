//! Exercise 2, step 5: which address and port did the OS give the client's socket?
//!
//! Handout: Exercise 2, step 5 (getsockname).
//!
//! Terminal 1: `cargo run --example ex2_tcp_loop` (or `ex1_tcp_server`)
//! Terminal 2: `cargo ex ex2_getsockname`
//! Check your work: `cargo grade --test ex2_getsockname`

use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use tp_sockets::net::{connect_error, exchange_error, finish, welcome};

pub fn main() -> ExitCode {
    finish(run())
}

fn run() -> Result<(), String> {
    let server = SocketAddr::from(([127, 0, 0, 1], 60000));
    let mut stream =
        TcpStream::connect(server).map_err(|e| connect_error(server, &e, "ex2_tcp_loop"))?;

    // TODO (step 5): get the client socket's own address with stream.local_addr() (that is
    // getsockname), and the server's with stream.peer_addr() (getpeername); print them as
    // `local address: <address>` and `server address: <address>`.
    todo!("step 5: print the addresses");

    let reply = welcome::exchange(&mut stream, "Hello from the client")
        .map_err(|e| exchange_error(server, &e))?;
    println!("server replied: {reply}");
    Ok(())
}
