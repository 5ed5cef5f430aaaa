//! The folder an image server serves, and the rules that keep it inside that folder.
//!
//! The seed projects opened whatever name the client sent: `../../etc/passwd` would have been
//! served. Here a name must be a plain file name (letters, digits, `.`, `_`, `-`; no leading
//! dot, no `..`), and the file it names, once every symlink is followed, must still be inside
//! the folder.

use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::image::fletcher::Fletcher32;

/// The file of a served folder that unknown names get, if the folder has one.
pub const NOT_FOUND_NAME: &str = "not-found.png";

/// The not-found picture built into the programs, for folders that have none.
pub static NOT_FOUND_PICTURE: &[u8] = include_bytes!("../../images/not-found.png");

/// The longest name a client may ask for.
pub const MAX_NAME: usize = 255;

/// Checks that `name` is a plain file name; says why not otherwise.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty name".to_string());
    }
    if name.len() > MAX_NAME {
        return Err(format!("name longer than {MAX_NAME} bytes"));
    }
    if name.contains(['/', '\\']) || name.contains(':') {
        return Err("a name may not contain /, \\ or : (no paths)".to_string());
    }
    if name.starts_with('.') || name.contains("..") {
        return Err("a name may not start with a dot or contain ..".to_string());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("a name uses only letters, digits, '.', '_' and '-'".to_string());
    }
    Ok(())
}

/// What a name leads to.
#[derive(Debug)]
pub enum Lookup {
    /// The file, opened, with its size and checksum.
    Found {
        /// The open file, at its start.
        file: File,
        /// Its size in bytes.
        bytes: u64,
        /// Its Fletcher-32.
        checksum: u32,
    },
    /// A well-formed name that the folder does not have.
    Missing,
    /// A name that is refused, and why.
    Refused(String),
}

/// One picture of a listing.
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

/// Checksums already computed, by path, with the size and modification time they are valid for.
type ChecksumCache = HashMap<PathBuf, (u64, Option<SystemTime>, u32)>;

/// A served folder.
#[derive(Debug)]
pub struct Folder {
    dir: PathBuf,
    checksums: Mutex<ChecksumCache>,
}

impl Folder {
    /// Opens `dir` for serving.
    pub fn open(dir: &Path) -> io::Result<Folder> {
        let dir = dir.canonicalize()?;
        if !dir.is_dir() {
            return Err(io::Error::new(io::ErrorKind::NotADirectory, "not a folder"));
        }
        Ok(Folder {
            dir,
            checksums: Mutex::new(HashMap::new()),
        })
    }

    /// Opens `dir` for serving, or says in one line why it cannot be served.
    pub fn serve(dir: &Path) -> Result<Folder, String> {
        Folder::open(dir).map_err(|e| format!("cannot serve the folder {}: {e}", dir.display()))
    }

    /// The folder, as an absolute path.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Where `name` leads: a regular file inside the folder (symlinks followed) and its
    /// metadata, or why not.
    fn resolve(&self, name: &str) -> io::Result<Result<(PathBuf, Metadata), Lookup>> {
        if let Err(why) = check_name(name) {
            return Ok(Err(Lookup::Refused(why)));
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
        let metadata = real.metadata()?;
        if !metadata.is_file() {
            return Ok(Err(Lookup::Refused("not a file".to_string())));
        }
        Ok(Ok((real, metadata)))
    }

    /// The path of the file `name` leads to, or why there is none.
    pub fn locate(&self, name: &str) -> io::Result<Result<PathBuf, Lookup>> {
        Ok(self.resolve(name)?.map(|(real, _)| real))
    }

    /// Finds `name` in the folder and opens it.
    pub fn find(&self, name: &str) -> io::Result<Lookup> {
        let (real, metadata) = match self.resolve(name)? {
            Ok(found) => found,
            Err(lookup) => return Ok(lookup),
        };
        let mut file = File::open(&real)?;
        let bytes = metadata.len();
        let checksum = self.checksum(&real, &mut file, bytes, metadata.modified().ok())?;
        Ok(Lookup::Found {
            file,
            bytes,
            checksum,
        })
    }

    /// The file's Fletcher-32, from the cache or read once (the file is left at its start).
    fn checksum(
        &self,
        path: &Path,
        file: &mut File,
        bytes: u64,
        modified: Option<SystemTime>,
    ) -> io::Result<u32> {
        let known = self.lock().get(path).copied();
        if let Some((size, time, sum)) = known
            && size == bytes
            && time == modified
        {
            return Ok(sum);
        }
        let sum = checksum_of(file)?;
        file.rewind()?;
        self.lock()
            .insert(path.to_path_buf(), (bytes, modified, sum));
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
            let item = item?;
            let Some(name) = item.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if name == NOT_FOUND_NAME || check_name(&name).is_err() {
                continue;
            }
            if let Ok(Ok((real, metadata))) = self.resolve(&name)
                && let Ok((width, height)) = crate::image::picture::dimensions(&real)
            {
                entries.push(Entry {
                    name,
                    width,
                    height,
                    bytes: metadata.len(),
                });
            }
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    /// The picture sent for unknown names: the folder's `not-found.png`, or the built-in one.
    pub fn not_found_picture(&self) -> Vec<u8> {
        std::fs::read(self.dir.join(NOT_FOUND_NAME)).unwrap_or_else(|_| NOT_FOUND_PICTURE.to_vec())
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
            "caf\u{e9}.png",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name(&"a".repeat(256)).is_err());
    }
}
