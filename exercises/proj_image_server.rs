//! Project: a picture server over TCP, the menu project done right.
//!
//! Follows Exercise 3. The protocol is in PROTOCOL.md: `LIST`, or `GET <name>`; every reply is
//! a header line, then exactly the number of bytes it announces.
//!
//! Terminal 1: `cargo ex proj_image_server` (serves images/ on port 40674)
//! Terminal 2: `cargo run --example proj_image_client` (a menu), or `-- car.png`, or
//! `nc 127.0.0.1 40674` and type `LIST`.
//! Check your work: `cargo grade --test proj_image`
#![allow(
    unreachable_code,
    unused_variables,
    unused_mut,
    unused_imports,
    dead_code
)] // until every TODO is done
#![allow(clippy::diverging_sub_expression)] // `let x: T = todo!()` marks what you write

use std::io::{self, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use clap::Parser;
use tp_sockets::image::catalog::{Folder, Lookup, ServedFolder};
use tp_sockets::image::fletcher::fletcher32;
use tp_sockets::image::tcp::{self as protocol, DEFAULT_PORT, Header, Line, Request};
use tp_sockets::net::{finish, sock};

/// Serve the pictures of a folder over TCP (LIST, GET <name>).
#[derive(Parser)]
struct Args {
    /// The port to listen on (0: let the system choose one)
    #[arg(default_value_t = DEFAULT_PORT)]
    port: u16,
    #[command(flatten)]
    served: ServedFolder,
    /// How many clients may be served at once; more get `ERR server busy`
    #[arg(long, default_value_t = 64)]
    max_clients: usize,
    /// Seconds a client may stay silent before the server closes its connection
    #[arg(long, default_value_t = 30)]
    idle: u64,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    let folder = Arc::new(Folder::serve(&args.served.dir)?);
    let listener = sock::listen(&args.served.host, args.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    println!("listening on {address}");
    if address.ip().is_unspecified() {
        for ip in sock::machine_addresses() {
            println!(
                "students connect with: --host {ip} --port {}",
                address.port()
            );
        }
    }

    let busy = Arc::new(AtomicUsize::new(0));
    let idle = Duration::from_secs(args.idle.max(1));
    for stream in listener.incoming() {
        let mut stream = match stream {
            Ok(stream) => stream,
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        // One thread per client, up to a cap: past it, say so and hang up.
        if busy.fetch_add(1, Ordering::SeqCst) >= args.max_clients {
            busy.fetch_sub(1, Ordering::SeqCst);
            let _ = writeln!(
                stream,
                "{}",
                Header::Err("server busy, try again later".into())
            );
            continue;
        }
        let (folder, busy) = (Arc::clone(&folder), Arc::clone(&busy));
        thread::spawn(move || {
            let peer = stream
                .peer_addr()
                .map_or_else(|_| "a client".to_string(), |a| a.to_string());
            if let Err(e) = serve(stream, &folder, idle, &peer) {
                eprintln!("{peer}: connection lost: {e}");
            }
            busy.fetch_sub(1, Ordering::SeqCst);
        });
    }
    Ok(())
}

/// Answers one client's requests until it closes, stays silent for `idle`, or misbehaves.
fn serve(stream: TcpStream, folder: &Folder, idle: Duration, peer: &str) -> io::Result<()> {
    // The timeouts bound both a silent client and one that stops reading mid-transfer.
    stream.set_read_timeout(Some(idle))?;
    stream.set_write_timeout(Some(idle))?;
    let mut requests = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        // TODO (project): read one request line with protocol::read_line(&mut requests):
        // - Ok(Line::Text(line)): the request;
        // - Ok(Line::End): the client closed: return Ok(());
        // - Ok(Line::TooLong): answer `ERR request longer than 1024 bytes` and return (close);
        // - a timeout error (ErrorKind::WouldBlock or TimedOut): the client was silent for
        //   `idle`: return Ok(()) to close; any other error: return it.
        let line: String = todo!("project: read one request line");

        // TODO (project): parse the line with protocol::parse_request and answer:
        // Request::List with send_list(&mut out, folder)?, Request::Get(name) with
        // send_file(&mut out, folder, &name)?, and an error with the line `ERR <reason>`
        // (writeln!(out, "{}", Header::Err(reason))). `outcome` is what the log line shows.
        let outcome: String = todo!("project: answer the request");
        println!("{peer}: {line:?} -> {outcome}");
    }
}

/// `OK <n>` then one line per picture: `<name> <width> <height> <bytes>`.
fn send_list(out: &mut TcpStream, folder: &Folder) -> io::Result<String> {
    let entries = match folder.list() {
        Ok(entries) => entries,
        Err(e) => {
            writeln!(out, "{}", Header::Err("cannot read the folder".into()))?;
            return Ok(format!("ERR cannot read the folder: {e}"));
        }
    };
    let mut reply = format!("OK {}\n", entries.len());
    for entry in &entries {
        reply += &format!(
            "{} {} {} {}\n",
            entry.name, entry.width, entry.height, entry.bytes
        );
    }
    out.write_all(reply.as_bytes())?;
    Ok(format!("OK {} pictures", entries.len()))
}

/// The header, then exactly the announced bytes: the file, or the not-found picture.
fn send_file(out: &mut TcpStream, folder: &Folder, name: &str) -> io::Result<String> {
    let lookup = folder
        .find(name)
        .unwrap_or_else(|e| Lookup::Refused(format!("cannot read {name}: {e}")));
    match lookup {
        Lookup::Found {
            file,
            bytes,
            checksum,
        } => {
            // TODO (project): send the header line `OK <bytes> <checksum>` (Header::Ok), then
            // exactly `bytes` bytes of the file, streamed: io::copy(&mut file.take(bytes), out)?.
            // If fewer were sent (the file shrank), return an error to end the connection.
            todo!("project: header, then the file")
        }
        Lookup::Missing => {
            let picture = folder.not_found_picture();
            let header = Header::NotFound {
                bytes: picture.len() as u64,
                checksum: fletcher32(&picture),
            };
            writeln!(out, "{header}")?;
            out.write_all(&picture)?;
            Ok("NOTFOUND".to_string())
        }
        Lookup::Refused(why) => {
            writeln!(out, "{}", Header::Err(why.clone()))?;
            Ok(format!("ERR {why}"))
        }
    }
}
