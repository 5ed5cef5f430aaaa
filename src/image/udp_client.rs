//! The UDP image client's machinery: its socket, the metadata exchange, and the loop that sends
//! data requests and receives chunks. The two decisions at the heart of the protocol, which
//! chunks to ask for and what to do with a chunk that arrives, are the client program's own:
//! [`Transfer::run`] calls them.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use socket2::SockRef;

use crate::image::limits::{SpeedCheck, check_size};
use crate::image::rtt::Rtt;
use crate::image::udp::{self, MAX_CHUNK, MAX_RANGES, MIN_CHUNK, Message};
use crate::net::{shown, udp::receive_from};

/// What the server said about the file, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The name is unknown: the not-found picture is sent instead.
    pub not_found: bool,
    /// The file's size in bytes.
    pub size: u64,
    /// Its Fletcher-32.
    pub checksum: u32,
    /// The chunk size the server uses.
    pub chunk: u16,
    /// The token to copy into every data request.
    pub token: u64,
    /// How many chunks the file has.
    pub count: u32,
}

/// A UDP socket for talking to `server`, with a receive buffer as large as the OS grants (up
/// to 16 MiB: a window of chunks may arrive faster than they are read); returns the size
/// granted (Linux caps it at net.core.rmem_max).
pub fn socket_for(server: SocketAddr) -> io::Result<(UdpSocket, usize)> {
    let socket = crate::net::udp::socket_for(server)?;
    let _ = SockRef::from(&socket).set_recv_buffer_size(16 << 20);
    let granted = SockRef::from(&socket).recv_buffer_size().unwrap_or(1 << 20);
    Ok((socket, granted))
}

/// A transfer number of this client's own, so that stray replies to another transfer (or an
/// earlier run) are ignored.
pub fn transfer_number() -> u32 {
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::process::id().rotate_left(16) ^ clock
}

/// Asks for the metadata of `name` until the server answers (100 ms, then twice as long each
/// time), for at most `give_up`; checks what it says against `max_size` before anything is
/// written for it.
pub fn ask_meta(
    socket: &UdpSocket,
    server: SocketAddr,
    transfer: u32,
    name: &str,
    chunk: u16,
    give_up: Duration,
    max_size: u64,
) -> Result<Meta, String> {
    let mut request = Vec::new();
    Message::MetaRequest {
        transfer,
        chunk,
        name,
    }
    .encode(&mut request);
    let end = Instant::now() + give_up;
    let mut buffer = vec![0u8; 65536];
    let mut wait = Duration::from_millis(100);
    while Instant::now() < end {
        socket
            .send_to(&request, server)
            .map_err(|e| format!("cannot send to {server}: {e}"))?;
        let deadline = (Instant::now() + wait).min(end);
        while let Some(n) = receive_from(socket, server, &mut buffer, deadline)
            .map_err(|e| format!("cannot receive from {server}: {e}"))?
        {
            match Message::decode(&buffer[..n]) {
                Ok(Message::Meta {
                    transfer: t,
                    not_found,
                    size,
                    checksum,
                    chunk,
                    token,
                }) if t == transfer => {
                    return checked(not_found, size, checksum, chunk, token, max_size);
                }
                Ok(Message::Error {
                    transfer: t,
                    reason,
                }) if t == transfer => {
                    return Err(refused(name, reason));
                }
                _ => {} // late or foreign datagrams
            }
        }
        wait = (wait * 2).min(Duration::from_secs(1));
    }
    Err(crate::net::udp::no_answer(
        server,
        give_up,
        "cargo run --example proj_image_udp_server",
    ))
}

/// The metadata, if the server's numbers are ones this client accepts: a chunk size within
/// the protocol's range, a size within `max_size`, a chunk count that fits in 32 bits.
fn checked(
    not_found: bool,
    size: u64,
    checksum: u32,
    chunk: u16,
    token: u64,
    max_size: u64,
) -> Result<Meta, String> {
    if !(MIN_CHUNK..=MAX_CHUNK).contains(&chunk) {
        return Err(format!(
            "the server announced chunks of {chunk} bytes, outside {MIN_CHUNK}-{MAX_CHUNK}; \
             nothing was saved"
        ));
    }
    check_size(size, max_size)?;
    let count = u32::try_from(udp::chunk_count(size, chunk))
        .map_err(|_| format!("the server announced {size} bytes, too many chunks to count"))?;
    Ok(Meta {
        not_found,
        size,
        checksum,
        chunk,
        token,
        count,
    })
}

/// The line for a name the server refused.
pub fn refused(name: &str, reason: &str) -> String {
    format!("the server refused \"{}\": {}", shown(name), shown(reason))
}

/// What the client program decides: which chunks to ask for now (retransmissions and new
/// ones), and what to do with a chunk that arrived (`Ok(true)`: it was new).
pub type Ask = fn(&mut Transfer, Instant) -> Vec<u32>;
/// See [`Ask`].
pub type Take = fn(&mut Transfer, u32, &[u8], &mut File) -> io::Result<bool>;

/// The receiving side of one transfer.
#[derive(Debug)]
pub struct Transfer {
    /// The name asked for.
    pub name: String,
    /// The file, as the server described it.
    pub meta: Meta,
    /// The transfer number.
    pub number: u32,
    /// How many chunks may be asked for and not yet received.
    pub window: u32,
    /// Which chunks are on disk.
    pub have: Vec<bool>,
    /// How many are not.
    pub missing: u32,
    /// Bytes on disk so far.
    pub received: u64,
    /// The next chunk never asked for yet.
    pub next_new: u32,
    /// Chunks asked for and not received: when they were last asked for, and whether that
    /// was a second (or later) request.
    pub in_flight: HashMap<u32, (Instant, bool)>,
    /// The round-trip estimate, from chunks asked for once.
    pub rtt: Rtt,
    /// Data requests sent.
    pub requests: u64,
    /// Chunks received more than once.
    pub duplicates: u64,
    /// Chunks asked for again.
    pub retransmitted: u64,
}

impl Transfer {
    /// A transfer of `name`, the file `meta` describes, with at most `window` chunks in flight.
    pub fn new(name: &str, meta: Meta, number: u32, window: u32) -> Transfer {
        Transfer {
            name: name.to_string(),
            have: vec![false; meta.count as usize],
            missing: meta.count,
            meta,
            number,
            window,
            received: 0,
            next_new: 0,
            in_flight: HashMap::new(),
            rtt: Rtt::default(),
            requests: 0,
            duplicates: 0,
            retransmitted: 0,
        }
    }

    /// Asks for chunks (`ask` says which) and takes what arrives (`take` says what to do with
    /// it), until every chunk is there. Gives up when the server refuses, or when less than
    /// 1 KiB/s arrives for `stall` (no new chunk at all included).
    pub fn run(
        &mut self,
        socket: &UdpSocket,
        server: SocketAddr,
        file: &mut File,
        stall: Duration,
        ask: Ask,
        take: Take,
    ) -> Result<(), String> {
        // 64 KiB: every datagram arrives whole, so a chunk longer than announced is seen as
        // such (and ignored) rather than cut to the right length.
        let mut buffer = vec![0u8; 65536];
        let mut speed = SpeedCheck::new(stall);
        while self.missing > 0 {
            let wanted = ask(self, Instant::now());
            self.request(socket, server, wanted)?;
            // Take what arrives until the earliest chunk in flight is due again.
            let rto = self.rtt.rto();
            let due = self.in_flight.values().map(|(asked, _)| *asked + rto).min();
            let deadline = due
                .unwrap_or_else(Instant::now)
                .max(Instant::now() + Duration::from_millis(1))
                .min(speed.deadline());
            while let Some(n) = receive_from(socket, server, &mut buffer, deadline)
                .map_err(|e| format!("cannot receive from {server}: {e}"))?
            {
                match Message::decode(&buffer[..n]) {
                    Ok(Message::Data {
                        transfer,
                        index,
                        payload,
                    }) if transfer == self.number => {
                        take(self, index, payload, file)
                            .map_err(|e| format!("cannot write the file: {e}"))?;
                    }
                    Ok(Message::Error { transfer, reason }) if transfer == self.number => {
                        return Err(refused(&self.name, reason));
                    }
                    _ => {} // garbage, or a datagram of another transfer
                }
                // Keep the pipe full: once half the window has arrived, ask for more.
                let refill = self.next_new < self.meta.count
                    && self.in_flight.len() as u32 <= self.window / 2;
                if self.missing == 0 || refill {
                    break;
                }
            }
            speed.check(self.received, self.meta.size)?;
        }
        Ok(())
    }

    /// Sends data requests for the chunks `wanted`, in runs, at most 64 runs per datagram.
    fn request(
        &mut self,
        socket: &UdpSocket,
        server: SocketAddr,
        mut wanted: Vec<u32>,
    ) -> Result<(), String> {
        wanted.sort_unstable();
        let mut out = Vec::new();
        for batch in udp::ranges(&wanted).chunks(MAX_RANGES) {
            out.clear();
            Message::DataRequest {
                transfer: self.number,
                token: self.meta.token,
                chunk: self.meta.chunk,
                name: &self.name,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_numbers_are_checked_before_anything_is_written() {
        let meta = checked(false, 9501, 1, 1400, 7, 1 << 30).unwrap();
        assert_eq!(meta.count, 7);
        assert!(
            checked(false, 10, 1, 100, 7, 1 << 30)
                .unwrap_err()
                .contains("chunks of 100")
        );
        assert!(
            checked(false, 4 << 40, 1, 1024, 7, 4 << 30)
                .unwrap_err()
                .contains("--max-size")
        );
        let wraps = checked(false, 4 << 40, 1, 1024, 7, u64::MAX).unwrap_err();
        assert!(wraps.contains("too many chunks"), "{wraps}");
    }
}
