//! The programs of a traced exchange: a program run as a server (until its port is bound) or
//! a client (to its end), and tp's own server, which closes last.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::super::Error;
use crate::files::{FileError, write};
use tp_sockets::kit::process::{Supervised, run_to_end};
use tp_sockets::net::netstat;

/// The longest a client may take.
const CLIENT_DEADLINE: Duration = Duration::from_secs(20);

/// A program of the exchange, and how it runs.
pub(super) struct Run<'a> {
    pub(super) name: &'a str,
    pub(super) path: &'a Path,
    pub(super) args: &'a [String],
    pub(super) input: &'a str,
}

impl Run<'_> {
    fn command(&self, cwd: &Path) -> Command {
        let mut command = Command::new(self.path);
        command.args(self.args).current_dir(cwd);
        command
    }

    /// Starts the server, types its input, and waits until its port is bound.
    pub(super) fn serve(&self, cwd: &Path, port: u16) -> Result<Supervised, Error> {
        let mut process = Supervised::start(&mut self.command(cwd))
            .map_err(Error::doing(format!("start {}", self.name)))?;
        process.type_in(self.input.as_bytes());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let bound = netstat::sockets()
                .map_err(Error::doing("read the socket table"))?
                .iter()
                .any(|row| row.local.port() == port && matches!(row.state, "LISTEN" | ""));
            if bound {
                return Ok(process);
            }
            if !process.is_running() || Instant::now() > deadline {
                let text = printed(&process);
                return Err(Error::NoPort(
                    self.name.to_string(),
                    port,
                    text.lines()
                        .last()
                        .unwrap_or("it printed nothing")
                        .to_string(),
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs the client to its end (or its deadline), and returns what it printed.
    pub(super) fn run_to_end(&self, cwd: &Path) -> Result<String, Error> {
        let ran = run_to_end(
            &mut self.command(cwd),
            self.input.as_bytes(),
            CLIENT_DEADLINE,
        )
        .map_err(Error::doing(format!("run {}", self.name)))?;
        let mut text = ran.stdout + &ran.stderr;
        match ran.status.and_then(|s| s.code()) {
            Some(0) => {}
            Some(code) => text += &format!("(exit code {code})\n"),
            None => text += &format!("(stopped after {} s)\n", CLIENT_DEADLINE.as_secs()),
        }
        Ok(text)
    }
}

/// tp's own server: it welcomes each client, then waits for the client to close first (at most
/// a few seconds), as the tests' server does. It stops when dropped.
pub(super) struct ClosingLast {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ClosingLast {
    pub(super) fn start(port: u16) -> Result<ClosingLast, Error> {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(Error::doing(format!(
                "listen on port {port} (tp's own server)"
            )))?;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(3)));
                let mut buffer = [0u8; 1024];
                let _ = stream.read(&mut buffer);
                let _ = stream.write_all(b"Welcome to this server");
                // Until the client closes: its FIN comes first.
                while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {}
            }
        });
        Ok(ClosingLast {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for ClosingLast {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What a supervised program printed, both outputs.
pub(super) fn printed(process: &Supervised) -> String {
    process.stdout() + &process.stderr()
}

/// Copies the sample pictures into `cwd/images`, where the project's programs look.
pub(super) fn copy_pictures(root: &Path, cwd: &Path) -> Result<(), FileError> {
    let images = root.join("images");
    let entries = std::fs::read_dir(&images).map_err(FileError::at("read the folder", &images))?;
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).map_err(FileError::at("read", &entry.path()))?;
        write(&cwd.join("images").join(entry.file_name()), &bytes)?;
    }
    Ok(())
}

pub(super) fn join(ports: &BTreeSet<u16>) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" and ")
}
