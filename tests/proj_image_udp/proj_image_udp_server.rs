//! The tests of `proj_image_udp_server`.

use super::*;

#[test]
fn a_generated_file_arrives_byte_for_byte() {
    let bytes = generated(3 << 20, 1);
    let (server, _folder) = serve_with("data.bin", &bytes);
    let out = Scratch::new("udp-direct");
    let port = server.address().port().to_string();
    let client = download_by_reference(&port, &out, "data.bin", &["--chunk", "8000"]);
    client.assert_success();
    assert_eq!(std::fs::read(out.path.join("data.bin")).unwrap(), bytes);
    assert_eq!(out.names(), ["data.bin"], "no temporary file is left");
}

#[test]
fn a_server_fed_random_datagrams_keeps_serving() {
    let bytes = generated(200_000, 3);
    let (mut server, _folder) = serve_with("data.bin", &bytes);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let noise = generated(600 * 1500, 4);
    for (i, piece) in noise.chunks(1500).enumerate() {
        let len = (piece[0] as usize * 7 + i) % piece.len();
        let mut datagram = piece[..len].to_vec();
        if i % 3 == 0 && datagram.len() >= 4 {
            // Half-valid ones too: the right magic, then nonsense.
            datagram[..3].copy_from_slice(b"TP\x01");
            datagram[3] = [b'M', b'D', b'm', b'd', b'e'][i % 5];
        }
        let _ = socket.send_to(&datagram, server.address());
    }
    let out = Scratch::new("udp-noise");
    let port = server.address().port().to_string();
    download_by_reference(&port, &out, "data.bin", &[]).assert_success();
    assert_eq!(std::fs::read(out.path.join("data.bin")).unwrap(), bytes);
    assert!(server.is_running(), "{}", server.transcript());
}

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
                std::fs::read(out.path.join("data.bin")).unwrap()
            })
        })
        .collect();
    for client in clients {
        assert_eq!(common::joined(client), bytes);
    }
}

/// Amplification: a `D` sent from another address than the one the token was made for (as a
/// forged source address would be) gets at most 3 times its size back, not the file.
#[test]
fn a_data_request_replayed_from_another_socket_gets_at_most_three_times_its_size() {
    let (server, _folder) = serve_with("data.bin", &generated(4 << 20, 6));
    let mut owner = RawUdp::new(server.address());
    let Reply::Meta { token, size, .. } = owner.meta("data.bin") else {
        panic!("no metadata")
    };
    assert_eq!(size, 4 << 20);
    let request = Message::DataRequest {
        transfer: 9,
        token,
        chunk: 1000,
        name: "data.bin",
        ranges: vec![(0, 64)],
    };
    let replayed = RawUdp::new(server.address());
    let sent = replayed.send(&request);
    let back: usize = replayed.received().iter().map(Vec::len).sum();
    println!("a {sent}-byte request from another socket got {back} bytes back");
    assert!(back <= 3 * sent, "{back} bytes back for {sent}");
    assert!(back > 0, "the client is told why (an `e`)");
    // The token's owner gets the chunks.
    owner.send(&request);
    let chunks = owner.received();
    assert_eq!(chunks.len(), 64, "{} datagrams", chunks.len());
}

/// An `M` shorter than 64 bytes (not padded) and a datagram of version 1 get nothing at all.
#[test]
fn unpadded_and_old_version_requests_get_nothing() {
    let (server, _folder) = serve_with("data.bin", b"x");
    let raw = RawUdp::new(server.address());
    let mut padded = Vec::new();
    Message::MetaRequest {
        transfer: 1,
        chunk: 1000,
        name: "data.bin",
    }
    .encode(&mut padded);
    let short = padded[..20].to_vec();
    let mut version_1 = padded.clone();
    version_1[2] = 1;
    for datagram in [short, version_1] {
        raw.socket.send_to(&datagram, raw.server).unwrap();
        assert!(raw.received().is_empty(), "an answer to {datagram:?}");
    }
    // Padded, it gets its metadata, and the token opens the way to the chunks.
    raw.socket.send_to(&padded, raw.server).unwrap();
    let reply = raw.received();
    assert_eq!(reply.len(), 1);
    let Ok(Message::Meta { token, .. }) = Message::decode(&reply[0]) else {
        panic!("{reply:?}");
    };
    raw.send(&Message::DataRequest {
        transfer: 1,
        token,
        chunk: 1000,
        name: "data.bin",
        ranges: vec![(0, 1)],
    });
    let chunk = raw.received();
    assert!(
        matches!(
            chunk.first().map(|d| Message::decode(d)),
            Some(Ok(Message::Data { payload: b"x", .. }))
        ),
        "{chunk:?}"
    );
}

/// The not-found picture obeys the folder's rules over UDP too: replaced by a link out of the
/// folder, it is announced as 0 bytes, and the client saves nothing. (A file the server opened
/// already stays open for its name for a while: the test asks for other names.)
#[cfg(unix)]
#[test]
fn a_not_found_picture_replaced_by_a_link_out_is_announced_as_nothing() {
    let (server, folder) = serve_with("data.bin", b"x");
    let out = Scratch::new("udp-no-not-found");
    let port = server.address().port().to_string();
    download_by_reference(&port, &out, "nothing.png", &[]).assert_success();
    assert_eq!(out.names(), ["not-found.png"]);
    std::fs::remove_file(out.path.join("not-found.png")).unwrap();
    std::os::unix::fs::symlink(
        folder.root.path.join("secret.txt"),
        folder.served.join("not-found.png"),
    )
    .unwrap();
    match RawUdp::new(server.address()).meta("other.png") {
        Reply::Meta {
            size: 0,
            not_found: true,
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    let line = download_by_reference(&port, &out, "another.png", &[])
        .assert_clean_failure(1)
        .to_string();
    assert!(line.contains("no not-found picture"), "{line}");
    assert!(out.names().is_empty(), "left behind: {:?}", out.names());
}

/// A path is refused (`e`), an unknown name gets the not-found picture (`m` of kind 1), chunks
/// included.
#[test]
fn a_path_is_refused_and_an_unknown_name_gets_the_not_found_picture() {
    let (server, _folder) = serve_with("data.bin", b"x");
    let mut raw = RawUdp::new(server.address());
    match raw.meta("../secret.txt") {
        Reply::Error(reason) => assert!(reason.contains("no paths"), "{reason}"),
        other => panic!("{other:?}"),
    }
    match raw.meta("nothing.png") {
        Reply::Meta {
            size,
            not_found: true,
            ..
        } => {
            assert_eq!(size, NOT_FOUND_PICTURE.len() as u64)
        }
        other => panic!("{other:?}"),
    }
    let out = Scratch::new("udp-notfound");
    let port = server.address().port().to_string();
    download_by_reference(&port, &out, "nothing.png", &[]).assert_success();
    let picture = std::fs::read(out.path.join("not-found.png")).unwrap();
    assert_eq!(picture, NOT_FOUND_PICTURE);
}

/// PROTOCOL.md is enough to write a client of version 2, token included: its Python example
/// downloads car.png and checks its Fletcher-32.
#[test]
fn the_python_example_of_protocol_md_downloads_a_picture() {
    let folder = picture_folder();
    let server = start_server(SERVER, &["0", "--dir", &folder.dir_arg()]);
    let ports = (40675, server.address().port());
    let expected = "car.png: 9501 bytes, checksum db7cb55e verified";
    common::assert_python_example_prints("Pictures over UDP", ports, expected);
}
