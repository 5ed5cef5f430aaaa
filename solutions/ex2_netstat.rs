//! Exercise 2, steps 2 and 3: the sockets on the handout's ports, and their state.
//!
//! Handout: Exercise 2, steps 2-3 (what `netstat` shows before, during and after a connection).
//!
//! Terminal 1: `cargo run --example ex1_tcp_server`
//! Terminal 2: `cargo run --example ex2_netstat` (before the client: LISTEN)
//! Terminal 2: `cargo run --example ex1_tcp_client`, then `cargo run --example ex2_netstat`
//! again (after: TIME_WAIT). `--watch` redraws every second; `--port P` looks at other ports.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::Parser;
use tp_sockets::net::finish;
use tp_sockets::net::netstat::{self, HEADER, SocketRow};

/// Show the TCP and UDP sockets of this machine that use the given ports, with their state and
/// owner: the part of `netstat -an` that concerns the lab.
#[derive(Parser)]
struct Args {
    /// A port to look for, as local or remote port; repeat it for several ports
    #[arg(long = "port", value_name = "PORT", default_values_t = [60000u16, 62000])]
    ports: Vec<u16>,
    /// Redraw the table every second, until Ctrl-C
    #[arg(long)]
    watch: bool,
}

pub fn main() -> ExitCode {
    let args = Args::parse();
    loop {
        if args.watch {
            if std::io::stdout().is_terminal() {
                print!("\x1b[2J\x1b[H"); // ANSI: clear the screen, go to its top-left corner
            }
            println!(
                "sockets on port {} at {} (every second, Ctrl-C to stop)",
                list(&args.ports),
                netstat::utc_clock()
            );
        }
        if let Err(message) = show(&args.ports) {
            return finish(Err(message));
        }
        if !args.watch {
            return ExitCode::SUCCESS;
        }
        thread::sleep(Duration::from_secs(1));
    }
}

fn show(ports: &[u16]) -> Result<(), String> {
    // Step 2: ask the OS for its table of sockets, as netstat does.
    let mut rows: Vec<SocketRow> =
        netstat::sockets().map_err(|e| format!("cannot read the socket table: {e}"))?;

    // Keep the sockets whose local or remote port is one we look for: a connection shows up
    // on both of its ends, the server's port as local port on one row and as remote on the other.
    rows.retain(|row| ports.iter().any(|&port| row.uses_port(port)));
    rows.sort_by_key(|row| (row.proto, row.local.port(), row.remote.map(|r| r.port())));

    // Step 3: after both programs have ended, an empty table means every socket is gone;
    // a TIME_WAIT row means the side that closed first still holds the connection for a while.
    if rows.is_empty() {
        println!("no TCP or UDP socket uses port {}", list(ports));
        return Ok(());
    }
    println!("{HEADER}");
    for row in &rows {
        println!("{row}");
    }
    Ok(())
}

fn list(ports: &[u16]) -> String {
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    ports.join(" or ")
}
