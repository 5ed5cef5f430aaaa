//! The folder an image server serves, and the rules that keep it inside that folder.
//!
//! A server that opens whatever name a client sends serves `../../etc/passwd` too. Here a name
//! must be a plain file name (letters, digits, `.`, `_`, `-`; no leading dot, no `..`), the
//! file it names, once every symlink is followed, must still be inside the folder, and it must
//! be a regular file (not a FIFO that would block the server, not a device). One function,
//! [`Folder::open`], applies these rules; every file a server sends goes through it, the
//! not-found picture included. Clients apply [`check_name`] to every name they receive.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::image::fletcher::Fletcher32;
use crate::image::picture;
use crate::image::source::{Source, open_regular};
use crate::image::tcp::Entry;
use crate::net::sock;

/// The file of a served folder that unknown names get, if the folder has one.
pub const NOT_FOUND_NAME: &str = "not-found.png";

/// The not-found picture built into the programs, for folders that have none.
pub static NOT_FOUND_PICTURE: &[u8] = include_bytes!("../../images/not-found.png");

/// The longest name a client may ask for.
pub const MAX_NAME: usize = 255;

/// Checks that `name` is a plain file name; says why not otherwise. Servers apply it to the
/// names clients ask for, and clients to the names servers send them.
pub fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("empty name");
    }
    if name.len() > MAX_NAME {
        return Err("name longer than 255 bytes");
    }
    if name.contains(['/', '\\', ':']) {
        return Err("a name may not contain /, \\ or : (no paths)");
    }
    if name.starts_with('.') || name.contains("..") {
        return Err("a name may not start with a dot or contain ..");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("a name uses only letters, digits, '.', '_' and '-'");
    }
    Ok(())
}

/// What a name leads to.
#[derive(Debug)]
pub enum Lookup {
    /// The file, opened, with its size and checksum.
    Found(Source),
    /// A well-formed name that the folder does not have.
    Missing,
    /// A name that is refused, and why.
    Refused(String),
}

/// The options every image server takes: where to listen, and which folder to serve.
#[derive(Debug, clap::Args)]
pub struct ServedFolder {
    /// The address to listen on: 127.0.0.1 (this machine), 0.0.0.0 (a lab room)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The folder of pictures to serve; nothing outside it is ever sent
    #[arg(long, default_value = "images")]
    pub dir: PathBuf,
}

impl ServedFolder {
    /// The folder to serve, and a TCP listener where the options say (port 0: the OS chooses),
    /// announced with its `listening on` line (and, on 0.0.0.0, the addresses to use).
    pub fn listen_tcp(&self, port: u16) -> Result<(Folder, TcpListener), String> {
        let folder = Folder::serve(&self.dir)?;
        let listener = sock::bind_and_listen(&self.host, port)?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("cannot read the listening address: {e}"))?;
        sock::announce("listening on", address);
        Ok((folder, listener))
    }

    /// The folder to serve, and a UDP socket bound where the options say, announced with its
    /// `receiving on` line (UDP has no listen()).
    pub fn bind_udp(&self, port: u16) -> Result<(Folder, UdpSocket), String> {
        let folder = Folder::serve(&self.dir)?;
        let (socket, address) = sock::bind_udp(&self.host, port)?;
        sock::announce("receiving on", address);
        Ok((folder, socket))
    }
}

/// Checksums already computed, by path, with the size and modification time they are valid for.
type ChecksumCache = HashMap<PathBuf, (u64, Option<SystemTime>, u32)>;

/// A served folder.
#[derive(Debug)]
pub struct Folder {
    dir: PathBuf,
    checksums: Mutex<ChecksumCache>,
}

impl Folder {
    /// Opens `dir` for serving. Its not-found picture, if it has one, must obey the rules of
    /// every other file (InvalidData otherwise): it is refused now rather than served wrong.
    pub fn new(dir: &Path) -> io::Result<Folder> {
        let dir = dir.canonicalize()?;
        if !dir.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotADirectory, "not a folder"));
        }
        let folder = Folder {
            dir,
            checksums: Mutex::new(HashMap::new()),
        };
        if let Err(Lookup::Refused(why)) = folder.open(NOT_FOUND_NAME)? {
            let why = format!(
                "its {NOT_FOUND_NAME} cannot be served ({why}); replace it with a picture, or remove it to use the built-in one"
            );
            return Err(io::Error::new(io::ErrorKind::InvalidData, why));
        }
        Ok(folder)
    }

    /// Opens `dir` for serving, or says in one line why it cannot be served.
    pub fn serve(dir: &Path) -> Result<Folder, String> {
        Folder::new(dir).map_err(|e| format!("cannot serve the folder {}: {e}", dir.display()))
    }

    /// Opens the file `name` leads to, if the rules allow: a plain name, inside the folder once
    /// symlinks are followed, a regular file. Gives the file and its size, or why not.
    pub fn open(&self, name: &str) -> io::Result<Result<(File, u64), Lookup>> {
        if let Err(why) = check_name(name) {
            return Ok(Err(Lookup::Refused(why.to_string())));
        }
        let real = match self.dir.join(name).canonicalize() {
            Ok(real) => real,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Err(Lookup::Missing)),
            Err(e) => return Err(e),
        };
        if !real.starts_with(&self.dir) {
            let why = "that name leads outside the folder".to_string();
            return Ok(Err(Lookup::Refused(why)));
        }
        match open_regular(&real) {
            Ok(opened) => Ok(Ok(opened)),
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
                Ok(Err(Lookup::Refused("not a file".to_string())))
            }
            Err(e) => Err(e),
        }
    }

    /// Finds `name` in the folder and opens it, with its size and checksum.
    pub fn find(&self, name: &str) -> io::Result<Lookup> {
        let (mut file, bytes) = match self.open(name)? {
            Ok(opened) => opened,
            Err(lookup) => return Ok(lookup),
        };
        let modified = file.metadata()?.modified().ok();
        let checksum = self.checksum(name, &mut file, bytes, modified)?;
        Ok(Lookup::Found(Source::file(file, bytes, checksum)))
    }

    /// What unknown names get: the folder's `not-found.png`, or the built-in picture if it has
    /// none. Empty (0 bytes) if the folder's picture was replaced, since start-up, by something
    /// the rules refuse: a server never sends what the rules refuse.
    pub fn not_found(&self) -> Source {
        match self.find(NOT_FOUND_NAME) {
            Ok(Lookup::Found(source)) => source,
            Ok(Lookup::Missing) => Source::built_in(NOT_FOUND_PICTURE),
            Ok(Lookup::Refused(_)) | Err(_) => Source::empty(),
        }
    }

    /// The file's Fletcher-32, from the cache or read once (the file is left at its start).
    fn checksum(
        &self,
        name: &str,
        file: &mut File,
        bytes: u64,
        modified: Option<SystemTime>,
    ) -> io::Result<u32> {
        let key = self.dir.join(name);
        let known = self.lock().get(&key).copied();
        if let Some((size, time, sum)) = known
            && size == bytes
            && time == modified
        {
            return Ok(sum);
        }
        let sum = checksum_of(&mut (&*file).take(bytes))?;
        io::Seek::rewind(file)?;
        self.lock().insert(key, (bytes, modified, sum));
        Ok(sum)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ChecksumCache> {
        self.checksums.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The pictures of the folder, by name: regular files with an acceptable name whose header
    /// is a PNG or JPEG one (the not-found picture aside).
    pub fn list(&self) -> io::Result<Vec<Entry>> {
        let mut entries = Vec::new();
        for item in std::fs::read_dir(&self.dir)? {
            let Some(name) = item?.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if name == NOT_FOUND_NAME {
                continue;
            }
            if let Ok(Ok((file, bytes))) = self.open(&name)
                && let Ok((width, height)) = picture::dimensions(BufReader::new(file))
            {
                entries.push(Entry {
                    name,
                    width,
                    height,
                    bytes,
                });
            }
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }
}

/// Reads `reader` to its end and returns the Fletcher-32 of what it read.
pub fn checksum_of(reader: &mut impl Read) -> io::Result<u32> {
    let mut sum = Fletcher32::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        match reader.read(&mut buffer)? {
            0 => return Ok(sum.finish()),
            n => sum.update(&buffer[..n]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_and_paths_do_not() {
        for good in ["car.png", "my-picture_2.jpeg", "a.b.c", "x"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "../secret",
            "..",
            "a/../b",
            "/etc/passwd",
            "C:\\Windows\\win.ini",
            "dir\\x.png",
            ".hidden",
            "C:x",
            "with space.png",
            "tab\there",
            "new\nline",
            "esc\x1b[2J",
            "caf\u{e9}.png",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name(&"a".repeat(256)).is_err());
    }
}
