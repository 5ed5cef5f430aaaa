//! Exercise 2, step 4, server side: the port is typed in by the user.
//!
//! Handout: Exercise 2, step 4.
//!
//! Terminal 1: `cargo run --example ex2_dynamic_server`, then type a port (60000)
//! Terminal 2: `cargo run --example ex2_dynamic_client`, then type the same port and a message

use std::io::{self, ErrorKind};
use std::process::ExitCode;

use tp_sockets::net::{finish, prompt, sock, welcome};

pub fn main() -> ExitCode {
    finish(run())
}

fn run() -> Result<(), String> {
    let mut input = io::stdin().lock();

    // Step 4: the port comes from the user. A typing mistake, a port below 1024 without the
    // right to use it, or a port already taken: explain and ask again. `break listener` ends
    // the loop and gives it its value.
    let listener = loop {
        let port = prompt::ask(&mut input, "port: ", prompt::parse_port)?;
        // bind_and_listen does Exercise 1's socket(), bind() and listen(). Its error keeps the
        // OS's kind of error, and prints as one line that explains it.
        match sock::bind_and_listen("127.0.0.1", port) {
            Ok(listener) => break listener,
            Err(e) if matches!(e.kind(), ErrorKind::PermissionDenied | ErrorKind::AddrInUse) => {
                eprintln!("{e}");
            }
            Err(e) => return Err(e.to_string()),
        }
    };
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    println!("listening on {address}");

    // The rest is Exercise 1: accept one client, read its message, answer, close.
    let (mut client, client_address) = listener
        .accept()
        .map_err(|e| format!("cannot accept a connection: {e}"))?;
    let message = welcome::answer(&mut client)
        .map_err(|e| format!("lost the connection with {client_address}: {e}"))?;
    println!(
        "received {:?} from {client_address}",
        String::from_utf8_lossy(&message)
    );
    Ok(())
}
