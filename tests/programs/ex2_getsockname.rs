//! Exercise 2, step 5: `ex2_getsockname` prints the address and port the OS gave its socket
//! (getsockname) and the server's (getpeername). The server is the test's own, on the
//! handout's port 60000.

use std::net::SocketAddr;

use std::time::Duration;

use crate::common::*;

const CLIENT: &str = "ex2_getsockname";

fn printed(stdout: &str, label: &str) -> SocketAddr {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{stdout}"));
    line.trim()
        .parse()
        .unwrap_or_else(|e| panic!("`{line}` is not an address ({e})"))
}

#[test]
fn the_printed_local_port_is_the_one_the_server_saw() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let server = TestServer::start("127.0.0.1:60000");
    let client = under_test(CLIENT).run();
    client.assert_success();
    let local = printed(&client.stdout, "local address:");
    let peer = printed(&client.stdout, "server address:");
    let seen: Vec<_> = server.seen().into_iter().map(|(from, _)| from).collect();
    assert!(
        seen == [local] && local.port() != 0,
        "expected {CLIENT}'s `local address:` to be the address the server saw it come from, \
         {seen:?}, but it printed {local}\n{client}"
    );
    assert!(
        peer == "127.0.0.1:60000".parse().unwrap(),
        "expected {CLIENT}'s `server address:` to be 127.0.0.1:60000, but it printed {peer}"
    );
    client.expect_stdout("server replied: Welcome to this server");
}

/// Bytes from the network are not text to print as they are: ESC starts a terminal command.
#[test]
fn the_client_shows_terminal_codes_from_the_server_escaped() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let _server = TestServer::replying("127.0.0.1:60000", Some(TERMINAL_CODES));
    assert_reply_escaped(&under_test(CLIENT).run());
}

#[test]
fn each_run_gets_a_port_chosen_by_the_os() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let server = TestServer::start("127.0.0.1:60000");
    let first = printed(
        &under_test(CLIENT).run().assert_success().stdout,
        "local address:",
    );
    let second = printed(
        &under_test(CLIENT).run().assert_success().stdout,
        "local address:",
    );
    assert!(
        first.port() != second.port(),
        "expected two runs of {CLIENT} to get two ports chosen by the OS, but both printed {first}"
    );
    assert!(
        server.seen().len() == 2,
        "expected two runs of {CLIENT} to make two connections, but the server saw {}",
        server.seen().len()
    );
}

/// `--hold SECONDS` keeps the connection open before the client speaks: meanwhile the socket
/// table shows it ESTABLISHED (Exercise 2, step 2, "during"), and the server has heard nothing.
#[test]
fn hold_keeps_the_connection_established_for_netstat_to_see() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let server = TestServer::start("127.0.0.1:60000");
    let mut client = crate::common::under_test(CLIENT)
        .args(["--hold", "2"])
        .start();
    client.expect_line_starting("holding the connection open for 2 s", START_DEADLINE);
    let local = printed(&client.stdout(), "local address:").to_string();
    let table = reference("ex2_netstat").run();
    table.assert_success();
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.contains(&format!("{local} ")) && l.contains("ESTABLISHED")),
        "expected the client's end {local} to be ESTABLISHED during the hold\n{table}"
    );
    assert!(
        server.seen().is_empty(),
        "the client spoke before the end of its hold"
    );
    client.assert_exits(0, Duration::from_secs(5));
    client.expect_printed("server replied: Welcome to this server");
}
