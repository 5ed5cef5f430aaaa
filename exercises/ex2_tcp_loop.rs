//! Exercise 2, step 7: a server that goes back to accept() after each client, for ever.
//!
//! Handout: Exercise 2, step 7.
//!
//! Terminal 1: `cargo ex ex2_tcp_loop` (Ctrl-C to stop it)
//! Terminal 2: `cargo run --example ex1_tcp_client`, as many times as you like
//! Check your work: `cargo run -- check ex2_tcp_loop`

use std::process::ExitCode;

use tp_sockets::net::{finish, sock, welcome};

pub fn main() -> ExitCode {
    finish(run())
}

fn run() -> Result<(), String> {
    let listener = sock::bind_and_listen("127.0.0.1", 60000)?;
    println!("listening on 127.0.0.1:60000");

    // TODO (step 7): serve clients one after the other, for ever: call
    // welcome::welcome_next(&listener, count) in a loop, count = 1, 2, 3, ...
    // (it accepts one client, answers it and prints `client <count> from ...`).
    todo!("step 7: loop over clients");
    Ok(())
}
