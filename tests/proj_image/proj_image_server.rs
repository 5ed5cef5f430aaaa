//! The tests of `proj_image_server`.

use super::*;

mod hostile_clients;

#[test]
fn list_over_a_raw_socket_gives_every_picture_with_its_size() {
    let (server, folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    raw.send("LIST\n");
    assert_eq!(raw.line(), "OK 4");
    let size = |name: &str| std::fs::metadata(folder.served.join(name)).unwrap().len();
    assert_eq!(raw.line(), format!("car.png 640 427 {}", size("car.png")));
    assert_eq!(raw.line(), format!("dog.jpg 360 243 {}", size("dog.jpg")));
    assert_eq!(raw.line(), format!("gray.png 101 50 {}", size("gray.png")));
    assert_eq!(
        raw.line(),
        format!("house.jpg 481 320 {}", size("house.jpg"))
    );
}

#[test]
fn get_over_a_raw_socket_gives_a_header_then_exactly_the_file() {
    let (server, folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    raw.send("GET house.jpg\n");
    let (status, body) = raw.file();
    assert_eq!(status, "OK");
    assert_eq!(
        body,
        std::fs::read(folder.served.join("house.jpg")).unwrap()
    );
}

/// Several requests in one write, on one connection: the framing keeps the replies apart.
#[test]
fn several_requests_on_one_connection_get_their_replies_in_order() {
    let (server, folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    raw.send("GET car.png\r\nGET nothing.png\nLIST\nGET dog.jpg\n");
    let (status, car) = raw.file();
    assert_eq!((status.as_str(), car.len()), ("OK", 9501));
    let (status, picture) = raw.file();
    assert_eq!(status, "NOTFOUND");
    assert_eq!(picture, NOT_FOUND_PICTURE);
    assert_eq!(raw.line(), "OK 4");
    for _ in 0..4 {
        raw.line();
    }
    let (_, dog) = raw.file();
    assert_eq!(dog, std::fs::read(folder.served.join("dog.jpg")).unwrap());
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
        let reply = raw.line();
        assert!(reply.starts_with("ERR "), "GET {name} -> {reply}");
        assert!(!reply.contains("never served"));
    }
    // The connection is still usable after every refusal.
    raw.send("GET car.png\n");
    assert_eq!(raw.file().0, "OK");
}

#[test]
fn malformed_requests_get_err_and_the_connection_goes_on() {
    let (server, _folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    for bad in ["HELLO", "list", "GET", "LIST please", "\u{1b}[2J"] {
        raw.send(&format!("{bad}\n"));
        assert!(raw.line().starts_with("ERR "), "{bad:?}");
    }
    raw.send("LIST\n");
    assert_eq!(raw.line(), "OK 4");
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
                let out_dir = out.path.to_string_lossy().into_owned();
                let client =
                    run_reference(CLIENT, &["--port", &port, "--out", &out_dir, "house.jpg"]);
                client.assert_success();
                std::fs::read(out.path.join("house.jpg")).unwrap()
            })
        })
        .collect();
    for client in clients {
        assert_eq!(common::joined(client), expected);
    }
}

/// A not-found.png that is a symlink out of the folder, or a FIFO, is refused at start-up.
#[cfg(unix)]
#[test]
fn a_not_found_picture_that_breaks_the_rules_is_refused_at_start_up() {
    let folder = picture_folder();
    let not_found = folder.served.join("not-found.png");
    std::os::unix::fs::symlink(folder.root.path.join("secret.txt"), &not_found).unwrap();
    let line = run(SERVER, &["0", "--dir", &folder.dir_arg()])
        .assert_clean_failure(1)
        .to_string();
    assert!(
        line.contains("not-found.png") && line.contains("outside the folder"),
        "{line}"
    );

    std::fs::remove_file(&not_found).unwrap();
    if std::process::Command::new("mkfifo")
        .arg(&not_found)
        .status()
        .is_ok_and(|s| s.success())
    {
        let line = run(SERVER, &["0", "--dir", &folder.dir_arg()])
            .assert_clean_failure(1)
            .to_string();
        assert!(
            line.contains("not-found.png") && line.contains("not a file"),
            "{line}"
        );
        std::fs::remove_file(&not_found).unwrap();
    }
    // With a not-found picture that obeys the rules (or none), it starts and serves.
    let server = start_server(SERVER, &["0", "--dir", &folder.dir_arg()]);
    let mut raw = Raw::connect(server.address());
    raw.send("GET nothing.png\n");
    assert_eq!(
        raw.file(),
        ("NOTFOUND".to_string(), NOT_FOUND_PICTURE.to_vec())
    );
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
    assert_eq!(raw.line(), "NOTFOUND 0 00000000");
}

/// PROTOCOL.md is enough to write a client: its Python example downloads car.png.
#[test]
fn the_python_example_of_protocol_md_downloads_a_picture() {
    let (server, _folder) = serve(&[]);
    let ports = (40674, server.address().port());
    let expected = "car.png: 9501 bytes, checksum db7cb55e";
    common::assert_python_example_prints("Pictures over TCP", ports, expected);
}
