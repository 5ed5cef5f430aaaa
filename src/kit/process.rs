//! Programs run under supervision, for the tests, `tp` and `proj_bench`: their output is
//! collected as it comes, line by line, every wait has a deadline, and the process is killed
//! and reaped when its handle is dropped (also when a test panics), with everything it started
//! ([`contain`](super::contain)). A program that hangs costs its deadline, never the caller's
//! whole run.

use std::io::{self, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::Arc;

use super::capture::Captured;
use super::contain::{self, Strays};
use std::thread;
use std::time::{Duration, Instant};

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
    ///
    /// The program leads a process group of its own, and this process adopts the orphans
    /// among its descendants ([`contain`]): when the program is stopped, what it started is
    /// stopped too.
    pub fn start_keeping(command: &mut Command, kept: usize) -> io::Result<Supervised> {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = spawn_contained(command)?;
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

    /// A way to ask later, from anywhere, whether the program has ended, as its output says:
    /// both pipes closed (it exited, and so did whatever it started with them) and read to
    /// their end. Nothing more can come from it then.
    pub fn end_reader(&self) -> impl Fn() -> bool + Send + Sync + 'static {
        let (stdout, stderr) = (Arc::clone(&self.stdout), Arc::clone(&self.stderr));
        move || stdout.is_closed() && stderr.is_closed()
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

    /// Kills the program (if it still runs) and everything it started, and waits for it; its
    /// output stays readable.
    pub fn stop(&mut self) {
        self.end();
        self.stdout.wait_closed(Duration::from_secs(1));
        self.stderr.wait_closed(Duration::from_secs(1));
    }

    /// Kills the program's group and the program, reaps it, then kills the strays this process
    /// adopted meanwhile (what the program started and left).
    fn end(&mut self) {
        let reaped = matches!(self.child.try_wait(), Ok(Some(_)));
        contain::kill_group(self.child.id(), reaped);
        let _ = self.child.kill();
        let _ = self.child.wait();
        contain::supervised().remove(&self.child.id());
        contain::kill_strays(Strays::Adopted);
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
        self.end();
    }
}

/// Starts `command` as a supervised program: in a process group of its own, recorded as
/// supervised (never a stray), by a process that adopts orphans.
fn spawn_contained(command: &mut Command) -> io::Result<Child> {
    contain::adopt_orphans();
    contain::own_group(command);
    let mut supervised = contain::supervised();
    let child = command.spawn()?;
    supervised.insert(child.id());
    Ok(child)
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
    supervised_to_end(command, input, (timeout, kept), &|| false)
}

/// [`run_to_end`], stopped early too (its status then `None`, as at its deadline) as soon as
/// `give_up` says there is no point waiting any longer (asked every 200 ms).
pub fn run_to_end_unless(
    command: &mut Command,
    input: &[u8],
    timeout: Duration,
    give_up: &dyn Fn() -> bool,
) -> io::Result<Finished> {
    supervised_to_end(command, input, (timeout, KEPT), give_up)
}

fn supervised_to_end(
    command: &mut Command,
    input: &[u8],
    (timeout, kept): (Duration, usize),
    give_up: &dyn Fn() -> bool,
) -> io::Result<Finished> {
    let mut program = Supervised::start_keeping(command, kept)?;
    program.type_in(input);
    program.close_stdin();
    let started = Instant::now();
    let status = loop {
        let left = timeout.saturating_sub(started.elapsed());
        if let Some(status) = program.wait(left.min(Duration::from_millis(200))) {
            break Some(status);
        }
        if started.elapsed() >= timeout || give_up() {
            program.stop();
            break None;
        }
    };
    Ok(Finished {
        status,
        stdout: program.stdout(),
        stderr: program.stderr(),
    })
}

/// Runs `command` with its standard output closed by the reader before it writes anything
/// (as `program | head -1` does when `head` has what it wants), its stderr collected, for at
/// most `timeout`.
pub fn run_with_output_closed(command: &mut Command, timeout: Duration) -> io::Result<Finished> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = spawn_contained(command)?;
    drop(child.stdout.take());
    let stderr = Captured::collect(child.stderr.take().ok_or(io::ErrorKind::BrokenPipe)?, KEPT);
    let mut program = Supervised {
        child,
        stdin: None,
        stdout: Arc::new(Captured::default()),
        stderr,
    };
    let status = program.wait(timeout);
    if status.is_none() {
        program.stop();
    }
    Ok(Finished {
        status,
        stdout: String::new(),
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
        let _turn = super::super::contain::one_at_a_time();
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
        let ended = program.end_reader();
        assert!(!ended(), "its output is still open");
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
        program.stop();
        assert!(ended(), "stopped, its output is closed");
    }
}
