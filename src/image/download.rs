//! Downloads that trust no server and leave nothing partial.
//!
//! - The bytes go to a hidden temporary file in the destination folder ([`PartFile`]), which
//!   becomes the real file only once complete and verified (a rename in the same folder is all
//!   or nothing). A download that fails anywhere drops its temporary file, which deletes it;
//!   Ctrl-C deletes it too, and the program exits with code 130.
//! - A size announced by a server is checked ([`check_size`]) before anything is written for it.
//! - A transfer slower than [`MIN_RATE`] for a whole window is given up ([`SpeedCheck`]): a
//!   server that sends one byte every few seconds cannot keep a client waiting for ever.

use std::fs::File;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::image::catalog::{NOT_FOUND_NAME, check_name};
use crate::net::prompt::parse_seconds;
use crate::net::shown;

/// The options both download clients take: where to save, and how much to trust the server.
#[derive(Debug, clap::Args)]
pub struct SaveOptions {
    /// The folder to save the picture in (created if it does not exist)
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// Replace a file that has the same name
    #[arg(long)]
    pub force: bool,
    /// Give up when less than 1 KiB/s arrives for this many seconds (no data at all included)
    #[arg(long, default_value_t = 10.0, value_parser = parse_seconds)]
    pub timeout: f64,
    /// The largest file to accept from the server: 4GiB, 512MiB, ...
    #[arg(long, default_value = "4GiB", value_parser = parse_size)]
    pub max_size: u64,
}

impl SaveOptions {
    /// The path a picture named `name` is saved to: `name` must pass [`check_name`], the rule
    /// the servers apply, so that no name (typed, or sent by a server) leads out of `--out`.
    pub fn destination(&self, name: &str) -> Result<PathBuf, String> {
        check_name(name)
            .map_err(|why| format!("cannot save a picture named \"{}\": {why}", shown(name)))?;
        Ok(self.out.join(name))
    }

    /// Where the answer to a request for `name` is saved: under `name`, or, when the server
    /// does not have it (`not_found`), as its not-found picture; an error when the server has
    /// no not-found picture either (0 bytes).
    pub fn path_for(&self, name: &str, not_found: bool, bytes: u64) -> Result<PathBuf, String> {
        match (not_found, bytes) {
            (false, _) => self.destination(name),
            (true, 0) => Err(format!(
                "the server has no picture named {} (and no not-found picture)",
                shown(name)
            )),
            (true, _) => self.destination(NOT_FOUND_NAME),
        }
    }

    /// How long a transfer may stay below [`MIN_RATE`].
    pub fn stall_window(&self) -> Duration {
        Duration::from_secs_f64(self.timeout)
    }
}

/// The largest download a client accepts unless told otherwise (`--max-size`): 4 GiB.
pub const DEFAULT_MAX_SIZE: u64 = 4 << 30;

/// The slowest transfer a client accepts, in bytes per second, as curl's `--speed-limit`.
pub const MIN_RATE: u64 = 1024;

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
        lock_parts().retain(|p| *p != self.path);
    }
}

fn lock_parts() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    IN_PROGRESS.lock().unwrap_or_else(|e| e.into_inner())
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

/// A download on its way to `destination`: the temporary file, the bytes received so far, a
/// progress bar on a terminal, and the watch on the rate.
#[derive(Debug)]
pub struct Download {
    part: PartFile,
    destination: PathBuf,
    bytes: u64,
    received: u64,
    bar: Option<ProgressBar>,
    speed: SpeedCheck,
}

impl Download {
    /// Starts a download of `bytes` bytes to `destination`, once `bytes` is checked against
    /// `--max-size` and the destination is known to be free (or `--force`).
    pub fn start(destination: &Path, bytes: u64, save: &SaveOptions) -> Result<Download, String> {
        check_size(bytes, save.max_size)?;
        if !save.force && destination.exists() {
            return Err(already_there(destination));
        }
        let folder = destination.parent().unwrap_or(Path::new("."));
        let name = destination
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("download");
        let part = PartFile::create(folder, name)
            .map_err(|e| format!("cannot write in {}: {e}", folder.display()))?;
        Ok(Download {
            part,
            destination: destination.to_path_buf(),
            bytes,
            received: 0,
            bar: progress_bar(bytes),
            speed: SpeedCheck::new(save.stall_window()),
        })
    }

    /// The temporary file, to write to anywhere (and to read back).
    pub fn file(&mut self) -> &mut File {
        self.part.file()
    }

    /// How many bytes were written so far with [`write`](Self::write).
    pub fn received(&self) -> u64 {
        self.received
    }

    /// When the current window of the rate check ends: a read need not wait past it.
    pub fn deadline(&self) -> Instant {
        self.speed.deadline()
    }

    /// Appends `piece` to the file (an empty piece too: a read that timed out) and checks the
    /// rate: `Err` once it stayed below [`MIN_RATE`] for a whole window.
    pub fn write(&mut self, piece: &[u8]) -> Result<(), String> {
        io::Write::write_all(self.part.file(), piece)
            .map_err(|e| format!("cannot write {}: {e}", self.destination.display()))?;
        self.received += piece.len() as u64;
        if let Some(bar) = &self.bar {
            bar.set_position(self.received);
        }
        self.speed.check(self.received, self.bytes)
    }

    /// Gives the temporary file its name (see [`PartFile::commit`]).
    pub fn commit(self, force: bool) -> Result<(), String> {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.part.commit(&self.destination, force)
    }
}

/// Says what was saved in `path` for a request for `name`.
pub fn say_saved(name: &str, path: &Path, (bytes, checksum): (u64, u32), not_found: bool) {
    let path = path.display();
    if not_found {
        println!(
            "the server has no picture named {}; it sent its not-found picture, saved as {path}",
            shown(name)
        );
    } else {
        println!("saved {path} ({bytes} bytes, checksum {checksum:08x} verified)");
    }
}

/// The line for a destination that exists already.
pub fn already_there(destination: &Path) -> String {
    format!(
        "{} already exists; use --force to replace it, or --out to save elsewhere",
        destination.display()
    )
}

/// Checks the size a server announced against the most this client accepts (`--max-size`),
/// before anything is written or reserved on the disk for it.
pub fn check_size(bytes: u64, max: u64) -> Result<(), String> {
    if bytes > max {
        return Err(format!(
            "the server announced {} bytes, more than the {max} this client accepts \
             (--max-size); nothing was saved",
            bytes
        ));
    }
    Ok(())
}

/// Reads a size typed by a person: `4096`, `512KiB`, `256MiB`, `4GiB` (up to 1 TiB).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" | "K" => 1 << 10,
        "MiB" | "M" => 1 << 20,
        "GiB" | "G" => 1 << 30,
        _ => return Err("a size like 268435456, 256MiB or 4GiB".to_string()),
    };
    match number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
    {
        Some(size) if size > 0 && size <= 1 << 40 => Ok(size),
        _ => Err("a size from 1 byte to 1024GiB".to_string()),
    }
}

/// Watches the rate of a transfer: within every `window`, at least [`MIN_RATE`] bytes per
/// second must arrive, or the transfer is stalled. No data at all for `window` is stalled too.
#[derive(Debug)]
pub struct SpeedCheck {
    window: Duration,
    mark: Instant,
    at_mark: u64,
}

impl SpeedCheck {
    /// Starts watching, now, with nothing received.
    pub fn new(window: Duration) -> SpeedCheck {
        SpeedCheck {
            window,
            mark: Instant::now(),
            at_mark: 0,
        }
    }

    /// When the current window ends: a read need not wait past it.
    pub fn deadline(&self) -> Instant {
        self.mark + self.window
    }

    /// Takes the count of bytes received so far. `Err` with the line to show once a whole
    /// window went by below the minimum rate.
    pub fn check(&mut self, received: u64, of: u64) -> Result<(), String> {
        let needed = (MIN_RATE as f64 * self.window.as_secs_f64()) as u64;
        if received.saturating_sub(self.at_mark) >= needed.max(1) {
            self.mark = Instant::now();
            self.at_mark = received;
        } else if Instant::now() >= self.deadline() {
            return Err(format!(
                "the transfer stalled: less than {} KiB/s for {} s, after {received} of {of} \
                 bytes; nothing was saved",
                MIN_RATE >> 10,
                self.window.as_secs_f64()
            ));
        }
        Ok(())
    }
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

    #[test]
    fn a_name_that_is_not_a_plain_file_name_never_becomes_a_path() {
        let save = SaveOptions {
            out: PathBuf::from("downloads"),
            force: false,
            timeout: 10.0,
            max_size: DEFAULT_MAX_SIZE,
        };
        assert_eq!(
            save.destination("car.png"),
            Ok(PathBuf::from("downloads/car.png"))
        );
        for bad in ["../x.png", "/tmp/x.png", "..", "a\\b", "C:x", "\x1b[2J"] {
            let err = save.destination(bad).unwrap_err();
            assert!(err.starts_with("cannot save a picture named"), "{err}");
            assert!(!err.contains('\x1b'), "{err}");
        }
    }

    #[test]
    fn sizes_are_read_and_announced_sizes_bounded() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("4GiB"), Ok(DEFAULT_MAX_SIZE));
        for bad in [
            "",
            "0",
            "4TiB",
            "-1",
            "1.5GiB",
            "99999999999999999999",
            "2048GiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
        assert!(check_size(DEFAULT_MAX_SIZE, DEFAULT_MAX_SIZE).is_ok());
        let err = check_size(4 << 40, DEFAULT_MAX_SIZE).unwrap_err();
        assert!(err.contains("--max-size"), "{err}");
    }

    #[test]
    fn a_transfer_below_the_minimum_rate_for_a_whole_window_is_stalled() {
        let window = Duration::from_millis(200);
        let mut fast = SpeedCheck::new(window);
        for step in 1..=5 {
            std::thread::sleep(Duration::from_millis(60));
            fast.check(step * 1000, 5000).unwrap();
        }
        let mut slow = SpeedCheck::new(window);
        slow.check(10, 1000).unwrap();
        std::thread::sleep(Duration::from_millis(250));
        let err = slow.check(20, 1000).unwrap_err();
        assert!(err.contains("after 20 of 1000 bytes"), "{err}");
    }
}
