//! Exercise 2, steps 2-3: `ex2_netstat` shows the sockets on the given ports and their state.
//! The sockets it looks at are made by the test itself, on ports the OS picks.

use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use crate::common::*;

const VIEWER: &str = "ex2_netstat";

/// The viewer's table of `port`; every line fits a terminal of 80 columns.
fn view(port: u16) -> Outcome {
    let outcome = under_test(VIEWER).args(["--port", &port.to_string()]).run();
    outcome.assert_success();
    // (A row owned by several processes, which happens for the instant another test's program
    // is between its fork and its exec, may be longer.)
    for line in outcome.stdout.lines().filter(|l| !l.contains(',')) {
        assert!(
            line.chars().count() <= 80,
            "expected every line to fit 80 columns, but this one has {}:\n{line}\n{outcome}",
            line.chars().count()
        );
    }
    outcome
}

/// The rows of the table, each split into its columns.
fn rows(outcome: &Outcome) -> Vec<Vec<String>> {
    outcome
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Proto"))
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect()
}

fn has_row(outcome: &Outcome, proto: &str, local: &str, remote: &str, state: &str) -> bool {
    rows(outcome)
        .iter()
        .any(|r| r.len() >= 4 && r[0] == proto && r[1] == local && r[2] == remote && r[3] == state)
}

/// Panics unless the table has the row `proto local remote state`.
#[track_caller]
fn assert_row(outcome: &Outcome, proto: &str, local: &str, remote: &str, state: &str) {
    assert!(
        has_row(outcome, proto, local, remote, state),
        "expected {VIEWER} to show the row `{proto} {local} {remote} {state}`, but it did not\n{outcome}"
    );
}

#[test]
fn before_the_client_it_shows_the_server_listening_with_its_process() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let outcome = view(port);
    let local = format!("127.0.0.1:{port}");
    assert_row(&outcome, "tcp", &local, "*:*", "LISTEN");
    let me = std::process::id().to_string();
    let row = rows(&outcome)
        .into_iter()
        .find(|r| r[3] == "LISTEN")
        .unwrap();
    // Owners are `PID/name`, comma-separated: a process that another test is starting may
    // hold the socket too, for the instant between its fork and its exec.
    if cfg!(target_os = "linux") {
        assert!(
            row[4]
                .split(',')
                .any(|owner| owner.split('/').next() == Some(&me)),
            "owner {} is not this test ({me})",
            row[4]
        );
    }
}

#[test]
fn during_the_connection_it_shows_both_ends_established() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = listener.local_addr().unwrap();
    let client = TcpStream::connect(server).unwrap();
    let (_accepted, _) = listener.accept().unwrap();
    let client_addr = client.local_addr().unwrap();
    let outcome = view(server.port());
    let (s, c) = (server.to_string(), client_addr.to_string());
    assert_row(&outcome, "tcp", &s, &c, "ESTABLISHED");
    assert_row(&outcome, "tcp", &c, &s, "ESTABLISHED");
}

/// The client closes first (its FIN goes out before the server's), so the client's end of the
/// connection is the one left in TIME_WAIT; the server's end is gone.
#[test]
fn after_the_client_closed_first_its_end_waits_in_time_wait() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = listener.local_addr().unwrap();
    let client = TcpStream::connect(server).unwrap();
    let (mut accepted, _) = listener.accept().unwrap();
    let client_addr = client.local_addr().unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    // The server reads the end of the stream (the client's FIN), then closes its side.
    let mut rest = Vec::new();
    accepted
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    accepted.read_to_end(&mut rest).unwrap();
    drop(accepted);
    drop(listener);
    // The client reads the server's FIN before it closes: its end is in TIME_WAIT then, never
    // an orphan the kernel may reset on a machine short of memory.
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    (&client).read_to_end(&mut rest).unwrap();
    drop(client);

    let (s, c) = (server.to_string(), client_addr.to_string());
    // TIME_WAIT lasts a minute: 10 s to see it, however busy the machine.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let outcome = view(server.port());
        if has_row(&outcome, "tcp", &c, &s, "TIME_WAIT") {
            assert!(
                !rows(&outcome).iter().any(|r| r[1] == s),
                "the server's end should be gone\n{outcome}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no TIME_WAIT row for {c}\n{outcome}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn when_nothing_uses_the_port_it_says_so() {
    let port = free_port();
    let outcome = view(port);
    outcome.expect_stdout(&format!("no TCP or UDP socket uses port {port}"));
}

/// Any user may rename a process of theirs, control characters included (`ESC ] 0 ;` retitles
/// a terminal, `ESC [ 2 J` clears it): the owner's name is printed escaped, never raw. The
/// owner is this test binary run again (as this test alone), which holds a UDP socket and gives
/// itself that name.
#[cfg(target_os = "linux")]
#[test]
fn a_process_name_with_terminal_codes_is_printed_escaped() {
    const CHILD: &str = "TP_SOCKETS_RENAMED_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        std::fs::write("/proc/self/comm", b"\x1b]0;pwn\x07\x1b[2J").unwrap();
        println!("renamed, port {}", socket.local_addr().unwrap().port());
        std::thread::sleep(Duration::from_secs(30));
        return;
    }
    let test = "ex2_netstat::a_process_name_with_terminal_codes_is_printed_escaped";
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args([test, "--exact", "--nocapture"])
        .env(CHILD, "1");
    let renamed = tp_sockets::kit::process::Supervised::start(&mut command).unwrap();
    let line = renamed
        .wait_for_stdout(|l| l.contains("renamed, port "), START_DEADLINE)
        .unwrap_or_else(|| panic!("the renamed process did not start\n{}", renamed.stderr()));
    let port: u16 = line.rsplit(' ').next().unwrap().parse().unwrap();
    // (An escaped name is long: the row may pass 80 columns.)
    let outcome = under_test(VIEWER).args(["--port", &port.to_string()]).run();
    outcome.assert_success();
    assert!(
        !outcome.stdout.contains('\x1b') && !outcome.stdout.contains('\x07'),
        "expected {VIEWER} to escape the terminal codes in a process name, but it printed them \
         raw\n{outcome}"
    );
    outcome.expect_stdout("\\u{1b}]0;pwn\\u{7}\\u{1b}[2J");
}

#[test]
fn udp_sockets_are_listed_too() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    let outcome = view(port);
    let local = format!("127.0.0.1:{port}");
    assert!(
        rows(&outcome)
            .iter()
            .any(|r| r[0] == "udp" && r[1] == local),
        "expected {VIEWER} to show a row `udp {local}` for the test's UDP socket, but it did not\n{outcome}"
    );
}

#[test]
fn without_options_it_looks_at_the_handout_ports() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let _listener = TcpListener::bind("127.0.0.1:60000").unwrap();
    let outcome = under_test(VIEWER).run();
    outcome.assert_success();
    assert_row(&outcome, "tcp", "127.0.0.1:60000", "*:*", "LISTEN");
}

/// `--watch` shows the table again every second, with the time of each refresh; in a pipe (or
/// a file) the tables follow each other, without the codes that clear a terminal.
#[test]
fn watching_into_a_pipe_shows_each_refresh_time_and_no_screen_codes() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let viewer = crate::common::under_test(VIEWER)
        .args(["--port", &port, "--watch"])
        .start();
    let refreshes = || {
        viewer
            .stdout()
            .lines()
            .filter(|l| l.starts_with("sockets on port"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let twice = viewer.wait_until(Duration::from_secs(5), || refreshes().len() >= 2);
    assert!(
        twice.is_some(),
        "expected two refreshes within 5 s\n{}",
        viewer.transcript()
    );
    for line in refreshes() {
        let time = line.split(" at ").nth(1).unwrap_or_default();
        let digits: Vec<&str> = time
            .split(' ')
            .next()
            .unwrap_or_default()
            .split(':')
            .collect();
        assert!(
            digits.len() == 3
                && digits
                    .iter()
                    .all(|d| d.len() == 2 && d.parse::<u8>().is_ok()),
            "expected `sockets on port {port} at HH:MM:SS UTC ...`, got `{line}`"
        );
    }
    assert!(
        !viewer.stdout().contains('\x1b'),
        "no terminal codes in a pipe\n{}",
        viewer.transcript()
    );
}

/// `ex2_netstat | head -1`: the reader closes the pipe early; the viewer ends quietly (exit
/// code 0, or 141 as a shell reports SIGPIPE), never with a panic.
#[test]
fn piped_into_a_reader_that_closes_early_it_ends_quietly() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let viewer = under_test(VIEWER).args(["--port", &port]).command();
    crate::common::assert_quiet_when_its_reader_leaves(VIEWER, viewer);
}
