//! What a server sends: a file of its folder, opened under the folder's rules, or a picture
//! built into the program; streamed, never read whole into memory.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Something a server sends, with its size and checksum known in advance.
#[derive(Debug)]
pub struct Source {
    /// Its size in bytes.
    pub bytes: u64,
    /// Its Fletcher-32.
    pub checksum: u32,
    body: Body,
}

#[derive(Debug)]
enum Body {
    File(File),
    BuiltIn(Cursor<&'static [u8]>),
}

impl Source {
    /// An open file of `bytes` bytes whose Fletcher-32 is `checksum`.
    pub fn file(file: File, bytes: u64, checksum: u32) -> Source {
        Source {
            bytes,
            checksum,
            body: Body::File(file),
        }
    }

    /// Bytes built into the program.
    pub fn built_in(bytes: &'static [u8]) -> Source {
        Source {
            bytes: bytes.len() as u64,
            checksum: crate::image::fletcher::fletcher32(bytes),
            body: Body::BuiltIn(Cursor::new(bytes)),
        }
    }

    /// Nothing at all: 0 bytes (whose Fletcher-32 is 0).
    pub fn empty() -> Source {
        Source::built_in(&[])
    }

    /// Sends all of it, from the start, to `out`. Only the announced bytes are sent: if the
    /// file shrank since it was opened, it fails with UnexpectedEof, and the receiver must not
    /// take what it got for the whole. (On Linux, a file copied to a socket goes through
    /// sendfile(), without passing through this program.)
    pub fn send_to(&mut self, out: &mut impl Write) -> io::Result<u64> {
        self.seek(SeekFrom::Start(0))?;
        let sent = match &mut self.body {
            Body::File(file) => io::copy(&mut (&*file).take(self.bytes), out)?,
            Body::BuiltIn(bytes) => io::copy(bytes, out)?,
        };
        if sent < self.bytes {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file shrank while it was sent",
            ));
        }
        Ok(sent)
    }

    /// Reads `buffer.len()` bytes from `start`.
    pub fn read_at(&mut self, start: u64, buffer: &mut [u8]) -> io::Result<()> {
        self.seek(SeekFrom::Start(start))?;
        self.read_exact(buffer)
    }
}

impl Read for Source {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match &mut self.body {
            Body::File(file) => file.read(buffer),
            Body::BuiltIn(bytes) => bytes.read(buffer),
        }
    }
}

impl Seek for Source {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        match &mut self.body {
            Body::File(file) => file.seek(to),
            Body::BuiltIn(bytes) => bytes.seek(to),
        }
    }
}

/// Opens `path` for reading if it is a regular file, and returns it.
///
/// The check is made on the opened file itself, so a file swapped for another kind between a
/// look at its name and the opening is caught. On Unix the file is opened with O_NONBLOCK:
/// opening a FIFO (a named pipe) would otherwise wait for ever for a writer, and a device
/// would be read for ever; a regular file reads as usual with that flag.
pub fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok((file, metadata.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_sends_exactly_its_bytes_and_reads_anywhere() {
        let mut source = Source::built_in(b"abcde");
        assert_eq!(source.checksum, 0xf04f_c729);
        let mut out = Vec::new();
        assert_eq!(source.send_to(&mut out).unwrap(), 5);
        assert_eq!(
            source.send_to(&mut out).unwrap(),
            5,
            "again, from the start"
        );
        assert_eq!(out, b"abcdeabcde");
        let mut two = [0u8; 2];
        source.read_at(3, &mut two).unwrap();
        assert_eq!(&two, b"de");
        assert_eq!(Source::empty().bytes, 0);
        assert_eq!(Source::empty().checksum, 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once_instead_of_blocking() {
        let dir = std::env::temp_dir().join(format!("tp-fifo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe.png");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            println!("skipped: mkfifo is not available");
            return;
        }
        let err = open_regular(&fifo).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(open_regular(&dir).is_err(), "a folder is not a file either");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
