//! Exercise 2, step 7: `ex2_tcp_loop` goes back to accept() after each client, for ever.
//! It listens on the handout's port 60000, so these tests hold the fixed-port lock.

#![allow(clippy::expect_used, clippy::unwrap_used)] // in a test, a failed unwrap is a failed test

mod common;

use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

use common::{START_DEADLINE, ask, fixed_ports, start_server};
use socket2::SockRef;
use tp_sockets::net::welcome::WELCOME;

const SERVER: &str = "ex2_tcp_loop";

fn address() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 60000))
}

#[test]
fn serves_50_clients_in_a_row_with_a_running_count() {
    let _ports = fixed_ports();
    let mut server = start_server(SERVER, &[]);
    for i in 1..=50 {
        let reply = ask(address(), &format!("client number {i}")).unwrap();
        assert_eq!(reply, WELCOME, "client {i}");
    }
    let last = server.wait_for_stdout(
        |l| l.starts_with("client 50 from 127.0.0.1:"),
        START_DEADLINE,
    );
    assert!(last.is_some_and(|l| l.ends_with("received \"client number 50\"")));
    assert!(server.is_running(), "{}", server.transcript());
}

#[test]
fn serves_20_clients_at_once() {
    let _ports = fixed_ports();
    let mut server = start_server(SERVER, &[]);
    let clients: Vec<_> = (1..=20)
        .map(|i| thread::spawn(move || ask(address(), &format!("parallel {i}"))))
        .collect();
    for client in clients {
        assert_eq!(client.join().unwrap().unwrap(), WELCOME);
    }
    server
        .wait_for_stdout(|l| l.starts_with("client 20 from"), START_DEADLINE)
        .unwrap_or_else(|| panic!("{}", server.transcript()));
    for i in 1..=20 {
        assert!(
            server
                .stdout()
                .contains(&format!("received \"parallel {i}\"")),
            "{}",
            server.transcript()
        );
    }
    assert!(server.is_running());
}

#[test]
fn survives_a_client_that_leaves_without_sending_and_one_that_resets() {
    let _ports = fixed_ports();
    let mut server = start_server(SERVER, &[]);

    // Connects and closes at once: the server reads 0 bytes (end of stream).
    drop(TcpStream::connect(address()).unwrap());
    // Connects, then resets: SO_LINGER with a zero timeout makes close() send RST, not FIN.
    let rude = TcpStream::connect(address()).unwrap();
    SockRef::from(&rude)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(rude);

    assert_eq!(ask(address(), "still there?").unwrap(), WELCOME);
    server
        .wait_for_stdout(|l| l.contains("received \"still there?\""), START_DEADLINE)
        .unwrap_or_else(|| panic!("{}", server.transcript()));
    assert!(
        server.stdout().contains("client 1 from") && server.stdout().contains("client 3 from"),
        "{}",
        server.transcript()
    );
    assert!(server.is_running(), "{}", server.transcript());
}

#[test]
fn answers_the_exercise_1_client() {
    let _ports = fixed_ports();
    let _server = start_server(SERVER, &[]);
    let stream = TcpStream::connect(address()).unwrap();
    stream.set_read_timeout(Some(START_DEADLINE)).unwrap();
    // A raw client that never shuts down its side still gets the answer.
    let mut stream = stream;
    std::io::Write::write_all(&mut stream, b"no shutdown").unwrap();
    let mut reply = String::new();
    std::io::Read::read_to_string(&mut stream, &mut reply).unwrap();
    assert_eq!(reply, WELCOME);
}
