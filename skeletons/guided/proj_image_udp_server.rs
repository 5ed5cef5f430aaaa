//! Project: pictures over UDP, with reliability built by the application.
//!
//! Follows the TCP image project. A file travels as numbered chunks, one per datagram; the
//! client asks for the chunks it lacks. The server remembers nothing about its clients but the
//! chunks they still wait for, which go out client by client, a few at a time: one greedy
//! client cannot starve the others (PROTOCOL.md, "Pictures over UDP").
//!
//! Terminal 1: `cargo ex proj_image_udp_server` (serves images/ on UDP port 40675)
//! Terminal 2: `cargo run --example proj_image_udp_client -- car.png`
//! Check your work: `cargo run -- check proj_image_udp_server`

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use tp_sockets::image::serve::ServedFolder;
use tp_sockets::image::source::Source;
use tp_sockets::image::udp::server::{Replies, Server};
use tp_sockets::image::udp::{self, DEFAULT_PORT, Message, fair::Fair};
use tp_sockets::net::{finish, reflection::Drops};

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

fn run(args: &Args) -> Result<(), String> {
    let (folder, socket) = args.served.bind_udp(args.port)?;

    // Its key for address tokens is drawn now: its tokens are worth nothing to another server.
    let mut server = Server::new(folder);
    let mut replies = Replies::new(&socket);
    let mut request = [0u8; udp::MAX_REQUEST];
    // The chunks asked for wait here, and go out client by client, a few at a time.
    let mut fair = Fair::new();
    let mut ignored = Drops::default();
    loop {
        let (received, client) = match fair.receive(&socket, &mut request) {
            Ok(Some(datagram)) => datagram,
            // Nothing has arrived meanwhile, or a turn is due: the next client gets its chunks.
            Ok(None) => {
                server.send_turn(&mut fair, |client, request, source, chunks| {
                    send_chunks(&mut replies, client, request, source, chunks)
                });
                continue;
            }
            Err(e) => {
                eprintln!("a datagram could not be received: {e}");
                continue;
            }
        };
        // Anything that is not exactly a request of the protocol is dropped, with a line (one
        // per second at most: a flood of them cannot fill the log).
        let message = match Message::decode(&request[..received]) {
            Ok(message) => message,
            Err(why) => {
                ignored.tell(|| format!("{client}: ignored a datagram of {received} bytes: {why}"));
                continue;
            }
        };
        match message {
            Message::MetaRequest {
                transfer,
                chunk,
                name,
            } => {
                server.answer_meta(&mut replies, client, received, (transfer, chunk, name));
            }
            Message::DataRequest {
                transfer,
                token,
                chunk,
                name,
                ranges,
            } => {
                let expected = server.tokens.for_client(client);

                // TODO (project, address validation): a UDP source address can be forged. Until
                // a client proves it receives what is sent to its address, by sending back the
                // token of the metadata reply, it may get at most 3 x what it sent. If `token` is
                // not `expected` (the token of this address), answer an error within that limit,
                // replies.send_unvalidated(client, received, &Message::Error { transfer, reason }),
                // with a reason telling it to ask for the file (M) again; then `continue`.
                todo!("project: check the token of the data request");

                // The chunks wait their turn (a chunk size out of range is ignored, a name that
                // is not served refused with `e`).
                let request = (transfer, chunk, name);
                let asked = |count| chunks_asked(&ranges, count);
                server.queue_data((&mut fair, &mut replies), client, request, asked);
            }
            // Replies sent to a server are not for it.
            _ => eprintln!("{client}: ignored a reply-type datagram"),
        }
    }
}

/// The chunks a data request gets, in its order: at most 256, and only chunks that exist (the
/// file has `count`).
fn chunks_asked(ranges: &[(u32, u16)], count: u64) -> Vec<u32> {
    let mut chunks: Vec<u32> = Vec::new();
    let mut budget = udp::MAX_CHUNKS_PER_REQUEST;
    // TODO (project): the header's numbers are unsigned and of fixed sizes: a range is
    // (first: u32, n: u16), a chunk's number a u32 (u32::from(n) widens n to add it to first),
    // `count` a u64 (compare with u64::from(index)), `budget` a u32. For each range (first, n),
    // for each chunk index in first..first + n: stop at the last chunk that exists
    // (index < count) and after `budget` chunks in all; push the others onto `chunks`.
    todo!("project: the chunks a request gets")
}

/// Sends the chunks `chunks` of `source`. A failure is reported and forgotten: UDP promises
/// nothing anyway, and the client will ask again.
fn send_chunks(
    replies: &mut Replies,
    client: SocketAddr,
    (transfer, chunk): (u32, u16),
    source: &mut Source,
    chunks: &[u32],
) {
    let mut payload = vec![0u8; usize::from(chunk)];
    // TODO (project): for each chunk number `index` of `chunks`, find where the chunk is with
    // udp::chunk_span(source.bytes, chunk, index) -> (start, len); read its bytes with
    // source.read_at(start, &mut payload[..len]) (on an error, print it and return); and send
    // them: replies.send(client, &Message::Data { transfer, index, payload }).
    todo!("project: send the chunks asked for");
}
