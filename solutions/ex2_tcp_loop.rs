//! Exercise 2, step 7: a server that goes back to accept() after each client, for ever.
//!
//! Handout: Exercise 2, step 7.
//!
//! Terminal 1: `cargo run --example ex2_tcp_loop` (Ctrl-C to stop it)
//! Terminal 2: `cargo run --example ex1_tcp_client`, as many times as you like

use std::process::ExitCode;

use tp_sockets::net::{finish, sock, welcome};

pub fn main() -> ExitCode {
    finish(run())
}

fn run() -> Result<(), String> {
    let listener = sock::bind_and_listen("127.0.0.1", 60000)?;
    println!("listening on 127.0.0.1:60000");

    // Step 7: after each client, back to accept(). The listening socket stays open the whole
    // time; connections that arrive while a client is being served wait in the listen backlog.
    // One client's problems (silence, a reset) are reported and never stop the loop.
    for count in 1.. {
        welcome::welcome_next(&listener, count);
    }
    Ok(())
}
