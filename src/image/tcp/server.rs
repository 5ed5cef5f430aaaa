//! What a TCP server needs so that no client can lock the others out.
//!
//! - [`serve_clients`] gives each client a thread, up to a number of clients at once, and at
//!   most half of them to one address: a crowd of connections from one machine cannot take
//!   every place.
//! - [`Requests`] reads a client's requests with a deadline for the *whole* line. A timeout
//!   that restarts on every byte lets a client keep its place for ever by sending one byte
//!   every few seconds (the "slowloris" attack); a deadline for the whole request, as nginx's
//!   `client_header_timeout`, does not.
//! - [`Replies`] writes the replies, framed as PROTOCOL.md says, as the client's `Connection`
//!   reads them: each one gives the line the server logs for it.

use std::collections::HashMap;
use std::io::{self, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::image::source::Source;
use crate::image::tcp::{self, Entry, Header, Line};
use crate::kit::lock;

/// The replies to one client, each framed as PROTOCOL.md says; each gives what the server's
/// log says of it.
pub struct Replies {
    out: TcpStream,
}

impl Replies {
    /// The replies written to `out`.
    pub fn new(out: TcpStream) -> Replies {
        Replies { out }
    }

    /// `ERR <reason>`, on its own line.
    pub fn refuse(&mut self, reason: impl std::fmt::Display) -> io::Result<String> {
        let header = Header::Err(reason.to_string());
        writeln!(self.out, "{header}")?;
        Ok(header.to_string())
    }

    /// `OK <n>`, then one line per picture: `<name> <width> <height> <bytes>`.
    pub fn list(&mut self, entries: &[Entry]) -> io::Result<String> {
        self.out.write_all(tcp::list_reply(entries).as_bytes())?;
        Ok(format!("OK {} pictures", entries.len()))
    }

    /// The header line (`OK` or `NOTFOUND`, with the size and checksum of `source`), then
    /// exactly the announced bytes, streamed, never loaded whole: memory stays flat whatever
    /// the size. If the file shrank since its size was announced, this fails and the
    /// connection is to end: the client must not take what it got for the whole file.
    pub fn file(&mut self, header: &Header, source: &mut Source) -> io::Result<String> {
        writeln!(self.out, "{header}")?;
        source.send_to(&mut self.out)?;
        Ok(header.to_string())
    }
}

/// The request lines of one client, each of which must arrive whole within `idle`.
pub struct Requests {
    reader: BufReader<Deadline>,
    idle: Duration,
}

/// A stream whose reads fail with TimedOut once `until` has passed.
struct Deadline {
    stream: TcpStream,
    until: Instant,
}

impl Read for Deadline {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        // SO_RCVTIMEO: one read() waits at most what is left of the whole line's time.
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buffer)
    }
}

impl Requests {
    /// The requests arriving on `stream`.
    pub fn new(stream: TcpStream, idle: Duration) -> Requests {
        let deadline = Deadline {
            stream,
            until: Instant::now(),
        };
        Requests {
            reader: BufReader::new(deadline),
            idle,
        }
    }

    /// The next request line, at most [`tcp::MAX_LINE`] bytes, which must arrive whole within
    /// `idle` of this call. Past that, an error that [`is_timeout`](crate::net::io::is_timeout)
    /// recognises.
    pub fn next_line(&mut self) -> io::Result<Line> {
        self.reader.get_mut().until = Instant::now() + self.idle;
        tcp::read_line(&mut self.reader)
    }
}

/// The places of a server: how many clients in all, and how many from each address.
#[derive(Debug)]
struct Slots {
    max: usize,
    per_address: usize,
    taken: Mutex<(usize, HashMap<IpAddr, usize>)>,
}

/// A place taken by one client, given back when dropped.
#[derive(Debug)]
struct Slot {
    slots: Arc<Slots>,
    ip: IpAddr,
}

impl Slots {
    /// Takes a place for a client from `ip`, or says why there is none.
    fn take(slots: &Arc<Slots>, ip: IpAddr) -> Result<Slot, &'static str> {
        let mut taken = lock(&slots.taken);
        let (all, by_address) = &mut *taken;
        let mine = by_address.entry(ip).or_insert(0);
        if *all >= slots.max {
            return Err("server busy, try again later");
        }
        if *mine >= slots.per_address {
            return Err("too many connections from your address, try again later");
        }
        *all += 1;
        *mine += 1;
        Ok(Slot {
            slots: Arc::clone(slots),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut taken = lock(&self.slots.taken);
        let (all, by_address) = &mut *taken;
        *all -= 1;
        if let Some(mine) = by_address.get_mut(&self.ip) {
            *mine -= 1;
            if *mine == 0 {
                by_address.remove(&self.ip);
            }
        }
    }
}

/// Accepts clients for ever and runs `serve(stream, peer)` for each in a thread of its own,
/// for at most `max_clients` clients at once, and at most half of them (at least one) from the
/// same address. A client that finds no place gets `ERR <reason>` and is closed.
pub fn serve_clients<F>(listener: &TcpListener, max_clients: usize, serve: F)
where
    F: Fn(TcpStream, SocketAddr) + Send + Sync + 'static,
{
    let slots = Arc::new(Slots {
        max: max_clients.max(1),
        per_address: (max_clients / 2).max(1),
        taken: Mutex::new((0, HashMap::new())),
    });
    let serve = Arc::new(serve);
    for stream in listener.incoming() {
        let (mut stream, peer) = match stream.and_then(|s| Ok((s.peer_addr()?, s))) {
            Ok((peer, stream)) => (stream, peer),
            Err(e) => {
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let slot = match Slots::take(&slots, peer.ip()) {
            Ok(slot) => slot,
            Err(reason) => {
                println!("{peer}: refused: {reason}");
                let _ = writeln!(stream, "{}", Header::Err(reason.to_string()));
                continue;
            }
        };
        let serve = Arc::clone(&serve);
        thread::spawn(move || {
            serve(stream, peer);
            drop(slot);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_gets_half_the_places_and_places_come_back() {
        let slots = Arc::new(Slots {
            max: 4,
            per_address: 2,
            taken: Mutex::new((0, HashMap::new())),
        });
        let (a, b): (IpAddr, IpAddr) = ("127.0.0.2".parse().unwrap(), "127.0.0.1".parse().unwrap());
        let first = Slots::take(&slots, a).unwrap();
        let _second = Slots::take(&slots, a).unwrap();
        assert!(Slots::take(&slots, a).unwrap_err().contains("your address"));
        let _third = Slots::take(&slots, b).unwrap();
        let _fourth = Slots::take(&slots, b).unwrap();
        drop(first);
        let _again = Slots::take(&slots, a).unwrap();
        assert!(Slots::take(&slots, b).unwrap_err().contains("server busy"));
    }

    /// A client that sends one byte every 100 ms never finishes its line: it is cut off at the
    /// deadline of the whole line, not kept alive by each byte.
    #[test]
    fn a_line_sent_byte_by_byte_is_cut_off_at_the_deadline_of_the_whole_line() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (stream, _) = listener.accept().unwrap();
        let trickle = thread::spawn(move || {
            for _ in 0..30 {
                if client.write_all(b"L").is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(100));
            }
        });
        let mut requests = Requests::new(stream, Duration::from_millis(500));
        let started = Instant::now();
        let err = requests.next_line().unwrap_err();
        assert!(crate::net::io::is_timeout(&err), "{err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        drop(requests);
        trickle.join().unwrap();
    }
}
