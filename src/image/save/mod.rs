//! Downloads that trust no server and leave nothing partial: the options both clients take,
//! where a name is saved (never outside `--out`), and a download in progress, written to a
//! temporary file ([`PartFile`]), watched for its rate ([`SpeedCheck`]), and named only once
//! complete.

use std::fs::File;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
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
/// progress bar on a terminal, and the watch on the rate. What [`Download::write`] is given
/// reaches the file in a thread of its own, while the next bytes are received.
#[derive(Debug)]
pub struct Download {
    part: PartFile,
    destination: PathBuf,
    bytes: u64,
    received: u64,
    bar: Option<ProgressBar>,
    speed: SpeedCheck,
    writer: Option<Writer>,
    /// An error writing the file, not yet told.
    failure: Option<io::Error>,
}

/// The thread that writes the pieces of a download in order, and gives their buffers back.
#[derive(Debug)]
struct Writer {
    pieces: SyncSender<Vec<u8>>,
    spare: Receiver<Vec<u8>>,
    thread: JoinHandle<(File, io::Result<()>)>,
}

/// How many pieces may wait for the writer: enough to keep it busy, a few MiB at most.
const WAITING_PIECES: usize = 4;

impl Writer {
    fn start(mut file: File) -> Writer {
        let (pieces, to_write) = sync_channel::<Vec<u8>>(WAITING_PIECES);
        let (give_back, spare) = sync_channel(WAITING_PIECES + 2);
        let thread = std::thread::spawn(move || {
            for piece in to_write {
                if let Err(e) = io::Write::write_all(&mut file, &piece) {
                    return (file, Err(e));
                }
                let _ = give_back.try_send(piece);
            }
            (file, Ok(()))
        });
        Writer {
            pieces,
            spare,
            thread,
        }
    }

    /// Waits for every piece to be written; the file, and the first error, if any.
    fn finish(self) -> (File, io::Result<()>) {
        drop(self.pieces);
        self.thread
            .join()
            .unwrap_or_else(|_| unreachable!("the writer thread does not panic"))
    }
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
            writer: None,
            failure: None,
        })
    }

    /// The temporary file, to write to anywhere (and to read back), once what
    /// [`write`](Self::write) was given is in it (an error writing that is told by the next
    /// `write` or by `commit`).
    pub fn file(&mut self) -> &mut File {
        if let Err(SaveError::File { error, .. }) = self.written() {
            self.failure = Some(error);
        }
        self.part.file()
    }

    /// Waits for the writer thread, if one runs, to write everything it was given; the first
    /// error writing the file, if any.
    fn written(&mut self) -> Result<(), SaveError> {
        if let Some(writer) = self.writer.take() {
            let (file, result) = writer.finish();
            self.part.give_back(file);
            if let Err(error) = result {
                self.failure = Some(error);
            }
        }
        match self.failure.take() {
            None => Ok(()),
            Some(error) => Err(SaveError::File {
                path: self.destination.clone(),
                error,
            }),
        }
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
        if !piece.is_empty() {
            if self.writer.is_none() {
                let file = self
                    .part
                    .lend()
                    .unwrap_or_else(|| unreachable!("open until committed"));
                self.writer = Some(Writer::start(file));
            }
            let writer = self
                .writer
                .as_ref()
                .unwrap_or_else(|| unreachable!("just started"));
            let mut buffer = writer.spare.try_recv().unwrap_or_default();
            buffer.clear();
            buffer.extend_from_slice(piece);
            if writer.pieces.send(buffer).is_err() {
                // The writer stopped on an error: it says which.
                self.written()?;
            }
        }
        self.received += piece.len() as u64;
        if let Some(bar) = &self.bar {
            bar.set_position(self.received);
        }
        Ok(self.speed.check(self.received, self.bytes)?)
    }

    /// Gives the temporary file its name (see [`PartFile::commit`]), once every byte is in it.
    pub fn commit(mut self, force: bool) -> Result<(), SaveError> {
        self.written()?;
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

    /// The pieces written reach the file in order, whole, before the file gets its name; the
    /// file read back meanwhile holds what was written so far.
    #[test]
    fn every_piece_is_in_the_file_in_order_when_it_gets_its_name() {
        let dir = std::env::temp_dir().join(format!("tp-download-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let save = SaveOptions {
            out: dir.clone(),
            force: false,
            timeout: 10.0,
            max_size: DEFAULT_MAX_SIZE,
        };
        let pieces: Vec<Vec<u8>> = (0..50u8).map(|i| vec![i; 1000 + usize::from(i)]).collect();
        let whole: Vec<u8> = pieces.concat();
        let destination = dir.join("data.bin");
        let mut download = Download::start(&destination, whole.len() as u64, &save).unwrap();
        for (i, piece) in pieces.iter().enumerate() {
            download.write(piece).unwrap();
            download.write(&[]).unwrap();
            if i == 10 {
                let file = download.file();
                let mut so_far = Vec::new();
                io::Seek::seek(file, io::SeekFrom::Start(0)).unwrap();
                io::Read::read_to_end(file, &mut so_far).unwrap();
                assert_eq!(so_far, pieces[..=10].concat());
            }
        }
        assert_eq!(download.received(), whole.len() as u64);
        download.commit(false).unwrap();
        assert_eq!(std::fs::read(&destination).unwrap(), whole);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
