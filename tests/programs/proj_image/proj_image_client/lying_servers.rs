//! `proj_image_client` against servers that lie or refuse: a wrong checksum, a short body, a
//! path for a name, terminal codes in a reason, a size above `--max-size`, a trickle of bytes,
//! a not-found answer. Each is refused in one line and leaves nothing on disk; the client still
//! downloads from an honest server.

use super::*;

/// The client still downloads a picture from an honest server, with `extra` options: a client
/// that refuses everything would pass the tests about lying servers.
fn still_downloads_from_an_honest_server(extra: &[&str]) {
    let (server, folder) = serve_reference(&[]);
    let out = Scratch::new("honest");
    let port = server.address().port().to_string();
    let out_dir = out.arg();
    let mut args = vec!["--port", &port, "--out", &out_dir];
    args.extend_from_slice(extra);
    args.push("car.png");
    under_test(CLIENT).args(&args).run().assert_success();
    let expected = std::fs::read(folder.served.join("car.png")).unwrap();
    assert_file(
        CLIENT,
        &out.path.join("car.png"),
        &expected,
        "car.png from an honest server",
    );
}

/// Downloads `car.png` from the lying server at `address`, with the client's options `extra`:
/// refused in one line (returned), nothing left.
fn refused_download(address: SocketAddr, label: &str, extra: &[&str]) -> String {
    let out = Scratch::new(label);
    let port = address.port().to_string();
    let out_dir = out.arg();
    let mut args = vec!["--port", &port, "--out", &out_dir];
    args.extend_from_slice(extra);
    args.push("car.png");
    let line = under_test(CLIENT)
        .args(&args)
        .deadline(Duration::from_secs(10))
        .run()
        .assert_clean_failure(1)
        .to_string();
    out.assert_empty(CLIENT, label);
    line
}

#[test]
fn a_corrupted_transfer_is_refused_and_leaves_no_file() {
    let body = b"these bytes were changed on the way".to_vec();
    let wrong = fletcher32(&body) ^ 1;
    let address = lying_server(format!("OK {} {wrong:08x}\n", body.len()), body);
    let line = refused_download(address, "corrupt", &[]);
    line_says(&line, "damaged");
}

/// PROTOCOL.md: a client keeps a file, the not-found picture too, only if its checksum matches.
#[test]
fn a_not_found_picture_with_a_wrong_checksum_is_refused_and_leaves_no_file() {
    let body = b"a not-found picture changed on the way".to_vec();
    let wrong = fletcher32(&body) ^ 1;
    let address = lying_server(format!("NOTFOUND {} {wrong:08x}\n", body.len()), body);
    let line = refused_download(address, "notfound-corrupt", &[]);
    line_says(&line, "damaged");
}

#[test]
fn an_interrupted_transfer_is_refused_and_leaves_no_file() {
    let address = lying_server("OK 100000 0badf00d\n".to_string(), vec![1; 5000]);
    let line = refused_download(address, "interrupted", &[]);
    line_says(&line, "after 5000 of 100000 bytes");
}

/// A reply is exactly the bytes its header announces: a client reads no further, whatever
/// follows them (here bytes of the next reply, on a connection the server keeps open, as it
/// does for the next request). A client that read to the end of the stream would wait for
/// the server to hang up, and take the extra bytes for the picture's.
#[test]
fn the_client_reads_no_byte_past_the_announced_size() {
    let body = b"exactly these bytes are the picture".to_vec();
    let header = format!("OK {} {:08x}\n", body.len(), fletcher32(&body));
    let expected = body.clone();
    let address = scripted_server(move |stream| {
        // The body in two writes, a pause between them, so that the client has received
        // part of it when the rest comes; the extra bytes come in the same write as the
        // body's last ones.
        let (first, rest) = body.split_at(body.len() / 2);
        let _ = stream.write_all(&[header.as_bytes(), first].concat());
        thread::sleep(Duration::from_millis(300));
        let _ = stream.write_all(&[rest, b"OK 5 00000000\nextra".as_slice()].concat());
        // The connection stays open, as for the client's next request.
        thread::sleep(Duration::from_secs(15));
    });
    let out = Scratch::new("exact");
    let port = address.port().to_string();
    let out_dir = out.arg();
    under_test(CLIENT)
        .args(["--port", &port, "--out", &out_dir, "car.png"])
        .deadline(Duration::from_secs(8))
        .run()
        .assert_success();
    assert_file(
        CLIENT,
        &out.path.join("car.png"),
        &expected,
        "the announced bytes, and no more",
    );
}

/// A server that says nothing after its header is slower than 1 KiB/s: the read that waits
/// for it times out, and that is the rate rule's business, not a lost connection.
#[test]
fn a_server_silent_after_its_header_is_told_as_stalled() {
    let address = scripted_server(|stream| {
        let _ = stream.write_all(b"OK 100000 0badf00d\n");
        thread::sleep(Duration::from_secs(5));
    });
    let line = refused_download(address, "silent", &["--timeout", "1"]);
    line_says(&line, "stalled");
}

/// A connection reset in the middle of a transfer (the server's RST) is a lost connection,
/// said at once: not a pause to wait through.
#[test]
fn a_connection_reset_during_the_transfer_is_told_as_lost() {
    let address = scripted_server(|stream| {
        let _ = stream.write_all(b"OK 100000 0badf00d\n");
        let _ = stream.write_all(&[7; 5000]);
        thread::sleep(Duration::from_millis(300));
        // Closing with a linger of 0 s sends RST instead of FIN.
        let _ = socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO));
    });
    let line = refused_download(address, "reset", &["--timeout", "5"]);
    line_says(&line, "lost the connection");
}

/// A menu entry is a name the client may save under: `../x.png` or `/tmp/x.png` would put the
/// file outside `--out`. The client applies the servers' own name rule, and refuses.
#[test]
fn a_menu_that_offers_a_path_is_refused_and_nothing_is_written_anywhere() {
    let root = Scratch::new("lying-menu");
    let out = root.path.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let escape = root.path.join("escape.png");
    let absolute = root.path.join("absolute.png");
    for (name, label) in [
        ("../escape.png".to_string(), "relative"),
        (absolute.to_string_lossy().into_owned(), "absolute"),
    ] {
        let body = std::fs::read(crate::common::images().join("car.png")).unwrap();
        let menu = format!("OK 1\n{name} 640 427 {}\n", body.len());
        let address = scripted_server(move |stream| {
            let _ = stream.write_all(menu.as_bytes());
            let mut get = String::new();
            let _ = BufReader::new(stream.try_clone().unwrap()).read_line(&mut get);
            let _ = writeln!(stream, "OK {} {:08x}", body.len(), fletcher32(&body));
            let _ = stream.write_all(&body);
        });
        let port = address.port().to_string();
        let out_dir = out.to_string_lossy().into_owned();
        let client = under_test(CLIENT)
            .args(["--port", &port, "--out", &out_dir])
            .stdin("1\n")
            .deadline(RUN_DEADLINE)
            .run();
        client.refuses_saying(1, &["refused"]);
        assert!(
            !escape.exists() && !absolute.exists(),
            "expected {CLIENT} to refuse the {label} path {name} from the menu, but it wrote \
             outside --out"
        );
        let left = std::fs::read_dir(&out).unwrap().count();
        assert!(
            left == 0,
            "expected {CLIENT} to write nothing after refusing the {label} path {name}, but \
             --out holds {left} files"
        );
    }
    still_downloads_from_an_honest_server(&[]);
}

/// What a server says is shown with its terminal codes escaped: a reason cannot clear or
/// retitle the student's terminal.
#[test]
fn a_reason_with_terminal_codes_is_shown_escaped() {
    let address = lying_server("ERR \x1b]0;owned\x07\x1b[2Jgone\n".to_string(), Vec::new());
    let line = refused_download(address, "escapes", &[]);
    line_says(&line, "\\u{1b}]0;owned\\u{7}\\u{1b}[2Jgone");
    assert!(
        !line.contains('\x1b'),
        "expected {CLIENT} to escape the terminal codes, but its line holds a raw ESC: {line:?}"
    );
    still_downloads_from_an_honest_server(&[]);
}

/// A size is checked before anything is written for it (`--max-size`, 4 GiB by default).
#[test]
fn a_size_above_max_size_is_refused_before_anything_is_written() {
    let address = lying_server("OK 5000000 0badf00d\n".to_string(), vec![1; 100_000]);
    let line = refused_download(address, "max-size", &["--max-size", "1MiB"]);
    line_says(&line, "--max-size");
    still_downloads_from_an_honest_server(&["--max-size", "1MiB"]);
}

/// As curl's --speed-limit: a server that sends one byte every half second (far below
/// 1 KiB/s) is given up on after --timeout seconds, whatever it announced.
#[test]
fn a_server_that_trickles_bytes_is_given_up_on_after_the_timeout() {
    let address = scripted_server(|stream| {
        let _ = stream.write_all(b"OK 1000000 0badf00d\n");
        for _ in 0..40 {
            if stream.write_all(b"x").is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(500));
        }
    });
    let out = Scratch::new("trickle");
    let port = address.port().to_string();
    let out_dir = out.arg();
    let started = Instant::now();
    let client = under_test(CLIENT)
        .args([
            "--port",
            &port,
            "--out",
            &out_dir,
            "--timeout",
            "2",
            "car.png",
        ])
        .stdin("")
        .deadline(Duration::from_secs(15))
        .run();
    client.refuses_saying(1, &["stalled", "nothing was saved"]);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(6),
        "expected {CLIENT} --timeout 2 to give up on a server below 1 KiB/s after about 2 s, but \
         it took {:.1} s",
        took.as_secs_f64()
    );
    out.assert_empty(CLIENT, "a stalled download");
}

/// `NOTFOUND 0`: the server has neither the picture nor a not-found picture: nothing to save.
#[test]
fn a_not_found_answer_of_0_bytes_saves_nothing() {
    let address = lying_server("NOTFOUND 0 00000000\n".to_string(), Vec::new());
    let line = refused_download(address, "notfound-0", &[]);
    line_says(&line, "no picture named car.png");
    line_says(&line, "no not-found picture");
    still_downloads_from_an_honest_server(&[]);
}
