//! A download's temporary file: the bytes go to a hidden file in the destination folder,
//! which becomes the real file only once complete and verified (a rename in the same folder is
//! all or nothing). Dropped, it is deleted; Ctrl-C deletes it too, and the program exits with
//! code 130.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use crate::kit::lock;

use super::error::SaveError;

/// The exit code of a program stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: i32 = 130;

/// The temporary files of the downloads in progress, deleted on Ctrl-C.
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A download in progress: a temporary file deleted on drop unless [`commit`](Self::commit)ted.
#[derive(Debug)]
pub struct PartFile {
    path: PathBuf,
    file: Option<File>,
}

impl PartFile {
    /// Creates `.<name>.part-<pid>` in `dir` (and `dir` itself if needed), open for writing and
    /// reading back, and deleted on Ctrl-C.
    pub fn create(dir: &Path, name: &str) -> io::Result<PartFile> {
        delete_parts_on_ctrl_c();
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!(".{name}.part-{}", std::process::id()));
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)?;
        lock_parts().push(path.clone());
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
    pub fn commit(mut self, destination: &Path, force: bool) -> Result<(), SaveError> {
        // Closed, not synced to the disk: a rename is all or nothing for every program that
        // looks, which is what "nothing partial is left" needs. Only a crash of the whole
        // machine in the next seconds could lose the file (the cost of fsync was half the
        // download's speed).
        self.file = None;
        if !force && destination.exists() {
            return Err(SaveError::Exists(destination.to_path_buf()));
        }
        std::fs::rename(&self.path, destination).map_err(|error| SaveError::File {
            path: destination.to_path_buf(),
            error,
        })
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        self.file = None;
        // After a successful commit the file has a new name and this finds nothing to remove.
        let _ = std::fs::remove_file(&self.path);
        lock_parts().retain(|p| *p != self.path);
    }
}

fn lock_parts() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    lock(&IN_PROGRESS)
}

/// From now on, Ctrl-C (SIGINT on Unix, CTRL_C_EVENT on Windows) deletes the temporary files of
/// the downloads in progress, says so, and ends the program with code 130.
fn delete_parts_on_ctrl_c() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // A handler set elsewhere already is kept; the files are still deleted on every error.
        let _ = ctrlc::set_handler(|| {
            let parts = std::mem::take(&mut *lock_parts());
            for part in &parts {
                let _ = std::fs::remove_file(part);
            }
            if !parts.is_empty() {
                eprintln!("interrupted: the download was stopped and nothing was saved");
            }
            std::process::exit(INTERRUPTED);
        });
    });
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
        let path = part.path.clone();
        assert!(lock_parts().contains(&path), "known to the Ctrl-C handler");
        drop(part);
        assert!(!lock_parts().contains(&path));
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
        assert!(err.to_string().contains("--force"), "{err}");
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
