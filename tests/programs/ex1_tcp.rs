//! Exercise 1: `ex1_tcp_server` and `ex1_tcp_client` (and Exercise 2, step 1: the client prints
//! the reply), each tested on its own: the server with raw clients and the reference client,
//! the client with a server run by the test. Both use the handout's fixed address
//! 127.0.0.1:60000, so every test here holds the fixed-port lock.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::common::*;

const SERVER: &str = "ex1_tcp_server";
const CLIENT: &str = "ex1_tcp_client";

/// A raw TCP client, as `nc 127.0.0.1 60000` would be: sends `message`, returns the reply and
/// the local address the OS gave it.
fn raw_exchange(address: impl ToSocketAddrs, message: &[u8]) -> (String, SocketAddr) {
    let address = address.to_socket_addrs().unwrap().collect::<Vec<_>>();
    let mut stream = said(TcpStream::connect(&address[..]), SERVER, "connecting to it");
    stream.set_read_timeout(Some(RUN_DEADLINE)).unwrap();
    let local = stream.local_addr().unwrap();
    said(stream.write_all(message), SERVER, "sending it a message");
    let mut reply = Vec::new();
    said(
        stream.read_to_end(&mut reply),
        SERVER,
        "waiting for its reply",
    );
    (String::from_utf8_lossy(&reply).into_owned(), local)
}

/// The tests of `ex1_tcp_server`.
mod ex1_tcp_server {
    use super::*;

    #[test]
    /// The server welcomes the reference client, then prints its message and its address.
    fn welcomes_a_client_and_prints_its_message_and_address() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let mut server = under_test(SERVER).serve();
        let address = server.address();
        assert!(
            address == "127.0.0.1:60000".parse().unwrap(),
            "expected {SERVER} to listen on 127.0.0.1:60000, as the handout says, but it listens on {address}"
        );

        let client = reference(CLIENT).run();
        client.assert_success();
        client.expect_stdout("server replied: Welcome to this server");

        server.assert_exits(0, RUN_DEADLINE);
        let expected = "received \"<message>\" from <address>";
        let line = server.expect_line(expected, |l| l.starts_with("received "), Duration::ZERO);
        let (message, from) = line["received ".len()..]
            .rsplit_once(" from ")
            .unwrap_or_else(|| {
                panic!("expected the line `{expected}`, but {SERVER} printed `{line}`")
            });
        assert!(
            message.starts_with('"') && message.ends_with('"') && message.len() > 2,
            "expected the client's message in quotes ({{:?}}), but {SERVER} printed `{line}`"
        );
        let from: SocketAddr = from.parse().unwrap_or_else(|_| {
            panic!("expected the client's address after `from` (like 127.0.0.1:54321), but {SERVER} printed `{line}`")
        });
        assert!(
            from.ip().to_string() == "127.0.0.1" && from.port() != 0,
            "expected the client's address to be 127.0.0.1 with its own port, but {SERVER} printed `{line}`"
        );
    }

    #[test]
    fn a_raw_tcp_client_like_nc_gets_the_welcome_and_its_port_is_printed() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let mut server = under_test(SERVER).serve();
        let (reply, local) = raw_exchange("127.0.0.1:60000", b"hi from nc\n");
        assert_answer(
            SERVER,
            "a client's message",
            &reply,
            "Welcome to this server",
        );
        server.assert_exits(0, RUN_DEADLINE);
        server.expect_printed(&format!("received \"hi from nc\\n\" from {local}"));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_shown_not_fatal() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let mut server = under_test(SERVER).serve();
        let (reply, _) = raw_exchange("127.0.0.1:60000", b"caf\xe9");
        assert_answer(
            SERVER,
            "bytes that are not UTF-8",
            &reply,
            "Welcome to this server",
        );
        server.assert_exits(0, RUN_DEADLINE);
        server.expect_printed("received \"caf\u{fffd}\"");
    }

    /// Bytes from the network are not text to print as they are: ESC starts a terminal command.
    #[test]
    fn a_message_with_terminal_codes_is_printed_escaped() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let server = under_test(SERVER).serve();
        crate::common::assert_message_shown_escaped(SERVER, &server);
    }

    /// The server reads once, with a 1024-byte buffer: the rest of a longer message stays in the
    /// socket's receive queue and is never read.
    #[test]
    fn server_reads_at_most_1024_bytes() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let mut server = under_test(SERVER).serve();
        let mut stream = said(
            TcpStream::connect("127.0.0.1:60000"),
            SERVER,
            "connecting to it",
        );
        said(
            stream.write_all(&[b'a'; 3000]),
            SERVER,
            "sending it 3000 bytes",
        );
        server.assert_exits(0, RUN_DEADLINE);
        let expected = format!("received \"{}\" from", "a".repeat(1024));
        server.expect_printed(&expected);
    }

    #[test]
    fn server_whose_port_is_taken_says_so_and_exits_1() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let _squatter = TcpListener::bind("127.0.0.1:60000").expect("hold port 60000");
        let server = under_test(SERVER).run();
        let line = server.assert_clean_failure(1);
        line_says(line, "port 60000 is already in use");
    }

    /// The server closes first, so its side of each connection waits in TIME_WAIT; SO_REUSEADDR
    /// (set on Linux and macOS) lets the next run bind port 60000 at once anyway.
    #[test]
    fn server_restarts_at_once_after_a_connection() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        for _ in 0..2 {
            let mut server = under_test(SERVER).serve();
            reference(CLIENT).run().assert_success();
            server.assert_exits(0, RUN_DEADLINE);
        }
    }

    /// Question 1: 127.0.0.1 is the loopback address, this machine itself; `localhost` is its name.
    #[test]
    fn answer_q1_loopback_is_this_machine_and_localhost_names_it() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let loopback: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        assert!(loopback.is_loopback(), "127.0.0.1 is the loopback address");
        let names: Vec<SocketAddr> = ("localhost", 60000).to_socket_addrs().unwrap().collect();
        assert!(
            names.iter().all(|a| a.ip().is_loopback()),
            "localhost resolves to {names:?}"
        );

        let mut server = under_test(SERVER).serve();
        let address = server.address();
        assert!(
            address.ip().is_loopback(),
            "expected {SERVER} to listen on the loopback address, but it listens on {address}"
        );
        // The same server, reached by name.
        let (reply, _) = raw_exchange(("localhost", 60000), b"by name");
        assert_answer(
            SERVER,
            "a client that found it as localhost",
            &reply,
            "Welcome to this server",
        );
        server.assert_exits(0, RUN_DEADLINE);
    }
}

/// The tests of `ex1_tcp_client`.
mod ex1_tcp_client {
    use super::*;

    /// The client connects to 127.0.0.1:60000, sends a message, and prints the reply.
    #[test]
    fn sends_a_message_and_prints_the_welcome() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let server = TestServer::start("127.0.0.1:60000");
        let client = under_test(CLIENT).run();
        client.assert_success();
        client.expect_stdout("server replied: Welcome to this server");
        let seen = server.seen();
        assert!(
            seen.len() == 1,
            "expected {CLIENT} to connect once, but the server saw {} connections\n{client}",
            seen.len()
        );
        assert!(!seen[0].1.is_empty(), "the client sent nothing\n{client}");
    }

    #[test]
    fn client_without_a_server_says_to_start_the_server_first() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let client = under_test(CLIENT).run();
        let line = client.assert_clean_failure(1);
        line_says(line, "127.0.0.1:60000");
        line_says(line, "start the server first");
    }

    /// A server that accepts the connection and never answers: the client gives up after 5 s
    /// (its read timeout) with one line, instead of waiting for ever.
    #[test]
    fn client_gives_up_on_a_server_that_never_answers() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let _silent = TestServer::replying("127.0.0.1:60000", None);
        let started = Instant::now();
        let client = under_test(CLIENT)
            .stdin("")
            .deadline(Duration::from_secs(10))
            .run();
        let line = client.assert_clean_failure(1);
        line_says(
            line,
            "accepted the connection but never answered (no reply within 5 s)",
        );
        assert!(
            started.elapsed() >= Duration::from_millis(4500),
            "expected {CLIENT} to wait 5 s for the reply, but it gave up after {:.1} s\n{client}",
            started.elapsed().as_secs_f64()
        );
    }

    /// Bytes from the network are not text to print as they are: ESC starts a terminal command.
    #[test]
    fn client_shows_terminal_codes_from_the_server_escaped() {
        let Some(_ports) = fixed_ports() else {
            return;
        };
        let _server = TestServer::replying("127.0.0.1:60000", Some(crate::common::TERMINAL_CODES));
        crate::common::assert_reply_escaped(&under_test(CLIENT).run());
    }
}
