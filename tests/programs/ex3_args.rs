//! Exercise 3: `ex3_args_server PORT [--host HOST]` and `ex3_args_client PORT MESSAGE...
//! [--host HOST]` take their addresses from the command line, so every test here uses a port
//! the OS picks and runs in parallel.

use std::net::TcpListener;

use crate::common::{
    CLIENT_UNDER_TEST, SERVER_UNDER_TEST, START_DEADLINE, Sides, run, start_server,
};

const SERVER: &str = "ex3_args_server";
const CLIENT: &str = "ex3_args_client";

fn server_port(server: &crate::common::Running) -> String {
    server.address().port().to_string()
}

fn a_message_of_several_words_goes_from_the_command_line_to_the_server(sides: Sides) {
    let server = sides.start_server(SERVER, &["0"]);
    let port = server_port(&server);
    let client = sides.run_client(CLIENT, &[&port, "Bonjour", "tout", "le", "monde"]);
    client.assert_success();
    client.expect_stdout("server replied: Welcome to this server");
    server.expect_line_ending("received \"Bonjour tout le monde\"", START_DEADLINE);
}

fn host_accepts_an_ipv6_literal(sides: Sides) {
    if crate::common::no_ipv6_here() {
        return;
    }
    let server = sides.start_server(SERVER, &["0", "--host", "::1"]);
    let address = server.address();
    assert!(
        address.is_ipv6(),
        "expected {SERVER} --host ::1 to listen on an IPv6 address, but it listens on {address}"
    );
    let port = server_port(&server);
    sides
        .run_client(CLIENT, &["--host", "::1", &port, "over", "IPv6"])
        .assert_success();
}

/// `--help` shows every argument of `name`, with the words `words`.
fn help_explains(name: &str, words: &[&str]) {
    let help = run(name, &["--help"]);
    help.assert_success();
    for word in words {
        assert!(
            help.stdout.contains(word),
            "expected `{name} --help` to show {word}, but it does not
{help}"
        );
    }
}

/// The tests of `ex3_args_server`.
mod ex3_args_server {
    use super::*;

    #[test]
    fn a_message_of_several_words_goes_from_the_command_line_to_the_server() {
        super::a_message_of_several_words_goes_from_the_command_line_to_the_server(
            SERVER_UNDER_TEST,
        );
    }

    #[test]
    fn the_server_keeps_serving_client_after_client() {
        let mut server = start_server(SERVER, &["0"]);
        let port = server_port(&server);
        for i in 1..=3 {
            crate::common::run_reference(CLIENT, &[&port, &format!("message {i}")])
                .assert_success();
        }
        server.expect_line_starting("client 3 from", START_DEADLINE);
        server.assert_running("3 clients");
    }

    #[test]
    fn the_server_needs_a_port() {
        run(SERVER, &[]).assert_exit_code(2, "refuse to start without a port, with a usage error");
        run(SERVER, &["abc"]).assert_exit_code(2, "refuse the port `abc` with a usage error");
    }

    #[test]
    fn help_explains_every_argument() {
        super::help_explains(SERVER, &["PORT", "--host", "port"]);
    }

    #[test]
    fn host_accepts_an_ipv6_literal() {
        super::host_accepts_an_ipv6_literal(SERVER_UNDER_TEST);
    }

    #[test]
    fn server_whose_port_is_taken_says_so() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port().to_string();
        let line = run(SERVER, &[&port]).assert_clean_failure(1).to_string();
        assert!(
            line.contains(&format!("port {port} is already in use")),
            "expected the line to say `{}`, but it said: {line}",
            &format!("port {port} is already in use")
        );
        // The socket table names the program that listens there: this test.
        if cfg!(target_os = "linux") {
            assert!(
                line.contains(&format!("{}/", std::process::id())),
                "expected the line to say `{}`, but it said: {line}",
                &format!("{}/", std::process::id())
            );
        }
    }

    /// The handout's Python server closes first and does not set SO_REUSEADDR: its end of the
    /// connection stays in TIME_WAIT, and on Linux a new bind() of the port fails although
    /// nothing listens. The server says so, rather than "is another server still running?".
    #[test]
    fn a_port_held_by_connections_in_time_wait_is_explained_as_such() {
        let port = crate::common::free_port();
        let address: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        // A Python-like server: no SO_REUSEADDR, and it closes first.
        let python =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        python.bind(&address.into()).unwrap();
        python.listen(1).unwrap();
        let python = TcpListener::from(python);
        let mut client = std::net::TcpStream::connect(address).unwrap();
        drop(python.accept().unwrap());
        let _ = std::io::Read::read(&mut client, &mut [0u8; 8]);
        drop(client);
        drop(python);
        // A process that another test forks at this moment holds the listener until it
        // starts its program: wait until nothing listens there any more.
        crate::common::wait_until(std::time::Duration::from_secs(5), || {
            tp_sockets::net::netstat::sockets().is_ok_and(|rows| {
                !rows
                    .iter()
                    .any(|r| r.local.port() == port && r.state == "LISTEN")
            })
        });
        let outcome = run(SERVER, &[&port.to_string()]);
        if cfg!(target_os = "linux") {
            let line = outcome.assert_clean_failure(1);
            assert!(
                line.contains("TIME_WAIT") && !line.contains("another server"),
                "expected ex3_args_server to say that port {port} is held by connections in \
                 TIME_WAIT, but it said: {line}"
            );
        } else {
            // macOS and Windows let the new socket bind: nothing to explain.
            println!("this OS lets a server bind a port in TIME_WAIT: {outcome}");
        }
    }
}

/// The tests of `ex3_args_client`.
mod ex3_args_client {
    use super::*;

    #[test]
    fn a_message_of_several_words_goes_from_the_command_line_to_the_server() {
        super::a_message_of_several_words_goes_from_the_command_line_to_the_server(
            CLIENT_UNDER_TEST,
        );
    }

    #[test]
    fn the_client_needs_a_message() {
        let server = crate::common::start_reference_server(SERVER, &["0"]);
        let port = server_port(&server);
        run(CLIENT, &[&port])
            .assert_exit_code(2, "refuse to run without a message, with a usage error");
        run(CLIENT, &[&port, "hi"]).assert_success();
    }

    #[test]
    fn help_explains_every_argument() {
        super::help_explains(CLIENT, &["PORT", "MESSAGE", "--host"]);
    }

    #[test]
    fn the_client_rejects_bad_ports_with_a_usage_error() {
        for bad in ["70000", "abc", "0", "-1"] {
            let client = run(CLIENT, &[bad, "Bonjour"]);
            client.assert_exit_code(2, &format!("refuse the port `{bad}` with a usage error"));
            assert!(
                client.stderr.contains("PORT"),
                "expected ex3_args_client to say that `{bad}` is not a valid PORT, but it did not\n{client}"
            );
            assert!(
                !client.stderr.contains("panicked"),
                "expected {CLIENT} to refuse the port `{bad}` without panicking\n{client}"
            );
        }
    }

    #[test]
    fn host_accepts_a_name() {
        let server = crate::common::start_reference_server(SERVER, &["0"]);
        let port = server_port(&server);
        let client = run(CLIENT, &["--host", "localhost", &port, "by", "name"]);
        client.assert_success();
    }

    #[test]
    fn host_accepts_an_ipv6_literal() {
        super::host_accepts_an_ipv6_literal(CLIENT_UNDER_TEST);
    }

    #[test]
    fn client_without_a_server_says_to_start_it() {
        let nobody = crate::common::closed_tcp_port();
        let port = nobody.port.to_string();
        let line = run(CLIENT, &[&port, "hello"])
            .assert_clean_failure(1)
            .to_string();
        assert!(
            line.contains("cargo run --example ex3_args_server"),
            "expected the line to say `{}`, but it said: {line}",
            "cargo run --example ex3_args_server"
        );
    }
}
