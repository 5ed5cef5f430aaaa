//! The tool `proj_lossy_proxy`: a UDP relay that drops, duplicates and reorders datagrams as
//! its options say. It is a tool of the kit, not an exercise: `cargo grade` scores nothing here.

use std::net::UdpSocket;
use std::thread;
use std::time::Duration;

const PROXY: &str = "proj_lossy_proxy";

/// What a naive transfer meets: through the proxy, datagrams go missing and come twice.
#[test]
fn the_proxy_drops_and_duplicates_as_told() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let options = [
        "--drop",
        "0.3",
        "--duplicate",
        "0.2",
        "--seed",
        "42",
        "--verbose",
    ];
    let (relay, port) = crate::common::start_proxy(receiver.local_addr().unwrap(), &options);
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

/// Each client costs the proxy a socket and a thread: past --max-clients, the client idle the
/// longest is dropped (its socket towards the server closed), and --help says so.
#[test]
fn past_its_client_cap_the_proxy_drops_the_client_idle_the_longest() {
    let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
    receiver
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let (relay, port) =
        crate::common::start_proxy(receiver.local_addr().unwrap(), &["--max-clients", "2"]);
    let clients: Vec<UdpSocket> = (0..3)
        .map(|_| UdpSocket::bind("127.0.0.1:0").unwrap())
        .collect();
    // The port each client's datagram came from, as the server sees it.
    let relayed_from = |client: &UdpSocket, label: u8| {
        client.send_to(&[label], ("127.0.0.1", port)).unwrap();
        let mut buffer = [0u8; 8];
        let (n, from) = receiver.recv_from(&mut buffer).unwrap();
        assert_eq!(&buffer[..n], &[label]);
        from.port()
    };
    let first = relayed_from(&clients[0], b'a');
    thread::sleep(Duration::from_millis(50));
    relayed_from(&clients[1], b'b');
    thread::sleep(Duration::from_millis(50));
    relayed_from(&clients[2], b'c');
    let evicted = clients[0].local_addr().unwrap().to_string();
    assert!(
        relay
            .wait_for_stdout(
                |l| l.contains(&format!("dropped {evicted}")),
                Duration::from_secs(2)
            )
            .is_some(),
        "{}",
        relay.transcript()
    );
    // The first client comes back: a new socket towards the server, a new port.
    assert_ne!(relayed_from(&clients[0], b'a'), first);
    let help = crate::common::under_test(PROXY).args(["--help"]).run();
    help.expect_stdout("--max-clients");
}
