//! The tests of `proj_image_server`.

use super::*;

mod hostile_clients;

#[test]
fn list_over_a_raw_socket_gives_every_picture_with_its_size() {
    let (server, folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    raw.send("LIST\n");
    raw.expect("OK 4");
    let size = |name: &str| std::fs::metadata(folder.served.join(name)).unwrap().len();
    raw.expect(&format!("car.png 640 427 {}", size("car.png")));
    raw.expect(&format!("dog.jpg 360 243 {}", size("dog.jpg")));
    raw.expect(&format!("gray.png 101 50 {}", size("gray.png")));
    raw.expect(&format!("house.jpg 481 320 {}", size("house.jpg")));
}

#[test]
fn get_over_a_raw_socket_gives_a_header_then_exactly_the_file() {
    let (server, folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    raw.send("GET house.jpg\n");
    raw.expect_file(
        "OK",
        &std::fs::read(folder.served.join("house.jpg")).unwrap(),
    );
}

/// Several requests in one write, on one connection: the framing keeps the replies apart.
#[test]
fn several_requests_on_one_connection_get_their_replies_in_order() {
    let (server, folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    raw.send("GET car.png\r\nGET nothing.png\nLIST\nGET dog.jpg\n");
    raw.expect_file("OK", &std::fs::read(folder.served.join("car.png")).unwrap());
    raw.expect_file("NOTFOUND", NOT_FOUND_PICTURE);
    raw.expect("OK 4");
    for _ in 0..4 {
        raw.line();
    }
    raw.expect_file("OK", &std::fs::read(folder.served.join("dog.jpg")).unwrap());
}

#[test]
fn every_way_out_of_the_folder_is_refused() {
    let (server, folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    let outside = folder.root.path.join("secret.txt");
    let inside = folder.served.join("car.png");
    let mut names = vec![
        "../secret.txt".to_string(),
        "..".to_string(),
        "..\\secret.txt".to_string(),
        "sub/../car.png".to_string(),
        "/etc/passwd".to_string(),
        "C:\\Windows\\win.ini".to_string(),
        ".hidden".to_string(),
        outside.to_string_lossy().into_owned(),
        inside.to_string_lossy().into_owned(),
        "car.png/".to_string(),
        "with space.png".to_string(),
    ];
    if cfg!(unix) {
        names.push("link-out.png".to_string());
    }
    for name in &names {
        raw.send(&format!("GET {name}\n"));
        raw.expect_err();
    }
    // The connection is still usable after every refusal.
    raw.send("GET car.png\n");
    raw.expect_file("OK", &std::fs::read(folder.served.join("car.png")).unwrap());
}

#[test]
fn malformed_requests_get_err_and_the_connection_goes_on() {
    let (server, _folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    for bad in ["HELLO", "list", "GET", "LIST please", "\u{1b}[2J"] {
        raw.send(&format!("{bad}\n"));
        raw.expect_err();
    }
    raw.send("LIST\n");
    raw.expect("OK 4");
    // What a client sent is printed escaped in the server's log, never raw.
    crate::common::assert_logged_escaped(SERVER, &server, "\\u{1b}[2J");
}

#[test]
fn twenty_clients_download_at_once_with_correct_checksums() {
    let (server, folder) = serve(&[]);
    let port = server.address().port().to_string();
    let expected = std::fs::read(folder.served.join("house.jpg")).unwrap();
    let clients: Vec<_> = (0..20)
        .map(|_| {
            let port = port.clone();
            thread::spawn(move || {
                let out = Scratch::new("twenty");
                let out_dir = out.arg();
                let client = reference(CLIENT)
                    .args(["--port", &port, "--out", &out_dir, "house.jpg"])
                    .run();
                client.assert_success();
                std::fs::read(out.path.join("house.jpg")).unwrap_or_default()
            })
        })
        .collect();
    for client in clients {
        assert!(
            crate::common::joined(client) == expected,
            "expected each of 20 clients at once to get house.jpg whole from {SERVER}, but one \
             saved something else"
        );
    }
}

/// A not-found.png that is a symlink out of the folder, or a FIFO, is refused at start-up.
#[cfg(unix)]
#[test]
fn a_not_found_picture_that_breaks_the_rules_is_refused_at_start_up() {
    let folder = picture_folder();
    let not_found = folder.served.join("not-found.png");
    std::os::unix::fs::symlink(folder.root.path.join("secret.txt"), &not_found).unwrap();
    let line = under_test(SERVER)
        .args(["0", "--dir", &folder.dir_arg()])
        .run()
        .assert_clean_failure(1)
        .to_string();
    assert!(
        line.contains("not-found.png") && line.contains("outside the folder"),
        "expected {SERVER} to refuse to start with a not-found.png that leads outside the \
         folder, and say so, but it said: {line}"
    );

    std::fs::remove_file(&not_found).unwrap();
    if std::process::Command::new("mkfifo")
        .arg(&not_found)
        .status()
        .is_ok_and(|s| s.success())
    {
        let line = under_test(SERVER)
            .args(["0", "--dir", &folder.dir_arg()])
            .run()
            .assert_clean_failure(1)
            .to_string();
        assert!(
            line.contains("not-found.png") && line.contains("not a file"),
            "expected {SERVER} to refuse to start with a not-found.png that is not a file (a \
             FIFO), and say so, but it said: {line}"
        );
        std::fs::remove_file(&not_found).unwrap();
    }
    // With a not-found picture that obeys the rules (or none), it starts and serves.
    let server = under_test(SERVER)
        .args(["0", "--dir", &folder.dir_arg()])
        .serve();
    let mut raw = Raw::connect(server.address());
    raw.send("GET nothing.png\n");
    raw.expect_file("NOTFOUND", NOT_FOUND_PICTURE);
}

/// Replaced after start-up by a link out of the folder, the not-found picture is not sent:
/// the answer is `NOTFOUND 0 00000000`.
#[cfg(unix)]
#[test]
fn a_not_found_picture_replaced_after_start_up_is_sent_as_nothing() {
    let (server, folder) = serve(&[]);
    std::os::unix::fs::symlink(
        folder.root.path.join("secret.txt"),
        folder.served.join("not-found.png"),
    )
    .unwrap();
    let mut raw = Raw::connect(server.address());
    raw.send("GET nothing.png\n");
    raw.expect("NOTFOUND 0 00000000");
}

/// PROTOCOL.md is enough to write a client: its Python example downloads car.png.
#[test]
fn the_python_example_of_protocol_md_downloads_a_picture() {
    let (server, _folder) = serve(&[]);
    let ports = (40674, server.address().port());
    let expected = "car.png: 9501 bytes, checksum db7cb55e";
    crate::common::assert_python_example_prints("Pictures over TCP", ports, &server, expected);
}
