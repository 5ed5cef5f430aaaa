//! The TCP image client's side of a connection: requests out, replies in, every wait bounded,
//! and everything the server sends checked before it is used.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::image::download::Waiting;
use crate::image::tcp::{self, Entry, Header, Line};
use crate::image::tcp_server::is_timeout;
use crate::net::sock;

/// A connection to the image server.
#[derive(Debug)]
pub struct Connection {
    requests: TcpStream,
    replies: BufReader<TcpStream>,
}

impl Connection {
    /// Connects to `host`:`port`; says in one line why not (and which server to start).
    pub fn open(host: &str, port: u16) -> Result<Connection, String> {
        let requests = sock::resolve_and_connect(host, port, "proj_image_server")?;
        let replies = BufReader::new(requests.try_clone().map_err(|e| lost(&e))?);
        Ok(Connection { requests, replies })
    }

    /// Sends one request line (`LIST`, `GET <name>`).
    pub fn send(&mut self, request: &str) -> Result<(), String> {
        writeln!(self.requests, "{request}").map_err(|e| lost(&e))
    }

    /// Reads one line of a reply, which must come within `wait`.
    pub fn line(&mut self, wait: Duration) -> Result<String, String> {
        self.wait_until(Instant::now() + wait)?;
        match tcp::read_line(&mut self.replies) {
            Ok(Line::Text(line)) => Ok(line),
            Ok(Line::End) => Err("the server closed the connection without answering".into()),
            Ok(Line::TooLong) => Err("the server sent a line longer than 1024 bytes".into()),
            Err(e) if is_timeout(&e) => Err(format!(
                "the server did not answer within {} s",
                wait.as_secs_f64()
            )),
            Err(e) => Err(lost(&e)),
        }
    }

    /// Reads the header line of a reply to GET. An answer slow to come (a server may read a
    /// large file through to checksum it first) is waited for with a spinner, on a terminal.
    pub fn header(&mut self, wait: Duration) -> Result<Header, String> {
        let started = Instant::now();
        let slow = !self.arrives_within(Duration::from_millis(300).min(wait));
        let _waiting = slow.then(Waiting::for_the_server);
        let line = self.line(wait.saturating_sub(started.elapsed()))?;
        tcp::parse_header(&line).map_err(|e| format!("the server sent {e}"))
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
    pub fn menu(&mut self, wait: Duration) -> Result<Vec<Entry>, String> {
        self.send("LIST")?;
        let count = tcp::parse_list_header(&self.line(wait)?)
            .map_err(|e| format!("the server sent {e}"))?;
        (0..count)
            .map(|_| Entry::parse(&self.line(wait)?).map_err(|e| format!("the server sent {e}")))
            .collect()
    }

    /// Reads what has arrived of the reply's bytes into `buffer`, waiting until `deadline` at
    /// most: `Ok(0)` means the server closed; a timeout is an error of kind TimedOut or
    /// WouldBlock ([`is_timeout`]). A read cut short by a signal (EINTR) is made again.
    pub fn read_until(&mut self, buffer: &mut [u8], deadline: Instant) -> io::Result<usize> {
        loop {
            self.wait_until(deadline).map_err(io::Error::other)?;
            match self.replies.read(buffer) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => return other,
            }
        }
    }

    fn wait_until(&mut self, deadline: Instant) -> Result<(), String> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.replies
            .get_ref()
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .map_err(|e| lost(&e))
    }
}

/// The line for a connection that failed.
pub fn lost(err: &io::Error) -> String {
    format!("lost the connection with the server: {err}")
}
