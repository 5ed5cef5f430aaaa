//! Exercise 2, step 4, client side: the port and the message are typed in by the user.
//!
//! Handout: Exercise 2, step 4.
//!
//! Terminal 1: `cargo run --example ex2_dynamic_server`, then type a port (60000)
//! Terminal 2: `cargo ex ex2_dynamic_client`, then type the same port and a message
//! Check your work: `cargo run -- check ex2_dynamic_client`

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;

use tp_sockets::net::{connect_error, exchange_error, finish, prompt, welcome};

pub fn main() -> ExitCode {
    finish(run())
}

fn run() -> Result<(), String> {
    let mut input = io::stdin().lock();

    // Step 4: the port and the message come from the user; each answer is checked, and a bad
    // one is explained and asked again.
    // TODO (step 4): ask for the port (question "port: ", checked by prompt::parse_port), then
    // for the message (question "message: ", checked by prompt::parse_message), with
    // prompt::ask(&mut input, QUESTION, CHECK)?
    let port: u16 = todo!("step 4: ask for the port");
    let message: String = todo!("step 4: ask for the message");

    // The rest is Exercise 1 (TcpStream::connect does socket() and connect() in one call).
    let server = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream =
        TcpStream::connect(server).map_err(|e| connect_error(server, &e, "ex2_dynamic_server"))?;
    let reply = welcome::exchange(&mut stream, &message).map_err(|e| exchange_error(server, &e))?;
    println!("server replied: {reply}");
    Ok(())
}
