//! Advanced exercise: `ex5_ipv6_server PORT [--dual-stack | --v6only]` and
//! `ex5_ipv6_client PORT MESSAGE... [--ipv4]`. Each test answers one of the handout's
//! "what do you notice?" questions; a question about both sides is asked of each program, its
//! peer being the reference. On a machine with no IPv6 loopback they skip, saying so.

use crate::common::*;
use tp_sockets::net::netstat;

const SERVER: &str = "ex5_ipv6_server";
const CLIENT: &str = "ex5_ipv6_client";

/// Question 7: with the same address family as the server, the client gets through, and both
/// sides print IPv6 addresses.
fn q7_an_ipv6_client_gets_through_and_both_sides_show_ipv6_addresses(sides: Sides) {
    if crate::common::no_ipv6_here() {
        return;
    }
    let server = sides.server(SERVER).args(["0"]).serve();
    let port = server.address().port().to_string();
    let client = sides.client(CLIENT).args([&port, "hello", "IPv6"]).run();
    client.assert_success();
    client.expect_stdout(&format!("connecting to [::1]:{port}"));
    client.expect_stdout("local address: [::1]:");
    client.expect_stdout("server replied: Welcome to this server");
    server.expect_line(
        "client 1 from [::1]:<port>: received \"hello IPv6\"",
        |l| l.contains("from [::1]:") && l.ends_with("received \"hello IPv6\""),
        START_DEADLINE,
    );
}

/// Beyond the handout: a socket bound to :: with IPV6_V6ONLY off also takes IPv4 clients,
/// which it sees as IPv4-mapped IPv6 addresses (::ffff:127.0.0.1).
fn a_dual_stack_server_accepts_an_ipv4_client_seen_as_ipv4_mapped(sides: Sides) {
    if crate::common::no_ipv6_here() {
        return;
    }
    let server = sides.server(SERVER).args(["0", "--dual-stack"]).serve();
    let address = server.address();
    assert!(
        address.ip().to_string() == "::",
        "expected {SERVER} --dual-stack to listen on [::] (every address, both families), but it \
         listens on {address}"
    );
    let port = server.address().port().to_string();
    let client = sides
        .client(CLIENT)
        .args(["--ipv4", &port, "from", "IPv4"])
        .run();
    client.assert_success();
    client.expect_stdout("local address: 127.0.0.1:");
    server.expect_line_containing("from [::ffff:127.0.0.1]:", START_DEADLINE);
    // ... and IPv6 clients as before.
    sides
        .client(CLIENT)
        .args([&port, "from", "IPv6"])
        .run()
        .assert_success();
}

/// With --v6only, the socket bound to :: takes IPv6 clients only.
fn a_v6only_server_refuses_an_ipv4_client(sides: Sides) {
    if crate::common::no_ipv6_here() {
        return;
    }
    let server = sides.server(SERVER).args(["0", "--v6only"]).serve();
    let port = server.address().port().to_string();
    let refused = sides.client(CLIENT).args(["--ipv4", &port, "hello"]).run();
    refused.assert_clean_failure(1);
    sides
        .client(CLIENT)
        .args([&port, "hello"])
        .run()
        .assert_success();
}

/// A machine without IPv6, made for the test on Linux: a network of its own where IPv6 is
/// turned off before the program starts. The program must say so in one line and exit 1.
fn without_ipv6_it_says_so(name: &str, args: &[&str]) {
    if let Err(why) = tp::netns::own_networks() {
        println!(
            "{}",
            tp::told::skipped(&format!("cannot make a network without IPv6 here: {why}"))
        );
        return;
    }
    under_test(name)
        .args(args)
        .without_ipv6()
        .run()
        .refuses_saying(1, &["IPv6 is not available on this machine"]);
}

/// The tests of `ex5_ipv6_server`.
mod ex5_ipv6_server {
    use super::*;

    /// Question 3: the server's socket is a tcp6 listener on ::1, and nothing listens on
    /// 127.0.0.1 at that port. (`cargo run --example ex2_netstat -- --port P` shows the same.)
    #[test]
    fn q3_the_server_listens_on_ipv6_loopback_not_on_127_0_0_1() {
        if crate::common::no_ipv6_here() {
            return;
        }
        let server = under_test(SERVER).args(["0"]).serve();
        let address = server.address();
        assert!(
            address.ip().to_string() == "::1",
            "expected {SERVER} to listen on ::1, but it listens on {address}"
        );
        let rows: Vec<String> = netstat::sockets()
            .unwrap()
            .into_iter()
            .filter(|r| r.local.port() == address.port() && r.state == "LISTEN")
            .map(|r| format!("{} {}", r.proto, r.local))
            .collect();
        assert!(
            rows == [format!("tcp6 {address}")],
            "expected one listening socket on port {}, `tcp6 {address}`, but the socket table \
             shows {rows:?}",
            address.port()
        );
    }

    #[test]
    fn q7_an_ipv6_client_gets_through_and_both_sides_show_ipv6_addresses() {
        super::q7_an_ipv6_client_gets_through_and_both_sides_show_ipv6_addresses(SERVER_UNDER_TEST);
    }

    /// Bytes from the network are not text to print as they are: ESC starts a terminal command.
    #[test]
    fn a_message_with_terminal_codes_is_printed_escaped() {
        if crate::common::no_ipv6_here() {
            return;
        }
        let server = under_test(SERVER).args(["0"]).serve();
        crate::common::assert_message_shown_escaped(SERVER, &server);
    }

    /// A connection that says nothing costs the next client less than its patience, and
    /// several of them do not add up.
    #[test]
    fn silent_connections_do_not_keep_the_next_client_waiting() {
        if crate::common::no_ipv6_here() {
            return;
        }
        let mut server = under_test(SERVER).args(["0"]).serve();
        crate::common::assert_silent_clients_do_not_hold_the_next(SERVER, &mut server);
    }

    #[test]
    fn a_dual_stack_server_accepts_an_ipv4_client_seen_as_ipv4_mapped() {
        super::a_dual_stack_server_accepts_an_ipv4_client_seen_as_ipv4_mapped(SERVER_UNDER_TEST);
    }

    #[test]
    fn a_v6only_server_refuses_an_ipv4_client() {
        super::a_v6only_server_refuses_an_ipv4_client(SERVER_UNDER_TEST);
        // The two options contradict each other: a usage error.
        under_test(SERVER)
            .args(["0", "--dual-stack", "--v6only"])
            .run()
            .assert_exit_code(2, "refuse --dual-stack with --v6only, with a usage error");
    }

    #[test]
    fn without_ipv6_it_says_so() {
        super::without_ipv6_it_says_so(SERVER, &["0"]);
    }
}

/// The tests of `ex5_ipv6_client`.
mod ex5_ipv6_client {
    use super::*;

    /// Question 5: an IPv4 client cannot reach a server that listens on ::1.
    #[test]
    fn q5_an_ipv4_client_is_refused_with_one_clear_line() {
        if crate::common::no_ipv6_here() {
            return;
        }
        let server = CLIENT_UNDER_TEST.server(SERVER).args(["0"]).serve();
        let port = server.address().port().to_string();
        let client = under_test(CLIENT).args(["--ipv4", &port, "hello"]).run();
        let line = client.assert_clean_failure(1);
        line_says(line, "nothing listens there over IPv4");
        line_says(line, "--dual-stack");
    }

    #[test]
    fn q7_an_ipv6_client_gets_through_and_both_sides_show_ipv6_addresses() {
        super::q7_an_ipv6_client_gets_through_and_both_sides_show_ipv6_addresses(CLIENT_UNDER_TEST);
    }

    #[test]
    fn a_dual_stack_server_accepts_an_ipv4_client_seen_as_ipv4_mapped() {
        super::a_dual_stack_server_accepts_an_ipv4_client_seen_as_ipv4_mapped(CLIENT_UNDER_TEST);
    }

    #[test]
    fn a_v6only_server_refuses_an_ipv4_client() {
        super::a_v6only_server_refuses_an_ipv4_client(CLIENT_UNDER_TEST);
        // --ipv4 takes no value: a usage error.
        under_test(CLIENT)
            .args(["--ipv4=yes", "5000", "x"])
            .run()
            .assert_exit_code(2, "refuse a value after --ipv4, with a usage error");
    }

    #[test]
    fn without_ipv6_it_says_so() {
        super::without_ipv6_it_says_so(CLIENT, &["5000", "hi"]);
    }

    /// Over IPv6, with nothing listening on the port, the client says to start the server: the
    /// refusal is not a sign that IPv6 is missing, and the IPv4 explanation is for --ipv4 only.
    #[test]
    fn an_ipv6_client_with_no_server_says_to_start_it() {
        if crate::common::no_ipv6_here() {
            return;
        }
        // A port of ::1 held by the test (bound, not listening): connections are refused.
        let held = socket2::Socket::new(socket2::Domain::IPV6, socket2::Type::STREAM, None)
            .expect("an IPv6 socket");
        let loopback: std::net::SocketAddr = "[::1]:0".parse().expect("an address");
        held.bind(&loopback.into()).expect("bind ::1");
        let port = held
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .map_or(0, |a| a.port())
            .to_string();
        let client = under_test(CLIENT).args([&port, "hello"]).run();
        let line = client.refuses_saying(1, &["start the server first"]);
        assert!(
            !line.contains("IPv6 is not available") && !line.contains("over IPv4"),
            "expected {CLIENT} to say only that nothing listens on [::1]:{port}, but it said: {line}"
        );
    }

    /// Bytes from the network are not text to print as they are: ESC starts a terminal command.
    #[test]
    fn the_client_shows_terminal_codes_from_the_server_escaped() {
        if crate::common::no_ipv6_here() {
            return;
        }
        let server =
            crate::common::TestServer::replying("[::1]:0", Some(crate::common::TERMINAL_CODES));
        let port = server.address.port().to_string();
        crate::common::assert_reply_escaped(&under_test(CLIENT).args([&port, "hello"]).run());
    }
}
