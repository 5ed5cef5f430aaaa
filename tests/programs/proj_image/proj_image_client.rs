//! The tests of `proj_image_client`.

use super::*;

mod lying_servers;
mod terminal;

#[test]
fn the_client_downloads_checks_and_describes_a_picture() {
    let (server, folder) = serve_reference(&[]);
    let out = Scratch::new("download");
    let port = server.address().port().to_string();
    let out_dir = out.arg();
    let client = under_test(CLIENT)
        .args(["--port", &port, "--out", &out_dir, "car.png"])
        .run();
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

    let gray = under_test(CLIENT)
        .args(["--port", &port, "--out", &out_dir, "gray.png"])
        .run();
    gray.expect_stdout("101 × 50 pixels");

    drop(server);
    let nobody = crate::common::closed_tcp_port();
    let port = nobody.port.to_string();
    let line = under_test(CLIENT)
        .args(["--port", &port, "--out", &out_dir, "dog.jpg"])
        .run()
        .assert_clean_failure(1)
        .to_string();
    line_says(&line, "cargo run --example proj_image_server");
}

#[test]
fn the_menu_lists_the_pictures_and_a_bad_choice_gets_the_not_found_picture() {
    let (server, _folder) = serve_reference(&[]);
    let out = Scratch::new("menu");
    let port = server.address().port().to_string();
    let out_dir = out.arg();
    let args = ["--port", port.as_str(), "--out", out_dir.as_str()];

    let client = under_test(CLIENT)
        .args(args)
        .stdin("2\n")
        .deadline(RUN_DEADLINE)
        .run();
    client.assert_success();
    client.expect_stdout("1. car.png 640×427");
    client.expect_stdout("4. house.jpg 481×320");
    assert!(
        out.path.join("dog.jpg").exists(),
        "expected choice 2 of the menu to save dog.jpg, but {CLIENT} saved {:?}\n{client}",
        out.names()
    );

    let client = under_test(CLIENT)
        .args(args)
        .stdin("9\n")
        .deadline(RUN_DEADLINE)
        .run();
    client.assert_success();
    client.expect_stdout("no picture named 9");
    let path = out.path.join("not-found.png");
    assert_file(
        CLIENT,
        &path,
        NOT_FOUND_PICTURE,
        "the server's not-found picture",
    );

    let closed = under_test(CLIENT)
        .args(args)
        .stdin("")
        .deadline(RUN_DEADLINE)
        .run();
    closed.assert_clean_failure(1);
}

#[test]
fn the_client_does_not_overwrite_a_file_without_force() {
    let (server, _folder) = serve_reference(&[]);
    let out = Scratch::new("overwrite");
    std::fs::write(out.path.join("car.png"), b"mine").unwrap();
    let port = server.address().port().to_string();
    let out_dir = out.arg();
    let line = under_test(CLIENT)
        .args(["--port", &port, "--out", &out_dir, "car.png"])
        .run()
        .assert_clean_failure(1)
        .to_string();
    line_says(&line, "--force");
    assert_file(
        CLIENT,
        &out.path.join("car.png"),
        b"mine",
        "the student's own car.png, untouched",
    );
    under_test(CLIENT)
        .args(["--port", &port, "--out", &out_dir, "--force", "car.png"])
        .run()
        .assert_success();
    let car = std::fs::read(crate::common::images().join("car.png")).unwrap();
    assert_file(
        CLIENT,
        &out.path.join("car.png"),
        &car,
        "car.png, replaced with --force",
    );
}

/// A link planted at the file's name (anyone may write to `--out /tmp`) is never followed:
/// refused without `--force`, replaced by the download with it; the file it led to is left alone.
#[cfg(unix)]
#[test]
fn a_link_planted_at_the_files_name_is_replaced_never_followed() {
    let (server, _folder) = serve_reference(&[]);
    let out = Scratch::new("planted");
    let users = crate::common::plant_link(&out, "car.png");
    let port = server.address().port().to_string();
    let out_dir = out.arg();
    under_test(CLIENT)
        .args(["--port", &port, "--out", &out_dir, "car.png"])
        .run()
        .assert_clean_failure(1);
    under_test(CLIENT)
        .args(["--port", &port, "--out", &out_dir, "--force", "car.png"])
        .run()
        .assert_success();
    let car = std::fs::read(crate::common::images().join("car.png")).unwrap();
    crate::common::assert_link_replaced(CLIENT, &out, "car.png", &car, &users);
}

/// A large download through a pipe: no progress bar (that is for terminals), a verified file.
#[test]
fn a_large_download_through_a_pipe_shows_no_progress_bar() {
    let folder = picture_folder();
    let big: Vec<u8> = (0..3 << 20).map(|i: u32| (i % 251) as u8).collect();
    std::fs::write(folder.served.join("big.png"), &big).unwrap();
    let server = reference(SERVER)
        .args(["0", "--dir", &folder.dir_arg()])
        .serve();
    let out = Scratch::new("big");
    let port = server.address().port().to_string();
    let client = under_test(CLIENT)
        .args([
            "--port",
            &port,
            "--out",
            &out.path.to_string_lossy(),
            "big.png",
        ])
        .run();
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
    let out_dir = out.arg();
    let mut client = crate::common::under_test(CLIENT)
        .args([
            "--port",
            &port,
            "--out",
            &out_dir,
            "--timeout",
            "30",
            "car.png",
        ])
        .start();
    crate::common::interrupted_download_leaves_nothing(&mut client, &out);
}

/// Without `--out`, pictures land in `downloads/` (created, and ignored by git), never among
/// the kit's files; a folder given with `--out` is created too, parents included.
#[test]
fn the_download_folder_is_downloads_and_is_created_when_missing() {
    let (server, _folder) = serve_reference(&[]);
    let port = server.address().port().to_string();
    let here = Scratch::new("default-out");
    let client = under_test(CLIENT)
        .current_dir(&here.path)
        .args(["--port", &port, "car.png"])
        .run();
    client.assert_success();
    assert!(
        here.path.join("downloads").join("car.png").is_file(),
        "expected {CLIENT} without --out to save downloads/car.png, but its folder holds {:?}\n{client}",
        here.names()
    );
    let nested = here.path.join("a").join("b");
    let out_dir = nested.to_string_lossy().into_owned();
    under_test(CLIENT)
        .args(["--port", &port, "--out", &out_dir, "car.png"])
        .run()
        .assert_success();
    assert!(
        nested.join("car.png").is_file(),
        "expected {CLIENT} --out a/b to create a/b and save a/b/car.png, but it did not"
    );
}
