//! The tests of `proj_image_client`.

use super::*;

mod terminal;

/// The client still downloads a picture from an honest server, with `extra` options: a client
/// that refuses everything would pass the tests about lying servers.
fn still_downloads_from_an_honest_server(extra: &[&str]) {
    let (server, folder) = serve(&[]);
    let out = Scratch::new("honest");
    let port = server.address().port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let mut args = vec!["--port", &port, "--out", &out_dir];
    args.extend_from_slice(extra);
    args.push("car.png");
    run(CLIENT, &args).assert_success();
    let expected = std::fs::read(folder.served.join("car.png")).unwrap();
    assert_file(
        CLIENT,
        &out.path.join("car.png"),
        &expected,
        "car.png from an honest server",
    );
}

/// Downloads `car.png` from the lying server at `address`: refused in one line, nothing left.
fn refused_download(address: SocketAddr, label: &str) -> String {
    let out = Scratch::new(label);
    let port = address.port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let line = run(CLIENT, &["--port", &port, "--out", &out_dir, "car.png"])
        .assert_clean_failure(1)
        .to_string();
    out.assert_empty(CLIENT, "a refused download");
    line
}

#[test]
fn the_client_downloads_checks_and_describes_a_picture() {
    let (server, folder) = serve_reference(&[]);
    let out = Scratch::new("download");
    let port = server.address().port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let client = run(CLIENT, &["--port", &port, "--out", &out_dir, "car.png"]);
    client.assert_success();
    let car = std::fs::read(folder.served.join("car.png")).unwrap();
    assert_file(CLIENT, &out.path.join("car.png"), &car, "car.png");
    client.expect_stdout("checksum db7cb55e verified");
    client.expect_stdout("640 × 427 pixels: width even (pair), height odd (impair)");
    assert!(
        out.names() == ["car.png"],
        "expected {CLIENT} to leave car.png alone in --out, but the folder holds {:?}",
        out.names()
    );

    let gray = run(CLIENT, &["--port", &port, "--out", &out_dir, "gray.png"]);
    gray.expect_stdout("101 × 50 pixels");

    drop(server);
    let nobody = common::closed_tcp_port();
    let port = nobody.port.to_string();
    let line = run(CLIENT, &["--port", &port, "--out", &out_dir, "dog.jpg"])
        .assert_clean_failure(1)
        .to_string();
    assert!(
        line.contains("cargo run --example proj_image_server"),
        "expected the line to say `{}`, but it said: {line}",
        "cargo run --example proj_image_server"
    );
}

#[test]
fn the_menu_lists_the_pictures_and_a_bad_choice_gets_the_not_found_picture() {
    let (server, _folder) = serve_reference(&[]);
    let out = Scratch::new("menu");
    let port = server.address().port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let args = ["--port", port.as_str(), "--out", out_dir.as_str()];

    let client = run_with(CLIENT, &args, "2\n", RUN_DEADLINE);
    client.assert_success();
    client.expect_stdout("1. car.png 640×427");
    client.expect_stdout("4. house.jpg 481×320");
    assert!(
        out.path.join("dog.jpg").exists(),
        "expected choice 2 of the menu to save dog.jpg, but {CLIENT} saved {:?}\n{client}",
        out.names()
    );

    let client = run_with(CLIENT, &args, "9\n", RUN_DEADLINE);
    client.assert_success();
    client.expect_stdout("no picture named 9");
    let path = out.path.join("not-found.png");
    assert_file(
        CLIENT,
        &path,
        NOT_FOUND_PICTURE,
        "the server's not-found picture",
    );

    let closed = run_with(CLIENT, &args, "", RUN_DEADLINE);
    closed.assert_clean_failure(1);
}

#[test]
fn the_client_does_not_overwrite_a_file_without_force() {
    let (server, _folder) = serve_reference(&[]);
    let out = Scratch::new("overwrite");
    std::fs::write(out.path.join("car.png"), b"mine").unwrap();
    let port = server.address().port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let line = run(CLIENT, &["--port", &port, "--out", &out_dir, "car.png"])
        .assert_clean_failure(1)
        .to_string();
    assert!(
        line.contains("--force"),
        "expected the line to say `{}`, but it said: {line}",
        "--force"
    );
    assert_file(
        CLIENT,
        &out.path.join("car.png"),
        b"mine",
        "the student's own car.png, untouched",
    );
    run(
        CLIENT,
        &["--port", &port, "--out", &out_dir, "--force", "car.png"],
    )
    .assert_success();
    let car = std::fs::read(common::images().join("car.png")).unwrap();
    assert_file(
        CLIENT,
        &out.path.join("car.png"),
        &car,
        "car.png, replaced with --force",
    );
}

#[test]
fn a_corrupted_transfer_is_refused_and_leaves_no_file() {
    let body = b"these bytes were changed on the way".to_vec();
    let wrong = fletcher32(&body) ^ 1;
    let address = lying_server(format!("OK {} {wrong:08x}\n", body.len()), body);
    let line = refused_download(address, "corrupt");
    assert!(
        line.contains("damaged"),
        "expected the line to say `{}`, but it said: {line}",
        "damaged"
    );
}

#[test]
fn an_interrupted_transfer_is_refused_and_leaves_no_file() {
    let address = lying_server("OK 100000 0badf00d\n".to_string(), vec![1; 5000]);
    let line = refused_download(address, "interrupted");
    assert!(
        line.contains("after 5000 of 100000 bytes"),
        "expected the line to say `{}`, but it said: {line}",
        "after 5000 of 100000 bytes"
    );
}

/// A large download through a pipe: no progress bar (that is for terminals), a verified file.
#[test]
fn a_large_download_through_a_pipe_shows_no_progress_bar() {
    let folder = picture_folder();
    let big: Vec<u8> = (0..3 << 20).map(|i: u32| (i % 251) as u8).collect();
    std::fs::write(folder.served.join("big.png"), &big).unwrap();
    let server = start_reference_server(SERVER, &["0", "--dir", &folder.dir_arg()]);
    let out = Scratch::new("big");
    let port = server.address().port().to_string();
    let client = run(
        CLIENT,
        &[
            "--port",
            &port,
            "--out",
            &out.path.to_string_lossy(),
            "big.png",
        ],
    );
    client.assert_success();
    assert!(
        client.stderr.is_empty(),
        "expected {CLIENT} to write nothing on stderr when it is not a terminal (no progress \
         bar), but it wrote:\n{}",
        client.stderr
    );
    client.expect_stdout("not a picture this client can read");
    assert_file(CLIENT, &out.path.join("big.png"), &big, "big.png");
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
        let body = std::fs::read(common::images().join("car.png")).unwrap();
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
        let client = run_with(
            CLIENT,
            &["--port", &port, "--out", &out_dir],
            "1\n",
            RUN_DEADLINE,
        );
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
    let line = refused_download(address, "escapes");
    assert!(
        line.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[2Jgone"),
        "expected the line to say `{}`, but it said: {line}",
        "\\u{1b}]0;owned\\u{7}\\u{1b}[2Jgone"
    );
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
    let out = Scratch::new("max-size");
    let port = address.port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let client = run(
        CLIENT,
        &[
            "--port",
            &port,
            "--out",
            &out_dir,
            "--max-size",
            "1MiB",
            "car.png",
        ],
    );
    let line = client.assert_clean_failure(1);
    assert!(
        line.contains("--max-size"),
        "expected the line to say `{}`, but it said: {line}",
        "--max-size"
    );
    out.assert_empty(CLIENT, "a refused download");
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
    let out_dir = out.path.to_string_lossy().into_owned();
    let started = Instant::now();
    let client = run_with(
        CLIENT,
        &[
            "--port",
            &port,
            "--out",
            &out_dir,
            "--timeout",
            "2",
            "car.png",
        ],
        "",
        Duration::from_secs(15),
    );
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

/// Ctrl-C in the middle of a download: the temporary file goes, and the exit code is 130.
/// (Windows has no SIGINT to send from a test; the same handler runs on Ctrl-C there.)
#[cfg(unix)]
#[test]
fn ctrl_c_during_a_download_removes_the_temporary_file() {
    let address = scripted_server(|stream| {
        let _ = stream.write_all(b"OK 1000000 0badf00d\n");
        let _ = stream.write_all(&[7u8; 5000]);
        thread::sleep(Duration::from_secs(20));
    });
    let out = Scratch::new("ctrl-c");
    let port = address.port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let mut client = common::spawn(
        CLIENT,
        &[
            "--port",
            &port,
            "--out",
            &out_dir,
            "--timeout",
            "30",
            "car.png",
        ],
    );
    common::interrupted_download_leaves_nothing(&mut client, &out);
}

/// `NOTFOUND 0`: the server has neither the picture nor a not-found picture: nothing to save.
#[test]
fn a_not_found_answer_of_0_bytes_saves_nothing() {
    let address = lying_server("NOTFOUND 0 00000000\n".to_string(), Vec::new());
    let line = refused_download(address, "notfound-0");
    assert!(
        line.contains("no picture named car.png"),
        "expected the line to say `{}`, but it said: {line}",
        "no picture named car.png"
    );
    assert!(
        line.contains("no not-found picture"),
        "expected the line to say `{}`, but it said: {line}",
        "no not-found picture"
    );
    still_downloads_from_an_honest_server(&[]);
}

/// Without `--out`, pictures land in `downloads/` (created, and ignored by git), never among
/// the kit's files; a folder given with `--out` is created too, parents included.
#[test]
fn the_download_folder_is_downloads_and_is_created_when_missing() {
    let (server, _folder) = serve_reference(&[]);
    let port = server.address().port().to_string();
    let here = Scratch::new("default-out");
    let mut command = common::command(CLIENT);
    command
        .current_dir(&here.path)
        .args(["--port", &port, "car.png"]);
    let client = common::run_command(CLIENT, Role::UnderTest, &mut command, "", RUN_DEADLINE);
    client.assert_success();
    assert!(
        here.path.join("downloads").join("car.png").is_file(),
        "expected {CLIENT} without --out to save downloads/car.png, but its folder holds {:?}\n{client}",
        here.names()
    );
    let nested = here.path.join("a").join("b");
    let out_dir = nested.to_string_lossy().into_owned();
    run(CLIENT, &["--port", &port, "--out", &out_dir, "car.png"]).assert_success();
    assert!(
        nested.join("car.png").is_file(),
        "expected {CLIENT} --out a/b to create a/b and save a/b/car.png, but it did not"
    );
}
