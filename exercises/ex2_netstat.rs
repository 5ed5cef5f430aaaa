//! Exercise 2, steps 2 and 3: the sockets on the handout's ports, and their state.
//!
//! Handout: Exercise 2, steps 2-3 (what `netstat` shows before, during and after a connection).
//!
//! Terminal 1: `cargo run --example ex1_tcp_server`
//! Terminal 2: `cargo ex ex2_netstat` (before the client: LISTEN)
//! Terminal 2: `cargo run --example ex1_tcp_client`, then `cargo ex ex2_netstat`
//! again (after: TIME_WAIT). `--watch` redraws every second; `--port P` looks at other ports.
//! Check your work: `cargo run -- check ex2_netstat`

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
    // TODO (step 2): get the OS's table of sockets with netstat::sockets() (turn an error into
    // "cannot read the socket table: ...").
    let mut rows: Vec<SocketRow> = todo!("step 2: read the socket table");

    // TODO (step 2): keep only the rows that use one of `ports` (row.uses_port(port)), and sort
    // them (by protocol, then local port) so the table reads the same each time.
    todo!("step 2: keep the rows on our ports");

    // TODO (step 3): if no row is left, print `no TCP or UDP socket uses port <list(ports)>`;
    // otherwise print HEADER, then one line per row (a SocketRow prints itself with {}).
    todo!("step 3: print the table");
    Ok(())
}

fn list(ports: &[u16]) -> String {
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    ports.join(" or ")
}
