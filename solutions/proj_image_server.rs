//! Project: a picture server over TCP, the menu project done right.
//!
//! Follows Exercise 3. The protocol is in PROTOCOL.md: `LIST`, or `GET <name>`; every reply is
//! a header line, then exactly the number of bytes it announces.
//!
//! Terminal 1: `cargo run --example proj_image_server` (serves images/ on port 40674)
//! Terminal 2: `cargo run --example proj_image_client` (a menu), or `-- car.png`, or
//! `nc 127.0.0.1 40674` and type `LIST`.

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
        // One request line, at most 1024 bytes: a client cannot make the server read for ever.
        let line = match protocol::read_line(&mut requests) {
            Ok(Line::Text(line)) => line,
            Ok(Line::End) => return Ok(()),
            Ok(Line::TooLong) => {
                println!("{peer}: request longer than {} bytes", protocol::MAX_LINE);
                let reason = format!("request longer than {} bytes", protocol::MAX_LINE);
                return writeln!(out, "{}", Header::Err(reason));
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                println!("{peer}: silent for {} s, closing", idle.as_secs());
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let outcome = match protocol::parse_request(&line) {
            Ok(Request::List) => send_list(&mut out, folder)?,
            Ok(Request::Get(name)) => send_file(&mut out, folder, &name)?,
            Err(reason) => {
                writeln!(out, "{}", Header::Err(reason.clone()))?;
                format!("ERR {reason}")
            }
        };
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
            writeln!(out, "{}", Header::Ok { bytes, checksum })?;
            // Streamed, never loaded whole: memory stays flat whatever the size. On Linux,
            // io::copy from a file to a socket uses sendfile(), without copying through here.
            let sent = io::copy(&mut file.take(bytes), out)?;
            if sent < bytes {
                // The file shrank since its size was announced: the client must not take
                // what follows for a whole file, so the connection ends here.
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    "file shrank while sent",
                ));
            }
            Ok(format!("OK {bytes} bytes"))
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
