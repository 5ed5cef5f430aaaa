//! The programs a test starts: running ones (servers, or clients it types to) and finished ones
//! (a client run to its end). Everything is bounded: a server must print its `listening on`
//! line within [`START_DEADLINE`], a client must exit within its deadline, and every process is
//! killed and reaped when its handle is dropped (src/kit/process.rs), also when a test panics.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::ops::{Deref, DerefMut};
use std::process::{Command, ExitStatus};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use tp_sockets::kit::process::Supervised;

use predicates::Predicate;

use super::build::Role;
use super::checks::{containing, ending, printed, starting};
use super::program::{Program, program};
use super::verdict::explain_exit;

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

impl Running {
    /// `program`, started as `name`.
    pub fn new(name: &str, program: Supervised) -> Running {
        Running {
            name: name.to_string(),
            program,
        }
    }

    /// Waits (at most [`START_DEADLINE`]) for the `listening on <address>` (TCP) or
    /// `receiving on <address>` (UDP) line of the server `name`; fails otherwise, saying how
    /// it ended instead.
    #[track_caller]
    pub fn expect_to_announce(&mut self, name: &str) {
        if self
            .wait_for_stdout(|l| announced(l).is_some(), START_DEADLINE)
            .is_some()
        {
            return;
        }
        let status = self.wait(Duration::from_millis(200));
        self.refuse_wrong_build(status);
        panic!(
            "expected {name} to print `listening on <address>` (TCP) or `receiving on <address>` \
             (UDP) within {} s, but it {}\n{}",
            START_DEADLINE.as_secs(),
            explain_exit(status, &self.stderr(), START_DEADLINE),
            self.transcript()
        );
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The address from the `listening on <address>` (or `receiving on`) line.
    #[track_caller]
    pub fn address(&self) -> SocketAddr {
        let line = self
            .wait_for_stdout(|l| announced(l).is_some(), Duration::ZERO)
            .unwrap_or_else(|| panic!("{} printed no `listening on` line", self.name));
        let text = announced(&line).unwrap_or_default();
        text.parse()
            .unwrap_or_else(|e| panic!("`{line}`: `{text}` is not an address:port ({e})"))
    }

    /// Writes `text` to the program's stdin.
    pub fn type_in(&mut self, text: &str) {
        self.program.type_in(text.as_bytes());
    }

    /// Waits for the program to finish with exit code `code` (0: normally), within `timeout`;
    /// panics otherwise, saying how it ended instead.
    #[track_caller]
    pub fn assert_exits(&mut self, code: i32, timeout: Duration) {
        let status = self.wait(timeout);
        self.refuse_wrong_build(status);
        assert!(
            status.and_then(|s| s.code()) == Some(code),
            "expected {} to finish with exit code {code} (within {} s), but it {}\n{}",
            self.name,
            timeout.as_secs_f64(),
            explain_exit(status, &self.stderr(), timeout),
            self.transcript()
        );
    }

    /// Panics unless the program is still running, as it should after `what` (a server after a
    /// bad client), saying how it ended instead.
    #[track_caller]
    pub fn assert_running(&mut self, what: &str) {
        if self.is_running() {
            return;
        }
        let status = self.wait(Duration::from_millis(100));
        panic!(
            "expected {} to keep running after {what}, but it {}\n{}",
            self.name,
            explain_exit(status, &self.stderr(), Duration::ZERO),
            self.transcript()
        );
    }

    /// Panics unless the program has printed `line` (a whole line, or a part of one) so far,
    /// quoting the line that was expected and what the program printed.
    #[track_caller]
    pub fn expect_printed(&self, line: &str) {
        printed(&self.name, &self.stdout(), line, self.transcript());
    }

    /// Waits (at most `timeout`) for a line that starts with `start`.
    #[track_caller]
    pub fn expect_line_starting(&self, start: &str, timeout: Duration) -> String {
        let wanted = starting(start);
        self.expect_line(&format!("{start}…"), |l| wanted.eval(l), timeout)
    }

    /// Waits (at most `timeout`) for a line that ends with `end`.
    #[track_caller]
    pub fn expect_line_ending(&self, end: &str, timeout: Duration) -> String {
        let wanted = ending(end);
        self.expect_line(&format!("…{end}"), |l| wanted.eval(l), timeout)
    }

    /// Waits (at most `timeout`) for a line that contains `part`.
    #[track_caller]
    pub fn expect_line_containing(&self, part: &str, timeout: Duration) -> String {
        let wanted = containing(part);
        self.expect_line(&format!("…{part}…"), |l| wanted.eval(l), timeout)
    }

    /// Waits for `expected` on stdout: a line that `matches`; panics otherwise, quoting the line
    /// that was expected and what the program printed.
    #[track_caller]
    pub fn expect_line(
        &self,
        expected: &str,
        matches: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> String {
        self.wait_for_stdout(matches, timeout).unwrap_or_else(|| {
            let within = if timeout.is_zero() {
                String::new()
            } else {
                format!(" (within {} s)", timeout.as_secs_f64())
            };
            panic!(
                "expected {} to print the line `{expected}`{within}, but it did not\n{}",
                self.name,
                self.transcript()
            )
        })
    }

    /// Both outputs, for failure messages.
    pub fn transcript(&self) -> String {
        format!(
            "--- what {} printed ---\n{}--- and on stderr ---\n{}",
            self.name,
            self.stdout(),
            self.stderr()
        )
    }

    fn refuse_wrong_build(&self, status: Option<ExitStatus>) {
        refuse_wrong_build(status.and_then(|s| s.code()), &self.stderr(), &self.name);
    }
}

pub use tp_sockets::kit::process::announced;

/// A program built for the other feature set refuses to run (exit code 3): say it plainly.
#[track_caller]
pub(super) fn refuse_wrong_build(code: Option<i32>, stderr: &str, name: &str) {
    if code == Some(i32::from(tp_sockets::kit::launcher::WRONG_BUILD))
        && stderr.contains("tests expect")
    {
        panic!("{name} is a stale build: {}", stderr.trim());
    }
}

/// Polls `condition` every 20 ms until it holds (`Some`) or `timeout` passes (`None`).
pub fn wait_until(timeout: Duration, condition: impl FnMut() -> bool) -> Option<()> {
    wait_until_unless(timeout, condition, || false)
}

/// [`wait_until`], over sooner when `over` says so (after a last look at `condition`).
fn wait_until_unless(
    timeout: Duration,
    mut condition: impl FnMut() -> bool,
    over: impl Fn() -> bool,
) -> Option<()> {
    let deadline = Instant::now() + timeout;
    loop {
        let last = over() || Instant::now() >= deadline;
        if condition() {
            return Some(());
        }
        if last {
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Whether a program has ended, asked from anywhere ([`Running::ended`]).
pub type Ended = Arc<dyn Fn() -> bool + Send + Sync>;

impl Running {
    /// A way to ask, from anywhere, whether the program has ended (its output is closed):
    /// nothing more can come from it, and a wait for it is over.
    pub fn ended(&self) -> Ended {
        Arc::new(self.program.end_reader())
    }

    /// Polls `condition` every 20 ms until it holds (`Some`), `timeout` passes, or the program
    /// has ended and it still does not hold (`None`): a program that stopped does nothing more.
    pub fn wait_until(&self, timeout: Duration, condition: impl FnMut() -> bool) -> Option<()> {
        wait_until_unless(timeout, condition, self.ended().as_ref())
    }
}

/// `socket.recv_from` with a read timeout of `timeout`, for a datagram from the program
/// `ended` watches: over as soon as that program has ended, with the timeout's error (a
/// datagram it sent before is already queued: loopback delivers it as it is sent). The
/// socket's read timeout is changed.
pub fn recv_from_program(
    socket: &UdpSocket,
    buffer: &mut [u8],
    timeout: Duration,
    ended: &Ended,
) -> io::Result<(usize, SocketAddr)> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let last = ended() || left.is_zero();
        // A last look takes what is queued; a wait is cut in slices, to ask again.
        let wait = if last {
            Duration::from_millis(1)
        } else {
            left.min(Duration::from_millis(50))
        };
        socket.set_read_timeout(Some(wait))?;
        match socket.recv_from(buffer) {
            Err(e) if !last && matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            result => return result,
        }
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
    /// The server `name` in its role.
    pub fn server(self, name: &str) -> Program {
        program(name, self.server)
    }

    /// The client `name` in its role.
    pub fn client(self, name: &str) -> Program {
        program(name, self.client)
    }
}

/// What a thread of the test gave; if it failed, the test fails with the thread's own words
/// (not a debug dump of its panic).
#[track_caller]
pub fn joined<T>(thread: std::thread::JoinHandle<T>) -> T {
    thread.join().unwrap_or_else(|panic| {
        // The thread said what went wrong; if a program under test stopped at a todo!(), that
        // is the cause, and the test says so (the hook does not run for a resumed panic).
        match super::verdict::unfinished_in_this_test() {
            Some(step) => panic!("{step}"),
            None => std::panic::resume_unwind(panic),
        }
    })
}
