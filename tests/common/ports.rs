//! Ports for the tests: the handout's fixed ones (60000, 62000), taken in turns across every
//! test binary; ports where nobody answers; free ports outside the ephemeral ranges.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::thread;
use std::time::{Duration, Instant};

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

/// Whether this machine lacks an IPv6 loopback (`::1`); if so, says that the test is skipped.
/// A test that needs IPv6 starts with `if no_ipv6_here() { return; }`.
pub fn no_ipv6_here() -> bool {
    let missing = TcpListener::bind("[::1]:0").is_err();
    if missing {
        println!("skipped: this machine has no IPv6 loopback (::1)");
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
