//! Exercise 3, server side: the port (and address) come from the command line.
//!
//! Handout: Exercise 3.
//!
//! Terminal 1: `cargo run --example ex3_args_server -- 60000`
//! Terminal 2: `cargo run --example ex3_args_client -- 60000 Bonjour`

use std::process::ExitCode;

use clap::Parser;
use tp_sockets::net::{finish, sock, welcome};

/// A TCP server that answers "Welcome to this server" to every client, for ever.
#[derive(Parser)]
struct Args {
    /// The port to listen on (0: let the system choose one)
    port: u16,
    /// The address to listen on: 127.0.0.1 for this machine only, ::1 for IPv6, 0.0.0.0 for
    /// every network of this machine
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
}

pub fn main() -> ExitCode {
    // Exercise 3: clap reads the command line (what sys.argv holds in Python) into Args;
    // a missing or bad argument stops here with a usage message and exit code 2.
    let args = Args::parse();
    finish(run(&args))
}

fn run(args: &Args) -> Result<(), String> {
    let listener = sock::bind_and_listen(&args.host, args.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    println!("listening on {address}");
    for count in 1.. {
        welcome::welcome_next(&listener, count);
    }
    Ok(())
}
