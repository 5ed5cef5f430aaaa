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
//! client's address and port with a key only the server knows, and the server
//! sends chunks only for a `D` that carries the token of its source address. A forger never
//! sees the `m` sent to the address it forges, so it cannot know the token. The server's side of
//! this (the key, the 3x limit) is in [`server`].

pub mod client;
pub mod fair;
mod fields;
pub mod replies;
pub mod server;

pub use fields::Malformed;
use fields::{Reader, Writer};

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

impl Message<'_> {
    /// The datagram's bytes, appended to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        let mut w = Writer(out);
        w.bytes(&MAGIC);
        match self {
            Message::MetaRequest {
                transfer,
                chunk,
                name,
            } => {
                w.kind(b'M').u32(*transfer).u16(*chunk).text(name);
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
                w.kind(b'D')
                    .u32(*transfer)
                    .u64(*token)
                    .u16(*chunk)
                    .text(name);
                for (first, count) in ranges {
                    w.u32(*first).u16(*count);
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
                w.kind(b'm').u32(*transfer).bytes(&[u8::from(*not_found)]);
                w.u64(*size).u32(*checksum).u16(*chunk).u64(*token);
            }
            Message::Data {
                transfer,
                index,
                payload,
            } => {
                w.kind(b'd').u32(*transfer).u32(*index).bytes(payload);
            }
            Message::Error { transfer, reason } => {
                w.kind(b'e').u32(*transfer).bytes(reason.as_bytes());
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

#[cfg(test)]
mod tests;
