//! Project: pictures over UDP, with reliability built by the application.
//!
//! Follows the TCP image project. A file travels as numbered chunks, one per datagram; the
//! client asks for the chunks it lacks. The server remembers nothing about its clients: each
//! datagram is answered on its own (PROTOCOL.md, "Pictures over UDP").
//!
//! Terminal 1: `cargo run --example proj_image_udp_server` (serves images/ on UDP port 40675)
//! Terminal 2: `cargo run --example proj_image_udp_client -- car.png`

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use tp_sockets::image::catalog::{Folder, Lookup, ServedFolder};
use tp_sockets::image::fletcher::fletcher32;
use tp_sockets::image::udp::{
    self as chunks, MAX_CHUNK, MAX_CHUNKS_PER_REQUEST, MIN_CHUNK, Message,
};
use tp_sockets::net::{finish, sock};

/// The default port: the TCP image server's, plus one.
const DEFAULT_PORT: u16 = 40675;
/// How long an open file stays open without requests.
const KEEP_OPEN: Duration = Duration::from_secs(30);
/// How many files stay open at most.
const MAX_OPEN: usize = 32;

/// Serve the pictures of a folder over UDP, chunk by chunk.
#[derive(Parser)]
struct Args {
    /// The port to receive on (0: let the system choose one)
    #[arg(default_value_t = DEFAULT_PORT)]
    port: u16,
    #[command(flatten)]
    served: ServedFolder,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

/// What a name is served from: a file of the folder, or the not-found picture.
enum Source {
    File {
        file: File,
        size: u64,
        checksum: u32,
    },
    NotFound {
        picture: Vec<u8>,
        checksum: u32,
    },
}

impl Source {
    fn size(&self) -> u64 {
        match self {
            Source::File { size, .. } => *size,
            Source::NotFound { picture, .. } => picture.len() as u64,
        }
    }
}

/// Files opened for recent requests, so that a transfer does not reopen its file for every
/// request. This is a cache, not a memory of clients: an entry unused for 30 s is closed, and
/// a request whose entry is gone simply opens the file again.
struct OpenFiles {
    entries: HashMap<String, (Source, Instant)>,
}

impl OpenFiles {
    fn get(&mut self, folder: &Folder, name: &str) -> Result<&mut Source, String> {
        let now = Instant::now();
        self.entries
            .retain(|_, (_, used)| now.duration_since(*used) < KEEP_OPEN);
        if !self.entries.contains_key(name) {
            let source = match folder.find(name) {
                Ok(Lookup::Found {
                    file,
                    bytes,
                    checksum,
                }) => Source::File {
                    file,
                    size: bytes,
                    checksum,
                },
                Ok(Lookup::Missing) => {
                    let picture = folder.not_found_picture();
                    let checksum = fletcher32(&picture);
                    Source::NotFound { picture, checksum }
                }
                Ok(Lookup::Refused(why)) => return Err(why),
                Err(e) => return Err(format!("cannot read {name}: {e}")),
            };
            if self.entries.len() >= MAX_OPEN {
                self.entries.clear();
            }
            self.entries.insert(name.to_string(), (source, now));
        }
        let (source, used) = self
            .entries
            .get_mut(name)
            .ok_or_else(|| "cache".to_string())?;
        *used = now;
        Ok(source)
    }
}

fn run(args: &Args) -> Result<(), String> {
    let folder = Folder::serve(&args.served.dir)?;
    let (socket, address) = sock::bind_udp(&args.served.host, args.port)?;
    println!("listening on {address}");

    let mut open = OpenFiles {
        entries: HashMap::new(),
    };
    let mut request = vec![0u8; chunks::MAX_REQUEST];
    let mut out = Vec::with_capacity(usize::from(MAX_CHUNK) + chunks::DATA_HEADER);
    loop {
        let (received, client) = match socket.recv_from(&mut request) {
            Ok(datagram) => datagram,
            Err(e) => {
                eprintln!("a datagram could not be received: {e}");
                continue;
            }
        };
        // Anything that is not exactly a request of the protocol is dropped, with a line.
        let message = match Message::decode(&request[..received]) {
            Ok(message) => message,
            Err(why) => {
                eprintln!("{client}: ignored a datagram of {received} bytes: {why}");
                continue;
            }
        };
        match message {
            Message::MetaRequest {
                transfer,
                chunk,
                name,
            } => {
                let chunk = chunk.clamp(MIN_CHUNK, MAX_CHUNK);
                match open.get(&folder, name) {
                    Ok(source) => {
                        let (not_found, checksum) = match source {
                            Source::File { checksum, .. } => (false, *checksum),
                            Source::NotFound { checksum, .. } => (true, *checksum),
                        };
                        let size = source.size();
                        println!("{client}: GET {name} -> {size} bytes in chunks of {chunk}");
                        let reply = Message::Meta {
                            transfer,
                            not_found,
                            size,
                            checksum,
                            chunk,
                        };
                        send(&socket, client, &reply, &mut out);
                    }
                    Err(why) => {
                        println!("{client}: GET {name} -> refused: {why}");
                        let reply = Message::Error {
                            transfer,
                            reason: &why,
                        };
                        send(&socket, client, &reply, &mut out);
                    }
                }
            }
            Message::DataRequest {
                transfer,
                chunk,
                name,
                ranges,
            } => {
                if !(MIN_CHUNK..=MAX_CHUNK).contains(&chunk) {
                    continue;
                }
                match open.get(&folder, name) {
                    Ok(source) => {
                        send_chunks(&socket, client, transfer, chunk, source, &ranges, &mut out)
                    }
                    Err(why) => send(
                        &socket,
                        client,
                        &Message::Error {
                            transfer,
                            reason: &why,
                        },
                        &mut out,
                    ),
                }
            }
            // Replies sent to a server are not for it.
            _ => eprintln!("{client}: ignored a reply-type datagram"),
        }
    }
}

/// Sends the chunks a data request lists (at most 256, and only chunks that exist).
fn send_chunks(
    socket: &UdpSocket,
    client: SocketAddr,
    transfer: u32,
    chunk: u16,
    source: &mut Source,
    ranges: &[(u32, u16)],
    out: &mut Vec<u8>,
) {
    let size = source.size();
    let count = chunks::chunk_count(size, chunk);
    let mut payload = vec![0u8; usize::from(chunk)];
    let mut budget = MAX_CHUNKS_PER_REQUEST;
    for &(first, n) in ranges {
        for index in first..first.saturating_add(u32::from(n)) {
            if u64::from(index) >= count || budget == 0 {
                break;
            }
            budget -= 1;
            let (start, len) = chunks::chunk_span(size, chunk, index);
            let bytes = match source {
                Source::File { file, .. } => {
                    let read = file
                        .seek(SeekFrom::Start(start))
                        .and_then(|_| file.read_exact(&mut payload[..len]));
                    if let Err(e) = read {
                        eprintln!("{client}: cannot read chunk {index}: {e}");
                        return;
                    }
                    &payload[..len]
                }
                Source::NotFound { picture, .. } => &picture[start as usize..start as usize + len],
            };
            send(
                socket,
                client,
                &Message::Data {
                    transfer,
                    index,
                    payload: bytes,
                },
                out,
            );
        }
    }
}

/// Sends one datagram. A failure is reported and forgotten: UDP promises nothing anyway, and
/// the client will ask again.
fn send(socket: &UdpSocket, client: SocketAddr, message: &Message<'_>, out: &mut Vec<u8>) {
    out.clear();
    message.encode(out);
    if let Err(e) = socket.send_to(out, client)
        && e.kind() != io::ErrorKind::WouldBlock
    {
        eprintln!("{client}: cannot send: {e}");
    }
}
