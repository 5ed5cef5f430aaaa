//! Exercise 3, client side: the port and the message come from the command line.
//!
//! Handout: Exercise 3.
//!
//! Terminal 1: `cargo run --example ex3_args_server -- 60000`
//! Terminal 2: `cargo run --example ex3_args_client -- 60000 Bonjour`

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::net::{exchange_error, finish, sock, welcome};

/// Send a message to a TCP server and print its reply.
#[derive(Parser)]
struct Args {
    /// The server's port (1 to 65535)
    #[arg(value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// The message to send; several words are joined with spaces
    #[arg(required = true, num_args = 1..)]
    message: Vec<String>,
    /// The server's address or name: 127.0.0.1, localhost, ::1, ...
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
}

pub fn main() -> ExitCode {
    // Exercise 3: argv[1] is the port, the rest is the message. clap checks them: a port
    // that is not a number from 1 to 65535 is refused with a usage message and exit code 2.
    let args = Args::parse();
    finish(run(&args))
}

fn run(args: &Args) -> Result<(), String> {
    let message = args.message.join(" ");
    let mut stream = sock::resolve_and_connect(&args.host, args.port, "ex3_args_server")?;
    let server = stream
        .peer_addr()
        .map_err(|e| format!("getpeername failed: {e}"))?;
    let reply = welcome::exchange(&mut stream, &message).map_err(|e| exchange_error(server, &e))?;
    println!("server replied: {reply}");
    Ok(())
}
