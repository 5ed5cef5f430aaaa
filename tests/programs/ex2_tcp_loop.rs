//! Exercise 2, step 7: `ex2_tcp_loop` goes back to accept() after each client, for ever.
//! It listens on the handout's port 60000, so these tests hold the fixed-port lock.

use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

use crate::common::*;
use socket2::SockRef;
use tp_sockets::net::welcome::WELCOME;

const SERVER: &str = "ex2_tcp_loop";

fn address() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 60000))
}

#[test]
fn serves_50_clients_in_a_row_with_a_running_count() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let mut server = under_test(SERVER).serve();
    for i in 1..=50 {
        let reply = ask(SERVER, address(), &format!("client number {i}"));
        assert_answer(SERVER, &format!("client number {i}"), &reply, WELCOME);
    }
    server.expect_line(
        "client 50 from 127.0.0.1:<port>: received \"client number 50\"",
        |l| {
            l.starts_with("client 50 from 127.0.0.1:")
                && l.ends_with("received \"client number 50\"")
        },
        START_DEADLINE,
    );
    server.assert_running("50 clients");
}

#[test]
fn serves_20_clients_at_once() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let mut server = under_test(SERVER).serve();
    let clients: Vec<_> = (1..=20)
        .map(|i| thread::spawn(move || ask(SERVER, address(), &format!("parallel {i}"))))
        .collect();
    for client in clients {
        assert_answer(
            SERVER,
            "one of 20 clients at once",
            &crate::common::joined(client),
            WELCOME,
        );
    }
    server.expect_line_starting("client 20 from", START_DEADLINE);
    for i in 1..=20 {
        server.expect_printed(&format!("received \"parallel {i}\""));
    }
    server.assert_running("20 clients at once");
}

#[test]
fn survives_a_client_that_leaves_without_sending_and_one_that_resets() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let mut server = under_test(SERVER).serve();

    // Connects and closes at once: the server reads 0 bytes (end of stream).
    drop(said(
        TcpStream::connect(address()),
        SERVER,
        "connecting to it",
    ));
    // Connects, then resets: SO_LINGER with a zero timeout makes close() send RST, not FIN.
    let rude = said(TcpStream::connect(address()), SERVER, "connecting to it");
    SockRef::from(&rude)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(rude);

    let reply = ask(SERVER, address(), "still there?");
    assert_answer(SERVER, "a client after two that left", &reply, WELCOME);
    server.expect_line_containing("received \"still there?\"", START_DEADLINE);
    server.expect_printed("client 1 from");
    server.expect_printed("client 3 from");
    server.assert_running("a client that left and one that reset");
}

/// A connection that says nothing costs the next client less than its patience, and several
/// of them do not add up.
#[test]
fn silent_connections_do_not_keep_the_next_client_waiting() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let mut server = under_test(SERVER).serve();
    assert_silent_clients_do_not_hold_the_next(SERVER, &mut server);
}

/// Bytes from the network are not text to print as they are: ESC starts a terminal command.
#[test]
fn a_message_with_terminal_codes_is_printed_escaped() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let server = under_test(SERVER).serve();
    assert_message_shown_escaped(SERVER, &server);
}

#[test]
fn answers_the_exercise_1_client() {
    let Some(_ports) = fixed_ports() else {
        return;
    };
    let _server = under_test(SERVER).serve();
    let stream = said(TcpStream::connect(address()), SERVER, "connecting to it");
    stream.set_read_timeout(Some(START_DEADLINE)).unwrap();
    // A raw client that never shuts down its side still gets the answer.
    let mut stream = stream;
    said(
        std::io::Write::write_all(&mut stream, b"no shutdown"),
        SERVER,
        "sending it a message",
    );
    let mut reply = String::new();
    said(
        std::io::Read::read_to_string(&mut stream, &mut reply),
        SERVER,
        "waiting for its reply",
    );
    assert_answer(
        SERVER,
        "a client that never shuts down its side",
        &reply,
        WELCOME,
    );
}
