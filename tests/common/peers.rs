//! Peers run by the tests themselves, honest or hostile, so that each program is checked on
//! its own: a server that answers (or not, or with terminal codes), the lossy proxy, and the
//! checks of what a program does when its peer misbehaves.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::build::Role;
use super::fixtures::Scratch;
use super::outcome::Outcome;
#[cfg(unix)]
use super::process::interrupt;
use super::process::{RUN_DEADLINE, Running, START_DEADLINE, recv_from_program};
use super::program::reference;
use super::verdict::{explain_exit, note_started, said, stopped, unfinished_step};
use tp_sockets::kit::process::run_with_output_closed;

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

    /// One that, after its answer, waits for the client to close (at most 5 s) before it
    /// closes too: the client is then the side that closes first, whatever the timing of the
    /// machine, as with a client that says it has nothing more to send (`shutdown`).
    pub fn closing_last(address: &str) -> TestServer {
        TestServer::serve(
            address,
            Some(tp_sockets::net::welcome::WELCOME.as_bytes()),
            true,
        )
    }

    /// One that answers `reply` instead, or never answers (`None`): it keeps every connection
    /// open, silent, until it is dropped.
    pub fn replying(address: &str, reply: Option<&[u8]>) -> TestServer {
        TestServer::serve(address, reply, false)
    }

    fn serve(address: &str, reply: Option<&[u8]>, closing_last: bool) -> TestServer {
        let reply = reply.map(<[u8]>::to_vec);
        let listener = TcpListener::bind(address).unwrap_or_else(|e| panic!("{address}: {e}"));
        listener.set_nonblocking(true).unwrap();
        let address = listener.local_addr().unwrap();
        super::wire::server_on(address.port(), "the test's server");
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
                        if closing_last {
                            // Read until the client's end of stream (or the timeout).
                            let _ = std::io::copy(&mut stream, &mut std::io::sink());
                        }
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

/// Sends `message` to the server `name` at `address` the way Exercise 2's clients do (then
/// shuts down its sending side) and returns the reply, with a deadline; a failure says in
/// words what the server did.
#[track_caller]
pub fn ask(name: &str, address: SocketAddr, message: &str) -> String {
    let connecting = std::net::TcpStream::connect_timeout(&address, RUN_DEADLINE);
    let mut stream = said(connecting, name, "connecting to it");
    let asking = tp_sockets::net::welcome::exchange(&mut stream, message);
    said(asking, name, "waiting for its reply")
}

/// Three connections to the server `name` at `address` that say nothing and stay open, then a
/// client that speaks: it must be answered within a client's patience (5 s, as the kit's
/// clients wait): a sequential server gives the silent ones less than that, all together.
#[track_caller]
pub fn assert_silent_clients_do_not_hold_the_next(name: &str, server: &mut Running) {
    let address = server.address();
    let silent: Vec<std::net::TcpStream> = (0..3)
        .map(|_| {
            said(
                std::net::TcpStream::connect(address),
                name,
                "connecting to it",
            )
        })
        .collect();
    let reply = ask(name, address, "after three silent clients");
    super::fixtures::assert_answer(
        name,
        "a client behind three silent connections, within its 5 s",
        &reply,
        tp_sockets::net::welcome::WELCOME,
    );
    drop(silent);
    server.assert_running("three silent connections");
}

/// A UDP server is no loudspeaker for floods: from one address (which an attacker may have
/// written as a victim's), 256 one-byte datagrams sent as fast as they go get at most 3 times
/// their bytes back, and write a bounded log (at most 16 lines); an empty datagram gets no
/// answer; another sender asking `request` still gets one.
#[track_caller]
pub fn assert_no_reflection(name: &str, server: &mut Running, request: &[u8]) {
    use std::net::UdpSocket;
    let address = server.address();
    let socket = || UdpSocket::bind(SocketAddr::new(address.ip(), 0)).unwrap();
    let lines =
        |server: &Running| server.stdout().lines().count() + server.stderr().lines().count();
    let ended = server.ended();
    let receive = |socket: &UdpSocket, buffer: &mut [u8], within: Duration| {
        recv_from_program(socket, buffer, within, &ended)
    };
    let empty = socket();
    empty.send_to(b"", address).unwrap();
    let mut buffer = [0u8; 65536];
    if let Ok((n, _)) = receive(&empty, &mut buffer, Duration::from_millis(500)) {
        panic!(
            "expected {name} to answer nothing to an empty datagram (it asks nothing, and an \
             answer would be all amplification), but it answered {n} bytes\n{}",
            server.transcript()
        );
    }
    let before = lines(server);
    let flooder = socket();
    for _ in 0..256 {
        flooder.send_to(b"x", address).unwrap();
    }
    // What comes back, until nothing more comes for a second.
    let (mut back, mut count) = (0, 0);
    while let Ok((n, _)) = receive(&flooder, &mut buffer, Duration::from_secs(1)) {
        back += n;
        count += 1;
    }
    assert!(
        back <= 3 * 256,
        "expected {name} to send at most 768 bytes (3 times the 256 bytes received) back to an \
         address that sent 256 one-byte datagrams, but it sent {back} bytes in {count} \
         datagrams: anyone can write a victim's address as a datagram's source, and the server \
         then floods the victim (reflection)\n{}",
        server.transcript()
    );
    let written = lines(server) - before;
    assert!(
        written <= 16,
        "expected {name}'s log to stay bounded during a flood of 256 datagrams (16 lines at \
         most), but it wrote {written} lines"
    );
    let other = socket();
    other.send_to(request, address).unwrap();
    said(
        receive(&other, &mut buffer, RUN_DEADLINE),
        name,
        "waiting for its answer to another sender",
    );
    server.assert_running("a flood from one address");
}

/// Terminal codes a hostile peer sends as its reply (clear the screen, retitle the window), and
/// the way a client must show them: escaped, never raw.
pub const TERMINAL_CODES: &[u8] = b"Hi\x1b[2J\x1b]0;owned\x07";
/// See [`TERMINAL_CODES`].
pub const TERMINAL_CODES_SHOWN: &str = "Hi\\u{1b}[2J\\u{1b}]0;owned\\u{7}";

/// Sends [`TERMINAL_CODES`] as a client's message to the server `server` (named `name`), as a
/// hostile client would, and panics unless it printed them escaped ([`TERMINAL_CODES_SHOWN`]),
/// never raw.
#[track_caller]
pub fn assert_message_shown_escaped(name: &str, server: &Running) {
    let address = server.address();
    let mut stream = said(
        std::net::TcpStream::connect(address),
        name,
        "connecting to it",
    );
    said(stream.write_all(TERMINAL_CODES), name, "sending to it");
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(RUN_DEADLINE));
    let _ = stream.read_to_end(&mut Vec::new());
    assert_logged_escaped(name, server, TERMINAL_CODES_SHOWN);
}

/// Panics unless the server `name` logged a client's terminal codes as `shown` (escaped), and
/// nowhere raw, on stdout or stderr.
#[track_caller]
pub fn assert_logged_escaped(name: &str, server: &Running, shown: &str) {
    server.expect_line_containing(shown, START_DEADLINE);
    assert!(
        !server.stdout().contains('\x1b') && !server.stderr().contains('\x1b'),
        "expected {name} to print a client's terminal codes escaped, never raw\n{}",
        server.transcript()
    );
}

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
    client
        .wait_until(START_DEADLINE, || {
            out.names().iter().any(|n| n.contains(".part-"))
        })
        .unwrap_or_else(|| panic!("no temporary file appeared\n{}", client.transcript()));
    interrupt(client);
    client.assert_exits(130, START_DEADLINE);
    assert!(out.names().is_empty(), "left behind: {:?}", out.names());
}

/// Runs `program` with its standard output closed by the reader at once (as `| head -1`
/// does), and checks that it ends quietly: exit code 0, or 141 as a shell reports SIGPIPE,
/// and no panic.
#[track_caller]
pub fn assert_quiet_when_its_reader_leaves(name: &str, mut command: Command) {
    let finished = run_with_output_closed(&mut command, START_DEADLINE)
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
    let stderr = finished.stderr;
    let ended = explain_exit(finished.status, &stderr, START_DEADLINE);
    note_started(name, Role::UnderTest, Arc::new(String::new));
    if let Some(step) = unfinished_step(name, &stderr) {
        panic!("{step}");
    }
    let code = finished.status.and_then(|s| s.code());
    assert!(
        matches!(code, Some(0 | 141)) && stopped(&stderr).is_none(),
        "expected {name} to end quietly (exit code 0, or 141) when the program reading its \
         output stops reading, but it {ended}\n--- on stderr ---\n{stderr}"
    );
}

/// Starts `proj_lossy_proxy` relaying to `server` with `options`, and returns it with the port
/// it listens on (read from its first line).
#[track_caller]
pub fn start_proxy(server: SocketAddr, options: &[&str]) -> (Running, u16) {
    let target = server.to_string();
    let mut args = vec!["--listen", "0", "--server", &target];
    args.extend_from_slice(options);
    // A tool of the kit, never a student's program: the reference build.
    let proxy = reference("proj_lossy_proxy").args(&args).start();
    let line = proxy
        .wait_for_stdout(|l| super::process::announced(l).is_some(), START_DEADLINE)
        .unwrap_or_else(|| panic!("the proxy did not start\n{}", proxy.transcript()));
    let address = super::process::announced(&line).unwrap_or_default();
    let port = address
        .parse::<SocketAddr>()
        .unwrap_or_else(|e| panic!("`{line}`: {e}"))
        .port();
    (proxy, port)
}
