//! Sharing the sending among clients. A server that sends all the chunks of a request before it
//! reads the next datagram is at the mercy of its greediest client: one that asks for 256
//! chunks of 65000 bytes as fast as it can keeps the server busy with it alone, and the others'
//! requests wait, or are dropped when the socket's queue is full. [`Fair`] keeps the chunks each
//! client still has to get and hands them out in turns, a few chunks per client per turn, as a
//! round-robin scheduler does; between two turns the server reads what has arrived.
//!
//! This is the only state the server keeps about its clients, and it is bounded: at most
//! [`PENDING`] chunks per client and [`CLIENTS`] clients; what asks for more is dropped (the
//! client asks again).

use std::collections::VecDeque;
use std::io;
use std::net::{SocketAddr, UdpSocket};

use super::MAX_CHUNKS_PER_REQUEST;

/// Bytes of chunks a client gets in one turn (at least one chunk, at most 256): a turn is short,
/// so that the datagrams that arrive meanwhile never fill the socket's queue.
pub const TURN_BYTES: usize = 256 << 10;
/// Chunks of one client that may wait to be sent: four requests' worth.
pub const PENDING: usize = 4 * MAX_CHUNKS_PER_REQUEST as usize;
/// Clients that may have chunks waiting at once.
pub const CLIENTS: usize = 1024;
/// Datagrams read in a row before the server sends a turn, however many more are waiting:
/// more than arrive during a turn, so the queue empties; and a flood of requests cannot stop
/// the sending either.
pub const READS_PER_TURN: u32 = 256;

/// What one client still has to get: the chunks of its requests for one transfer.
#[derive(Debug)]
struct Pending {
    client: SocketAddr,
    transfer: u32,
    chunk: u16,
    name: String,
    chunks: VecDeque<u32>,
}

/// One turn: chunks to send to one client.
#[derive(Debug, PartialEq, Eq)]
pub struct Turn {
    /// Who gets them.
    pub client: SocketAddr,
    /// Its transfer number.
    pub transfer: u32,
    /// The chunk size of its request.
    pub chunk: u16,
    /// The name it asked for.
    pub name: String,
    /// The chunks' numbers, in the order they were asked for.
    pub chunks: Vec<u32>,
}

/// The clients with chunks to get, in turn order.
#[derive(Debug, Default)]
pub struct Fair {
    waiting: VecDeque<Pending>,
    reads: u32,
    /// Whether the socket only looks (chunks wait to be sent), or waits for a datagram.
    looking: bool,
}

impl Fair {
    /// No chunk to send yet.
    pub fn new() -> Fair {
        Fair::default()
    }

    /// Whether no chunk waits to be sent (the server may then wait for datagrams).
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// The next datagram from `socket`, into `buffer`: when no chunk waits to be sent, it
    /// waits for one; otherwise it only looks, and `Ok(None)` says that a turn is due (nothing
    /// has arrived, or [`READS_PER_TURN`] datagrams were read in a row).
    pub fn receive(
        &mut self,
        socket: &UdpSocket,
        buffer: &mut [u8],
    ) -> io::Result<Option<(usize, SocketAddr)>> {
        let look = !self.is_empty();
        if look && self.reads >= READS_PER_TURN {
            return Ok(None);
        }
        if look != self.looking {
            socket.set_nonblocking(look)?;
            self.looking = look;
        }
        match socket.recv_from(buffer) {
            Ok(datagram) => {
                self.reads += 1;
                Ok(Some(datagram))
            }
            Err(e) if look && e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Adds the chunks a data request of `client` gets (the server program decides which: at
    /// most 256, and only chunks that exist) to what it waits for. A request of another
    /// transfer, name or chunk size replaces what it waited for; chunks past [`PENDING`], or of
    /// a client past [`CLIENTS`], are dropped.
    pub fn push(
        &mut self,
        client: SocketAddr,
        (transfer, chunk, name): (u32, u16, &str),
        wanted: Vec<u32>,
    ) {
        let at = self.waiting.iter().position(|p| p.client == client);
        let same = |p: &Pending| p.transfer == transfer && p.chunk == chunk && p.name == name;
        let pending = match at {
            Some(at) if same(&self.waiting[at]) => &mut self.waiting[at],
            Some(at) => {
                let pending = &mut self.waiting[at];
                *pending = new_pending(client, (transfer, chunk, name));
                pending
            }
            None if self.waiting.len() >= CLIENTS => return,
            None => {
                self.waiting
                    .push_back(new_pending(client, (transfer, chunk, name)));
                self.waiting
                    .back_mut()
                    .unwrap_or_else(|| unreachable!("just pushed"))
            }
        };
        let room = PENDING.saturating_sub(pending.chunks.len());
        pending.chunks.extend(wanted.into_iter().take(room));
        if pending.chunks.is_empty() {
            self.waiting.retain(|p| !p.chunks.is_empty());
        }
    }

    /// The next turn: up to [`TURN_BYTES`] of chunks of the client at the head of the line,
    /// which then goes to the back if it has more to get.
    pub fn next_turn(&mut self) -> Option<Turn> {
        self.reads = 0;
        let mut pending = self.waiting.pop_front()?;
        let most = MAX_CHUNKS_PER_REQUEST as usize;
        let per_turn = (TURN_BYTES / usize::from(pending.chunk.max(1))).clamp(1, most);
        let n = pending.chunks.len().min(per_turn);
        let turn = Turn {
            client: pending.client,
            transfer: pending.transfer,
            chunk: pending.chunk,
            name: pending.name.clone(),
            chunks: pending.chunks.drain(..n).collect(),
        };
        if !pending.chunks.is_empty() {
            self.waiting.push_back(pending);
        }
        Some(turn)
    }
}

fn new_pending(client: SocketAddr, (transfer, chunk, name): (u32, u16, &str)) -> Pending {
    Pending {
        client,
        transfer,
        chunk,
        name: name.to_string(),
        chunks: VecDeque::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn clients_get_their_chunks_in_turns_however_much_one_asks() {
        let mut fair = Fair::new();
        let greedy = client(1);
        for _ in 0..100 {
            fair.push(greedy, (1, 65000, "big"), (0..256).collect());
        }
        fair.push(client(2), (7, 1000, "car.png"), (0..10).collect());
        let first = fair.next_turn().unwrap();
        assert_eq!((first.client, first.chunks), (greedy, vec![0, 1, 2, 3]));
        let second = fair.next_turn().unwrap();
        assert_eq!(
            (second.client, second.chunks),
            (client(2), (0..10).collect::<Vec<u32>>())
        );
        // The greedy client's requests were capped: four of them, no more.
        let mut sent = 4;
        while let Some(turn) = fair.next_turn() {
            assert_eq!(turn.client, greedy);
            sent += turn.chunks.len();
        }
        assert_eq!(sent, PENDING);
        assert!(fair.is_empty());
    }

    #[test]
    fn a_new_transfer_replaces_the_old_and_an_empty_request_waits_for_nothing() {
        let mut fair = Fair::new();
        fair.push(client(1), (1, 512, "a"), (0..300).collect());
        fair.push(client(1), (1, 512, "a"), vec![5, 6, 7]);
        let mut total = 0;
        while let Some(turn) = fair.next_turn() {
            assert!(turn.chunks.len() <= 256, "a turn of 256 KiB at most");
            total += turn.chunks.len();
        }
        assert_eq!(total, 303, "both requests of the same transfer");
        fair.push(client(1), (1, 512, "a"), (0..5).collect());
        fair.push(client(1), (2, 512, "b"), vec![0, 1]);
        let turn = fair.next_turn().unwrap();
        assert_eq!((turn.transfer, turn.chunks), (2, vec![0, 1]));
        assert!(fair.next_turn().is_none());
        fair.push(client(1), (3, 512, "c"), Vec::new());
        assert!(fair.is_empty(), "nothing to send, nothing waits");
    }
}
