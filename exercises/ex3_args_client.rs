//! Exercise 3, client side: the port and the message come from the command line.
//!
//! Handout: Exercise 3.
//!
//! Terminal 1: `cargo run --example ex3_args_server -- 60000`
//! Terminal 2: `cargo ex ex3_args_client -- 60000 Bonjour`
//! Check your work: `cargo run -- check ex3_args_client`

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::net::{exchange_error, finish, sock, welcome};

/// Send a message to a TCP server and print its reply.
#[derive(Parser)]
struct Args {
    // TODO (Exercise 3): declare the arguments, each with a /// line that --help shows:
    // - `port: u16`, positional, from 1 to 65535
    //   (#[arg(value_parser = clap::value_parser!(u16).range(1..))]);
    // - `message: Vec<String>`, the rest of the line, at least one word
    //   (#[arg(required = true, num_args = 1..)]);
    // - `host: String`, an option `--host` whose default is 127.0.0.1
    //   (#[arg(long, default_value = "127.0.0.1")]: `long` makes it an option named after the
    //   field, `--host`, instead of a positional argument).
}

pub fn main() -> ExitCode {
    // TODO (Exercise 3): declare the arguments in `Args` above, then delete the todo!() below.
    // clap reads the command line into Args: a missing or bad argument stops here with a
    // usage message and exit code 2.
    todo!("Exercise 3: the arguments");
    let args = Args::parse();
    finish(run(&args))
}

fn run(args: &Args) -> Result<(), String> {
    // TODO (Exercise 3): join the words of the message with spaces, and connect to the host
    // and port from the command line with sock::resolve_and_connect(&args.host, args.port, "ex3_args_server")?
    let message: String = todo!("Exercise 3: the message");
    let mut stream: std::net::TcpStream = todo!("Exercise 3: connect");
    let server = stream
        .peer_addr()
        .map_err(|e| format!("getpeername failed: {e}"))?;
    let reply = welcome::exchange(&mut stream, &message).map_err(|e| exchange_error(server, &e))?;
    println!("server replied: {reply}");
    Ok(())
}
