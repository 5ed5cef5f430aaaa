//! The test harness shared by every exercise's test file.
//!
//! A test never knows whether it checks a reference (`cargo test`) or a student's file
//! (`cargo grade`, i.e. `cargo test --features exercises`): it starts "the example binary NAME"
//! built for the current feature set, from `target/<profile>/examples/` (see [`program`]).
//!
//! Everything here is bounded: a server must print its `listening on` line within
//! [`START_DEADLINE`], a client must exit within the timeout it is given, and every child process
//! is killed and reaped when its handle is dropped, also when the test panics. A skeleton that
//! hangs fails its test in seconds and never stalls the suite.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)] // each test file uses a part; a failed expect is a failed test

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a server may take to print its `listening on` line.
pub const START_DEADLINE: Duration = Duration::from_secs(5);
/// How long a client run may take by default before it is killed.
pub const RUN_DEADLINE: Duration = Duration::from_secs(5);

/// The build the current test binary was compiled for, hence the build it must test.
pub const BUILD: &str = tp_sockets::kit::launcher::BUILD;

/// The example binary `name`, built for the current feature set if it is not up to date.
///
/// `cargo test --test ex1_tcp` (or `cargo grade --test ex1_tcp`) rebuilds only that test file,
/// not the programs it runs, so the harness runs `cargo build --example NAME` itself, once per
/// program and test binary: the program under test is always the code on disk. A file that does
/// not compile fails only the tests that run it, with the compiler's message.
#[track_caller]
pub fn program(name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os(tp_sockets::kit::launcher::PROGRAMS_VAR) {
        return prebuilt(Path::new(&dir), name);
    }
    static BUILT: Mutex<BTreeMap<String, Result<PathBuf, String>>> = Mutex::new(BTreeMap::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let result = built
        .entry(name.to_string())
        .or_insert_with(|| build(name))
        .clone();
    drop(built);
    result.unwrap_or_else(|message| panic!("{message}"))
}

/// A program that `tp grade` or `tp check` built beforehand into `dir`.
#[track_caller]
fn prebuilt(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.exists() {
        return path;
    }
    match std::fs::read_to_string(dir.join(format!("{name}.error"))) {
        Ok(why) => panic!("{name} does not compile ({BUILD}/{name}.rs):\n{why}"),
        Err(_) => panic!("{name} was not built into {}", dir.display()),
    }
}

fn build(name: &str) -> Result<PathBuf, String> {
    // Test binaries live in <target>/[<triple>/]<profile>/deps/, examples in .../<profile>/examples/.
    let exe = std::env::current_exe().map_err(|e| format!("path of the test binary: {e}"))?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("the test binary is not in target/<profile>/deps/")?;
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .ok_or("no target directory")?;
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["build", "--quiet", "--example", name, "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    match profile_dir.file_name().and_then(|p| p.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cargo.arg("--release");
        }
        Some(profile) => {
            cargo.args(["--profile", profile]);
        }
    }
    if let Some(triple) = profile_dir
        .parent()
        .filter(|dir| *dir != target_dir)
        .and_then(Path::file_name)
    {
        cargo.arg("--target").arg(triple);
    }
    if BUILD == "exercises" {
        cargo.args(["--features", "exercises"]);
    }
    let output = cargo
        .output()
        .map_err(|e| format!("cannot run cargo to build {name}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{name} does not compile ({BUILD}/{name}.rs):\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.exists() {
        Ok(path)
    } else {
        Err(format!(
            "cargo built {name} but {} is missing",
            path.display()
        ))
    }
}

/// A `Command` for the example `name`, told which build the tests expect.
pub fn command(name: &str) -> Command {
    let mut cmd = Command::new(program(name));
    cmd.env(tp_sockets::kit::launcher::EXPECT_VAR, BUILD)
        .env("RUST_BACKTRACE", "0");
    cmd
}

/// Text a child wrote on one of its pipes, collected by a background thread.
#[derive(Default)]
struct Captured {
    /// What was read so far, and whether the pipe is closed (the program exited).
    state: Mutex<(String, bool)>,
    changed: Condvar,
}

impl Captured {
    fn collect(pipe: impl Read + Send + 'static) -> Arc<Captured> {
        let captured = Arc::new(Captured::default());
        let sink = Arc::clone(&captured);
        thread::spawn(move || {
            let mut reader = BufReader::new(pipe);
            let mut line = Vec::new();
            // Lossy: a program may print bytes that are not UTF-8; the test still sees the rest.
            while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                sink.state
                    .lock()
                    .unwrap()
                    .0
                    .push_str(&String::from_utf8_lossy(&line));
                sink.changed.notify_all();
                line.clear();
            }
            sink.state.lock().unwrap().1 = true;
            sink.changed.notify_all();
        });
        captured
    }

    fn text(&self) -> String {
        self.state.lock().unwrap().0.clone()
    }

    /// Waits (at most `timeout`) until the pipe is closed and everything in it was read.
    fn wait_closed(&self, timeout: Duration) {
        let state = self.state.lock().unwrap();
        let _ = self
            .changed
            .wait_timeout_while(state, timeout, |(_, closed)| !*closed);
    }

    /// Waits until a complete line satisfies `wanted`; returns it, or `None` at the deadline or
    /// as soon as the program has closed its output without printing such a line.
    fn wait_for_line(&self, wanted: impl Fn(&str) -> bool, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let mut state = self.state.lock().unwrap();
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
            state = self.changed.wait_timeout(state, left).unwrap().0;
        }
    }
}

/// A running program. Dropping it kills and reaps the process.
pub struct Running {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Captured>,
    stderr: Arc<Captured>,
}

/// Starts the example `name` with `args`; its stdin is a pipe the test can write to.
pub fn spawn(name: &str, args: &[&str]) -> Running {
    let mut child = command(name)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    let stdout = Captured::collect(child.stdout.take().expect("piped stdout"));
    let stderr = Captured::collect(child.stderr.take().expect("piped stderr"));
    Running {
        name: name.to_string(),
        stdin: child.stdin.take(),
        child,
        stdout,
        stderr,
    }
}

/// Starts the server `name` and waits (at most [`START_DEADLINE`]) for its `listening on` line.
#[track_caller]
pub fn start_server(name: &str, args: &[&str]) -> Running {
    let mut server = spawn(name, args);
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
    pub fn address(&self) -> SocketAddr {
        let line = self
            .stdout
            .wait_for_line(|l| l.starts_with("listening on "), Duration::ZERO)
            .expect("server printed its listening line");
        let text = line["listening on ".len()..].trim();
        text.parse()
            .unwrap_or_else(|e| panic!("`{line}`: `{text}` is not an address:port ({e})"))
    }

    /// Waits for a line on stdout satisfying `wanted`.
    pub fn wait_for_stdout(
        &self,
        wanted: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<String> {
        self.stdout.wait_for_line(wanted, timeout)
    }

    /// Waits for a line on stderr satisfying `wanted`.
    pub fn wait_for_stderr(
        &self,
        wanted: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<String> {
        self.stderr.wait_for_line(wanted, timeout)
    }

    /// Writes `text` to the program's stdin.
    pub fn type_in(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        // The program may have exited already; the test then fails on what it printed.
        let _ = stdin
            .write_all(text.as_bytes())
            .and_then(|()| stdin.flush());
    }

    /// Closes the program's stdin (what Ctrl-D does in a terminal).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits at most `timeout` for the program to exit; `None` if it is still running.
    pub fn wait(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll child") {
                // Let the reader threads take the last output.
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

    /// Everything printed so far.
    pub fn stdout(&self) -> String {
        self.stdout.text()
    }

    /// Everything printed so far on stderr.
    pub fn stderr(&self) -> String {
        self.stderr.text()
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

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("poll child").is_none()
    }

    fn refuse_wrong_build(&self, status: Option<ExitStatus>) {
        refuse_wrong_build(status.and_then(|s| s.code()), &self.stderr(), &self.name);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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

/// Runs the example `name` to completion with `stdin` as its input, killing it at `timeout`.
#[track_caller]
pub fn run_with(name: &str, args: &[&str], stdin: &str, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let output = assert_cmd::Command::from_std(command(name))
        .args(args)
        .write_stdin(stdin)
        .timeout(timeout)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    let outcome = Outcome {
        name: name.to_string(),
        code: output.status.code(),
        timed_out: started.elapsed() >= timeout,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    refuse_wrong_build(outcome.code, &outcome.stderr, name);
    outcome
}

/// Runs the example `name` with no input and the default deadline.
#[track_caller]
pub fn run(name: &str, args: &[&str]) -> Outcome {
    run_with(name, args, "", RUN_DEADLINE)
}

/// The handout's fixed ports, held by one test at a time across every test binary.
pub struct FixedPorts {
    _lock: File,
}

/// The handout's ports (60000 for servers, 62000 for the bound client).
pub const HANDOUT_PORTS: [u16; 2] = [60000, 62000];

/// Takes the lock on the handout's fixed ports (60000, 62000), waiting for other tests that
/// hold it, and checks that no program outside the tests is listening on them.
///
/// The lock is a file lock (flock on Unix, LockFileEx on Windows), so it serializes tests in
/// the same binary (each test opens its own handle) and across test binaries run in parallel.
pub fn fixed_ports() -> FixedPorts {
    let path = std::env::temp_dir().join("tp-sockets-fixed-ports.lock");
    let file = File::create(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("cannot lock {}: {e}", path.display()),
        }
    }
    for port in HANDOUT_PORTS {
        // A connection that succeeds means some program outside the tests listens there.
        // (A bind test would also trip on connections of earlier tests waiting in TIME_WAIT.)
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        if std::net::TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok() {
            panic!(
                "port {port} is in use by a program outside the tests (a server started \
                 by hand?): stop it and run the tests again"
            );
        }
    }
    FixedPorts { _lock: file }
}

/// Whether this machine has an IPv6 loopback (`::1`); tests that need it skip otherwise.
pub fn has_ipv6_loopback() -> bool {
    TcpListener::bind("[::1]:0").is_ok()
}

/// A port of 127.0.0.1 held by the test, where nobody listens or answers, for as long as the
/// value lives. (A port merely found free could be handed by the OS to a server that another
/// test starts meanwhile.)
pub struct NobodyHome {
    pub port: u16,
    _held: socket2::Socket,
}

/// A TCP port that refuses connections: bound by the test but not listening.
pub fn closed_tcp_port() -> NobodyHome {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    let port = socket.local_addr().unwrap().as_socket().unwrap().port();
    NobodyHome {
        port,
        _held: socket,
    }
}

/// A UDP port where datagrams arrive and nobody ever answers.
pub fn silent_udp_port() -> NobodyHome {
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = udp.local_addr().unwrap().port();
    NobodyHome {
        port,
        _held: udp.into(),
    }
}

/// A port that is free on 127.0.0.1, for a program under test to bind.
///
/// It is taken below 32768, outside the ranges every OS draws ephemeral ports from (Linux
/// 32768-60999, macOS and Windows 49152-65535): a socket that another test binds to port 0
/// meanwhile can never be handed the same port. Tests of one process get distinct candidates;
/// a port still in TIME_WAIT from an earlier run fails the bind check and is skipped.
pub fn free_port() -> u16 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    const FIRST: u32 = 20000;
    const SPAN: u32 = 12000;
    let offset = std::process::id().wrapping_mul(7919) % SPAN;
    for _ in 0..SPAN {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let port = (FIRST + (offset + n) % SPAN) as u16;
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        if TcpListener::bind(address).is_ok() && std::net::UdpSocket::bind(address).is_ok() {
            return port;
        }
    }
    panic!("no free port between {FIRST} and {}", FIRST + SPAN);
}

/// A server run by the test itself, so that a client exercise is checked on its own: it answers
/// `Welcome to this server` (or the reply it was given, or nothing at all) to every client,
/// after one read of the client's message (at most 1024 bytes, within 5 s), as the handout's
/// servers do, and records who connected and what they sent. Stops when dropped.
pub struct TestServer {
    pub address: SocketAddr,
    seen: Arc<Mutex<Vec<(SocketAddr, String)>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl TestServer {
    /// Starts it on `address` (port 0: the OS picks).
    pub fn start(address: &str) -> TestServer {
        TestServer::replying(address, Some(tp_sockets::net::welcome::WELCOME.as_bytes()))
    }

    /// One that answers `reply` instead, or never answers (`None`): it keeps every connection
    /// open, silent, until it is dropped.
    pub fn replying(address: &str, reply: Option<&[u8]>) -> TestServer {
        let reply = reply.map(<[u8]>::to_vec);
        let listener = TcpListener::bind(address).unwrap_or_else(|e| panic!("{address}: {e}"));
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (seen2, stop2) = (Arc::clone(&seen), Arc::clone(&stop));
        let thread = thread::spawn(move || {
            let mut held = Vec::new();
            while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
                let (mut stream, peer) = match listener.accept() {
                    Ok(accepted) => accepted,
                    Err(_) => {
                        thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                };
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut message = vec![0u8; 1024];
                let received = stream.read(&mut message).unwrap_or(0);
                message.truncate(received);
                match &reply {
                    Some(reply) => {
                        let _ = stream.write_all(reply);
                    }
                    None => held.push(stream),
                }
                seen2
                    .lock()
                    .unwrap()
                    .push((peer, String::from_utf8_lossy(&message).into_owned()));
            }
        });
        TestServer {
            address,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// Who connected, and what each sent, in order.
    pub fn seen(&self) -> Vec<(SocketAddr, String)> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sends `message` the way Exercise 2's clients do (then shuts down its sending side) and
/// returns the reply, with a deadline.
pub fn ask(address: SocketAddr, message: &str) -> std::io::Result<String> {
    let mut stream = std::net::TcpStream::connect_timeout(&address, RUN_DEADLINE)?;
    stream.set_read_timeout(Some(RUN_DEADLINE))?;
    tp_sockets::net::welcome::ask(&mut stream, message)
}

/// A scratch folder, deleted when dropped.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    /// A new empty folder under the system's temporary folder.
    pub fn new(label: &str) -> Scratch {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("tp-sockets-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch { path }
    }

    /// The files in the folder, by name (hidden temporary files included).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A folder to serve, in `root/served`: the kit's three sample pictures, and `gray.png`, a
/// 101 × 50 grayscale picture (the kind that crashed the seed project). Next to it,
/// `root/secret.txt`, which no server may ever send; on Unix, `served/link-out.png` is a
/// symlink to that secret.
pub struct PictureFolder {
    pub root: Scratch,
    pub served: PathBuf,
}

pub fn picture_folder() -> PictureFolder {
    let root = Scratch::new("pictures");
    let served = root.path.join("served");
    std::fs::create_dir_all(&served).unwrap();
    let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("images");
    for name in ["car.png", "house.jpg", "dog.jpg"] {
        std::fs::copy(images.join(name), served.join(name)).unwrap();
    }
    image::GrayImage::from_fn(101, 50, |x, y| image::Luma([(x * 2 + y) as u8]))
        .save(served.join("gray.png"))
        .unwrap();
    std::fs::write(root.path.join("secret.txt"), b"never served").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.path.join("secret.txt"), served.join("link-out.png")).unwrap();
    PictureFolder { root, served }
}

impl PictureFolder {
    /// `--dir <served>` as arguments.
    pub fn dir_arg(&self) -> String {
        self.served.to_string_lossy().into_owned()
    }
}

/// The kit's sample pictures (images/).
pub fn images() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("images")
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

/// The resident memory of process `pid`, in KiB (Linux: VmRSS in /proc/PID/status).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The Python example of PROTOCOL.md's section `section` (a `## ` heading), with the default
/// port `port` of that section replaced by `actual`: a client written from the document alone.
pub fn protocol_example(section: &str, port: u16, actual: u16) -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("PROTOCOL.md")).unwrap();
    let start = text
        .find(&format!("## {section}"))
        .unwrap_or_else(|| panic!("PROTOCOL.md has no section {section}"));
    let rest = &text[start..];
    let code = rest.find("```python\n").expect("a Python example") + "```python\n".len();
    let end = code + rest[code..].find("```").expect("the end of the example");
    rest[code..end].replace(&port.to_string(), &actual.to_string())
}

/// Runs `code` with python3 (None if this machine has no python3) and returns what it printed.
pub fn run_python(code: &str) -> Option<std::process::Output> {
    let mut child = match Command::new("python3")
        .args(["-c", code])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            println!("skipped: python3 cannot be run here ({e})");
            return None;
        }
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().ok()?.is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().ok()
}

/// Terminal codes a hostile peer sends as its reply (clear the screen, retitle the window), and
/// the way a client must show them: escaped, never raw.
pub const TERMINAL_CODES: &[u8] = b"Hi\x1b[2J\x1b]0;owned\x07";
/// See [`TERMINAL_CODES`].
pub const TERMINAL_CODES_SHOWN: &str = "Hi\\u{1b}[2J\\u{1b}]0;owned\\u{7}";

/// Panics unless the client printed the reply [`TERMINAL_CODES`] escaped, with no raw ESC.
#[track_caller]
pub fn assert_reply_escaped(client: &Outcome) {
    client.assert_success();
    let expected = format!("server replied: {TERMINAL_CODES_SHOWN}");
    assert!(
        client.stdout.contains(&expected),
        "expected `{expected}`\n{client}"
    );
    assert!(!client.stdout.contains('\x1b'), "{client}");
}

/// Waits for the temporary file of `client`'s download to appear in `out`, interrupts the
/// client as Ctrl-C would, and checks that it exits with code 130 and leaves nothing.
#[cfg(unix)]
#[track_caller]
pub fn interrupted_download_leaves_nothing(client: &mut Running, out: &Scratch) {
    wait_until(START_DEADLINE, || {
        out.names().iter().any(|n| n.contains(".part-"))
    })
    .unwrap_or_else(|| panic!("no temporary file appeared\n{}", client.transcript()));
    interrupt(client);
    assert_eq!(
        client.exit_code(START_DEADLINE),
        130,
        "{}",
        client.transcript()
    );
    assert!(out.names().is_empty(), "left behind: {:?}", out.names());
}

/// Runs the Python example of PROTOCOL.md's `section` against a server on `actual` (in place
/// of the section's default port) and checks what it printed (skipped without python3).
#[track_caller]
pub fn assert_python_example_prints(section: &str, (port, actual): (u16, u16), expected: &str) {
    let Some(out) = run_python(&protocol_example(section, port, actual)) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(stdout.trim(), expected, "{stderr}");
}

/// Runs `command` with its standard output closed by the reader at once (as `| head -1`
/// does), and checks that it ends quietly: exit code 0, or 141 as a shell reports SIGPIPE,
/// and no panic.
#[track_caller]
pub fn assert_quiet_when_its_reader_leaves(mut command: Command) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the program");
    drop(child.stdout.take()); // the reader is gone before the first line is written
    let out = child.wait_with_output().expect("the program ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 141)),
        "{:?}\n{stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Starts `proj_lossy_proxy` relaying to `server` with `options`, and returns it with the port
/// it listens on (read from its first line).
#[track_caller]
pub fn start_proxy(server: SocketAddr, options: &[&str]) -> (Running, u16) {
    let target = server.to_string();
    let mut args = vec!["--listen", "0", "--server", &target];
    args.extend_from_slice(options);
    let proxy = spawn("proj_lossy_proxy", &args);
    let line = proxy
        .wait_for_stdout(|l| l.starts_with("listening on "), START_DEADLINE)
        .unwrap_or_else(|| panic!("the proxy did not start\n{}", proxy.transcript()));
    let address = line["listening on ".len()..]
        .split(',')
        .next()
        .unwrap_or_default();
    let port = address
        .parse::<SocketAddr>()
        .unwrap_or_else(|e| panic!("`{line}`: {e}"))
        .port();
    (proxy, port)
}
