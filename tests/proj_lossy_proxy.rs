//! The tool `proj_lossy_proxy`: a UDP relay that drops, duplicates and reorders datagrams as
//! its options say. It is a tool of the kit, not an exercise: `cargo grade` scores nothing here.

#![allow(clippy::expect_used, clippy::unwrap_used)] // in a test, a failed unwrap is a failed test

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::thread;
use std::time::Duration;

use common::Running;

const PROXY: &str = "proj_lossy_proxy";

/// The port the proxy listens on, from its first line.
fn proxy_port(proxy: &Running) -> String {
    let line = proxy
        .wait_for_stdout(|l| l.starts_with("listening on "), Duration::ZERO)
        .unwrap();
    let address = line["listening on ".len()..].split(',').next().unwrap();
    address.parse::<SocketAddr>().unwrap().port().to_string()
}

/// What a naive transfer meets: through the proxy, datagrams go missing and come twice.
#[test]
fn the_proxy_drops_and_duplicates_as_told() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let relay = common::spawn(
        PROXY,
        &[
            "--listen",
            "0",
            "--server",
            &receiver.local_addr().unwrap().to_string(),
            "--drop",
            "0.3",
            "--duplicate",
            "0.2",
            "--seed",
            "42",
            "--verbose",
        ],
    );
    relay
        .wait_for_stdout(|l| l.starts_with("listening on "), common::START_DEADLINE)
        .unwrap();
    let port: u16 = proxy_port(&relay).parse().unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..200u32 {
        sender
            .send_to(&i.to_be_bytes(), ("127.0.0.1", port))
            .unwrap();
        thread::sleep(Duration::from_micros(200));
    }
    let mut seen = Vec::new();
    let mut buffer = [0u8; 8];
    while let Ok(n) = receiver.recv(&mut buffer) {
        assert_eq!(n, 4);
        seen.push(u32::from_be_bytes(buffer[..4].try_into().unwrap()));
    }
    let mut distinct = seen.clone();
    distinct.sort_unstable();
    distinct.dedup();
    println!(
        "{} sent, {} received, {} distinct",
        200,
        seen.len(),
        distinct.len()
    );
    assert!(
        (100..=180).contains(&distinct.len()),
        "{} distinct",
        distinct.len()
    );
    assert!(seen.len() > distinct.len(), "some arrive twice");
    assert!(
        relay
            .wait_for_stdout(|l| l.contains("dropped"), Duration::from_secs(2))
            .is_some()
    );
}
