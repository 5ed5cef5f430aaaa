//! The TCP image client's side of a connection: requests out, replies in, every wait bounded,
//! and everything the server sends checked before it is used.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::image::save::Waiting;
use crate::image::tcp::{self, Entry, Header, Line, WireError};
use crate::net::io::is_timeout;
use crate::net::sock::{self, SocketError};

/// A connection to the image server.
#[derive(Debug)]
pub struct Connection {
    requests: TcpStream,
    replies: BufReader<TcpStream>,
}

impl Connection {
    /// Connects to `host`:`port`; says in one line why not (and which server to start).
    pub fn open(host: &str, port: u16) -> Result<Connection, ClientError> {
        let requests = sock::resolve_and_connect(host, port, "proj_image_server")?;
        let replies = BufReader::new(requests.try_clone().map_err(ClientError::Lost)?);
        Ok(Connection { requests, replies })
    }

    /// Sends one request line (`LIST`, `GET <name>`).
    pub fn send(&mut self, request: &str) -> Result<(), ClientError> {
        writeln!(self.requests, "{request}").map_err(ClientError::Lost)
    }

    /// Reads one line of a reply, which must come within `wait`.
    pub fn line(&mut self, wait: Duration) -> Result<String, ClientError> {
        self.wait_until(Instant::now() + wait)?;
        match tcp::read_line(&mut self.replies) {
            Ok(Line::Text(line)) => Ok(line),
            Ok(Line::End) => Err(ClientError::Closed),
            Ok(Line::TooLong) => Err(ClientError::TooLong),
            Err(e) if is_timeout(&e) => Err(ClientError::Silent(wait)),
            Err(e) => Err(ClientError::Lost(e)),
        }
    }

    /// Reads the header line of a reply to GET. An answer slow to come (a server may read a
    /// large file through to checksum it first) is waited for with a spinner, on a terminal.
    pub fn header(&mut self, wait: Duration) -> Result<Header, ClientError> {
        let started = Instant::now();
        let slow = !self.arrives_within(Duration::from_millis(300).min(wait));
        let _waiting = slow.then(Waiting::for_the_server);
        let line = self.line(wait.saturating_sub(started.elapsed()))?;
        Ok(tcp::parse_header(&line)?)
    }

    /// Whether some of the reply is there, or arrives within `wait`.
    fn arrives_within(&mut self, wait: Duration) -> bool {
        if !self.replies.buffer().is_empty() {
            return true;
        }
        self.wait_until(Instant::now() + wait).is_ok()
            && self.replies.fill_buf().is_ok_and(|b| !b.is_empty())
    }

    /// Asks for the menu (`LIST`) and reads it; every entry is checked ([`Entry::parse`]).
    pub fn menu(&mut self, wait: Duration) -> Result<Vec<Entry>, ClientError> {
        self.send("LIST")?;
        let count = tcp::parse_list_header(&self.line(wait)?)?;
        (0..count)
            .map(|_| Ok(Entry::parse(&self.line(wait)?)?))
            .collect()
    }

    /// Reads what has arrived of the reply's bytes into `buffer`, waiting until `deadline` at
    /// most: `Ok(0)` means the server closed; a timeout is an error that [`is_timeout`]
    /// recognises. A read cut short by a signal (EINTR) is made again.
    pub fn read_until(&mut self, buffer: &mut [u8], deadline: Instant) -> io::Result<usize> {
        loop {
            self.set_deadline(deadline)?;
            match self.replies.read(buffer) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => return other,
            }
        }
    }

    fn wait_until(&mut self, deadline: Instant) -> Result<(), ClientError> {
        self.set_deadline(deadline).map_err(ClientError::Lost)
    }

    /// Reads wait until `deadline` at most (SO_RCVTIMEO).
    fn set_deadline(&mut self, deadline: Instant) -> io::Result<()> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.replies
            .get_ref()
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
    }
}

/// Why the client got no answer it can use.
#[derive(Debug)]
pub enum ClientError {
    /// No connection: nobody listens there, or the address is wrong.
    Connect(SocketError),
    /// The connection broke.
    Lost(io::Error),
    /// The server closed the connection before it answered.
    Closed,
    /// The server sent a line longer than [`tcp::MAX_LINE`].
    TooLong,
    /// No answer within this time.
    Silent(Duration),
    /// The server sent what the protocol does not allow.
    Sent(WireError),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Connect(e) => write!(f, "{e}"),
            ClientError::Lost(e) => write!(f, "lost the connection with the server: {e}"),
            ClientError::Closed => {
                f.write_str("the server closed the connection without answering")
            }
            ClientError::TooLong => f.write_str("the server sent a line longer than 1024 bytes"),
            ClientError::Silent(wait) => {
                write!(
                    f,
                    "the server did not answer within {} s",
                    wait.as_secs_f64()
                )
            }
            ClientError::Sent(e) => write!(f, "the server sent {e}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Connect(e) => Some(e),
            ClientError::Lost(e) => Some(e),
            ClientError::Sent(e) => Some(e),
            ClientError::Closed | ClientError::TooLong | ClientError::Silent(_) => None,
        }
    }
}

impl From<SocketError> for ClientError {
    fn from(e: SocketError) -> ClientError {
        ClientError::Connect(e)
    }
}

impl From<WireError> for ClientError {
    fn from(e: WireError) -> ClientError {
        ClientError::Sent(e)
    }
}
