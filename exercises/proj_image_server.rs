//! Project: a picture server over TCP, the menu project done right.
//!
//! Follows Exercise 3. The protocol is in PROTOCOL.md: `LIST`, or `GET <name>`; every reply is
//! a header line, then exactly the number of bytes it announces.
//!
//! Terminal 1: `cargo ex proj_image_server` (serves images/ on port 40674)
//! Terminal 2: `cargo run --example proj_image_client` (a menu), or `-- car.png`, or
//! `nc 127.0.0.1 40674` and type `LIST`.
//! Check your work: `cargo run -- check proj_image_server`

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
        // TODO (project): read one request line with requests.next_line(). It must arrive whole
        // within `idle`: a deadline for the whole line, so that a client sending one byte every
        // few seconds cannot keep its place for ever. Match on what it gives:
        // - Ok(Line::Text(line)): the request;
        // - Ok(Line::End): the client closed: return Ok(());
        // - Ok(Line::TooLong): answer `ERR request longer than 1024 bytes` with replies.refuse
        //   and return (close);
        // - an error e with is_timeout(&e): no whole request within `idle`: return Ok(()) to
        //   close; any other error: return it.
        let line: String = todo!("project: read one request line");

        // TODO (project): parse the line with tcp::parse_request and answer it:
        // Request::List with send_list(&mut replies, folder)?, Request::Get(name) with
        // send_file(&mut replies, folder, &name)?, and an error with the line `ERR <reason>`
        // (replies.refuse(reason)?). `outcome` is what the log line shows.
        let outcome: String = todo!("project: answer the request");
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

    // TODO (project): send the header line first, then exactly the announced bytes, streamed,
    // never loaded whole: replies.file(&header, &mut source) does both, and gives the log line
    // (it fails if the file shrank since its size was announced, and that ends the connection:
    // the client must not take a part for the whole).
    todo!("project: the header, then the file")
}
