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
//! Check your work: `cargo grade --test proj_image_udp`
#![allow(
    unreachable_code,
    unused_variables,
    unused_mut,
    unused_imports,
    dead_code
)] // until every TODO is done
#![allow(clippy::diverging_sub_expression)] // `let x: T = todo!()` marks what you write

use std::collections::HashMap;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use socket2::SockRef;
use tp_sockets::image::catalog::{NOT_FOUND_NAME, checksum_of};
use tp_sockets::image::download::{self, PartFile};
use tp_sockets::image::picture::{describe, dimensions};
use tp_sockets::image::udp::{
    self as chunks, DEFAULT_CHUNK, MAX_CHUNK, MAX_RANGES, MIN_CHUNK, Message,
};
use tp_sockets::net::{finish, sock, udp};

/// Download a picture from the UDP image server.
#[derive(Parser)]
struct Args {
    /// The picture to download
    name: String,
    /// The server's address or name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The server's port
    #[arg(long, default_value_t = 40675)]
    port: u16,
    /// The folder to save the picture in
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// Replace a file that has the same name
    #[arg(long)]
    force: bool,
    /// Give up after this many seconds without a single new chunk
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
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
    let server = sock::resolve(&args.host, args.port)?[0];
    let socket = udp::socket_for(server).map_err(|e| format!("cannot create a UDP socket: {e}"))?;
    // A large receive buffer holds a window of chunks that arrive faster than we read them;
    // the OS may grant less (Linux: net.core.rmem_max).
    let _ = SockRef::from(&socket).set_recv_buffer_size(16 << 20);
    // A window larger than the buffer would make the OS drop the chunks that do not fit.
    let granted = SockRef::from(&socket).recv_buffer_size().unwrap_or(1 << 20);
    // A transfer number of our own, so that stray replies to another transfer are ignored.
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let transfer = std::process::id().rotate_left(16) ^ clock;
    let no_progress = Duration::from_secs_f64(args.timeout.max(0.1));

    // 1. What is the file? Asked again until answered or the deadline passes.
    let meta = ask_meta(&socket, server, transfer, args, no_progress)?;
    let (not_found, size, checksum, chunk) = meta;
    let name = if not_found {
        NOT_FOUND_NAME
    } else {
        &args.name
    };
    let destination = args.out.join(name);
    if !args.force && destination.exists() {
        return Err(download::already_there(&destination));
    }

    // 2. The chunks, into a temporary file of the right size.
    let mut part = PartFile::create(&args.out, name)
        .map_err(|e| format!("cannot write in {}: {e}", args.out.display()))?;
    part.file()
        .set_len(size)
        .map_err(|e| format!("cannot write {}: {e}", destination.display()))?;
    let fits = (granted / (usize::from(chunk) + 1024)).max(2) as u32;
    let window = args.window.min(fits);
    let mut transfer_state = Transfer::new(size, chunk, window, &args.name, transfer);
    transfer_state.run(&socket, server, part.file(), no_progress)?;

    // 3. The whole file's checksum, read back from the disk: the bytes we will keep.
    let file = part.file();
    file.seek(SeekFrom::Start(0))
        .map_err(|e| format!("cannot read back {}: {e}", destination.display()))?;
    let got = checksum_of(file).map_err(|e| format!("cannot read back the file: {e}"))?;
    if got != checksum {
        return Err(format!(
            "the file arrived damaged: checksum {got:08x}, expected {checksum:08x}; nothing was saved"
        ));
    }
    part.commit(&destination, args.force)?;
    if not_found {
        println!(
            "the server has no picture named {}; it sent its not-found picture, saved as {}",
            args.name,
            destination.display()
        );
    } else {
        println!(
            "saved {} ({size} bytes, checksum {checksum:08x} verified)",
            destination.display()
        );
    }
    println!(
        "{} datagrams asked for, {} chunks received twice, {} asked again",
        transfer_state.requests, transfer_state.duplicates, transfer_state.retransmitted
    );
    if let Ok((width, height)) = dimensions(&destination) {
        println!("{}", describe(width, height));
    }
    Ok(())
}

/// Asks for the file's metadata until the server answers: (not found, size, checksum, chunk).
fn ask_meta(
    socket: &UdpSocket,
    server: SocketAddr,
    transfer: u32,
    args: &Args,
    no_progress: Duration,
) -> Result<(bool, u64, u32, u16), String> {
    let mut request = Vec::new();
    Message::MetaRequest {
        transfer,
        chunk: args.chunk,
        name: &args.name,
    }
    .encode(&mut request);
    let give_up = Instant::now() + no_progress;
    let mut buffer = vec![0u8; usize::from(MAX_CHUNK) + chunks::DATA_HEADER];
    let mut wait = Duration::from_millis(100);
    while Instant::now() < give_up {
        socket
            .send_to(&request, server)
            .map_err(|e| format!("cannot send to {server}: {e}"))?;
        let deadline = (Instant::now() + wait).min(give_up);
        while let Some(n) = udp::receive_from(socket, server, &mut buffer, deadline)
            .map_err(|e| format!("cannot receive from {server}: {e}"))?
        {
            match Message::decode(&buffer[..n]) {
                Ok(Message::Meta {
                    transfer: t,
                    not_found,
                    size,
                    checksum,
                    chunk,
                }) if t == transfer => {
                    return Ok((not_found, size, checksum, chunk));
                }
                Ok(Message::Error {
                    transfer: t,
                    reason,
                }) if t == transfer => {
                    return Err(format!("the server refused {:?}: {reason}", args.name));
                }
                _ => {} // late or foreign datagrams
            }
        }
        wait = (wait * 2).min(Duration::from_secs(1));
    }
    Err(udp::no_answer(
        server,
        no_progress,
        "cargo run --example proj_image_udp_server",
    ))
}

/// The receiving side of one transfer.
struct Transfer<'a> {
    size: u64,
    chunk: u16,
    count: u32,
    window: u32,
    name: &'a str,
    transfer: u32,
    /// Which chunks are on disk.
    have: Vec<bool>,
    missing: u32,
    /// Bytes on disk so far.
    received: u64,
    /// The next chunk never asked for yet.
    next_new: u32,
    /// Chunks asked for and not received: when they were last asked for, and whether that
    /// was a second (or later) request.
    in_flight: HashMap<u32, (Instant, bool)>,
    /// Smoothed round-trip time and its variation, from chunks asked for once (Karn's rule:
    /// a chunk asked for twice does not say which request it answers).
    srtt: Option<Duration>,
    rttvar: Duration,
    requests: u64,
    duplicates: u64,
    retransmitted: u64,
}

impl<'a> Transfer<'a> {
    fn new(size: u64, chunk: u16, window: u32, name: &'a str, transfer: u32) -> Self {
        let count = chunks::chunk_count(size, chunk) as u32;
        Transfer {
            size,
            chunk,
            count,
            window,
            name,
            transfer,
            have: vec![false; count as usize],
            missing: count,
            received: 0,
            next_new: 0,
            in_flight: HashMap::new(),
            srtt: None,
            rttvar: Duration::ZERO,
            requests: 0,
            duplicates: 0,
            retransmitted: 0,
        }
    }

    /// How long to wait for a chunk before asking for it again.
    fn rto(&self) -> Duration {
        match self.srtt {
            None => Duration::from_millis(100),
            Some(srtt) => {
                (srtt + 4 * self.rttvar).clamp(Duration::from_millis(5), Duration::from_secs(1))
            }
        }
    }

    fn run(
        &mut self,
        socket: &UdpSocket,
        server: SocketAddr,
        file: &mut File,
        no_progress: Duration,
    ) -> Result<(), String> {
        let mut buffer = vec![0u8; usize::from(self.chunk) + chunks::DATA_HEADER];
        let mut last_progress = Instant::now();
        while self.missing > 0 {
            self.ask(socket, server)?;
            // Take what arrives until the earliest chunk in flight is due again.
            let due = self
                .in_flight
                .values()
                .map(|(asked, _)| *asked + self.rto())
                .min()
                .unwrap_or_else(Instant::now);
            let deadline = due.max(Instant::now() + Duration::from_millis(1));
            while let Some(n) = udp::receive_from(socket, server, &mut buffer, deadline)
                .map_err(|e| format!("cannot receive from {server}: {e}"))?
            {
                if self.take(&buffer[..n], file)? {
                    last_progress = Instant::now();
                }
                // Keep the pipe full: once half the window has arrived, ask for more.
                let refill =
                    self.next_new < self.count && self.in_flight.len() as u32 <= self.window / 2;
                if self.missing == 0 || refill {
                    break;
                }
            }
            if last_progress.elapsed() > no_progress {
                return Err(format!(
                    "no new data from {server} for {} s, after {} of {} bytes; nothing was saved",
                    no_progress.as_secs_f64(),
                    self.received,
                    self.size
                ));
            }
        }
        Ok(())
    }

    /// Asks for the chunks whose request is overdue, and for new ones up to the window.
    fn ask(&mut self, socket: &UdpSocket, server: SocketAddr) -> Result<(), String> {
        let now = Instant::now();
        let rto = self.rto();
        let mut wanted: Vec<u32> = Vec::new();
        // TODO (project, retransmission): put in `wanted`
        // - every chunk of self.in_flight asked for `rto` ago or more: it is lost (or late);
        //   mark it asked again, now: *asked = now; *again = true; and count it in
        //   self.retransmitted;
        // - then new chunks, self.next_new, self.next_new + 1, ..., while self.in_flight has
        //   fewer than self.window entries and chunks remain (next_new < count); insert each in
        //   self.in_flight as (now, false).
        todo!("project: which chunks to ask for");
        wanted.sort_unstable();
        let runs = chunks::ranges(&wanted);
        let mut out = Vec::new();
        for batch in runs.chunks(MAX_RANGES) {
            out.clear();
            Message::DataRequest {
                transfer: self.transfer,
                chunk: self.chunk,
                name: self.name,
                ranges: batch.to_vec(),
            }
            .encode(&mut out);
            socket
                .send_to(&out, server)
                .map_err(|e| format!("cannot send to {server}: {e}"))?;
            self.requests += 1;
        }
        Ok(())
    }

    /// Handles one datagram; `Ok(true)` when it brought a chunk we did not have.
    fn take(&mut self, datagram: &[u8], file: &mut File) -> Result<bool, String> {
        let (index, payload) = match Message::decode(datagram) {
            Ok(Message::Data {
                transfer,
                index,
                payload,
            }) if transfer == self.transfer => (index, payload),
            Ok(Message::Error { transfer, reason }) if transfer == self.transfer => {
                return Err(format!("the server refused {:?}: {reason}", self.name));
            }
            _ => return Ok(false), // garbage, or a datagram of another transfer
        };
        // TODO (project, reassembly): a chunk that does not exist (index >= self.count) or
        // whose length is not chunks::chunk_span(self.size, self.chunk, index).1 is ignored:
        // return Ok(false). One we have already (self.have[index]) is a duplicate: count it in
        // self.duplicates and return Ok(false). Otherwise: take it out of self.in_flight (and if
        // it was asked for only once, self.measure(asked.elapsed()) for the round-trip time),
        // write the payload at its place (file.seek(SeekFrom::Start(start)), file.write_all),
        // mark it in self.have, one less in self.missing, payload.len() more in self.received,
        // and return Ok(true).
        todo!("project: put the chunk in its place")
    }

    /// Updates the round-trip estimate as TCP does (RFC 6298).
    fn measure(&mut self, sample: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(sample);
                self.rttvar = sample / 2;
            }
            Some(srtt) => {
                let diff = srtt.abs_diff(sample);
                self.rttvar = (self.rttvar * 3 + diff) / 4;
                self.srtt = Some((srtt * 7 + sample) / 8);
            }
        }
    }
}
