//! Exercise 3: `ex3_args_server PORT [--host HOST]` and `ex3_args_client PORT MESSAGE...
//! [--host HOST]` take their addresses from the command line, so every test here uses a port
//! the OS picks and runs in parallel.

use std::net::TcpListener;

use crate::common::*;

const SERVER: &str = "ex3_args_server";
const CLIENT: &str = "ex3_args_client";

fn server_port(server: &crate::common::Running) -> String {
    server.address().port().to_string()
}

fn a_message_of_several_words_goes_from_the_command_line_to_the_server(sides: Sides) {
    let server = sides.server(SERVER).args(["0"]).serve();
    let port = server_port(&server);
    let client = sides
        .client(CLIENT)
        .args([&port, "Bonjour", "tout", "le", "monde"])
        .run();
    client.assert_success();
    client.expect_stdout("server replied: Welcome to this server");
    server.expect_line_ending("received \"Bonjour tout le monde\"", START_DEADLINE);
}

fn host_accepts_an_ipv6_literal(sides: Sides) {
    if crate::common::no_ipv6_here() {
        return;
    }
    let server = sides.server(SERVER).args(["0", "--host", "::1"]).serve();
    let address = server.address();
    assert!(
        address.is_ipv6(),
        "expected {SERVER} --host ::1 to listen on an IPv6 address, but it listens on {address}"
    );
    let port = server_port(&server);
    sides
        .client(CLIENT)
        .args(["--host", "::1", &port, "over", "IPv6"])
        .run()
        .assert_success();
}

/// `--help` shows every argument of `name`, with the words `words`.
fn help_explains(name: &str, words: &[&str]) {
    let help = under_test(name).args(["--help"]).run();
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
        let mut server = under_test(SERVER).args(["0"]).serve();
        let port = server_port(&server);
        for i in 1..=3 {
            crate::common::reference(CLIENT)
                .args([&port, &format!("message {i}")])
                .run()
                .assert_success();
        }
        server.expect_line_starting("client 3 from", START_DEADLINE);
        server.assert_running("3 clients");
    }

    /// Bytes from the network are not text to print as they are: ESC starts a terminal command.
    #[test]
    fn a_message_with_terminal_codes_is_printed_escaped() {
        let server = under_test(SERVER).args(["0"]).serve();
        crate::common::assert_message_shown_escaped(SERVER, &server);
    }

    #[test]
    fn the_server_needs_a_port() {
        under_test(SERVER)
            .run()
            .assert_exit_code(2, "refuse to start without a port, with a usage error");
        under_test(SERVER)
            .args(["abc"])
            .run()
            .assert_exit_code(2, "refuse the port `abc` with a usage error");
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
        let line = under_test(SERVER)
            .args([&port])
            .run()
            .assert_clean_failure(1)
            .to_string();
        line_says(&line, &format!("port {port} is already in use"));
        // The socket table names the program that listens there: this test.
        if cfg!(target_os = "linux") {
            line_says(&line, &format!("{}/", std::process::id()));
        }
    }

    /// The handout's Python server closes first and does not set SO_REUSEADDR: its end of the
    /// connection stays in TIME_WAIT, and on Linux a new bind() of the port fails although
    /// nothing listens. The server says so, rather than "is another server still running?".
    #[test]
    fn a_port_held_by_connections_in_time_wait_is_explained_as_such() {
        let port = crate::common::free_port();
        let address: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        // A Python-like server: no SO_REUSEADDR, and it closes first. A process that another
        // test forks at this moment may hold a copy of free_port's probe of the port until it
        // starts its program: the bind is tried again meanwhile.
        let python =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        crate::common::wait_until(std::time::Duration::from_secs(5), || {
            python.bind(&address.into()).is_ok()
        })
        .unwrap_or_else(|| panic!("port {port} stayed taken for 5 s after it was found free"));
        python.listen(1).unwrap();
        let python = TcpListener::from(python);
        let mut client = std::net::TcpStream::connect(address).unwrap();
        drop(python.accept().unwrap());
        let _ = std::io::Read::read(&mut client, &mut [0u8; 8]);
        drop(client);
        drop(python);
        // A process that another test forks at this moment holds the listener, or the
        // client's socket (whose FIN then waits: the server's end stays in FIN_WAIT2), until it
        // starts its program: wait until nothing listens there and the server's end is in
        // TIME_WAIT.
        crate::common::wait_until(std::time::Duration::from_secs(5), || {
            tp_sockets::net::netstat::sockets().is_ok_and(|rows| {
                let here = || rows.iter().filter(|r| r.local.port() == port);
                !here().any(|r| r.state == "LISTEN") && here().any(|r| r.state == "TIME_WAIT")
            })
        });
        let outcome = under_test(SERVER).args([&port.to_string()]).run();
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

    /// Bytes from the network are not text to print as they are: ESC starts a terminal command.
    #[test]
    fn the_client_shows_terminal_codes_from_the_server_escaped() {
        let server =
            crate::common::TestServer::replying("127.0.0.1:0", Some(crate::common::TERMINAL_CODES));
        let port = server.address.port().to_string();
        crate::common::assert_reply_escaped(&under_test(CLIENT).args([&port, "hello"]).run());
    }

    #[test]
    fn the_client_needs_a_message() {
        let server = crate::common::reference(SERVER).args(["0"]).serve();
        let port = server_port(&server);
        under_test(CLIENT)
            .args([&port])
            .run()
            .assert_exit_code(2, "refuse to run without a message, with a usage error");
        under_test(CLIENT)
            .args([&port, "hi"])
            .run()
            .assert_success();
    }

    #[test]
    fn help_explains_every_argument() {
        super::help_explains(CLIENT, &["PORT", "MESSAGE", "--host"]);
    }

    #[test]
    fn the_client_rejects_bad_ports_with_a_usage_error() {
        for bad in ["70000", "abc", "0", "-1"] {
            let client = under_test(CLIENT).args([bad, "Bonjour"]).run();
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
        let server = crate::common::reference(SERVER).args(["0"]).serve();
        let port = server_port(&server);
        let client = under_test(CLIENT)
            .args(["--host", "localhost", &port, "by", "name"])
            .run();
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
        let line = under_test(CLIENT)
            .args([&port, "hello"])
            .run()
            .assert_clean_failure(1)
            .to_string();
        line_says(&line, "cargo run --example ex3_args_server");
    }
}
