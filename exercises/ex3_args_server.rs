//! Exercise 3, server side: the port (and address) come from the command line.
//!
//! Handout: Exercise 3.
//!
//! Terminal 1: `cargo ex ex3_args_server -- 60000`
//! Terminal 2: `cargo run --example ex3_args_client -- 60000 Bonjour`
//! Check your work: `cargo run -- check ex3_args_server`

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::net::{finish, sock, welcome};

/// A TCP server that answers "Welcome to this server" to every client, for ever.
#[derive(Parser)]
struct Args {
    // TODO (Exercise 3): declare the arguments, each with a /// line that --help shows:
    // - `port: u16`, positional: the port to listen on (0: let the system choose);
    // - `host: String`, an option `--host` (#[arg(long, default_value = "127.0.0.1")]).
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
    // TODO (Exercise 3): listen on the host and port from the command line, with
    // sock::bind_and_listen(&args.host, args.port)?
    let listener: std::net::TcpListener = todo!("Exercise 3: listen where the arguments say");
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    println!("listening on {address}");
    for count in 1.. {
        welcome::welcome_next(&listener, count);
    }
    Ok(())
}
