//! The programs a test starts: running ones (servers, or clients it types to) and finished ones
//! (a client run to its end). Everything is bounded: a server must print its `listening on`
//! line within [`START_DEADLINE`], a client must exit within its deadline, and every process is
//! killed and reaped when its handle is dropped (src/kit/process.rs), also when a test panics.

use std::net::SocketAddr;
use std::ops::{Deref, DerefMut};
use std::process::{Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use tp_sockets::kit::process::{Supervised, run_to_end};

use super::build::{Role, command_for};

/// How long a server may take to print its `listening on` line.
pub const START_DEADLINE: Duration = Duration::from_secs(5);
/// How long a client run may take by default before it is killed.
pub const RUN_DEADLINE: Duration = Duration::from_secs(5);

/// A running program of the kit, with its name (for messages).
pub struct Running {
    name: String,
    program: Supervised,
}

impl Deref for Running {
    type Target = Supervised;
    fn deref(&self) -> &Supervised {
        &self.program
    }
}

impl DerefMut for Running {
    fn deref_mut(&mut self) -> &mut Supervised {
        &mut self.program
    }
}

/// Starts the example `name` under test with `args`; its stdin is a pipe the test can write to.
#[track_caller]
pub fn spawn(name: &str, args: &[&str]) -> Running {
    spawn_as(name, Role::UnderTest, args)
}

/// Starts the example `name` in `role` (under test, or the reference peer) with `args`.
#[track_caller]
pub fn spawn_as(name: &str, role: Role, args: &[&str]) -> Running {
    let program = Supervised::start(command_for(name, role).args(args))
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    Running {
        name: name.to_string(),
        program,
    }
}

/// Starts the server `name` under test and waits (at most [`START_DEADLINE`]) for its
/// `listening on` line.
#[track_caller]
pub fn start_server(name: &str, args: &[&str]) -> Running {
    start_server_as(name, Role::UnderTest, args)
}

/// Starts the reference server `name`, the peer of a client under test, and waits for its
/// `listening on` line.
#[track_caller]
pub fn start_reference_server(name: &str, args: &[&str]) -> Running {
    start_server_as(name, Role::Reference, args)
}

#[track_caller]
fn start_server_as(name: &str, role: Role, args: &[&str]) -> Running {
    let mut server = spawn_as(name, role, args);
    if server
        .wait_for_stdout(|l| l.starts_with("listening on "), START_DEADLINE)
        .is_none()
    {
        let status = server.wait(Duration::from_millis(200));
        server.refuse_wrong_build(status);
        panic!(
            "{name} did not print `listening on <address>` within {START_DEADLINE:?} \
             (exit status: {status:?})\n{}",
            server.transcript()
        );
    }
    server
}

impl Running {
    /// The address from the `listening on <address>` line.
    #[track_caller]
    pub fn address(&self) -> SocketAddr {
        let line = self
            .wait_for_stdout(|l| l.starts_with("listening on "), Duration::ZERO)
            .unwrap_or_else(|| panic!("{} printed no `listening on` line", self.name));
        let text = line["listening on ".len()..].trim();
        text.parse()
            .unwrap_or_else(|e| panic!("`{line}`: `{text}` is not an address:port ({e})"))
    }

    /// Writes `text` to the program's stdin.
    pub fn type_in(&mut self, text: &str) {
        self.program.type_in(text.as_bytes());
    }

    /// Waits for the program to exit and returns its exit code; panics if it does not exit in
    /// time or was killed by a signal (a crash).
    #[track_caller]
    pub fn exit_code(&mut self, timeout: Duration) -> i32 {
        let status = self.wait(timeout);
        self.refuse_wrong_build(status);
        match status.and_then(|s| s.code()) {
            Some(code) => code,
            None => panic!(
                "{} did not exit within {timeout:?} (status: {status:?})\n{}",
                self.name,
                self.transcript()
            ),
        }
    }

    /// Both outputs, for failure messages.
    pub fn transcript(&self) -> String {
        format!(
            "--- {} stdout ---\n{}--- {} stderr ---\n{}",
            self.name,
            self.stdout(),
            self.name,
            self.stderr()
        )
    }

    fn refuse_wrong_build(&self, status: Option<ExitStatus>) {
        refuse_wrong_build(status.and_then(|s| s.code()), &self.stderr(), &self.name);
    }
}

/// A program built for the other feature set refuses to run (exit code 3): say it plainly.
#[track_caller]
fn refuse_wrong_build(code: Option<i32>, stderr: &str, name: &str) {
    if code == Some(i32::from(tp_sockets::kit::launcher::WRONG_BUILD))
        && stderr.contains("tests expect")
    {
        panic!("{name} is a stale build: {}", stderr.trim());
    }
}

/// What a finished (or killed) run printed.
#[derive(Debug)]
pub struct Outcome {
    pub name: String,
    /// The exit code; `None` when the program was killed at its deadline or by a signal.
    pub code: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Panics unless the program exited 0.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert_eq!(self.code, Some(0), "{} should exit 0\n{self}", self.name);
        self
    }

    /// Panics unless the program exited with `code` after printing exactly one line on stderr,
    /// with no panic message or backtrace: the kit's rule for errors a user can cause.
    #[track_caller]
    pub fn assert_clean_failure(&self, code: i32) -> &str {
        assert_eq!(
            self.code,
            Some(code),
            "{} should exit {code}\n{self}",
            self.name
        );
        assert_one_clear_line(&self.stderr);
        self.stderr.trim()
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {:?}{}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code,
            if self.timed_out {
                " (killed at its deadline)"
            } else {
                ""
            },
            self.stdout,
            self.stderr
        )
    }
}

/// Panics unless `stderr` is exactly one non-empty line with no trace of a panic.
#[track_caller]
pub fn assert_one_clear_line(stderr: &str) {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1,
        "expected one line on stderr, got:\n{stderr}"
    );
    for sign in ["panicked", "backtrace", "RUST_BACKTRACE"] {
        assert!(!stderr.contains(sign), "stderr shows a panic:\n{stderr}");
    }
}

/// Runs the example `name` under test to completion with `stdin` as its input, killing it at
/// `timeout`.
#[track_caller]
pub fn run_with(name: &str, args: &[&str], stdin: &str, timeout: Duration) -> Outcome {
    run_as(name, Role::UnderTest, args, stdin, timeout)
}

/// Runs the reference client `name`, the peer of a server under test, to completion.
#[track_caller]
pub fn run_reference(name: &str, args: &[&str]) -> Outcome {
    run_reference_with(name, args, "")
}

/// [`run_reference`], with `stdin` as its input.
#[track_caller]
pub fn run_reference_with(name: &str, args: &[&str], stdin: &str) -> Outcome {
    run_as(name, Role::Reference, args, stdin, RUN_DEADLINE)
}

/// Runs the example `name` in `role` to completion with `stdin` as its input, killing it at
/// `timeout`.
#[track_caller]
pub fn run_as(name: &str, role: Role, args: &[&str], stdin: &str, timeout: Duration) -> Outcome {
    let finished = run_to_end(
        command_for(name, role).args(args),
        stdin.as_bytes(),
        timeout,
    )
    .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    let outcome = Outcome {
        name: name.to_string(),
        code: finished.status.and_then(|s| s.code()),
        timed_out: finished.status.is_none(),
        stdout: finished.stdout,
        stderr: finished.stderr,
    };
    refuse_wrong_build(outcome.code, &outcome.stderr, name);
    outcome
}

/// Runs the example `name` with no input and the default deadline.
#[track_caller]
pub fn run(name: &str, args: &[&str]) -> Outcome {
    run_with(name, args, "", RUN_DEADLINE)
}

/// Polls `condition` every 20 ms until it holds (`Some`) or `timeout` passes (`None`).
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> Option<()> {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return Some(());
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Sends SIGINT to the program, as Ctrl-C in its terminal would (Unix: the `kill` command).
#[cfg(unix)]
pub fn interrupt(program: &Running) {
    let status = Command::new("kill")
        .args(["-INT", &program.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT {} failed", program.pid());
}

/// The resident memory of process `pid`, in KiB (Linux only, as the tests that use it).
#[track_caller]
pub fn rss_kib(pid: u32) -> u64 {
    tp_sockets::kit::process::rss_kib(pid).unwrap_or_else(|| panic!("no memory size for {pid}"))
}

/// Which side of an exchange is under test, the other being the reference: a test of both
/// sides is written once, and run once for the server, once for the client.
#[derive(Debug, Clone, Copy)]
pub struct Sides {
    pub server: Role,
    pub client: Role,
}

/// The server is under test; its client is the reference.
pub const SERVER_UNDER_TEST: Sides = Sides {
    server: Role::UnderTest,
    client: Role::Reference,
};

/// The client is under test; its server is the reference.
pub const CLIENT_UNDER_TEST: Sides = Sides {
    server: Role::Reference,
    client: Role::UnderTest,
};

impl Sides {
    /// Starts the server `name` in its role and waits for its `listening on` line.
    #[track_caller]
    pub fn start_server(self, name: &str, args: &[&str]) -> Running {
        start_server_as(name, self.server, args)
    }

    /// Starts the server `name` in its role, without waiting for it (it may ask questions).
    #[track_caller]
    pub fn spawn_server(self, name: &str, args: &[&str]) -> Running {
        spawn_as(name, self.server, args)
    }

    /// Runs the client `name` in its role to completion, with no input.
    #[track_caller]
    pub fn run_client(self, name: &str, args: &[&str]) -> Outcome {
        run_as(name, self.client, args, "", RUN_DEADLINE)
    }

    /// Runs the client `name` in its role to completion, with `stdin` as its input.
    #[track_caller]
    pub fn run_client_with(self, name: &str, args: &[&str], stdin: &str) -> Outcome {
        run_as(name, self.client, args, stdin, RUN_DEADLINE)
    }
}
