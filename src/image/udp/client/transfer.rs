//! One transfer's receiving side: the loop that sends data requests and takes the chunks
//! that arrive, with the decisions the client program makes ([`Ask`], [`Take`]).

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use super::error::UdpError;
use super::meta::Meta;
use crate::image::limits::SpeedCheck;
use crate::image::rtt::Rtt;
use crate::image::udp::{self, MAX_RANGES, Message};
use crate::net::udp::receive_from;

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
    ) -> Result<(), UdpError> {
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
                .map_err(|e| UdpError::Receive(server, e))?
            {
                match Message::decode(&buffer[..n]) {
                    Ok(Message::Data {
                        transfer,
                        index,
                        payload,
                    }) if transfer == self.number => {
                        take(self, index, payload, file).map_err(UdpError::Write)?;
                    }
                    Ok(Message::Error { transfer, reason }) if transfer == self.number => {
                        return Err(UdpError::Refused {
                            name: self.name.clone(),
                            reason: reason.to_string(),
                        });
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
    ) -> Result<(), UdpError> {
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
                .map_err(|e| UdpError::Send(server, e))?;
            self.requests += 1;
        }
        Ok(())
    }
}
