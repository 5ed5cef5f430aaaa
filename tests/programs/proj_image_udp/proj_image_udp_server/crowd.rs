//! The UDP image server with several clients at once: each gets its file, and none gets all
//! the turns.

use super::*;

#[test]
fn two_clients_download_at_once() {
    let bytes = generated(2 << 20, 5);
    let (server, _folder) = serve_with("data.bin", &bytes);
    let port = server.address().port().to_string();
    let clients: Vec<_> = (0..2)
        .map(|_| {
            let port = port.clone();
            thread::spawn(move || {
                let out = Scratch::new("udp-two");
                download_by_reference(&port, &out, "data.bin", &["--chunk", "4000"])
                    .assert_success();
                std::fs::read(out.path.join("data.bin")).unwrap_or_default()
            })
        })
        .collect();
    for client in clients {
        assert!(
            crate::common::joined(client) == bytes,
            "expected two clients at once to get data.bin whole from {SERVER}, but one saved \
             something else"
        );
    }
}

/// A client with a valid token asks for 256 chunks of 65000 bytes, again and again, as fast as
/// it can (PROTOCOL.md: the server sends to its clients in turn): another client's download
/// still completes within its own deadline.
#[test]
fn a_greedy_client_does_not_starve_another() {
    let (server, folder) = serve_with("big.bin", &generated(17 << 20, 8));
    let small = generated(60_000, 9);
    std::fs::write(folder.served.join("small.bin"), &small).unwrap();
    let address = server.address();
    let mut greedy = RawUdp::new(&server);
    let Reply::Meta { token, .. } = greedy.meta_in("big.bin", 65000) else {
        panic!(
            "{SERVER} gave no metadata for big.bin\n{}",
            server.transcript()
        );
    };
    let request = encoded(&Message::DataRequest {
        transfer: 9,
        token,
        chunk: 65000,
        name: "big.bin",
        ranges: vec![(0, 256)],
    });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flooding = std::sync::Arc::clone(&stop);
    let flood = std::thread::spawn(move || {
        let started = Instant::now();
        let mut sent = 0u64;
        while !flooding.load(std::sync::atomic::Ordering::Relaxed)
            && started.elapsed() < Duration::from_secs(40)
        {
            sent += u64::from(greedy.socket.send_to(&request, address).is_ok());
        }
        sent
    });
    std::thread::sleep(Duration::from_millis(300));
    let out = Scratch::new("udp-greedy");
    let port = address.port().to_string();
    // Starved, or served after every queued request of the greedy one (first come, first
    // served), it gives up; on a machine busy with other tests as well as with the flood, it
    // may go slowly: it gives up only after 8 s without 8 KiB (both variants are caught so).
    let client = download_by_reference(&port, &out, "small.bin", &["--timeout", "8"]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let sent = crate::common::joined(flood);
    assert!(
        client.code == Some(0),
        "expected the download of small.bin to complete while another client asked for 256 \
         chunks of 65000 bytes as fast as it could ({sent} requests), but it did not: a server \
         must send to its clients in turn\n{client}\n{}",
        server.transcript()
    );
    assert_file(CLIENT, &out.path.join("small.bin"), &small, "small.bin");
}
