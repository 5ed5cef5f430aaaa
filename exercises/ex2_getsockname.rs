//! Exercise 2, step 5: which address and port did the OS give the client's socket?
//!
//! Handout: Exercise 2, step 5 (getsockname).
//!
//! Terminal 1: `cargo run --example ex2_tcp_loop` (or `ex1_tcp_server`)
//! Terminal 2: `cargo ex ex2_getsockname`
//! Exercise 2, step 2 ("during"): `cargo run --example ex2_getsockname -- --hold 30` keeps the
//! connection open 30 s before it speaks: run `ex2_netstat` meanwhile to see it ESTABLISHED.
//! Check your work: `cargo run -- check ex2_getsockname`

use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use tp_sockets::net::{connect_error, exchange_error, finish, welcome};

/// Connect to the server on 127.0.0.1:60000 and print both ends' addresses.
#[derive(Parser)]
struct Args {
    /// Keep the connection open this many seconds before sending (to watch it with ex2_netstat)
    #[arg(long, value_name = "SECONDS", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=3600))]
    hold: u64,
}

pub fn main() -> ExitCode {
    let args = Args::parse();
    finish(run(Duration::from_secs(args.hold)))
}

fn run(hold: Duration) -> Result<(), String> {
    let server = SocketAddr::from(([127, 0, 0, 1], 60000));
    let mut stream =
        TcpStream::connect(server).map_err(|e| connect_error(server, &e, "ex2_tcp_loop"))?;

    // TODO (step 5): get the client socket's own address with stream.local_addr() (that is
    // getsockname), and the server's with stream.peer_addr() (getpeername); print them as
    // `local address: <address>` and `server address: <address>`.
    todo!("step 5: print the addresses");

    if !hold.is_zero() {
        println!(
            "holding the connection open for {} s: `cargo run --example ex2_netstat` shows it ESTABLISHED",
            hold.as_secs()
        );
        std::thread::sleep(hold);
    }

    let reply = welcome::exchange(&mut stream, "Hello from the client")
        .map_err(|e| exchange_error(server, &e))?;
    println!("server replied: {reply}");
    Ok(())
}
