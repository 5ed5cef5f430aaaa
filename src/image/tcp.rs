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

use crate::image::catalog::check_name;
use crate::net::shown;

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

/// Parses a request line; the error is the reason sent back in `ERR <reason>`.
pub fn parse_request(line: &str) -> Result<Request, String> {
    match line.split_once(' ') {
        None if line == "LIST" => Ok(Request::List),
        Some(("GET", name)) if !name.is_empty() => Ok(Request::Get(name.to_string())),
        None if line == "GET" => Err("GET needs a name: GET <name>".to_string()),
        _ => Err("unknown request; send LIST or GET <name>".to_string()),
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
    /// Reads a LIST line sent by a server. The name goes through [`check_name`], the rule the
    /// servers apply: a server that offers `../x.png` or `/tmp/x.png` is not followed there.
    pub fn parse(line: &str) -> Result<Entry, String> {
        let fields: Vec<&str> = line.split(' ').collect();
        let [name, width, height, bytes] = fields[..] else {
            return Err(format!(
                "a menu line that is not `<name> <width> <height> <bytes>`: \"{}\"",
                shown(line)
            ));
        };
        check_name(name)
            .map_err(|why| format!("a menu entry named \"{}\" is refused: {why}", shown(name)))?;
        let number = |text: &str| format!("a menu line with a bad number: \"{}\"", shown(text));
        Ok(Entry {
            name: name.to_string(),
            width: width.parse().map_err(|_| number(line))?,
            height: height.parse().map_err(|_| number(line))?,
            bytes: bytes.parse().map_err(|_| number(line))?,
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
pub fn parse_list_header(line: &str) -> Result<usize, String> {
    match line.strip_prefix("OK ").map(str::parse::<usize>) {
        Some(Ok(count)) if count <= MAX_ENTRIES => Ok(count),
        _ => Err(format!(
            "a menu that does not start with `OK <n>`, n at most {MAX_ENTRIES}: \"{}\"",
            shown(line)
        )),
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
pub fn parse_header(line: &str) -> Result<Header, String> {
    if let Some(reason) = line.strip_prefix("ERR ") {
        return Ok(Header::Err(reason.to_string()));
    }
    let fields: Vec<&str> = line.split(' ').collect();
    let (bytes, checksum) = match fields[..] {
        [_, bytes, checksum] => (bytes, checksum),
        _ => return Err(format!("unexpected reply {line:?}")),
    };
    let bytes: u64 = bytes
        .parse()
        .map_err(|_| format!("bad byte count in {line:?}"))?;
    if checksum.len() != 8 || !checksum.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("bad checksum in {line:?}"));
    }
    let checksum =
        u32::from_str_radix(checksum, 16).map_err(|_| format!("bad checksum in {line:?}"))?;
    match fields[0] {
        "OK" => Ok(Header::Ok { bytes, checksum }),
        "NOTFOUND" => Ok(Header::NotFound { bytes, checksum }),
        _ => Err(format!("unexpected reply {line:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_bounded_and_framed() {
        let mut input = io::Cursor::new(b"LIST\r\nGET a.png\nlast".to_vec());
        assert_eq!(read_line(&mut input).unwrap(), Line::Text("LIST".into()));
        assert_eq!(
            read_line(&mut input).unwrap(),
            Line::Text("GET a.png".into())
        );
        assert_eq!(read_line(&mut input).unwrap(), Line::Text("last".into()));
        assert_eq!(read_line(&mut input).unwrap(), Line::End);
        let mut endless = io::Cursor::new(vec![b'x'; 5000]);
        assert_eq!(read_line(&mut endless).unwrap(), Line::TooLong);
        let mut exact = io::Cursor::new([vec![b'x'; MAX_LINE - 1], vec![b'\n']].concat());
        assert!(matches!(read_line(&mut exact).unwrap(), Line::Text(_)));
    }

    #[test]
    fn list_lines_round_trip_and_a_lying_menu_is_refused() {
        let entry = Entry {
            name: "car.png".into(),
            width: 640,
            height: 427,
            bytes: 9501,
        };
        assert_eq!(
            list_reply(std::slice::from_ref(&entry)),
            "OK 1\ncar.png 640 427 9501\n"
        );
        assert_eq!(Entry::parse(&entry.to_string()), Ok(entry));
        assert_eq!(parse_list_header("OK 3"), Ok(3));
        for bad in ["OK", "OK -1", "OK 10001", "ERR x", "OK 1 2"] {
            assert!(parse_list_header(bad).is_err(), "{bad:?}");
        }
        for bad in [
            "../x.png 1 1 1",
            "/tmp/x.png 1 1 1",
            ".hidden 1 1 1",
            "x.png 1 1",
            "x.png a 1 1",
            "x.png 1 1 -4",
            "esc\x1b[2J.png 1 1 1",
        ] {
            let err = Entry::parse(bad).unwrap_err();
            assert!(!err.contains('\x1b'), "{err}");
        }
    }

    #[test]
    fn requests_and_headers_round_trip() {
        assert_eq!(parse_request("LIST"), Ok(Request::List));
        assert_eq!(
            parse_request("GET car.png"),
            Ok(Request::Get("car.png".into()))
        );
        for bad in ["", "GET", "GET ", "list", "PUT x", "LIST x"] {
            assert!(parse_request(bad).is_err(), "{bad:?}");
        }
        for header in [
            Header::Ok {
                bytes: 12,
                checksum: 0xf04f_c729,
            },
            Header::NotFound {
                bytes: 0,
                checksum: 0,
            },
            Header::Err("no such thing".into()),
        ] {
            assert_eq!(parse_header(&header.to_string()), Ok(header));
        }
        assert_eq!(
            Header::Ok {
                bytes: 5,
                checksum: 0xab
            }
            .to_string(),
            "OK 5 000000ab"
        );
        for bad in [
            "OK",
            "OK 1",
            "OK x 00000000",
            "OK 1 0000000g",
            "OK 1 123",
            "HELLO 1 00000000",
        ] {
            assert!(parse_header(bad).is_err(), "{bad:?}");
        }
    }
}
