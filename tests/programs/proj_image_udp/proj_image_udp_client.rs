//! The tests of `proj_image_udp_client`.

use super::*;

mod scripted_servers;

/// The proxy drops 0 %, 10 % and 30 % of the datagrams in each direction, and duplicates and
/// reorders 10 %: the file still arrives byte for byte.
#[test]
fn through_loss_duplication_and_reordering_the_file_still_arrives_whole() {
    let bytes = generated(1 << 20, 2);
    let (server, _folder) = serve_reference_with("data.bin", &bytes);
    for (drop, seed) in [("0", "11"), ("0.1", "12"), ("0.3", "13")] {
        let options = [
            "--drop",
            drop,
            "--duplicate",
            "0.1",
            "--reorder",
            "0.1",
            "--seed",
            seed,
        ];
        let (_proxy, port) = crate::common::start_proxy(server.address(), &options);
        let out = Scratch::new("udp-lossy");
        let what = format!("data.bin through a proxy that drops {drop} of the datagrams");
        let chunk = ["--chunk", "4000"];
        let client = download_whole(&port.to_string(), &out, "data.bin", &bytes, &chunk, &what);
        assert!(
            out.names() == ["data.bin"],
            "expected {CLIENT} to leave data.bin alone in --out, but the folder holds {:?}",
            out.names()
        );
        if drop != "0" {
            assert!(
                !client.stdout.contains(", 0 asked again"),
                "expected {CLIENT} to ask again for lost chunks at {drop} loss, but it says it \
                 asked again for none\n{client}"
            );
        }
    }
}

/// A server that answers the metadata and the first request, then is gone for good.
#[test]
fn a_client_whose_server_disappears_mid_transfer_exits_1_in_time_and_leaves_no_file() {
    let mut metadata = meta(4 << 20, 4000, 0);
    let mut answered = false;
    // After its first chunk, the server is gone: its socket stays open and silent.
    let port = scripted_server(move |message| match message {
        Message::DataRequest {
            transfer, ranges, ..
        } if !answered => {
            answered = true;
            vec![encoded(&Message::Data {
                transfer,
                index: ranges[0].0,
                payload: &[0u8; 4000],
            })]
        }
        Message::DataRequest { .. } => Vec::new(),
        other => metadata(other),
    });
    let out = Scratch::new("udp-vanish");
    let started = Instant::now();
    let client = under_test(CLIENT)
        .args([
            "--port",
            &port,
            "--out",
            &out.path.to_string_lossy(),
            "--timeout",
            "1",
            "big.png",
        ])
        .stdin("")
        .deadline(Duration::from_secs(10))
        .run();
    let took = started.elapsed();
    let line = client.assert_clean_failure(1);
    line_says(line, "nothing was saved");
    assert!(took < Duration::from_secs(4), "gave up after {took:?}");
    out.assert_empty(CLIENT, "a refused download");
}

#[test]
fn an_unknown_name_gets_the_not_found_picture_and_a_path_is_refused_at_home() {
    let (server, _folder) = serve_reference_with("data.bin", b"x");
    let port = server.address().port().to_string();
    let out = Scratch::new("udp-notfound");
    let client = download(&port, &out, "nothing.png", &[]);
    client.assert_success();
    client.expect_stdout("no picture named nothing.png");
    let path = out.path.join("not-found.png");
    assert_file(
        CLIENT,
        &path,
        NOT_FOUND_PICTURE,
        "the server's not-found picture",
    );

    // The client never turns a path into a file name.
    let refused = download(&port, &out, "../secret.txt", &[]);
    let line = refused.assert_clean_failure(1);
    line_says(line, "cannot save a picture named");
}

/// A link planted at the file's name (anyone may write to `--out /tmp`) is never followed:
/// refused without `--force`, replaced by the download with it; the file it led to is left alone.
#[cfg(unix)]
#[test]
fn a_link_planted_at_the_files_name_is_replaced_never_followed() {
    let (server, _folder) = serve_reference_with("data.bin", b"the download");
    let port = server.address().port().to_string();
    let out = Scratch::new("udp-planted");
    let users = crate::common::plant_link(&out, "data.bin");
    download(&port, &out, "data.bin", &[]).assert_clean_failure(1);
    download(&port, &out, "data.bin", &["--force"]).assert_success();
    crate::common::assert_link_replaced(CLIENT, &out, "data.bin", b"the download", &users);
}

/// Kind 1 and 0 bytes: the server has neither the picture nor a not-found picture.
#[test]
fn a_not_found_answer_of_0_bytes_saves_nothing() {
    let port = scripted_server(|message| match message {
        Message::MetaRequest { transfer, .. } => vec![encoded(&Message::Meta {
            transfer,
            not_found: true,
            size: 0,
            checksum: 0,
            chunk: 1000,
            token: 1,
        })],
        _ => Vec::new(),
    });
    let out = Scratch::new("udp-no-not-found");
    let line = download(&port, &out, "nothing.png", &[])
        .assert_clean_failure(1)
        .to_string();
    line_says(&line, "no not-found picture");
    out.assert_empty(CLIENT, "a refused download");
    let (server, _folder) = serve_reference_with("data.bin", b"x");
    let port = server.address().port().to_string();
    download(&port, &out, "data.bin", &[]).assert_success();
}

/// The client checks what the metadata announces before it writes anything: 4 TiB (whose
/// chunk count does not even fit in 32 bits), or chunks outside 512-65000 bytes.
#[test]
fn metadata_out_of_bounds_is_refused_before_anything_is_written() {
    for (size, chunk, expected) in [
        (4u64 << 40, 1024, "--max-size"),
        (1000, 100, "chunks of 100 bytes"),
    ] {
        let port = scripted_server(meta(size, chunk, 0));
        let out = Scratch::new("udp-bounds");
        let line = download(&port, &out, "big.png", &[])
            .assert_clean_failure(1)
            .to_string();
        line_says(&line, expected);
        out.assert_empty(CLIENT, "a refused download");
    }
    let port = scripted_server(meta(8 << 30, 60000, 0));
    let out = Scratch::new("udp-bounds");
    let line = download(&port, &out, "big.png", &[])
        .assert_clean_failure(1)
        .to_string();
    line_says(&line, "--max-size");
    out.assert_empty(CLIENT, "a refused download");
    // From an honest server, within the bounds, the client downloads.
    let bytes = generated(100_000, 8);
    let (server, _folder) = serve_reference_with("data.bin", &bytes);
    let port = server.address().port().to_string();
    let what = "data.bin within --max-size";
    download_whole(
        &port,
        &out,
        "data.bin",
        &bytes,
        &["--max-size", "1MiB"],
        what,
    );
}

/// PROTOCOL.md: a chunk of the wrong length is ignored. A server that sends every chunk with
/// one byte too many never delivers the file: the client gives up, and saves nothing.
#[test]
fn chunks_longer_than_announced_are_ignored() {
    let body = generated(3000, 7);
    let checksum = tp_sockets::image::fletcher::fletcher32(&body);
    let mut metadata = meta(3000, 1000, checksum);
    let sent = body.clone();
    let port = scripted_server(move |message| match message {
        Message::DataRequest {
            transfer, ranges, ..
        } => ranges
            .iter()
            .flat_map(|&(first, n)| first..first + u32::from(n))
            .filter(|&i| i < 3)
            .flat_map(|index| {
                // Each chunk comes first with a byte too many, then as announced.
                let right = &sent[index as usize * 1000..][..1000];
                let mut long = right.to_vec();
                long.push(0);
                [long, right.to_vec()].map(|payload| {
                    encoded(&Message::Data {
                        transfer,
                        index,
                        payload: &payload,
                    })
                })
            })
            .collect(),
        other => metadata(other),
    });
    let out = Scratch::new("udp-long");
    download(&port, &out, "long.png", &["--timeout", "2"]).assert_success();
    assert_file(
        CLIENT,
        &out.path.join("long.png"),
        &body,
        "long.png, from the chunks of the announced length only",
    );
}

/// A server that sends one new chunk of 600 bytes a second (below 1 KiB/s) is given up on
/// after --timeout seconds, although chunks keep coming.
#[test]
fn a_server_that_trickles_chunks_is_given_up_on_after_the_timeout() {
    let mut metadata = meta(600 * 100, 600, 0);
    let mut next_send = Instant::now();
    let mut sent = 0u32;
    let port = scripted_server(move |message| match message {
        Message::DataRequest { transfer, .. } if Instant::now() >= next_send => {
            next_send = Instant::now() + Duration::from_secs(1);
            sent += 1;
            vec![encoded(&Message::Data {
                transfer,
                index: sent - 1,
                payload: &[0u8; 600],
            })]
        }
        Message::DataRequest { .. } => Vec::new(),
        other => metadata(other),
    });
    let out = Scratch::new("udp-trickle");
    let started = Instant::now();
    let client = download(
        &port,
        &out,
        "slow.png",
        &["--timeout", "2", "--chunk", "600"],
    );
    let line = client.assert_clean_failure(1);
    line_says(line, "stalled");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "expected {CLIENT} --timeout 2 to give up on a server below 1 KiB/s after about 2 s, but \
         it took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    out.assert_empty(CLIENT, "a refused download");
}

/// Ctrl-C while a large (sparse) temporary file is waiting for its chunks: it is deleted, and
/// the exit code is 130.
#[cfg(unix)]
#[test]
fn ctrl_c_during_a_download_removes_the_temporary_file() {
    let port = scripted_server(meta(1 << 28, 60000, 0));
    let out = Scratch::new("udp-ctrl-c");
    let out_dir = out.arg();
    let mut client = crate::common::under_test(CLIENT)
        .args([
            "--port",
            &port,
            "--out",
            &out_dir,
            "--timeout",
            "30",
            "big.png",
        ])
        .start();
    crate::common::interrupted_download_leaves_nothing(&mut client, &out);
}
