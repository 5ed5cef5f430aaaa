//! Exercise 4: `ex4_udp_server PORT` and `ex4_udp_client PORT MESSAGE... [--timeout S]`.
//! UDP sends datagrams with no connection: the tests show what that changes for the client
//! (no server, no error: only silence) and for the server (message boundaries, truncation).

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use crate::common::*;

const SERVER: &str = "ex4_udp_server";
const CLIENT: &str = "ex4_udp_client";

fn the_client_sends_a_datagram_and_prints_the_answer(sides: Sides) {
    let server = sides.server(SERVER).args(["0"]).serve();
    let port = server.address().port().to_string();
    let client = sides
        .client(CLIENT)
        .args([&port, "Bonjour", "en", "UDP"])
        .run();
    client.assert_success();
    client.expect_stdout("server replied: Welcome to this server");
    server.expect_line(
        "from 127.0.0.1:<port>: \"Bonjour en UDP\"",
        |l| l.starts_with("from 127.0.0.1:") && l.ends_with(": \"Bonjour en UDP\""),
        START_DEADLINE,
    );
}

fn udp_works_over_ipv6_too(sides: Sides) {
    if crate::common::no_ipv6_here() {
        return;
    }
    let server = sides.server(SERVER).args(["0", "--host", "::1"]).serve();
    let port = server.address().port().to_string();
    sides
        .client(CLIENT)
        .args(["--host", "::1", &port, "hello", "v6"])
        .run()
        .assert_success();
    server.expect_line_starting("from [::1]:", START_DEADLINE);
}

/// The tests of `ex4_udp_server`.
mod ex4_udp_server {
    use super::*;

    /// UDP has no listen(): the server says it is *receiving* on its address.
    #[test]
    fn it_says_receiving_on_its_address() {
        let server = under_test(SERVER).args(["0"]).serve();
        let first = server
            .stdout()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(
            first.starts_with("receiving on 127.0.0.1:") && !server.stdout().contains("listening"),
            "expected {SERVER}'s first line to be `receiving on 127.0.0.1:<port>` (UDP has no \
             listen()), but it printed `{first}`\n{}",
            server.transcript()
        );
    }

    #[test]
    fn the_client_sends_a_datagram_and_prints_the_answer() {
        super::the_client_sends_a_datagram_and_prints_the_answer(SERVER_UNDER_TEST);
    }

    /// A datagram of 3000 bytes into a 1024-byte buffer: the server gets the first 1024 bytes and
    /// the other 1976 are gone. The next recv_from returns the next datagram, not the rest.
    #[test]
    fn a_datagram_longer_than_the_buffer_is_cut_and_the_rest_is_lost() {
        let server = under_test(SERVER).args(["0"]).serve();
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        // 1024 times `a`, then 1976 times `b`: no `b` may ever reach the server's output.
        let long: Vec<u8> = (0..3000)
            .map(|i| if i < 1024 { b'a' } else { b'b' })
            .collect();
        sender.send_to(&long, server.address()).unwrap();
        sender.send_to(b"next", server.address()).unwrap();
        server.expect_line_ending(": \"next\"", START_DEADLINE);
        if cfg!(windows) {
            // Windows reports the cut datagram as an error (WSAEMSGSIZE) and the server goes on.
            return;
        }
        let first_1024 = String::from_utf8(long[..1024].to_vec()).unwrap();
        let lines: Vec<String> = server.stdout().lines().map(str::to_string).collect();
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with(&format!(": \"{first_1024}\""))),
            "the server should print exactly the first 1024 bytes\n{}",
            server.transcript()
        );
        assert!(
            !server.stdout().contains('b'),
            "the rest must be lost\n{}",
            server.transcript()
        );
        // Each datagram got its own answer.
        let mut buffer = [0u8; 64];
        for _ in 0..2 {
            let (n, _) = said(
                recv_from_program(&sender, &mut buffer, START_DEADLINE, &server.ended()),
                SERVER,
                "waiting for its answers",
            );
            let answer = String::from_utf8_lossy(&buffer[..n]);
            assert_answer(SERVER, "each datagram", &answer, "Welcome to this server");
        }
    }

    /// A UDP server that answers everything is a loudspeaker for floods (ANSWERS.md,
    /// Exercise 4): one address gets a few answers at once, then a few per second.
    #[test]
    fn a_flood_from_one_address_is_not_reflected() {
        let mut server = under_test(SERVER).args(["0"]).serve();
        crate::common::assert_no_reflection(SERVER, &mut server, b"Bonjour");
    }

    #[test]
    fn the_server_survives_empty_huge_and_garbage_datagrams() {
        let mut server = under_test(SERVER).args(["0"]).serve();
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        sender.send_to(b"", server.address()).unwrap();
        // 65507 bytes is the largest UDP payload over IPv4; some OSes (macOS) refuse to send it.
        if let Err(e) = sender.send_to(&vec![b'z'; 65507], server.address()) {
            println!("this OS does not send a 65507-byte datagram: {e}");
        }
        sender
            .send_to(b"\xff\xfe\x00garbage\x1b[2J", server.address())
            .unwrap();
        assert!(
            server
                .wait_for_stdout(|l| l.ends_with("garbage\\u{1b}[2J\""), START_DEADLINE)
                .is_some(),
            "non-UTF-8 and control bytes are shown escaped\n{}",
            server.transcript()
        );
        let port = server.address().port().to_string();
        crate::common::reference(CLIENT)
            .args([&port, "still", "there?"])
            .run()
            .assert_success();
        server.assert_running("datagrams of every kind");
    }

    #[test]
    fn udp_works_over_ipv6_too() {
        super::udp_works_over_ipv6_too(SERVER_UNDER_TEST);
    }
}

/// The tests of `ex4_udp_client`.
mod ex4_udp_client {
    use super::*;

    #[test]
    fn the_client_sends_a_datagram_and_prints_the_answer() {
        super::the_client_sends_a_datagram_and_prints_the_answer(CLIENT_UNDER_TEST);
    }

    /// No server: the datagram is sent all the same (no handshake to fail), and the client can only
    /// notice the silence when its deadline passes.
    #[test]
    fn without_a_server_the_client_gives_up_at_its_deadline_and_says_why() {
        let nobody = crate::common::silent_udp_port();
        let port = nobody.port.to_string();
        let started = Instant::now();
        let client = under_test(CLIENT)
            .args(["--timeout", "0.5", &port, "anyone?"])
            .run();
        let elapsed = started.elapsed();
        let line = client.assert_clean_failure(1);
        line_says(line, "UDP has no connection");
        line_says(line, "within 0.5 s");
        assert!(
            elapsed >= Duration::from_millis(400) || cfg!(windows),
            "expected {CLIENT} --timeout 0.5 to wait about 0.5 s, but it gave up after {:.1} s",
            elapsed.as_secs_f64()
        );
        assert!(
            elapsed < Duration::from_secs(4),
            "expected {CLIENT} --timeout 0.5 to give up within 0.5 s, but it took {:.1} s",
            elapsed.as_secs_f64()
        );

        // The deadline must be a positive number of seconds, the port a real port.
        for bad in ["abc", "0", "-1"] {
            let client = under_test(CLIENT)
                .args(["--timeout", bad, &port, "hi"])
                .run();
            client.assert_exit_code(2, &format!("refuse `--timeout {bad}` with a usage error"));
        }
        under_test(CLIENT)
            .args(["70000", "hi"])
            .run()
            .assert_exit_code(2, "refuse the port 70000 with a usage error");
    }

    #[test]
    fn udp_works_over_ipv6_too() {
        super::udp_works_over_ipv6_too(CLIENT_UNDER_TEST);
    }

    /// A server of the test's own on a free port: `answer` gets its socket and the address the
    /// client's first datagram came from. Returns the port and the thread to join.
    fn fake_server(
        answer: impl FnOnce(&UdpSocket, SocketAddr) + Send + 'static,
    ) -> (String, std::thread::JoinHandle<()>) {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = server.local_addr().unwrap().port().to_string();
        let answering = std::thread::spawn(move || {
            server.set_read_timeout(Some(START_DEADLINE)).unwrap();
            let mut buffer = [0u8; 1024];
            let (_, client) = said(
                server.recv_from(&mut buffer),
                CLIENT,
                "waiting for its datagram",
            );
            answer(&server, client);
        });
        (port, answering)
    }

    /// Only the server's answer counts: any program can send to any UDP port, and a datagram
    /// from another address, arriving first, is ignored.
    #[test]
    fn a_datagram_from_another_address_is_ignored() {
        let (port, answering) = fake_server(|server, client| {
            let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
            stranger.send_to(b"not from the server", client).unwrap();
            std::thread::sleep(Duration::from_millis(200));
            server.send_to(b"Welcome to this server", client).unwrap();
        });
        let client = under_test(CLIENT).args([&port, "hello"]).run();
        client.assert_success();
        client.expect_stdout("server replied: Welcome to this server");
        assert!(
            !client.stdout.contains("not from the server"),
            "expected {CLIENT} to ignore a datagram that does not come from the server, but it \
             printed it\n{client}"
        );
        crate::common::joined(answering);
    }

    /// The answer is shown with its terminal codes escaped, never printed raw.
    #[test]
    fn the_client_shows_terminal_codes_from_the_server_escaped() {
        let (port, answering) = fake_server(|server, client| {
            server
                .send_to(b"Hi\x1b[2J\x1b]0;owned\x07", client)
                .unwrap();
        });
        crate::common::assert_reply_escaped(&under_test(CLIENT).args([&port, "hello"]).run());
        crate::common::joined(answering);
    }
}
