//! Exercise 2, step 6: `ex2_static_bind` binds its own port before connecting. Run twice in a
//! row, the second run meets the first run's connection in TIME_WAIT. Each test uses a fresh
//! client port (`--local-port`) and its own server, so that one test's TIME_WAIT (which lasts
//! a minute) never spoils another test or the next `cargo test`; one test checks the handout's
//! default, 62000.

use std::time::Duration;

use crate::common::*;
use tp_sockets::net::netstat;

const CLIENT: &str = "ex2_static_bind";

fn run_from(local_port: u16, server: &TestServer, reuse: bool) -> Outcome {
    let (local, remote) = (local_port.to_string(), server.address.port().to_string());
    let mut args = vec!["--local-port", &local, "--server-port", &remote];
    if reuse {
        args.push("--reuse");
    }
    under_test(CLIENT).args(&args).run()
}

fn in_time_wait(local_port: u16) -> bool {
    netstat::sockets()
        .unwrap()
        .iter()
        .any(|r| r.local.port() == local_port && r.state == "TIME_WAIT")
}

#[test]
fn the_server_sees_the_port_the_client_bound() {
    let server = TestServer::start("127.0.0.1:0");
    let port = free_port();
    let outcome = run_from(port, &server, false);
    outcome.assert_success();
    outcome.expect_stdout(&format!("local address: 127.0.0.1:{port}"));
    outcome.expect_stdout("server replied: Welcome to this server");
    assert_came_from(&server, port);
}

/// Bytes from the network are not text to print as they are: ESC starts a terminal command.
#[test]
fn the_client_shows_terminal_codes_from_the_server_escaped() {
    let server = TestServer::replying("127.0.0.1:0", Some(TERMINAL_CODES));
    assert_reply_escaped(&run_from(free_port(), &server, false));
}

/// Panics unless every connection the server saw came from `port`.
#[track_caller]
fn assert_came_from(server: &TestServer, port: u16) {
    let seen: Vec<_> = server.seen().into_iter().map(|(from, _)| from).collect();
    assert!(
        !seen.is_empty() && seen.iter().all(|from| from.port() == port),
        "expected {CLIENT} to connect from port {port}, the port it bound, but the server saw \
         connections from {seen:?}"
    );
}

/// The client closes first, so its end (its fixed port) is the one left in TIME_WAIT, and
/// without SO_REUSEADDR the next bind() of that port fails. (The test's server waits for the
/// client's end of stream before it closes: on a busy machine a server that closes at once
/// could close first, and keep the TIME_WAIT on its side.)
#[test]
fn second_run_on_the_same_port_fails_while_in_time_wait() {
    let server = TestServer::closing_last("127.0.0.1:0");
    let port = free_port();
    run_from(port, &server, false).assert_success();
    assert!(
        in_time_wait(port),
        "the client closed first: its port {port} should be in TIME_WAIT"
    );
    let second = run_from(port, &server, false);
    if cfg!(target_os = "windows") {
        println!("second run on this OS:\n{second}");
        return;
    }
    let line = second.assert_clean_failure(1);
    line_says(line, &format!("port {port} is still held"));
    line_says(line, "TIME_WAIT");
    line_says(line, "--reuse");
}

/// Linux lets a port in TIME_WAIT be bound again only if both the old socket and the new one
/// set SO_REUSEADDR: setting it on the second run alone is too late. BSD systems (macOS) only
/// look at the new socket.
#[test]
fn reuse_on_the_second_run_only_is_too_late_on_linux() {
    let server = TestServer::closing_last("127.0.0.1:0");
    let port = free_port();
    run_from(port, &server, false).assert_success();
    let second = run_from(port, &server, true);
    if cfg!(target_os = "linux") {
        let line = second.assert_clean_failure(1);
        line_says(line, "SO_REUSEADDR does not help");
    } else {
        println!("--reuse after a run without it, on this OS:\n{second}");
    }
}

#[test]
fn reuse_on_every_run_lets_every_run_succeed() {
    let server = TestServer::start("127.0.0.1:0");
    let port = free_port();
    for run_number in 1..=3 {
        let outcome = run_from(port, &server, true);
        if cfg!(target_os = "linux") {
            outcome.assert_success();
        } else {
            println!("run {run_number} with --reuse on this OS:\n{outcome}");
        }
    }
    if cfg!(target_os = "linux") {
        assert!(
            server.seen().len() == 3,
            "expected three runs of {CLIENT} with --reuse to make three connections, but the \
             server saw {}",
            server.seen().len()
        );
        assert_came_from(&server, port);
    }
}

/// The handout's port. An earlier run (by hand, or an earlier `cargo test` less than a minute
/// ago) may still hold it in TIME_WAIT: then the clear failure is the expected answer.
#[test]
fn by_default_it_binds_port_62000_and_connects_to_60000() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let server = TestServer::start("127.0.0.1:60000");
    let outcome = under_test(CLIENT).run();
    if outcome.code == Some(0) {
        outcome.expect_stdout("local address: 127.0.0.1:62000");
        assert_came_from(&server, 62000);
    } else {
        let line = outcome.assert_clean_failure(1);
        line_says(line, "port 62000 is still held");
        assert!(
            in_time_wait(62000),
            "{CLIENT} says port 62000 is held in TIME_WAIT, but the socket table shows no such \
             connection\n{outcome}"
        );
    }
    std::thread::sleep(Duration::from_millis(10));
}
