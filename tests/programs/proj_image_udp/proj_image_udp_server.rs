//! The tests of `proj_image_udp_server`.

use super::*;

mod crowd;

#[test]
fn a_generated_file_arrives_byte_for_byte() {
    let bytes = generated(3 << 20, 1);
    let (server, _folder) = serve_with("data.bin", &bytes);
    let out = Scratch::new("udp-direct");
    let port = server.address().port().to_string();
    let client = download_by_reference(&port, &out, "data.bin", &["--chunk", "8000"]);
    client.assert_success();
    let what = format!("data.bin ({} bytes) served by {SERVER}", bytes.len());
    assert_file(CLIENT, &out.path.join("data.bin"), &bytes, &what);
    assert!(
        out.names() == ["data.bin"],
        "expected data.bin alone in --out, but the folder holds {:?}",
        out.names()
    );
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
    let what = format!("data.bin served by {SERVER} after 600 random datagrams");
    assert_file(CLIENT, &out.path.join("data.bin"), &bytes, &what);
    server.assert_running("600 random datagrams");
}

/// Amplification: a `D` sent from another address than the one the token was made for (as a
/// forged source address would be) gets at most 3 times its size back, not the file.
#[test]
fn a_data_request_replayed_from_another_socket_gets_at_most_three_times_its_size() {
    let (server, _folder) = serve_with("data.bin", &generated(4 << 20, 6));
    let mut owner = RawUdp::new(&server);
    let reply = owner.meta("data.bin");
    let Reply::Meta { token, size, .. } = reply else {
        panic!(
            "expected {SERVER} to answer `M data.bin` with its metadata (`m`), but it answered {reply:?}"
        )
    };
    assert!(
        size == 4 << 20,
        "expected {SERVER} to announce the 4194304 bytes of data.bin, but it announced {size}"
    );
    let request = Message::DataRequest {
        transfer: 9,
        token,
        chunk: 1000,
        name: "data.bin",
        ranges: vec![(0, 64)],
    };
    let replayed = RawUdp::new(&server);
    let sent = replayed.send(&request);
    let back: usize = replayed.received().iter().map(Vec::len).sum();
    println!("a {sent}-byte request from another socket got {back} bytes back");
    assert!(
        back > 0 && back <= 3 * sent,
        "expected {SERVER} to answer a request with another address's token with an `e`, at \
         most 3 times the {sent} bytes received, but it sent {back} bytes back"
    );
    // The token's owner gets the chunks.
    owner.send(&request);
    let chunks = owner.received();
    assert!(
        chunks.len() == 64,
        "expected {SERVER} to send the 64 chunks asked for to the token's owner, but it sent {} \
         datagrams",
        chunks.len()
    );
}

/// One data request gets at most 256 chunks, whatever it asks for: a request for chunks 0 to
/// 255 and then chunk 1000 gets no chunk past the 256th (some datagrams may be lost on the way:
/// what counts is that chunk 1000 does not come). The budget is the request's: the next
/// request, for chunk 1000 alone, gets it.
#[test]
fn one_data_request_gets_at_most_256_chunks() {
    let (server, _folder) = serve_with("data.bin", &generated(2 << 20, 7));
    let mut owner = RawUdp::new(&server);
    let reply = owner.meta("data.bin");
    let Reply::Meta { token, .. } = reply else {
        panic!(
            "expected {SERVER} to answer `M data.bin` with its metadata, but it answered {reply:?}"
        )
    };
    let chunks_for = |ranges: Vec<(u32, u16)>| -> Vec<u32> {
        owner.send(&Message::DataRequest {
            transfer: 9,
            token,
            chunk: 1000,
            name: "data.bin",
            ranges,
        });
        owner
            .received()
            .iter()
            .filter_map(|d| match Message::decode(d) {
                Ok(Message::Data { index, .. }) => Some(index),
                _ => None,
            })
            .collect()
    };
    // PROTOCOL.md says how many, not which: any 256 of the 257 chunks asked for will do.
    let chunks = chunks_for(vec![(0, 256), (1000, 1)]);
    let strays = chunks.iter().filter(|&&i| i >= 256 && i != 1000).count();
    assert!(
        !chunks.is_empty() && chunks.len() <= 256 && strays == 0,
        "expected {SERVER} to send at most 256 of the 257 chunks one request asks for (0 to 255, \
         and 1000), but it sent {} datagrams, {strays} of them for chunks not asked for",
        chunks.len()
    );
    let next = chunks_for(vec![(1000, 1)]);
    assert!(
        next == [1000],
        "expected {SERVER} to answer the next request, for chunk 1000 alone, with that chunk \
         (the budget of 256 chunks is per request), but it sent the chunks {next:?}"
    );
    // PROTOCOL.md: ranges past the end of the file are ignored (data.bin has 2098 chunks).
    owner.send(&Message::DataRequest {
        transfer: 9,
        token,
        chunk: 1000,
        name: "data.bin",
        ranges: vec![(2098, 3), (5000, 1)],
    });
    let past = owner.received_within(Duration::from_secs(1)).len();
    assert!(
        past == 0,
        "expected {SERVER} to ignore a request for chunks past the end of the file (2098 and \
         later, of 2098), but it sent {past} datagrams"
    );
    // A chunk size outside 512 to 65000 makes the `D` ignored: no chunk, no error.
    for chunk in [100, 65001] {
        owner.send(&Message::DataRequest {
            transfer: 9,
            token,
            chunk,
            name: "data.bin",
            ranges: vec![(0, 1)],
        });
        let answers = owner.received_within(Duration::from_secs(1));
        assert!(
            answers.is_empty(),
            "expected {SERVER} to ignore a `D` for chunks of {chunk} bytes (outside 512 to \
             65000), but it answered {} datagrams",
            answers.len()
        );
    }
}

/// An `M` shorter than 64 bytes (not padded) and a datagram of version 1 get nothing at all.
#[test]
fn unpadded_and_old_version_requests_get_nothing() {
    let (server, _folder) = serve_with("data.bin", b"x");
    let raw = RawUdp::new(&server);
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
        let answers = raw.received_within(Duration::from_secs(1));
        assert!(
            answers.is_empty(),
            "expected {SERVER} to ignore the datagram {datagram:?} (unpadded or of version 1), \
             but it answered {answers:?}"
        );
    }
    // PROTOCOL.md: dropped, with a line on its standard error (in any words).
    assert!(
        !server.stderr().trim().is_empty(),
        "expected {SERVER} to say on its standard error that it dropped a datagram, but it \
         said nothing there\n{}",
        server.transcript()
    );
    // Padded, it gets its metadata, and the token opens the way to the chunks.
    raw.socket.send_to(&padded, raw.server).unwrap();
    let reply = raw.received();
    let meta = reply.first().map(|d| Message::decode(d));
    let Some(Ok(Message::Meta { token, .. })) = meta else {
        panic!(
            "expected {SERVER} to answer a padded `M data.bin` with one `m`, but it answered \
             {reply:?}"
        );
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
        "expected {SERVER} to answer `D` with the token with the chunk `x`, but it answered \
         {chunk:?}"
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
    assert!(
        out.names() == ["not-found.png"],
        "expected {SERVER} to send its not-found picture for nothing.png, but the client saved \
         {:?}",
        out.names()
    );
    std::fs::remove_file(out.path.join("not-found.png")).unwrap();
    std::os::unix::fs::symlink(
        folder.root.path.join("secret.txt"),
        folder.served.join("not-found.png"),
    )
    .unwrap();
    match RawUdp::new(&server).meta("other.png") {
        Reply::Meta {
            size: 0,
            not_found: true,
            ..
        } => {}
        other => panic!(
            "expected {SERVER} to announce its not-found picture, now a link out of the folder, \
             as 0 bytes, but it answered {other:?}"
        ),
    }
    let line = download_by_reference(&port, &out, "another.png", &[])
        .assert_clean_failure(1)
        .to_string();
    line_says(&line, "no not-found picture");
    out.assert_empty(CLIENT, "a download with no not-found picture");
}

/// A path is refused (`e`), an unknown name gets the not-found picture (`m` of kind 1), chunks
/// included.
#[test]
fn a_path_is_refused_and_an_unknown_name_gets_the_not_found_picture() {
    let (server, _folder) = serve_with("data.bin", b"x");
    let mut raw = RawUdp::new(&server);
    match raw.meta("../secret.txt") {
        Reply::Error(reason) if reason.contains("no paths") => {}
        other => panic!(
            "expected {SERVER} to refuse `M ../secret.txt` with an `e` that says `no paths`, but \
             it answered {other:?}"
        ),
    }
    // A name with terminal codes is refused too, and printed escaped in the log, never raw.
    let _ = raw.meta("\u{1b}[2J\u{1b}]0;owned\u{7}");
    crate::common::assert_logged_escaped(SERVER, &server, "\\u{1b}[2J\\u{1b}]0;owned\\u{7}");
    match raw.meta("nothing.png") {
        Reply::Meta {
            size,
            not_found: true,
            ..
        } if size == NOT_FOUND_PICTURE.len() as u64 => {}
        other => panic!(
            "expected {SERVER} to answer `M nothing.png` with its not-found picture ({} bytes), \
             but it answered {other:?}",
            NOT_FOUND_PICTURE.len()
        ),
    }
    let out = Scratch::new("udp-notfound");
    let port = server.address().port().to_string();
    download_by_reference(&port, &out, "nothing.png", &[]).assert_success();
    let path = out.path.join("not-found.png");
    assert_file(
        CLIENT,
        &path,
        NOT_FOUND_PICTURE,
        "the not-found picture from the server",
    );
}

/// PROTOCOL.md is enough to write a client of version 2, token included: its Python example
/// downloads car.png and checks its Fletcher-32.
#[test]
fn the_python_example_of_protocol_md_downloads_a_picture() {
    let folder = picture_folder();
    let server = under_test(SERVER)
        .args(["0", "--dir", &folder.dir_arg()])
        .serve();
    let ports = (40675, server.address().port());
    let expected = "car.png: 9501 bytes, checksum db7cb55e verified";
    crate::common::assert_python_example_prints("Pictures over UDP", ports, &server, expected);
}
