//! The test harness itself (tests/common/): what a student reads when a check fails.

/// A failed check is one sentence for a student, never a predicate's description.
#[test]
fn a_failed_check_is_one_sentence_and_no_predicate_dump() {
    let failure = std::panic::catch_unwind(|| {
        crate::common::line_says("port 62000 is free", "held");
    })
    .unwrap_err();
    let said = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        said,
        "expected the line to say `held`, but it said: port 62000 is free"
    );
}

/// A wait for a program's datagram is over when the program has ended: what it sent before is
/// still received, and nothing more is waited for (a server that stopped at a todo!() costs
/// its tests no silent windows).
#[cfg(unix)]
#[test]
fn a_wait_for_a_datagram_ends_with_its_program_and_keeps_what_it_sent() {
    use std::net::UdpSocket;
    use std::process::Command;
    use std::time::{Duration, Instant};

    use crate::common::{Running, recv_from_program};
    use tp_sockets::kit::process::Supervised;

    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    // bash's /dev/udp: one datagram, then the program ends.
    let script = format!("printf last > /dev/udp/127.0.0.1/{port}");
    let program = Supervised::start(Command::new("bash").args(["-c", &script])).unwrap();
    let sender = Running::new("bash", program);
    let ended = sender.ended();
    let over = sender.wait_until(Duration::from_secs(30), || false);
    assert!(over.is_none() && ended(), "the program has ended");
    let long = Duration::from_secs(30);
    let mut buffer = [0u8; 16];
    let (n, _) = recv_from_program(&socket, &mut buffer, long, &ended).unwrap();
    assert_eq!(&buffer[..n], b"last", "what it sent before it ended");
    let started = Instant::now();
    let next = recv_from_program(&socket, &mut buffer, long, &ended);
    assert!(
        next.is_err() && started.elapsed() < long / 3,
        "nothing more comes: the wait is over at once, not after 30 s ({:?})",
        started.elapsed()
    );
}
