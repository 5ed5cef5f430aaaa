//! Downloads that trust no server and leave nothing partial: the options both clients take,
//! where a name is saved (never outside `--out`), and a download in progress, written to a
//! temporary file ([`PartFile`]), watched for its rate ([`SpeedCheck`]), and named only once
//! complete.

use std::fs::File;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::image::limits::{SpeedCheck, check_size, parse_size};
use crate::image::name::{NOT_FOUND_NAME, PictureName};
use crate::net::prompt::parse_seconds;
use crate::net::shown;

mod error;
mod part;

pub use error::SaveError;
pub use part::{INTERRUPTED, PartFile};

/// The options both download clients take: where to save, and how much to trust the server.
#[derive(Debug, clap::Args)]
pub struct SaveOptions {
    /// The folder to save the picture in (created if it does not exist)
    #[arg(long, default_value = "downloads")]
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
    /// The path a picture named `name` is saved to: `name` must be a [`PictureName`], the rule
    /// the servers apply, so that no name (typed, or sent by a server) leads out of `--out`.
    pub fn destination(&self, name: &str) -> Result<PathBuf, SaveError> {
        let name = PictureName::new(name).map_err(|why| SaveError::Name {
            name: name.to_string(),
            why,
        })?;
        Ok(self.out.join(name))
    }

    /// Where the answer to a request for `name` is saved: under `name`, or, when the server
    /// does not have it (`not_found`), as its not-found picture; an error when the server has
    /// no not-found picture either (0 bytes).
    pub fn path_for(&self, name: &str, not_found: bool, bytes: u64) -> Result<PathBuf, SaveError> {
        match (not_found, bytes) {
            (false, _) => self.destination(name),
            (true, 0) => Err(SaveError::Nothing {
                name: name.to_string(),
            }),
            (true, _) => self.destination(NOT_FOUND_NAME),
        }
    }

    /// How long a transfer may stay below [`MIN_RATE`](crate::image::limits::MIN_RATE).
    pub fn stall_window(&self) -> Duration {
        Duration::from_secs_f64(self.timeout)
    }
}

/// A download on its way to `destination`: the temporary file, the bytes received so far, a
/// progress bar on a terminal, and the watch on the rate. The bytes are written in the thread
/// that receives them: a writer thread of its own was measured slower on 2 cores (README,
/// "Performance").
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
    pub fn start(
        destination: &Path,
        bytes: u64,
        save: &SaveOptions,
    ) -> Result<Download, SaveError> {
        check_size(bytes, save.max_size)?;
        if !save.force && destination.exists() {
            return Err(SaveError::Exists(destination.to_path_buf()));
        }
        let folder = destination.parent().unwrap_or(Path::new("."));
        let name = destination
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("download");
        let part = PartFile::create(folder, name).map_err(|error| SaveError::Folder {
            dir: folder.to_path_buf(),
            error,
        })?;
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
    /// rate: `Err` once it stayed below [`MIN_RATE`](crate::image::limits::MIN_RATE) for a whole window.
    pub fn write(&mut self, piece: &[u8]) -> Result<(), SaveError> {
        io::Write::write_all(self.part.file(), piece).map_err(|error| SaveError::File {
            path: self.destination.clone(),
            error,
        })?;
        self.received += piece.len() as u64;
        if let Some(bar) = &self.bar {
            bar.set_position(self.received);
        }
        Ok(self.speed.check(self.received, self.bytes)?)
    }

    /// Gives the temporary file its name (see [`PartFile::commit`]).
    pub fn commit(self, force: bool) -> Result<(), SaveError> {
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

/// A progress bar for a transfer of `bytes`, shown only on a terminal and above 1 MiB, as wide
/// as the terminal allows.
pub fn progress_bar(bytes: u64) -> Option<ProgressBar> {
    if bytes <= 1 << 20 || !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(bytes);
    if let Ok(style) =
        ProgressStyle::with_template("{wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// On a terminal, a spinner that says the client is waiting for the server (which may read a
/// whole large file to checksum it before it answers); cleared when dropped.
#[derive(Debug)]
pub struct Waiting(Option<ProgressBar>);

impl Waiting {
    /// Starts the spinner, on a terminal only.
    pub fn for_the_server() -> Waiting {
        if !io::stderr().is_terminal() {
            return Waiting(None);
        }
        let spinner = ProgressBar::new_spinner().with_message("waiting for the server…");
        spinner.enable_steady_tick(Duration::from_millis(100));
        Waiting(Some(spinner))
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(spinner) = &self.0 {
            spinner.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::limits::DEFAULT_MAX_SIZE;

    #[test]
    fn a_name_that_is_not_a_plain_file_name_never_becomes_a_path() {
        let save = SaveOptions {
            out: PathBuf::from("downloads"),
            force: false,
            timeout: 10.0,
            max_size: DEFAULT_MAX_SIZE,
        };
        assert_eq!(
            save.destination("car.png").ok(),
            Some(PathBuf::from("downloads/car.png"))
        );
        for bad in ["../x.png", "/tmp/x.png", "..", "a\\b", "C:x", "\x1b[2J"] {
            let err = save.destination(bad).unwrap_err().to_string();
            assert!(err.starts_with("cannot save a picture named"), "{err}");
            assert!(!err.contains('\x1b'), "{err}");
        }
    }
}
