//! The UDP image server's machinery: its folder and open files, its key for address tokens,
//! its replies (never more than 3 x the request to an address not validated), and its answer
//! to metadata requests. What it does with a data request is the server program's own.
//!
//! The server remembers nothing about its clients, but reopening (and checking) a file for
//! every data request would cost a lot: files opened for recent requests stay open. This is a
//! cache, not a memory of clients: an entry unused for 30 s is closed, at most 32 stay open,
//! and a request whose entry is gone simply opens the file again.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::image::catalog::{Folder, Lookup};
use crate::image::source::Source;
use crate::image::udp::{MAX_CHUNK, MIN_CHUNK, Message, Replies, Tokens};
use crate::net::shown;

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

    /// What `name` is served from (the file, or the not-found picture), or why it is refused.
    pub fn source(&mut self, name: &str) -> Result<&mut Source, String> {
        self.open.get(&self.folder, name).map(|(source, _)| source)
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
    fn get(&mut self, folder: &Folder, name: &str) -> Result<&mut Served, String> {
        let now = Instant::now();
        self.entries
            .retain(|_, (_, used)| now.duration_since(*used) < KEEP_OPEN);
        if !self.entries.contains_key(name) {
            let served = match folder.find(name) {
                Ok(Lookup::Found(source)) => (source, false),
                Ok(Lookup::Missing) => (folder.not_found(), true),
                Ok(Lookup::Refused(why)) => return Err(why),
                Err(e) => return Err(format!("cannot read {name}: {e}")),
            };
            if self.entries.len() >= MAX_OPEN {
                self.entries.clear();
            }
            self.entries.insert(name.to_string(), (served, now));
        }
        let (served, used) = self
            .entries
            .get_mut(name)
            .ok_or_else(|| format!("cannot keep {name} open"))?;
        *used = now;
        Ok(served)
    }
}
