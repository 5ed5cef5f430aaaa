//! Saving a download so that nothing partial is ever left: the bytes go to a hidden temporary
//! file in the destination folder, which becomes the real file only once it is complete and
//! verified (a rename in the same folder is all or nothing). A download that fails anywhere
//! drops its temporary file, which deletes it.

use std::fs::File;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

/// A download in progress: a temporary file deleted on drop unless [`commit`](Self::commit)ted.
#[derive(Debug)]
pub struct PartFile {
    path: PathBuf,
    file: Option<File>,
}

impl PartFile {
    /// Creates `.<name>.part-<pid>` in `dir`, open for writing and reading back.
    pub fn create(dir: &Path, name: &str) -> io::Result<PartFile> {
        let path = dir.join(format!(".{name}.part-{}", std::process::id()));
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)?;
        Ok(PartFile {
            path,
            file: Some(file),
        })
    }

    /// The temporary file, to write to.
    pub fn file(&mut self) -> &mut File {
        self.file
            .as_mut()
            .unwrap_or_else(|| unreachable!("open until committed"))
    }

    /// Makes the temporary file `destination`: refused if that file exists, unless `force`.
    pub fn commit(mut self, destination: &Path, force: bool) -> Result<(), String> {
        // Closed, not synced to the disk: a rename is all or nothing for every program that
        // looks, which is what "nothing partial is left" needs. Only a crash of the whole
        // machine in the next seconds could lose the file (the cost of fsync was half the
        // download's speed).
        self.file = None;
        if !force && destination.exists() {
            return Err(already_there(destination));
        }
        std::fs::rename(&self.path, destination)
            .map_err(|e| format!("cannot save {}: {e}", destination.display()))
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        self.file = None;
        // After a successful commit the file has a new name and this finds nothing to remove.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The line for a destination that exists already.
pub fn already_there(destination: &Path) -> String {
    format!(
        "{} already exists; use --force to replace it, or --out to save elsewhere",
        destination.display()
    )
}

/// A progress bar for a transfer of `bytes`, shown only on a terminal and above 1 MiB.
pub fn progress_bar(bytes: u64) -> Option<ProgressBar> {
    if bytes <= 1 << 20 || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(bytes);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tp-download-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_dropped_download_leaves_nothing() {
        let dir = scratch("drop");
        let mut part = PartFile::create(&dir, "car.png").unwrap();
        part.file().write_all(b"half a picture").unwrap();
        drop(part);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn commit_renames_and_refuses_to_overwrite_without_force() {
        let dir = scratch("commit");
        let destination = dir.join("car.png");
        let mut part = PartFile::create(&dir, "car.png").unwrap();
        part.file().write_all(b"one").unwrap();
        part.commit(&destination, false).unwrap();
        assert_eq!(std::fs::read(&destination).unwrap(), b"one");

        let mut part = PartFile::create(&dir, "car.png").unwrap();
        part.file().write_all(b"two").unwrap();
        let err = part.commit(&destination, false).unwrap_err();
        assert!(err.contains("--force"), "{err}");
        assert_eq!(std::fs::read(&destination).unwrap(), b"one");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            1,
            "temporary file removed"
        );

        let mut part = PartFile::create(&dir, "car.png").unwrap();
        part.file().write_all(b"three").unwrap();
        part.commit(&destination, true).unwrap();
        assert_eq!(std::fs::read(&destination).unwrap(), b"three");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
