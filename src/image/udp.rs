//! The image protocol over UDP: a file travels as numbered chunks, one per datagram, and the
//! client asks for the chunks it still lacks (PROTOCOL.md, "Pictures over UDP").
//!
//! Every datagram starts with `T` `P` 2 (protocol and version) and a type byte, then the
//! transfer number the client chose (4 bytes): replies carry the number of the request they
//! answer, so a late reply to an earlier transfer is never taken for a current one. Numbers are
//! big-endian ("network byte order").
//!
//! The server keeps nothing about its clients: each request says everything needed to answer
//! it (the name, the chunk size, which chunks). UDP may lose, duplicate or reorder any datagram,
//! and every one of those is the client's business: it notes which chunks it has, ignores
//! repeats, and asks again for what has not come.
//!
//! A UDP source address can be forged: anyone can send a request "from" someone else's
//! address and have the answer sent there. A server that answers 64 bytes with megabytes would
//! be a weapon (an *amplification* attack). So, as QUIC does (RFC 9000, section 8), the server
//! sends at most three times what it received to an address it has not validated, and an
//! address is validated by a token: the metadata reply `m` carries a token derived from the
//! client's address and port with a key only the server knows ([`Tokens`]), and the server
//! sends chunks only for a `D` that carries the token of its source address. A forger never
//! sees the `m` sent to the address it forges, so it cannot know the token.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::io;
use std::net::{SocketAddr, UdpSocket};

/// The first bytes of every datagram: the protocol's name and version.
pub const MAGIC: [u8; 3] = *b"TP\x02";
/// The default port of the UDP image server: the TCP image server's, plus one.
pub const DEFAULT_PORT: u16 = 40675;
/// The largest request a server reads.
pub const MAX_REQUEST: usize = 1024;
/// The size of a metadata request `M`: its name is followed by zero bytes up to this size, so
/// that the server may answer it, before the address is validated, with up to 3 × 64 bytes.
pub const META_REQUEST_SIZE: usize = 64;
/// How many times the bytes it received a server may send to an address not yet validated.
pub const AMPLIFICATION_LIMIT: usize = 3;
/// The smallest chunk a client may ask for.
pub const MIN_CHUNK: u16 = 512;
/// The largest chunk: with the 12-byte header it fits in one IPv4 UDP datagram (65507 bytes).
pub const MAX_CHUNK: u16 = 65000;
/// The chunk size the kit's client asks for: large datagrams, few system calls. (On a real
/// network, a datagram above the path's MTU, about 1472 bytes of payload on Ethernet, is cut
/// into IP fragments, and losing one fragment loses the datagram: `--chunk 1400` avoids that.)
pub const DEFAULT_CHUNK: u16 = 60000;
/// The most ranges one data request may list.
pub const MAX_RANGES: usize = 64;
/// The most chunks a server sends for one data request: one client's request cannot make the
/// server spend long on it while others wait.
pub const MAX_CHUNKS_PER_REQUEST: u32 = 256;
/// Bytes before a chunk's data in a `d` datagram.
pub const DATA_HEADER: usize = 12;
/// The largest datagram of the protocol (a `d` of [`MAX_CHUNK`] bytes).
pub const MAX_DATAGRAM: usize = MAX_CHUNK as usize + DATA_HEADER;

/// A datagram of the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<'a> {
    /// `M`: what is the file `name`? (its size, checksum, and the chunk size to use)
    MetaRequest {
        /// The transfer number, chosen by the client.
        transfer: u32,
        /// The chunk size the client wants.
        chunk: u16,
        /// The file's name.
        name: &'a str,
    },
    /// `D`: send me these chunks of `name`.
    DataRequest {
        /// The transfer number.
        transfer: u32,
        /// The token of the metadata reply: proof that the client receives at its address.
        token: u64,
        /// The chunk size (as agreed in the metadata reply).
        chunk: u16,
        /// The file's name.
        name: &'a str,
        /// Runs of chunks: (first chunk, how many).
        ranges: Vec<(u32, u16)>,
    },
    /// `m`: the file's metadata.
    Meta {
        /// The transfer number of the request.
        transfer: u32,
        /// `true` when the name is unknown and the not-found picture is sent instead.
        not_found: bool,
        /// The file's size in bytes.
        size: u64,
        /// Its Fletcher-32.
        checksum: u32,
        /// The chunk size the server will use.
        chunk: u16,
        /// The token the client must copy into its data requests.
        token: u64,
    },
    /// `d`: one chunk.
    Data {
        /// The transfer number of the request.
        transfer: u32,
        /// The chunk's number: its bytes start at `index × chunk`.
        index: u32,
        /// The chunk's bytes.
        payload: &'a [u8],
    },
    /// `e`: the request is refused.
    Error {
        /// The transfer number of the request.
        transfer: u32,
        /// Why, in words.
        reason: &'a str,
    },
}

/// Why a datagram is not one of the protocol's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Message<'_> {
    /// The datagram's bytes, appended to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&MAGIC);
        match self {
            Message::MetaRequest {
                transfer,
                chunk,
                name,
            } => {
                out.push(b'M');
                out.extend_from_slice(&transfer.to_be_bytes());
                out.extend_from_slice(&chunk.to_be_bytes());
                out.push(name.len() as u8);
                out.extend_from_slice(name.as_bytes());
                // Zero bytes up to 64 in all (a name longer than 52 bytes needs none).
                out.resize(out.len().max(start + META_REQUEST_SIZE), 0);
            }
            Message::DataRequest {
                transfer,
                token,
                chunk,
                name,
                ranges,
            } => {
                out.push(b'D');
                out.extend_from_slice(&transfer.to_be_bytes());
                out.extend_from_slice(&token.to_be_bytes());
                out.extend_from_slice(&chunk.to_be_bytes());
                out.push(name.len() as u8);
                out.extend_from_slice(name.as_bytes());
                for (first, count) in ranges {
                    out.extend_from_slice(&first.to_be_bytes());
                    out.extend_from_slice(&count.to_be_bytes());
                }
            }
            Message::Meta {
                transfer,
                not_found,
                size,
                checksum,
                chunk,
                token,
            } => {
                out.push(b'm');
                out.extend_from_slice(&transfer.to_be_bytes());
                out.push(u8::from(*not_found));
                out.extend_from_slice(&size.to_be_bytes());
                out.extend_from_slice(&checksum.to_be_bytes());
                out.extend_from_slice(&chunk.to_be_bytes());
                out.extend_from_slice(&token.to_be_bytes());
            }
            Message::Data {
                transfer,
                index,
                payload,
            } => {
                out.push(b'd');
                out.extend_from_slice(&transfer.to_be_bytes());
                out.extend_from_slice(&index.to_be_bytes());
                out.extend_from_slice(payload);
            }
            Message::Error { transfer, reason } => {
                out.push(b'e');
                out.extend_from_slice(&transfer.to_be_bytes());
                out.extend_from_slice(reason.as_bytes());
            }
        }
    }

    /// Reads a datagram; anything that is not exactly one of the protocol's is refused.
    pub fn decode(datagram: &[u8]) -> Result<Message<'_>, Malformed> {
        let mut r = Reader(datagram);
        if r.take(3)? != MAGIC {
            return Err(Malformed("not a tp-sockets datagram (bad magic)"));
        }
        let kind = r.take(1)?[0];
        let transfer = r.u32()?;
        let message = match kind {
            b'M' => {
                if datagram.len() < META_REQUEST_SIZE {
                    return Err(Malformed("a metadata request shorter than 64 bytes"));
                }
                let chunk = r.u16()?;
                let length = r.take(1)?[0] as usize;
                let name = r.text(length)?;
                if std::mem::take(&mut r.0).iter().any(|&b| b != 0) {
                    return Err(Malformed("padding that is not zero bytes"));
                }
                Message::MetaRequest {
                    transfer,
                    chunk,
                    name,
                }
            }
            b'D' => {
                let token = r.u64()?;
                let chunk = r.u16()?;
                let length = r.take(1)?[0] as usize;
                let name = r.text(length)?;
                if r.0.is_empty() || r.0.len() % 6 != 0 || r.0.len() / 6 > MAX_RANGES {
                    return Err(Malformed("bad list of chunk ranges"));
                }
                let mut ranges = Vec::new();
                while !r.0.is_empty() {
                    ranges.push((r.u32()?, r.u16()?));
                }
                Message::DataRequest {
                    transfer,
                    token,
                    chunk,
                    name,
                    ranges,
                }
            }
            b'm' => Message::Meta {
                transfer,
                not_found: match r.take(1)?[0] {
                    0 => false,
                    1 => true,
                    _ => return Err(Malformed("bad metadata kind")),
                },
                size: r.u64()?,
                checksum: r.u32()?,
                chunk: r.u16()?,
                token: r.u64()?,
            },
            b'd' => Message::Data {
                transfer,
                index: r.u32()?,
                payload: std::mem::take(&mut r.0),
            },
            b'e' => Message::Error {
                transfer,
                reason: r.text(r.0.len())?,
            },
            _ => return Err(Malformed("unknown datagram type")),
        };
        if !r.0.is_empty() {
            return Err(Malformed("extra bytes at the end"));
        }
        Ok(message)
    }
}

/// Reads big-endian fields off the front of a datagram.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if self.0.len() < n {
            return Err(Malformed("datagram too short"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        let mut bytes = [0u8; N];
        bytes.copy_from_slice(self.take(N)?);
        Ok(bytes)
    }

    fn u16(&mut self) -> Result<u16, Malformed> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, Malformed> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, Malformed> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn text(&mut self, n: usize) -> Result<&'a str, Malformed> {
        std::str::from_utf8(self.take(n)?).map_err(|_| Malformed("text that is not UTF-8"))
    }
}

/// How many chunks of `chunk` bytes a file of `size` bytes has.
pub fn chunk_count(size: u64, chunk: u16) -> u64 {
    size.div_ceil(u64::from(chunk.max(1)))
}

/// Where chunk `index` starts and how long it is, in a file of `size` bytes.
pub fn chunk_span(size: u64, chunk: u16, index: u32) -> (u64, usize) {
    let start = u64::from(index) * u64::from(chunk);
    (
        start,
        size.saturating_sub(start).min(u64::from(chunk)) as usize,
    )
}

/// Runs of consecutive chunk numbers: [3, 4, 5, 9] gives [(3, 3), (9, 1)].
pub fn ranges(sorted: &[u32]) -> Vec<(u32, u16)> {
    let mut runs: Vec<(u32, u16)> = Vec::new();
    for &index in sorted {
        match runs.last_mut() {
            Some((first, count)) if *first + u32::from(*count) == index && *count < u16::MAX => {
                *count += 1;
            }
            _ => runs.push((index, 1)),
        }
    }
    runs
}

/// The server's key for address tokens, drawn at random when the server starts.
///
/// A token is a keyed hash (SipHash, std's `RandomState`) of the client's IP address and port:
/// only the server can compute it, and it is worth nothing from another address. What it
/// protects against: a forged source address, since the forger never sees the `m` reply that
/// goes to the real owner of the address. What it does not: someone who can read the traffic
/// to that address (on the same network segment, or on the path); a client that downloads a
/// lot from its own address (that is bandwidth, not amplification); and a token stays valid
/// until the server restarts (QUIC adds an expiry time).
#[derive(Debug, Default)]
pub struct Tokens(RandomState);

impl Tokens {
    /// A new random key.
    pub fn new() -> Tokens {
        Tokens(RandomState::new())
    }

    /// The token of the address `client`.
    pub fn for_client(&self, client: SocketAddr) -> u64 {
        self.0.hash_one((client.ip(), client.port()))
    }
}

/// The server's way of sending datagrams: to a validated address, anything; to an address not
/// yet validated, at most [`AMPLIFICATION_LIMIT`] times the bytes of the request it answers (an
/// `e` reason is shortened to fit, and anything else that does not fit is not sent).
#[derive(Debug)]
pub struct Replies<'a> {
    socket: &'a UdpSocket,
    out: Vec<u8>,
}

impl<'a> Replies<'a> {
    /// Replies sent from `socket`.
    pub fn new(socket: &'a UdpSocket) -> Replies<'a> {
        Replies {
            socket,
            out: Vec::with_capacity(MAX_DATAGRAM),
        }
    }

    /// Sends `message` to `client`, whose token was checked.
    pub fn send(&mut self, client: SocketAddr, message: &Message<'_>) -> io::Result<()> {
        self.out.clear();
        message.encode(&mut self.out);
        self.socket.send_to(&self.out, client).map(drop)
    }

    /// Sends `message` to `client`, not validated, in answer to a request of `request` bytes.
    /// Returns how many bytes were sent: never more than 3 × `request`.
    pub fn send_unvalidated(
        &mut self,
        client: SocketAddr,
        request: usize,
        message: &Message<'_>,
    ) -> io::Result<usize> {
        let limit = AMPLIFICATION_LIMIT * request;
        self.out.clear();
        match message {
            Message::Error { transfer, reason } => {
                let mut room = limit.saturating_sub(DATA_HEADER - 4).min(reason.len());
                while !reason.is_char_boundary(room) {
                    room -= 1;
                }
                let reason = &reason[..room];
                Message::Error {
                    transfer: *transfer,
                    reason,
                }
                .encode(&mut self.out);
            }
            other => other.encode(&mut self.out),
        }
        if self.out.len() > limit {
            return Ok(0);
        }
        self.socket.send_to(&self.out, client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(message: Message<'_>) {
        let mut bytes = Vec::new();
        message.encode(&mut bytes);
        assert_eq!(Message::decode(&bytes), Ok(message));
    }

    #[test]
    fn every_message_round_trips() {
        round_trip(Message::MetaRequest {
            transfer: 7,
            chunk: 1400,
            name: "car.png",
        });
        round_trip(Message::MetaRequest {
            transfer: 7,
            chunk: 1400,
            name: &"x".repeat(255),
        });
        round_trip(Message::DataRequest {
            transfer: 7,
            token: 0x0102_0304_0506_0708,
            chunk: 1400,
            name: "car.png",
            ranges: vec![(0, 3), (9, 1)],
        });
        round_trip(Message::Meta {
            transfer: u32::MAX,
            not_found: true,
            size: 1 << 40,
            checksum: 0xdead_beef,
            chunk: 60000,
            token: u64::MAX,
        });
        round_trip(Message::Data {
            transfer: 1,
            index: 2,
            payload: b"bytes",
        });
        round_trip(Message::Error {
            transfer: 1,
            reason: "no",
        });
    }

    #[test]
    fn the_bytes_on_the_wire_are_as_documented() {
        let mut bytes = Vec::new();
        Message::MetaRequest {
            transfer: 0x0102_0304,
            chunk: 1400,
            name: "a",
        }
        .encode(&mut bytes);
        let mut expected = b"TP\x02M\x01\x02\x03\x04\x05\x78\x01a".to_vec();
        expected.resize(META_REQUEST_SIZE, 0);
        assert_eq!(bytes, expected);
        bytes.clear();
        Message::DataRequest {
            transfer: 1,
            token: 0x1122_3344_5566_7788,
            chunk: 1400,
            name: "a",
            ranges: vec![(0, 2)],
        }
        .encode(&mut bytes);
        assert_eq!(
            bytes,
            b"TP\x02D\0\0\0\x01\x11\x22\x33\x44\x55\x66\x77\x88\x05\x78\x01a\0\0\0\0\0\x02"
        );
        bytes.clear();
        Message::Meta {
            transfer: 1,
            not_found: false,
            size: 5,
            checksum: 0xf04f_c729,
            chunk: 1400,
            token: 0x1122_3344_5566_7788,
        }
        .encode(&mut bytes);
        assert_eq!(
            bytes,
            b"TP\x02m\0\0\0\x01\0\0\0\0\0\0\0\0\x05\xf0\x4f\xc7\x29\x05\x78\x11\x22\x33\x44\x55\x66\x77\x88"
        );
        assert!(bytes.len() <= AMPLIFICATION_LIMIT * META_REQUEST_SIZE);
        bytes.clear();
        Message::Data {
            transfer: 1,
            index: 2,
            payload: b"xy",
        }
        .encode(&mut bytes);
        assert_eq!(bytes, b"TP\x02d\x00\x00\x00\x01\x00\x00\x00\x02xy");
        assert_eq!(bytes.len(), DATA_HEADER + 2);
    }

    #[test]
    fn garbage_is_refused_not_misread() {
        let mut short_meta = b"TP\x02M\0\0\0\0\x05\x78\x01a".to_vec();
        let mut dirty_padding = short_meta.clone();
        dirty_padding.resize(META_REQUEST_SIZE, 1);
        let version_1 = {
            let mut m = short_meta.clone();
            m[2] = 1;
            m.resize(META_REQUEST_SIZE, 0);
            m
        };
        short_meta.resize(META_REQUEST_SIZE - 1, 0);
        for bad in [
            &b""[..],
            b"TP",
            b"XX\x02M\0\0\0\0\0\0",
            &version_1,
            &short_meta,
            &dirty_padding,
            b"TP\x02Z\0\0\0\0",
            b"TP\x02D\0\0\0\0\0\0\0\0\0\0\0\0\x05\x78\x01a",
            b"TP\x02D\0\0\0\0\0\0\0\0\0\0\0\0\x05\x78\x01a\0\0\0\0\0",
            b"TP\x02m\0\0\0\0\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        ] {
            assert!(Message::decode(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_token_belongs_to_one_address_and_one_server() {
        let tokens = Tokens::new();
        let a: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:5001".parse().unwrap();
        assert_eq!(tokens.for_client(a), tokens.for_client(a));
        assert_ne!(tokens.for_client(a), tokens.for_client(b));
        assert_ne!(tokens.for_client(a), Tokens::new().for_client(a));
    }

    /// An unvalidated address gets at most 3 × the request: a long reason is cut to fit.
    #[test]
    fn replies_to_an_unvalidated_address_stay_within_three_times_the_request() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client
            .set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .unwrap();
        let to = client.local_addr().unwrap();
        let mut replies = Replies::new(&server);
        let reason = "é".repeat(100);
        let error = Message::Error {
            transfer: 1,
            reason: &reason,
        };
        let sent = replies.send_unvalidated(to, 26, &error).unwrap();
        assert!(sent <= 78 && sent > 8, "{sent}");
        let mut buffer = [0u8; 512];
        let n = client.recv(&mut buffer).unwrap();
        assert_eq!(n, sent);
        assert!(
            Message::decode(&buffer[..n]).is_ok(),
            "cut on a character boundary"
        );
        let data = Message::Data {
            transfer: 1,
            index: 0,
            payload: &[0u8; 100],
        };
        assert_eq!(replies.send_unvalidated(to, 26, &data).unwrap(), 0);
    }

    #[test]
    fn chunks_cover_the_file_exactly() {
        assert_eq!(chunk_count(0, 1000), 0);
        assert_eq!(chunk_count(1000, 1000), 1);
        assert_eq!(chunk_count(1001, 1000), 2);
        assert_eq!(chunk_span(1001, 1000, 1), (1000, 1));
        assert_eq!(ranges(&[3, 4, 5, 9, 10, 20]), vec![(3, 3), (9, 2), (20, 1)]);
        assert!(ranges(&[]).is_empty());
    }
}
