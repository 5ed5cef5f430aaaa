//! Ports for the tests: the handout's fixed ones (60000, 62000), taken in turns across every
//! test binary; ports where nobody answers; free ports outside the ephemeral ranges.

#[cfg(not(target_os = "linux"))]
use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::thread;
use std::time::{Duration, Instant};

use tp::netns::Network;
use tp_sockets::kit::launcher::{PROGRAMS_VAR, REFERENCES_VAR};

use super::build::{Role, programs_folder};
use tp_sockets::kit::process::run_to_end;

/// The handout's fixed ports, for the current test alone (see [`fixed_ports`]).
pub struct FixedPorts {
    _turn: Option<Turn>,
}

/// The handout's ports (60000 for servers, 62000 for the bound client).
pub const HANDOUT_PORTS: [u16; 2] = [60000, 62000];

/// How long a test waits for a program outside the tests to leave a handout's port.
const PORT_IN_USE_WAIT: Duration = Duration::from_secs(60);

/// How long a test that runs again in a network of its own may take there.
const OWN_NETWORK_DEADLINE: Duration = Duration::from_secs(150);

/// The handout's fixed ports (60000, 62000, and the image project's) for the current test,
/// where no other program of the machine and no other test can hold them or see its
/// connections. A test that uses them starts with
/// `let Some(_ports) = fixed_ports() else { return };`:
///
/// - where networks of one's own can be made (Linux with user namespaces), the test runs
///   again, alone, in a child process with a network of its own (this same binary, with only
///   this test); `None` says it passed there, and a failure there fails it here, in the same
///   words;
/// - in that child (or in `tp grade`'s sandbox, whose network is the submission's own), it
///   returns the ports at once; tests that share a sandbox take turns;
/// - elsewhere (macOS, Windows, or Linux without namespaces: a platform's jail, or
///   `TP_SOCKETS_NO_NAMESPACES=1`), tests take turns across every test binary that shares the
///   network ([`take_turn`]), and a program outside the tests that listens on one of the
///   ports stops the test with a sentence.
pub fn fixed_ports() -> Option<FixedPorts> {
    // A failure here tells the test's own words, without a backtrace.
    super::verdict::explain_unfinished_steps_first();
    match Network::current() {
        Network::Own => {
            tp::netns::loopback_up().expect("bring up the loopback of the test's own network");
            HANDOUT_PORTS.into_iter().for_each(super::wire::uses_port);
            return Some(FixedPorts { _turn: None });
        }
        Network::Private => {
            let turn = take_turn();
            HANDOUT_PORTS.into_iter().for_each(super::wire::uses_port);
            return Some(FixedPorts { _turn: Some(turn) });
        }
        Network::Host => {}
    }
    if tp::netns::own_networks().is_ok() {
        run_in_own_network();
        return None;
    }
    let turn = take_turn();
    for port in HANDOUT_PORTS {
        // A connection that succeeds means some program outside the tests listens there (a
        // bind test would also trip on connections of earlier tests waiting in TIME_WAIT). It
        // may be about to end (a student's program run by hand on a shared grading machine):
        // wait for it a while.
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + PORT_IN_USE_WAIT;
        while std::net::TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok() {
            if Instant::now() > deadline {
                panic!(
                    "port {port} is in use by a program outside the tests (a server started \
                     by hand?) and stayed so {} s: stop it and run the tests again",
                    PORT_IN_USE_WAIT.as_secs()
                );
            }
            thread::sleep(Duration::from_millis(500));
        }
    }
    Some(FixedPorts { _turn: Some(turn) })
}

/// Runs the current test again in a network of its own (and a process tree of its own, so
/// that nothing it starts outlives it), and fails with its words if it failed there.
fn run_in_own_network() {
    let test = std::thread::current()
        .name()
        .expect("libtest names the thread of each test after it")
        .to_string();
    let binary = std::env::current_exe().expect("the path of this test binary");
    let mut command = tp::netns::in_own_network(&binary);
    command.args([&test, "--exact", "--show-output"]);
    // The programs, built once here, rather than by every test that runs again.
    command
        .env(PROGRAMS_VAR, programs_folder(Role::UnderTest))
        .env(REFERENCES_VAR, programs_folder(Role::Reference))
        // Its backtrace says nothing of the student's program, and would come before the
        // conversation the test saw.
        .env("RUST_BACKTRACE", "0");
    let run = run_to_end(&mut command, b"", OWN_NETWORK_DEADLINE)
        .unwrap_or_else(|e| panic!("cannot run the test again in a network of its own: {e}"));
    let results = tp::libtest::parse(&run.stdout);
    match results.iter().find(|r| r.name == test) {
        Some(result) if result.passed => {
            // What the test printed there ("skipped: ..."), for --nocapture and libtest.
            if !result.output.is_empty() {
                println!("{}", result.output);
            }
        }
        Some(result) => panic!("{}", result.told().join("\n")),
        None if run.status.is_none() => panic!(
            "the test did not finish within {} s in its own network",
            OWN_NETWORK_DEADLINE.as_secs()
        ),
        None => panic!(
            "the test did not run in a network of its own:\n{}{}",
            run.stdout, run.stderr
        ),
    }
}

/// How long a test waits for its turn at the fixed ports.
const TURN_WAIT: Duration = Duration::from_secs(120);

/// A test's turn at the fixed ports, given back when dropped (or when its process dies).
#[cfg(target_os = "linux")]
pub type Turn = std::os::unix::net::UnixListener;
#[cfg(not(target_os = "linux"))]
pub type Turn = File;

/// Waits for the turn of the current test among those that use the fixed ports in this
/// network, across test binaries, users and `/tmp` folders.
///
/// On Linux the turn is a Unix socket with an abstract name (`@tp-sockets-fixed-ports`): such
/// a name belongs to the network namespace, as the ports do, so every process that shares the
/// ports shares it (two Moodle VPL evaluations, each with a `/tmp` of its own, on the host's
/// network), any user may hold it, and the system gives it back when its holder dies.
#[cfg(target_os = "linux")]
pub fn take_turn() -> Turn {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener};
    let name = "tp-sockets-fixed-ports";
    let address = SocketAddr::from_abstract_name(name).expect("an abstract socket name");
    let deadline = Instant::now() + TURN_WAIT;
    loop {
        match UnixListener::bind_addr(&address) {
            Ok(turn) => return turn,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("cannot take the turn at the fixed ports (@{name}): {e}"),
        }
    }
}

/// Elsewhere (macOS, Windows), a file lock in the temporary folder: flock on Unix, LockFileEx
/// on Windows, across test binaries too.
#[cfg(not(target_os = "linux"))]
pub fn take_turn() -> Turn {
    let path = std::env::temp_dir().join("tp-sockets-fixed-ports.lock");
    let file = shared_lock_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let deadline = Instant::now() + TURN_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return file,
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("cannot lock {}: {e}", path.display()),
        }
    }
}

/// The lock file at `path`, which every user of the machine can lock (on a grading server,
/// each evaluation may run as a user of its own): opened for reading when it is there (a lock
/// needs no more, and a shared temporary folder lets no one create over another's file),
/// made otherwise, readable by all.
#[cfg(not(target_os = "linux"))]
fn shared_lock_file(path: &std::path::Path) -> std::io::Result<File> {
    loop {
        match File::open(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            opened => return opened,
        }
        match File::create_new(path) {
            Ok(file) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let _ = file.set_permissions(std::fs::Permissions::from_mode(0o644));
                }
                return Ok(file);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

/// Whether this machine lacks an IPv6 loopback (`::1`); if so, says that the test is skipped.
/// A test that needs IPv6 starts with `if no_ipv6_here() { return; }`.
pub fn no_ipv6_here() -> bool {
    let missing = TcpListener::bind("[::1]:0").is_err();
    if missing {
        println!(
            "{}",
            tp::told::skipped("this machine has no IPv6 loopback (::1)")
        );
    }
    missing
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
    super::wire::uses_port(port);
    NobodyHome {
        port,
        _held: socket,
    }
}

/// A UDP port where datagrams arrive and nobody ever answers.
pub fn silent_udp_port() -> NobodyHome {
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = udp.local_addr().unwrap().port();
    super::wire::uses_port(port);
    NobodyHome {
        port,
        _held: udp.into(),
    }
}

/// Whether a TCP socket without SO_REUSEADDR (as a Python server, or socket2's) can bind
/// `address`: not when a connection from that port still waits in TIME_WAIT, which std's
/// `TcpListener::bind` (that sets the option on Unix) would not notice.
fn bind_plainly(address: SocketAddr) -> bool {
    let Ok(socket) = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
    else {
        return false;
    };
    socket.bind(&address.into()).is_ok()
}

/// A port that is free on 127.0.0.1, for a program under test to bind.
///
/// It is taken below 32768, outside the ranges every OS draws ephemeral ports from (Linux
/// 32768-60999, macOS and Windows 49152-65535): a socket that another test binds to port 0
/// meanwhile can never be handed the same port. Tests of one process get distinct candidates;
/// a port still in TIME_WAIT from an earlier run fails the bind check and is skipped.
/// A test that binds the port itself at once tries again for a moment: a process that another
/// test forks meanwhile holds a copy of the probe socket until it starts its program.
pub fn free_port() -> u16 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    const FIRST: u32 = 20000;
    const SPAN: u32 = 12000;
    let offset = std::process::id().wrapping_mul(7919) % SPAN;
    for _ in 0..SPAN {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let port = (FIRST + (offset + n) % SPAN) as u16;
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        if bind_plainly(address) && std::net::UdpSocket::bind(address).is_ok() {
            super::wire::uses_port(port);
            return port;
        }
    }
    panic!("no free port between {FIRST} and {}", FIRST + SPAN);
}
