//! Advanced exercise: `ex5_ipv6_server PORT [--dual-stack | --v6only]` and
//! `ex5_ipv6_client PORT MESSAGE... [--ipv4 | --ipv6]`. Each test answers one of the handout's
//! "what do you notice?" questions. On a machine with no IPv6 loopback they skip, saying so.

#![allow(clippy::expect_used, clippy::unwrap_used)] // in a test, a failed unwrap is a failed test

mod common;

use std::process::Command;

use common::{START_DEADLINE, has_ipv6_loopback, run, start_server};
use tp_sockets::net::netstat;

const SERVER: &str = "ex5_ipv6_server";
const CLIENT: &str = "ex5_ipv6_client";

macro_rules! require_ipv6 {
    () => {
        if !has_ipv6_loopback() {
            println!("skipped: this machine has no IPv6 loopback (::1)");
            return;
        }
    };
}

/// Question 3: the server's socket is a tcp6 listener on ::1, and nothing listens on
/// 127.0.0.1 at that port. (`cargo run --example ex2_netstat -- --port P` shows the same table.)
#[test]
fn q3_the_server_listens_on_ipv6_loopback_not_on_127_0_0_1() {
    require_ipv6!();
    let server = start_server(SERVER, &["0"]);
    let address = server.address();
    assert_eq!(address.ip().to_string(), "::1");
    let rows: Vec<_> = netstat::sockets()
        .unwrap()
        .into_iter()
        .filter(|r| r.local.port() == address.port() && r.state == "LISTEN")
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].proto, "tcp6");
    assert_eq!(rows[0].local, address);
}

/// Question 5: an IPv4 client cannot reach a server that listens on ::1.
#[test]
fn q5_an_ipv4_client_is_refused_with_one_clear_line() {
    require_ipv6!();
    let server = start_server(SERVER, &["0"]);
    let port = server.address().port().to_string();
    let client = run(CLIENT, &["--ipv4", &port, "hello"]);
    let line = client.assert_clean_failure(1);
    assert!(line.contains("nothing listens there over IPv4"), "{line}");
    assert!(line.contains("--dual-stack"), "{line}");
}

/// Question 7: with the same address family as the server, the client gets through, and both
/// sides print IPv6 addresses.
#[test]
fn q7_an_ipv6_client_gets_the_welcome_and_both_sides_show_ipv6_addresses() {
    require_ipv6!();
    let server = start_server(SERVER, &["0"]);
    let port = server.address().port().to_string();
    let client = run(CLIENT, &[&port, "hello", "IPv6"]);
    client.assert_success();
    assert!(
        client
            .stdout
            .contains(&format!("connecting to [::1]:{port}"))
    );
    assert!(client.stdout.contains("local address: [::1]:"));
    assert!(
        client
            .stdout
            .contains("server replied: Welcome to this server")
    );
    assert!(
        server
            .wait_for_stdout(
                |l| l.contains("from [::1]:") && l.ends_with("received \"hello IPv6\""),
                START_DEADLINE
            )
            .is_some(),
        "{}",
        server.transcript()
    );
}

/// Beyond the handout: a socket bound to :: with IPV6_V6ONLY off also takes IPv4 clients,
/// which it sees as IPv4-mapped IPv6 addresses (::ffff:127.0.0.1).
#[test]
fn a_dual_stack_server_accepts_an_ipv4_client_seen_as_ipv4_mapped() {
    require_ipv6!();
    let server = start_server(SERVER, &["0", "--dual-stack"]);
    assert_eq!(server.address().ip().to_string(), "::");
    let port = server.address().port().to_string();
    let client = run(CLIENT, &["--ipv4", &port, "from", "IPv4"]);
    client.assert_success();
    assert!(client.stdout.contains("local address: 127.0.0.1:"));
    assert!(
        server
            .wait_for_stdout(|l| l.contains("from [::ffff:127.0.0.1]:"), START_DEADLINE)
            .is_some(),
        "{}",
        server.transcript()
    );
    // ... and IPv6 clients as before.
    run(CLIENT, &[&port, "from", "IPv6"]).assert_success();
}

#[test]
fn a_v6only_server_refuses_an_ipv4_client() {
    require_ipv6!();
    let server = start_server(SERVER, &["0", "--v6only"]);
    let port = server.address().port().to_string();
    run(CLIENT, &["--ipv4", &port, "hello"]).assert_clean_failure(1);
    run(CLIENT, &[&port, "hello"]).assert_success();

    // The two options contradict each other, as do the client's --ipv4 and --ipv6.
    assert_eq!(
        run(SERVER, &["0", "--dual-stack", "--v6only"]).code,
        Some(2)
    );
    assert_eq!(run(CLIENT, &["--ipv4", "--ipv6", &port, "x"]).code, Some(2));
}

/// A machine without IPv6, made for the test on Linux: a new network namespace (`unshare -n`)
/// whose loopback has IPv6 turned off. Both programs must say so in one line and exit 1.
#[test]
fn without_ipv6_both_programs_say_so() {
    let probe = Command::new("unshare")
        .args(["-n", "sh", "-c"])
        .arg("ip link set lo up && sysctl -qw net.ipv6.conf.lo.disable_ipv6=1")
        .output();
    if !cfg!(target_os = "linux") || !probe.as_ref().is_ok_and(|o| o.status.success()) {
        println!(
            "skipped: cannot make a network namespace without IPv6 here (needs Linux, root, unshare and ip)"
        );
        return;
    }
    for (name, args) in [(SERVER, vec!["0"]), (CLIENT, vec!["5000", "hi"])] {
        let output = Command::new("unshare")
            .args(["-n", "sh", "-c"])
            .arg("ip link set lo up && sysctl -qw net.ipv6.conf.lo.disable_ipv6=1 && exec \"$@\"")
            .arg("sh")
            .arg(common::program(name))
            .args(&args)
            .env(tp_sockets::kit::launcher::EXPECT_VAR, common::BUILD)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        common::assert_one_clear_line(&stderr);
        assert!(
            stderr.contains("IPv6 is not available on this machine"),
            "{name}: {stderr}"
        );
    }
}
