//! Programs run under supervision, for the tests, `tp` and `proj_bench`: their output is
//! collected as it comes, line by line, every wait has a deadline, and the process is killed
//! and reaped when its handle is dropped (also when a test panics). A program that hangs
//! costs its deadline, never the caller's whole run.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// Text a child writes on one of its pipes, collected by a thread of its own.
#[derive(Debug, Default)]
struct Captured {
    /// What was read so far, and whether the pipe is closed (the program exited).
    state: Mutex<(String, bool)>,
    changed: Condvar,
}

impl Captured {
    /// Collects what `pipe` gives, keeping at most `kept` bytes of it: a program may print
    /// without end, and its reader must not run out of memory. What is not kept is counted
    /// and said at the end.
    fn collect(pipe: impl Read + Send + 'static, kept: usize) -> Arc<Captured> {
        let captured = Arc::new(Captured::default());
        let sink = Arc::clone(&captured);
        thread::spawn(move || {
            let mut reader = BufReader::new(pipe);
            let mut line = Vec::new();
            let (mut room, mut dropped) = (kept, 0u64);
            while let Ok(chunk) = reader.fill_buf() {
                if chunk.is_empty() {
                    break;
                }
                let (taken, whole) = match chunk.iter().position(|&b| b == b'\n') {
                    Some(end) => (end + 1, true),
                    None => (chunk.len(), false),
                };
                let keep = taken.min(room);
                line.extend_from_slice(&chunk[..keep]);
                room -= keep;
                dropped += (taken - keep) as u64;
                reader.consume(taken);
                if whole || room == 0 {
                    // Lossy: a program may print bytes that are not UTF-8; the rest is still seen.
                    if !line.is_empty() {
                        sink.lock().0.push_str(&String::from_utf8_lossy(&line));
                        sink.changed.notify_all();
                    }
                    line.clear();
                }
            }
            let mut state = sink.lock();
            state.0.push_str(&String::from_utf8_lossy(&line));
            if dropped > 0 {
                state
                    .0
                    .push_str(&format!("\n[... {dropped} more bytes were not kept]\n"));
            }
            state.1 = true;
            drop(state);
            sink.changed.notify_all();
        });
        captured
    }

    fn lock(&self) -> MutexGuard<'_, (String, bool)> {
        crate::kit::lock(&self.state)
    }

    fn text(&self) -> String {
        self.lock().0.clone()
    }

    /// Waits (at most `timeout`) until the pipe is closed and everything in it was read.
    fn wait_closed(&self, timeout: Duration) {
        let state = self.lock();
        let _ = self
            .changed
            .wait_timeout_while(state, timeout, |(_, closed)| !*closed);
    }

    /// Waits until a whole line satisfies `wanted`; returns it, or `None` at the deadline or as
    /// soon as the program has closed its output without printing such a line.
    fn wait_for_line(&self, wanted: impl Fn(&str) -> bool, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            let (text, closed) = &*state;
            if let Some(line) = text
                .split_inclusive('\n')
                .filter(|l| l.ends_with('\n'))
                .map(str::trim_end)
                .find(|l| wanted(l))
            {
                return Some(line.to_string());
            }
            if *closed {
                return None;
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// A running program. Dropping it kills and reaps the process.
#[derive(Debug)]
pub struct Supervised {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Captured>,
    stderr: Arc<Captured>,
}

/// The most of each of a program's outputs that [`Supervised::start`] keeps: 1 MiB.
pub const KEPT: usize = 1 << 20;

impl Supervised {
    /// Starts `command` with its three standard streams as pipes, keeping at most [`KEPT`]
    /// bytes of each output.
    pub fn start(command: &mut Command) -> io::Result<Supervised> {
        Supervised::start_keeping(command, KEPT)
    }

    /// [`Supervised::start`], keeping at most `kept` bytes of each output.
    pub fn start_keeping(command: &mut Command, kept: usize) -> io::Result<Supervised> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or(io::ErrorKind::BrokenPipe)?;
        let stderr = child.stderr.take().ok_or(io::ErrorKind::BrokenPipe)?;
        Ok(Supervised {
            stdin: child.stdin.take(),
            child,
            stdout: Captured::collect(stdout, kept),
            stderr: Captured::collect(stderr, kept),
        })
    }

    /// Waits at most `timeout` for a whole line on stdout that satisfies `wanted`.
    pub fn wait_for_stdout(
        &self,
        wanted: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<String> {
        self.stdout.wait_for_line(wanted, timeout)
    }

    /// Waits at most `timeout` for a whole line on stderr that satisfies `wanted`.
    pub fn wait_for_stderr(
        &self,
        wanted: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<String> {
        self.stderr.wait_for_line(wanted, timeout)
    }

    /// Everything printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.text()
    }

    /// Everything printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.text()
    }

    /// A way to read the program's stderr later, from anywhere, even after this handle is gone.
    pub fn stderr_reader(&self) -> impl Fn() -> String + Send + Sync + 'static {
        let captured = Arc::clone(&self.stderr);
        move || captured.text()
    }

    /// Writes `text` to the program's stdin (nothing happens if the program has exited).
    pub fn type_in(&mut self, text: &[u8]) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = stdin.write_all(text).and_then(|()| stdin.flush());
        }
    }

    /// Closes the program's stdin, what Ctrl-D does in a terminal.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits at most `timeout` for the program to exit; `None` if it is still running. Once
    /// it has exited, its last output is collected before this returns.
    pub fn wait(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.stdout.wait_closed(Duration::from_secs(1));
                self.stderr.wait_closed(Duration::from_secs(1));
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Kills the program (if it still runs) and waits for it; its output stays readable.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stdout.wait_closed(Duration::from_secs(1));
        self.stderr.wait_closed(Duration::from_secs(1));
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a program run to its end (or to its deadline) did.
#[derive(Debug)]
pub struct Finished {
    /// How it ended; `None` when it was killed at its deadline.
    pub status: Option<ExitStatus>,
    /// Everything it printed on stdout.
    pub stdout: String,
    /// Everything it printed on stderr.
    pub stderr: String,
}

/// Runs `command` with `input` as its stdin (then closed), for at most `timeout`.
pub fn run_to_end(command: &mut Command, input: &[u8], timeout: Duration) -> io::Result<Finished> {
    run_to_end_keeping(command, input, timeout, KEPT)
}

/// [`run_to_end`], keeping at most `kept` bytes of each output.
pub fn run_to_end_keeping(
    command: &mut Command,
    input: &[u8],
    timeout: Duration,
    kept: usize,
) -> io::Result<Finished> {
    let mut program = Supervised::start_keeping(command, kept)?;
    program.type_in(input);
    program.close_stdin();
    let status = program.wait(timeout);
    if status.is_none() {
        program.stop();
    }
    Ok(Finished {
        status,
        stdout: program.stdout(),
        stderr: program.stderr(),
    })
}

/// The resident memory of process `pid`, in KiB, where the OS tells it to anyone (Linux: VmRSS
/// in /proc/PID/status); `None` elsewhere.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The address a server's first line announces: `listening on <address>` for TCP,
/// `receiving on <address>` for UDP (which has no listen()); what follows a comma is not part of
/// it (the proxy says where it relays).
pub fn announced(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("listening on ")
        .or_else(|| line.strip_prefix("receiving on "))?;
    Some(rest.split(',').next().unwrap_or_default().trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_program_is_watched_line_by_line_and_killed_at_its_deadline() {
        let mut echo = Command::new("sh");
        echo.args([
            "-c",
            "read line; echo \"got $line\"; echo oops >&2; sleep 30",
        ]);
        let mut program = Supervised::start(&mut echo).unwrap();
        program.type_in(b"hello\n");
        let line = program.wait_for_stdout(|l| l.starts_with("got"), Duration::from_secs(5));
        assert_eq!(line.as_deref(), Some("got hello"));
        assert!(
            program
                .wait_for_stderr(|l| l == "oops", Duration::from_secs(5))
                .is_some()
        );
        assert_eq!(
            program.wait(Duration::from_millis(100)),
            None,
            "still sleeping"
        );
        let started = Instant::now();
        let finished = run_to_end(
            Command::new("sleep").arg("30"),
            b"",
            Duration::from_millis(200),
        )
        .unwrap();
        assert!(finished.status.is_none() && started.elapsed() < Duration::from_secs(5));
        if cfg!(target_os = "linux") {
            assert!(rss_kib(program.pid()).is_some_and(|kib| kib > 0));
        }
    }
}
