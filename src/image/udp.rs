//! The image protocol over UDP: a file travels as numbered chunks, one per datagram, and the
//! client asks for the chunks it still lacks (PROTOCOL.md, "Pictures over UDP").
//!
//! Every datagram starts with `T` `P` 1 (protocol and version) and a type byte, then the
//! transfer number the client chose (4 bytes): replies carry the number of the request they
//! answer, so a late reply to an earlier transfer is never taken for a current one. Numbers are
//! big-endian ("network byte order").
//!
//! The server keeps nothing about its clients: each request says everything needed to answer
//! it (the name, the chunk size, which chunks). UDP may lose, duplicate or reorder any datagram,
//! and every one of those is the client's business: it notes which chunks it has, ignores
//! repeats, and asks again for what has not come.

use std::fmt;

/// The first bytes of every datagram: the protocol's name and version.
pub const MAGIC: [u8; 3] = *b"TP\x01";
/// The largest request a server reads.
pub const MAX_REQUEST: usize = 1024;
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
                out.extend_from_slice(name.as_bytes());
            }
            Message::DataRequest {
                transfer,
                chunk,
                name,
                ranges,
            } => {
                out.push(b'D');
                out.extend_from_slice(&transfer.to_be_bytes());
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
            } => {
                out.push(b'm');
                out.extend_from_slice(&transfer.to_be_bytes());
                out.push(u8::from(*not_found));
                out.extend_from_slice(&size.to_be_bytes());
                out.extend_from_slice(&checksum.to_be_bytes());
                out.extend_from_slice(&chunk.to_be_bytes());
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
            b'M' => Message::MetaRequest {
                transfer,
                chunk: r.u16()?,
                name: r.text(r.0.len())?,
            },
            b'D' => {
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
                size: u64::from_be_bytes(r.array()?),
                checksum: r.u32()?,
                chunk: r.u16()?,
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
        round_trip(Message::DataRequest {
            transfer: 7,
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
        assert_eq!(bytes, b"TP\x01M\x01\x02\x03\x04\x05\x78a");
        bytes.clear();
        Message::Data {
            transfer: 1,
            index: 2,
            payload: b"xy",
        }
        .encode(&mut bytes);
        assert_eq!(bytes, b"TP\x01d\x00\x00\x00\x01\x00\x00\x00\x02xy");
        assert_eq!(bytes.len(), DATA_HEADER + 2);
    }

    #[test]
    fn garbage_is_refused_not_misread() {
        for bad in [
            &b""[..],
            b"TP",
            b"XX\x01M\0\0\0\0\0\0",
            b"TP\x02M\0\0\0\0\0\0",
            b"TP\x01Z\0\0\0\0",
            b"TP\x01D\0\0\0\0\x05\x78\x01a",
            b"TP\x01D\0\0\0\0\x05\x78\x01a\0\0\0\0\0",
            b"TP\x01m\0\0\0\0\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
            b"TP\x01M\0\0\0\0\x05\x78\xff\xfe",
        ] {
            assert!(Message::decode(bad).is_err(), "{bad:?}");
        }
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
