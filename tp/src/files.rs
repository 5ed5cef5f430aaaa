//! Files of the grading workspace: writing (in place at once, by a rename), linking and
//! hashing files, and the fingerprint of the kit's sources.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A file or folder that could not be read, written, made or linked: what was being done,
/// where, and the system's error.
#[derive(Debug)]
pub struct FileError {
    /// What was being done: "read", "write", "make the folder"...
    pub action: &'static str,
    /// The file or folder.
    pub path: PathBuf,
    /// The system's error.
    pub source: io::Error,
}

impl FileError {
    /// The error of `action` on `path`, to give to `map_err`.
    pub fn at(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> FileError {
        let path = path.to_path_buf();
        move |source| FileError {
            action,
            path,
            source,
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot {} {}: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A fingerprint of the kit's sources that programs are built from (its manifests, library,
/// launchers, tools, references and pictures): programs built against other sources are stale.
pub fn fingerprint(root: &Path) -> Result<u64, FileError> {
    fingerprint_of(
        root,
        &["Cargo.toml", "Cargo.lock"],
        &["src", "examples", "tools", "images", "solutions"],
    )
}

/// A fingerprint of every source of the kit's test binaries too: its programs' sources, the
/// tests, and `tp`'s library, which they use.
pub fn sources_fingerprint(root: &Path) -> Result<u64, FileError> {
    let programs = fingerprint(root)?;
    let tests = fingerprint_of(root, &["tp/Cargo.toml"], &["tests", "tp/src"])?;
    Ok(programs.rotate_left(7) ^ tests)
}

/// A fingerprint of `files` and of the files in `folders`, under `root`.
fn fingerprint_of(root: &Path, files: &[&str], folders: &[&str]) -> Result<u64, FileError> {
    let mut fingerprint = 0u64;
    for file in files {
        let path = root.join(file);
        let bytes = std::fs::read(&path).map_err(FileError::at("read", &path))?;
        fingerprint = fingerprint.rotate_left(5) ^ fnv64(&bytes);
    }
    for folder in folders {
        fingerprint = fingerprint.rotate_left(5) ^ fingerprint_folder(&root.join(folder))?;
    }
    Ok(fingerprint)
}

/// A fingerprint of the files' names and contents in `folder`, and in its folders.
fn fingerprint_folder(folder: &Path) -> Result<u64, FileError> {
    let mut entries: Vec<_> = std::fs::read_dir(folder)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .map_err(FileError::at("read the folder", folder))?;
    entries.sort_by_key(|entry| entry.file_name());
    let mut fingerprint = 0u64;
    for entry in entries {
        let path = entry.path();
        let part = if path.is_dir() {
            fingerprint_folder(&path)?
        } else {
            let bytes = std::fs::read(&path).map_err(FileError::at("read", &path))?;
            fnv64(&bytes)
        };
        fingerprint =
            fingerprint.rotate_left(5) ^ part ^ fnv64(entry.file_name().as_encoded_bytes());
    }
    Ok(fingerprint)
}

/// Writes `bytes` to `path`, creating its folder first, and puts the file in place by a
/// rename: a reader never sees half of it. The error names the file.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let staged = staged(path);
    if let Some(parent) = path.parent() {
        make_folder(parent)?;
    }
    std::fs::write(&staged, bytes)
        .and_then(|()| std::fs::rename(&staged, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&staged);
            FileError::at("write", path)(e)
        })
}

/// Makes the folder `path` and its parents, as needed.
pub fn make_folder(path: &Path) -> Result<(), FileError> {
    std::fs::create_dir_all(path).map_err(FileError::at("make the folder", path))
}

/// A hard link (no copy of a large binary), or a copy where links are not possible, put in
/// place by a rename.
pub fn link(from: &Path, to: &Path) -> Result<(), FileError> {
    if let Some(parent) = to.parent() {
        make_folder(parent)?;
    }
    let staged = staged(to);
    let _ = std::fs::remove_file(&staged);
    std::fs::hard_link(from, &staged)
        .or_else(|_| std::fs::copy(from, &staged).map(|_| ()))
        .and_then(|()| std::fs::rename(&staged, to))
        .map_err(FileError::at("place", to))
}

/// Where `path` is written before it is renamed into place: beside it, hidden, unique to
/// this process and thread.
fn staged(path: &Path) -> std::path::PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let thread = fnv64(format!("{:?}", std::thread::current().id()).as_bytes());
    path.with_file_name(format!(".{name}.{}-{thread:x}", std::process::id()))
}

/// FNV-1a, 64 bits: a file's content, as a cache key.
pub fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `path` with the executable suffix of this OS (`.exe` on Windows).
pub fn executable_at(path: &Path) -> PathBuf {
    PathBuf::from(format!(
        "{}{}",
        path.display(),
        std::env::consts::EXE_SUFFIX
    ))
}
