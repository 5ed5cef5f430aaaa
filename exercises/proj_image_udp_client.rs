//! Project: download a picture over UDP, making up for what UDP does not promise.
//!
//! Follows the TCP image project. The client asks for the file's size and checksum, then for
//! its chunks, a window of them at a time; it writes each chunk where it belongs, ignores the
//! ones it already has, and asks again for those that do not come. The whole file's Fletcher-32
//! is checked at the end, and only then does the file get its name.
//!
//! Terminal 1: `cargo run --example proj_image_udp_server`
//! Terminal 2: `cargo ex proj_image_udp_client -- car.png`
//! Through loss: `cargo run --example proj_lossy_proxy -- --listen 40676 --server 127.0.0.1:40675
//! --drop 0.3`, then `cargo ex proj_image_udp_client -- --port 40676 car.png`
//! Check your work: `cargo run -- check proj_image_udp_client`

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use tp_sockets::image::fletcher::checksum_of;
use tp_sockets::image::picture;
use tp_sockets::image::save::{self, Download, SaveOptions};
use tp_sockets::image::udp::client::{self, Transfer};
use tp_sockets::image::udp::{self, DEFAULT_CHUNK, DEFAULT_PORT, MAX_CHUNK, MIN_CHUNK};
use tp_sockets::net::{finish, sock};

/// Download a picture from the UDP image server.
#[derive(Parser)]
struct Args {
    /// The picture to download
    name: String,
    /// The server's address or name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The server's port
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    #[command(flatten)]
    save: SaveOptions,
    /// Bytes per chunk (512 to 65000); 1400 avoids IP fragmentation on a real network
    #[arg(long, default_value_t = DEFAULT_CHUNK,
          value_parser = clap::value_parser!(u16).range(i64::from(MIN_CHUNK)..=i64::from(MAX_CHUNK)))]
    chunk: u16,
    /// How many chunks may be asked for and not yet received
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    window: u32,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    args.save.destination(&args.name)?;
    let server = sock::resolve(&args.host, args.port)?[0];
    let (socket, buffer) =
        client::socket_with_room(server).map_err(|e| format!("cannot create a UDP socket: {e}"))?;
    let number = client::transfer_number();
    let (wait, max_size) = (args.save.stall_window(), args.save.max_size);

    // 1. What is the file? Its size and chunk size are checked before anything is written.
    let meta = client::ask_meta(
        &socket, server, number, &args.name, args.chunk, wait, max_size,
    )?;
    let path = args.save.path_for(&args.name, meta.not_found, meta.size)?;
    let (size, checksum, not_found) = (meta.size, meta.checksum, meta.not_found);

    // 2. The chunks, into a temporary file of the right size. A window larger than the socket's
    // buffer would make the OS drop the chunks that do not fit.
    let mut download = Download::start(&path, size, &args.save)?;
    download
        .file()
        .set_len(size)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let fits = (buffer / (usize::from(meta.chunk) + 1024)).max(2) as u32;
    let mut transfer = Transfer::new(&args.name, meta, number, args.window.min(fits));
    transfer.run(&socket, server, download.file(), wait, ask, take)?;

    // 3. The whole file's checksum, read back from the disk: the bytes we will keep.
    let file = download.file();
    let got = file
        .seek(SeekFrom::Start(0))
        .and_then(|_| checksum_of(file))
        .map_err(|e| format!("cannot read back the file: {e}"))?;
    if got != checksum {
        return Err(format!(
            "the file arrived damaged: checksum {got:08x}, expected {checksum:08x}; nothing was saved"
        ));
    }
    download.commit(args.save.force)?;
    save::say_saved(&args.name, &path, (size, checksum), not_found);
    let (asked, twice, again) = (
        transfer.requests,
        transfer.duplicates,
        transfer.retransmitted,
    );
    println!("{asked} datagrams asked for, {twice} chunks received twice, {again} asked again");
    Ok(picture::report(&path, false)?)
}

/// Which chunks to ask for now: those asked for longer ago than the retransmission timeout
/// (presumed lost), then new ones while fewer than `window` are in flight.
fn ask(t: &mut Transfer, now: Instant) -> Vec<u32> {
    // TODO (project, retransmission and window): return the chunks to ask for now. The fields
    // (src/image/udp/client/transfer.rs): t.in_flight is a HashMap<u32, (Instant, bool)> (a
    // chunk's number -> when it was last asked for, and whether that was a second request),
    // t.rtt an Rtt whose rto() is a Duration, t.next_new a u32, t.window a u32 (compare it
    // with t.in_flight.len() as u32 or widen the length); then:
    // - every chunk of t.in_flight asked for t.rtt.rto() ago or more: it is lost (or late);
    //   mark it asked again, now (*asked = now; *again = true) and count it in
    //   t.retransmitted;
    // - then new chunks, t.next_new, t.next_new + 1, ..., while t.in_flight has fewer than
    //   t.window entries and chunks remain (t.next_new < t.meta.count); insert each in
    //   t.in_flight as (now, false).
    todo!("project: which chunks to ask for")
}

/// Puts a chunk that arrived at its place; `Ok(true)` when it was new.
fn take(t: &mut Transfer, index: u32, payload: &[u8], file: &mut File) -> io::Result<bool> {
    // TODO (project, reassembly): never trust the server. A chunk that does not exist
    // (index >= t.meta.count) or whose length is not udp::chunk_span(t.meta.size, t.meta.chunk,
    // index).1 is ignored: return Ok(false). One we have already (t.have[index]) is a duplicate:
    // count it in t.duplicates and return Ok(false). Otherwise: take it out of t.in_flight (and
    // if it was asked for only once, t.rtt.measure(asked.elapsed()): Karn's rule), write the
    // payload at its place (file.seek(SeekFrom::Start(start))?, file.write_all(payload)?), mark
    // it in t.have, one less in t.missing, payload.len() more in t.received; return Ok(true).
    todo!("project: put the chunk in its place")
}
