//! The UDP image server's machinery: its folder and open files, its key for address tokens,
//! its replies ([`Replies`]: never more than 3 x the request to an address not validated), its
//! answer to metadata requests, and the line of chunks waiting to be sent ([`Fair`]). Which
//! chunks a data request gets, and how they are read and sent, is the server program's own.
//!
//! The server remembers nothing about its clients but the chunks they wait for; reopening
//! (and checking) a file for every data request would cost a lot: files opened for recent
//! requests stay open. This is a cache, not a memory of clients: an entry unused for 30 s is
//! closed, at most 32 stay open, and a request whose entry is gone simply opens the file again.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::image::folder::{Folder, Lookup, Refusal};
use crate::image::source::Source;
use crate::image::udp::fair::Fair;
use crate::image::udp::{MAX_CHUNK, MIN_CHUNK, Message};
use crate::net::shown;

pub use super::replies::Replies;

/// A UDP image server's state: nothing about its clients, only its own.
#[derive(Debug)]
pub struct Server {
    /// The key of the address tokens, drawn at start-up.
    pub tokens: Tokens,
    folder: Folder,
    open: OpenFiles,
}

impl Server {
    /// A server of `folder`.
    pub fn new(folder: Folder) -> Server {
        Server {
            tokens: Tokens::new(),
            folder,
            open: OpenFiles::default(),
        }
    }

    /// Answers the metadata request of `client` (`received` bytes) for `name`, in chunks of
    /// `chunk` bytes (clamped to the protocol's range): `m` with the size, the checksum and
    /// the token of the client's address, or `e` if the name is refused. The address is not
    /// validated yet: at most 3 x `received` bytes go back. Prints one line.
    pub fn answer_meta(
        &mut self,
        replies: &mut Replies,
        client: SocketAddr,
        received: usize,
        (transfer, chunk, name): (u32, u16, &str),
    ) {
        let chunk = chunk.clamp(MIN_CHUNK, MAX_CHUNK);
        let token = self.tokens.for_client(client);
        let reply = match self.open.get(&self.folder, name) {
            Ok((source, not_found)) => {
                let (size, checksum) = (source.bytes, source.checksum);
                println!(
                    "{client}: GET {} -> {size} bytes in chunks of {chunk}",
                    shown(name)
                );
                let not_found = *not_found;
                Message::Meta {
                    transfer,
                    not_found,
                    size,
                    checksum,
                    chunk,
                    token,
                }
            }
            Err(why) => {
                println!("{client}: GET {} -> refused: {why}", shown(name));
                let why = why.to_string();
                let error = Message::Error {
                    transfer,
                    reason: &why,
                };
                let _ = replies.send_unvalidated(client, received, &error);
                return;
            }
        };
        let _ = replies.send_unvalidated(client, received, &reply);
    }

    /// Puts the chunks that a data request of `client` (its token checked) gets in line in
    /// `fair`: those `asked` gives for the file's number of chunks. Ignores the request when its
    /// chunk size is outside 512 to 65000; answers `e` when the name is not served.
    pub fn queue_data(
        &mut self,
        (fair, replies): (&mut Fair, &mut Replies),
        client: SocketAddr,
        (transfer, chunk, name): (u32, u16, &str),
        asked: impl FnOnce(u64) -> Vec<u32>,
    ) {
        if !(MIN_CHUNK..=MAX_CHUNK).contains(&chunk) {
            return;
        }
        match self.source(name) {
            Ok(source) => {
                let count = super::chunk_count(source.bytes, chunk);
                fair.push(client, (transfer, chunk, name), asked(count));
            }
            Err(why) => {
                let reason = why.to_string();
                let _ = replies.send(
                    client,
                    &Message::Error {
                        transfer,
                        reason: &reason,
                    },
                );
            }
        }
    }

    /// Sends the client at the head of `fair`'s line its turn of chunks, with `send` (given the
    /// client, the transfer and chunk size, the file, the chunks' numbers).
    pub fn send_turn(
        &mut self,
        fair: &mut Fair,
        send: impl FnOnce(SocketAddr, (u32, u16), &mut Source, &[u32]),
    ) {
        let Some(turn) = fair.next_turn() else {
            return;
        };
        if let Ok(source) = self.source(&turn.name) {
            send(
                turn.client,
                (turn.transfer, turn.chunk),
                source,
                &turn.chunks,
            );
        }
    }

    /// What `name` is served from (the file, or the not-found picture), or why it is refused.
    pub fn source(&mut self, name: &str) -> Result<&mut Source, Unserved> {
        self.open.get(&self.folder, name).map(|(source, _)| source)
    }
}

/// Why a name is not served: refused by the folder's rules, or its file cannot be read.
#[derive(Debug)]
pub enum Unserved {
    /// The folder's rules refuse the name.
    Refused(Refusal),
    /// The file cannot be read.
    Unreadable {
        /// The name asked for.
        name: String,
        /// What the OS said.
        error: io::Error,
    },
}

impl std::fmt::Display for Unserved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unserved::Refused(why) => write!(f, "{why}"),
            Unserved::Unreadable { name, error } => {
                write!(f, "cannot read {}: {error}", shown(name))
            }
        }
    }
}

impl std::error::Error for Unserved {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Unserved::Unreadable { error, .. } => Some(error),
            Unserved::Refused(_) => None,
        }
    }
}

/// How long an open file stays open without requests.
const KEEP_OPEN: Duration = Duration::from_secs(30);
/// How many files stay open at most.
const MAX_OPEN: usize = 32;

/// What a name is served from: the file, or the not-found picture (`true`).
type Served = (Source, bool);

/// Files opened for recent requests, by name.
#[derive(Debug, Default)]
struct OpenFiles {
    entries: HashMap<String, (Served, Instant)>,
}

impl OpenFiles {
    /// What `name` is served from, and whether it is the not-found picture; or why the name
    /// is refused. Opened through the folder's rules ([`Folder::find`]) when not open already.
    fn get(&mut self, folder: &Folder, name: &str) -> Result<&mut Served, Unserved> {
        let now = Instant::now();
        self.entries
            .retain(|_, (_, used)| now.duration_since(*used) < KEEP_OPEN);
        if !self.entries.contains_key(name) && self.entries.len() >= MAX_OPEN {
            self.entries.clear();
        }
        let (served, used) = match self.entries.entry(name.to_string()) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                let served = match folder.find(name) {
                    Ok(Lookup::Found(source)) => (source, false),
                    Ok(Lookup::Missing) => (folder.not_found(), true),
                    Ok(Lookup::Refused(why)) => return Err(Unserved::Refused(why)),
                    Err(error) => {
                        return Err(Unserved::Unreadable {
                            name: name.to_string(),
                            error,
                        });
                    }
                };
                entry.insert((served, now))
            }
        };
        *used = now;
        Ok(served)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_belongs_to_one_address_and_one_server() {
        let tokens = Tokens::new();
        let a: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:5001".parse().unwrap();
        assert_eq!(tokens.for_client(a), tokens.for_client(a));
        assert_ne!(tokens.for_client(a), tokens.for_client(b));
        assert_ne!(tokens.for_client(a), Tokens::new().for_client(a));
    }
}
