//! A download's temporary file: the bytes go to a hidden file in the destination folder,
//! which becomes the real file only once complete and verified (a rename in the same folder is
//! all or nothing). Dropped, it is deleted; Ctrl-C deletes it too, and the program exits with
//! code 130.
//!
//! Anyone who may write to the folder (`--out /tmp`) could plant a symbolic link where the
//! download is about to write, to make the user overwrite a file of theirs: the temporary file
//! has a name no one can predict, and is created new and exclusively (`O_CREAT | O_EXCL`, which
//! never opens through an existing path or link); the rename that puts it in place replaces a
//! link at the final name, never follows it.

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
    /// Creates `.<name>.part-<random>` in `dir` (and `dir` itself if needed), new, open for
    /// writing and reading back, and deleted on Ctrl-C.
    pub fn create(dir: &Path, name: &str) -> io::Result<PartFile> {
        delete_parts_on_ctrl_c();
        std::fs::create_dir_all(dir)?;
        let (path, file) = create_new(dir, name)?;
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
        // A link at the destination counts as a file there, even one that leads nowhere.
        if !force && destination.symlink_metadata().is_ok() {
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

/// A new file `.<name>.part-<random>` in `dir`, created exclusively: a name that exists, as a
/// file or a link, is never opened; another random name is tried instead.
fn create_new(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..16 {
        let path = dir.join(format!(".{name}.part-{:016x}", unpredictable()));
        match File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

/// 64 bits no one can predict: std's SipHash keys, drawn from the OS's random source for each
/// process, hashing a counter.
fn unpredictable() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
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

    /// A link planted at a name the download could use (the old `.car.png.part-<pid>`) or at
    /// the final name is never followed: the file it leads to is left alone.
    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_never_followed() {
        let dir = scratch("links");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "the user's own file").unwrap();
        let out = dir.join("out");
        std::fs::create_dir_all(&out).unwrap();
        let old_name = out.join(format!(".car.png.part-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &old_name).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("car.png")).unwrap();
        let mut part = PartFile::create(&out, "car.png").unwrap();
        assert!(
            !part.path.ends_with(old_name.file_name().unwrap()),
            "the temporary name is not predictable: {}",
            part.path.display()
        );
        part.file().write_all(b"download").unwrap();
        let err = part.commit(&out.join("car.png"), false).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        let mut part = PartFile::create(&out, "car.png").unwrap();
        part.file().write_all(b"download").unwrap();
        part.commit(&out.join("car.png"), true).unwrap();
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "the user's own file"
        );
        let placed = std::fs::symlink_metadata(out.join("car.png")).unwrap();
        assert!(placed.is_file(), "the link was replaced by the download");
        assert_eq!(std::fs::read(out.join("car.png")).unwrap(), b"download");
        // An existing name, file or link, is never opened: another name is drawn.
        let (path, _) = create_new(&out, "car.png").unwrap();
        assert!(path.symlink_metadata().unwrap().is_file());
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
