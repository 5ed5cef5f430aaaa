//! Project: a picture server over TCP, the menu project done right.
//!
//! Follows Exercise 3. The protocol is in PROTOCOL.md: `LIST`, or `GET <name>`; every reply is
//! a header line, then exactly the number of bytes it announces.
//!
//! Terminal 1: `cargo run --example proj_image_server` (serves images/ on port 40674)
//! Terminal 2: `cargo run --example proj_image_client` (a menu), or `-- car.png`, or
//! `nc 127.0.0.1 40674` and type `LIST`.

use std::io;
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use tp_sockets::image::folder::{Folder, Lookup};
use tp_sockets::image::serve::ServedFolder;
use tp_sockets::image::tcp::server::{Replies, Requests, serve_clients};
use tp_sockets::image::tcp::{self, DEFAULT_PORT, Header, Line, Request};
use tp_sockets::net::{finish, io::is_timeout};

/// Serve the pictures of a folder over TCP (LIST, GET <name>).
#[derive(Parser)]
struct Args {
    /// The port to listen on (0: let the system choose one)
    #[arg(default_value_t = DEFAULT_PORT)]
    port: u16,
    #[command(flatten)]
    served: ServedFolder,
    /// How many clients may be served at once (half of them at most from one address); more
    /// get `ERR server busy`
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    max_clients: u64,
    /// Seconds a client has to send each whole request line before the server hangs up
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle: u64,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    let (folder, listener) = args.served.listen_tcp(args.port)?;
    let folder = Arc::new(folder);
    // One thread per client, a limited number at once (see src/image/tcp/server.rs).
    let idle = Duration::from_secs(args.idle);
    serve_clients(&listener, args.max_clients as usize, move |stream, peer| {
        if let Err(e) = serve(stream, &folder, idle, &peer.to_string()) {
            eprintln!("{peer}: connection lost: {e}");
        }
    });
    Ok(())
}

/// Answers one client's requests until it closes, misbehaves, or takes longer than `idle` to
/// send a request line.
fn serve(stream: TcpStream, folder: &Folder, idle: Duration, peer: &str) -> io::Result<()> {
    // A client that stops reading mid-transfer is given up on after `idle` too.
    stream.set_write_timeout(Some(idle))?;
    let mut requests = Requests::new(stream.try_clone()?, idle);
    let mut replies = Replies::new(stream);
    loop {
        // One request line, at most 1024 bytes, whole within `idle`: a client can make the
        // server neither read for ever, nor wait for ever (one byte every few seconds).
        let line = match requests.next_line() {
            Ok(Line::Text(line)) => line,
            Ok(Line::End) => return Ok(()),
            Ok(Line::TooLong) => {
                println!("{peer}: request longer than {} bytes", tcp::MAX_LINE);
                let reason = format!("request longer than {} bytes", tcp::MAX_LINE);
                return replies.refuse(reason).map(drop);
            }
            Err(e) if is_timeout(&e) => {
                println!(
                    "{peer}: no whole request within {} s, closing",
                    idle.as_secs()
                );
                return Ok(());
            }
            Err(e) => return Err(e),
        };

        // The request, parsed; its answer, sent; and one line for the log.
        let outcome = match tcp::parse_request(&line) {
            Ok(Request::List) => send_list(&mut replies, folder)?,
            Ok(Request::Get(name)) => send_file(&mut replies, folder, &name)?,
            Err(reason) => replies.refuse(reason)?,
        };
        println!("{peer}: {line:?} -> {outcome}");
    }
}

/// `OK <n>` then one line per picture: `<name> <width> <height> <bytes>`.
fn send_list(replies: &mut Replies, folder: &Folder) -> io::Result<String> {
    match folder.list() {
        Ok(entries) => replies.list(&entries),
        Err(e) => {
            replies.refuse("cannot read the folder")?;
            Ok(format!("ERR cannot read the folder: {e}"))
        }
    }
}

/// The header, then exactly the announced bytes: the file, or the not-found picture.
fn send_file(replies: &mut Replies, folder: &Folder, name: &str) -> io::Result<String> {
    let Ok(lookup) = folder.find(name) else {
        return replies.refuse(format!("cannot read {name}"));
    };
    let (mut source, header) = match lookup {
        Lookup::Found(source) => {
            let header = Header::Ok {
                bytes: source.bytes,
                checksum: source.checksum,
            };
            (source, header)
        }
        // The not-found picture obeys the folder's rules too (0 bytes if it breaks them).
        Lookup::Missing => {
            let source = folder.not_found();
            let header = Header::NotFound {
                bytes: source.bytes,
                checksum: source.checksum,
            };
            (source, header)
        }
        Lookup::Refused(why) => return replies.refuse(why),
    };

    // The header first, on its own line; then exactly the announced bytes, streamed, never
    // loaded whole: memory stays flat whatever the size. If the file shrank since its size was
    // announced, this fails and the connection ends: the client must not take what it got for
    // the whole file.
    replies.file(&header, &mut source)
}
