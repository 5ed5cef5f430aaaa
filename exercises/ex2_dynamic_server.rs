//! Exercise 2, step 4, server side: the port is typed in by the user.
//!
//! Handout: Exercise 2, step 4.
//!
//! Terminal 1: `cargo ex ex2_dynamic_server`, then type a port (60000)
//! Terminal 2: `cargo run --example ex2_dynamic_client`, then type the same port and a message
//! Check your work: `cargo run -- check ex2_dynamic_server`

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
    // TODO (step 4): in a loop, ask for the port with
    // prompt::ask(&mut input, "port: ", prompt::parse_port)? and try
    // sock::bind_and_listen("127.0.0.1", port) (socket, bind and listen). If e.kind() is
    // ErrorKind::PermissionDenied or ErrorKind::AddrInUse, print the error (eprintln!("{e}")
    // says what happened in one line) and ask again. Any other error: return
    // Err(e.to_string()). A loop can give a value: `break value` ends it, and the loop is
    // worth that value:
    //     let listener = loop {
    //         ...ask, then match on sock::bind_and_listen("127.0.0.1", port) {
    //             Ok(l) => break l,                  // done: `listener` is `l`
    //             Err(e) if /* a kind to ask again for */ => eprintln!(...),  // round again
    //             Err(e) => return Err(...),         // give up
    //         }
    //     };
    let listener: std::net::TcpListener = todo!("step 4: ask for the port and listen on it");
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
