//! The folder an image server serves, and the rules that keep it inside that folder.
//!
//! A server that opens whatever name a client sends serves `../../etc/passwd` too. Here a name
//! must be a [`PictureName`], the file it names, once every symlink is followed, must still be
//! inside the folder, and it must be a regular file (not a FIFO that would block the server,
//! not a device). One function, [`Folder::open`], applies these rules; every file a server
//! sends goes through it, the not-found picture included.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::image::fletcher::checksum_of;
use crate::image::name::{NOT_FOUND_NAME, NameError, PictureName};
use crate::image::picture;
use crate::image::source::{Source, open_regular};
use crate::image::tcp::Entry;

/// The not-found picture built into the programs, for folders that have none.
pub static NOT_FOUND_PICTURE: &[u8] = include_bytes!("../../images/not-found.png");

/// What a name leads to: `T` is what is found (a file and its size, or a [`Source`]).
#[derive(Debug)]
pub enum Lookup<T> {
    /// What the name leads to.
    Found(T),
    /// A well-formed name that the folder does not have.
    Missing,
    /// A name that is refused, and why.
    Refused(Refusal),
}

/// Why a server refuses a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a [`PictureName`].
    Name(NameError),
    /// A symlink that leads outside the folder.
    Outside,
    /// Not a regular file (a folder, a FIFO, a device).
    NotAFile,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Name(why) => write!(f, "{why}"),
            Refusal::Outside => f.write_str("that name leads outside the folder"),
            Refusal::NotAFile => f.write_str("not a file"),
        }
    }
}

/// Why a folder cannot be served.
#[derive(Debug)]
pub enum FolderError {
    /// It cannot be read (or is not a folder).
    Unreadable {
        /// The folder.
        dir: PathBuf,
        /// What the OS said.
        error: io::Error,
    },
    /// Its not-found picture breaks the rules.
    BadNotFound {
        /// The folder.
        dir: PathBuf,
        /// Why the picture is refused.
        why: Refusal,
    },
}

impl fmt::Display for FolderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FolderError::Unreadable { dir, error } => {
                write!(f, "cannot serve the folder {}: {error}", dir.display())
            }
            FolderError::BadNotFound { dir, why } => write!(
                f,
                "cannot serve the folder {}: its {NOT_FOUND_NAME} cannot be served ({why}); \
                 replace it with a picture, or remove it to use the built-in one",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for FolderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FolderError::Unreadable { error, .. } => Some(error),
            FolderError::BadNotFound { .. } => None,
        }
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
    /// every other file: it is refused now rather than served wrong.
    pub fn new(dir: &Path) -> Result<Folder, FolderError> {
        let cannot = |error: io::Error| FolderError::Unreadable {
            dir: dir.to_path_buf(),
            error,
        };
        let real = dir.canonicalize().map_err(cannot)?;
        if !real.is_dir() {
            return Err(cannot(io::ErrorKind::NotADirectory.into()));
        }
        let folder = Folder {
            dir: real,
            checksums: Mutex::new(HashMap::new()),
        };
        if let Lookup::Refused(why) = folder.open(NOT_FOUND_NAME).map_err(cannot)? {
            return Err(FolderError::BadNotFound {
                dir: dir.to_path_buf(),
                why,
            });
        }
        Ok(folder)
    }

    /// Opens the file `name` leads to, if the rules allow: a [`PictureName`], inside the folder
    /// once symlinks are followed, a regular file. Gives the file and its size, or why not.
    pub fn open(&self, name: &str) -> io::Result<Lookup<(File, u64)>> {
        let name = match PictureName::new(name) {
            Ok(name) => name,
            Err(why) => return Ok(Lookup::Refused(Refusal::Name(why))),
        };
        let real = match self.dir.join(&name).canonicalize() {
            Ok(real) => real,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Lookup::Missing),
            Err(e) => return Err(e),
        };
        if !real.starts_with(&self.dir) {
            return Ok(Lookup::Refused(Refusal::Outside));
        }
        match open_regular(&real) {
            Ok(opened) => Ok(Lookup::Found(opened)),
            Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
                Ok(Lookup::Refused(Refusal::NotAFile))
            }
            Err(e) => Err(e),
        }
    }

    /// Finds `name` in the folder and opens it, with its size and checksum.
    pub fn find(&self, name: &str) -> io::Result<Lookup<Source>> {
        let (mut file, bytes) = match self.open(name)? {
            Lookup::Found(opened) => opened,
            Lookup::Missing => return Ok(Lookup::Missing),
            Lookup::Refused(why) => return Ok(Lookup::Refused(why)),
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
        crate::kit::lock(&self.checksums)
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
            if let Ok(Lookup::Found((file, bytes))) = self.open(&name)
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
