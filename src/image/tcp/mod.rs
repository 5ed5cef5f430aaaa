//! The image protocol over TCP, as PROTOCOL.md writes it: one request line, one header line,
//! then exactly the announced number of bytes.
//!
//! Requests: `LIST\n` or `GET <name>\n`, at most [`MAX_LINE`] bytes with the newline.
//! Replies: `OK <n>\n` and n lines `<name> <width> <height> <bytes>\n` for LIST;
//! `OK <bytes> <checksum>\n` or `NOTFOUND <bytes> <checksum>\n` then the bytes for GET;
//! `ERR <reason>\n` for anything else. The checksum is the Fletcher-32 of the bytes, as 8
//! lowercase hexadecimal digits.
//!
//! The students' original project sent a status word and the picture down the same stream
//! with nothing to tell where one ended: the client's first `recv` could swallow the start of
//! the picture. Here every reply is framed: a line ending in `\n`, then a byte count announced
//! in advance.

use std::fmt;
use std::io::{self, BufRead, Read};

use crate::image::name::{NameError, PictureName};
use crate::net::shown;

pub mod client;
pub mod server;

/// The longest request or header line, newline included.
pub const MAX_LINE: usize = 1024;

/// The default port of the image project (from the menu project it follows).
pub const DEFAULT_PORT: u16 = 40674;

/// What one bounded line read gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line, without its `\n` (and without a `\r` before it).
    Text(String),
    /// More than [`MAX_LINE`] bytes without a newline.
    TooLong,
    /// The other side closed the connection before sending anything.
    End,
}

/// Reads one line of at most [`MAX_LINE`] bytes. A last line without `\n` before the end of the
/// stream still counts. Bytes that are not UTF-8 are replaced (the line is then refused anyway).
pub fn read_line(reader: &mut impl BufRead) -> io::Result<Line> {
    let mut bytes = Vec::new();
    reader.take(MAX_LINE as u64).read_until(b'\n', &mut bytes)?;
    if bytes.is_empty() {
        return Ok(Line::End);
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    } else if bytes.len() >= MAX_LINE {
        return Ok(Line::TooLong);
    }
    Ok(Line::Text(String::from_utf8_lossy(&bytes).into_owned()))
}

/// A client's request.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// `LIST`: the pictures the server has.
    List,
    /// `GET <name>`: one file.
    Get(String),
}

/// A line that does not follow the protocol: a request a server refuses (its Display is the
/// reason sent back in `ERR <reason>`), or a reply a client refuses (its Display says what the
/// server sent, its control characters escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// `GET` without a name.
    GetWithoutName,
    /// Neither `LIST` nor `GET <name>`.
    UnknownRequest,
    /// A reply that is none of `OK`, `NOTFOUND`, `ERR`.
    Reply(String),
    /// A byte count that is not a number.
    Count(String),
    /// A checksum that is not 8 hexadecimal digits.
    Checksum(String),
    /// A menu that does not start with `OK <n>` (n at most [`MAX_ENTRIES`]).
    MenuHeader(String),
    /// A menu line that is not `<name> <width> <height> <bytes>`.
    MenuLine(String),
    /// A menu line with a bad number.
    MenuNumber(String),
    /// A menu entry whose name breaks the rule.
    MenuName {
        /// The name, as sent.
        name: String,
        /// Why it is refused.
        why: NameError,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::GetWithoutName => f.write_str("GET needs a name: GET <name>"),
            WireError::UnknownRequest => f.write_str("unknown request; send LIST or GET <name>"),
            WireError::Reply(line) => write!(f, "unexpected reply {line:?}"),
            WireError::Count(line) => write!(f, "bad byte count in {line:?}"),
            WireError::Checksum(line) => write!(f, "bad checksum in {line:?}"),
            WireError::MenuHeader(line) => write!(
                f,
                "a menu that does not start with `OK <n>`, n at most {MAX_ENTRIES}: \"{}\"",
                shown(line)
            ),
            WireError::MenuLine(line) => write!(
                f,
                "a menu line that is not `<name> <width> <height> <bytes>`: \"{}\"",
                shown(line)
            ),
            WireError::MenuNumber(line) => {
                write!(f, "a menu line with a bad number: \"{}\"", shown(line))
            }
            WireError::MenuName { name, why } => {
                write!(
                    f,
                    "a menu entry named \"{}\" is refused: {why}",
                    shown(name)
                )
            }
        }
    }
}

impl std::error::Error for WireError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WireError::MenuName { why, .. } => Some(why),
            _ => None,
        }
    }
}

/// Parses a request line; the error is the reason sent back in `ERR <reason>`.
pub fn parse_request(line: &str) -> Result<Request, WireError> {
    match line.split_once(' ') {
        None if line == "LIST" => Ok(Request::List),
        Some(("GET", name)) if !name.is_empty() => Ok(Request::Get(name.to_string())),
        None if line == "GET" => Err(WireError::GetWithoutName),
        _ => Err(WireError::UnknownRequest),
    }
}

/// The most pictures a client accepts in a LIST reply.
pub const MAX_ENTRIES: usize = 10_000;

/// One picture of a LIST reply: the line `<name> <width> <height> <bytes>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file name.
    pub name: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// File size in bytes.
    pub bytes: u64,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.name, self.width, self.height, self.bytes
        )
    }
}

impl Entry {
    /// Reads a LIST line sent by a server. The name must be a [`PictureName`], the rule the
    /// servers apply: a server that offers `../x.png` or `/tmp/x.png` is not followed there.
    pub fn parse(line: &str) -> Result<Entry, WireError> {
        let fields: Vec<&str> = line.split(' ').collect();
        let [name, width, height, bytes] = fields[..] else {
            return Err(WireError::MenuLine(line.to_string()));
        };
        PictureName::new(name).map_err(|why| WireError::MenuName {
            name: name.to_string(),
            why,
        })?;
        let number = |_| WireError::MenuNumber(line.to_string());
        Ok(Entry {
            name: name.to_string(),
            width: width.parse().map_err(number)?,
            height: height.parse().map_err(number)?,
            bytes: bytes.parse().map_err(number)?,
        })
    }
}

/// The whole reply to LIST: `OK <n>`, then one line per picture.
pub fn list_reply(entries: &[Entry]) -> String {
    let mut reply = format!("OK {}\n", entries.len());
    for entry in entries {
        reply += &format!("{entry}\n");
    }
    reply
}

/// Reads the first line of a LIST reply, `OK <n>`, and returns n (at most [`MAX_ENTRIES`]).
pub fn parse_list_header(line: &str) -> Result<usize, WireError> {
    match line.strip_prefix("OK ").map(str::parse::<usize>) {
        Some(Ok(count)) if count <= MAX_ENTRIES => Ok(count),
        _ => Err(WireError::MenuHeader(line.to_string())),
    }
}

/// The header line of a reply to GET, or an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Header {
    /// `OK <bytes> <checksum>`: the file follows.
    Ok {
        /// How many bytes follow.
        bytes: u64,
        /// Their Fletcher-32.
        checksum: u32,
    },
    /// `NOTFOUND <bytes> <checksum>`: no such file; the not-found picture follows.
    NotFound {
        /// How many bytes follow.
        bytes: u64,
        /// Their Fletcher-32.
        checksum: u32,
    },
    /// `ERR <reason>`: nothing follows.
    Err(String),
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Header::Ok { bytes, checksum } => write!(f, "OK {bytes} {checksum:08x}"),
            Header::NotFound { bytes, checksum } => write!(f, "NOTFOUND {bytes} {checksum:08x}"),
            Header::Err(reason) => write!(f, "ERR {reason}"),
        }
    }
}

/// Parses a header line; the error says what is wrong with it.
pub fn parse_header(line: &str) -> Result<Header, WireError> {
    if let Some(reason) = line.strip_prefix("ERR ") {
        return Ok(Header::Err(reason.to_string()));
    }
    let fields: Vec<&str> = line.split(' ').collect();
    let (bytes, checksum) = match fields[..] {
        [_, bytes, checksum] => (bytes, checksum),
        _ => return Err(WireError::Reply(line.to_string())),
    };
    let bytes: u64 = bytes
        .parse()
        .map_err(|_| WireError::Count(line.to_string()))?;
    if checksum.len() != 8 || !checksum.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(WireError::Checksum(line.to_string()));
    }
    let checksum =
        u32::from_str_radix(checksum, 16).map_err(|_| WireError::Checksum(line.to_string()))?;
    match fields[0] {
        "OK" => Ok(Header::Ok { bytes, checksum }),
        "NOTFOUND" => Ok(Header::NotFound { bytes, checksum }),
        _ => Err(WireError::Reply(line.to_string())),
    }
}

#[cfg(test)]
mod tests;
