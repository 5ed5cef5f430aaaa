//! Project, pictures over TCP: `proj_image_server` and `proj_image_client`, and the protocol of
//! PROTOCOL.md spoken over a plain socket, as `nc` or a Python script would. Each test serves
//! its own folder on a port the OS picks.

#![allow(clippy::expect_used, clippy::unwrap_used)] // in a test, a failed unwrap is a failed test

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use common::{
    PictureFolder, RUN_DEADLINE, Running, Scratch, picture_folder, run, run_with, start_server,
};
use tp_sockets::image::catalog::NOT_FOUND_PICTURE;
use tp_sockets::image::fletcher::fletcher32;

const SERVER: &str = "proj_image_server";
const CLIENT: &str = "proj_image_client";

fn serve(extra: &[&str]) -> (Running, PictureFolder) {
    let folder = picture_folder();
    let dir = folder.dir_arg();
    let mut args = vec!["0", "--dir", &dir];
    args.extend_from_slice(extra);
    let server = start_server(SERVER, &args);
    (server, folder)
}

/// A raw connection: requests written as text, replies read line by line or byte by byte.
struct Raw {
    out: TcpStream,
    replies: BufReader<TcpStream>,
}

impl Raw {
    fn connect(address: SocketAddr) -> Raw {
        let out = TcpStream::connect(address).unwrap();
        out.set_read_timeout(Some(RUN_DEADLINE)).unwrap();
        Raw {
            replies: BufReader::new(out.try_clone().unwrap()),
            out,
        }
    }

    fn send(&mut self, text: &str) {
        self.out.write_all(text.as_bytes()).unwrap();
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.replies.read_line(&mut line).unwrap();
        assert!(line.ends_with('\n'), "a reply line ends with \\n: {line:?}");
        line.pop();
        line
    }

    /// Reads `GET`'s header and body; checks that the body has the announced size and checksum.
    fn file(&mut self) -> (String, Vec<u8>) {
        let header = self.line();
        let fields: Vec<&str> = header.split(' ').collect();
        assert_eq!(fields.len(), 3, "{header:?}");
        let bytes: usize = fields[1].parse().unwrap();
        let mut body = vec![0u8; bytes];
        self.replies.read_exact(&mut body).unwrap();
        assert_eq!(fields[2], format!("{:08x}", fletcher32(&body)), "{header}");
        (fields[0].to_string(), body)
    }

    /// Whether the server has closed this connection (within the deadline).
    fn closed_by_server(&mut self) -> bool {
        let mut rest = Vec::new();
        self.replies.read_to_end(&mut rest).is_ok()
    }
}

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
fn a_request_longer_than_1024_bytes_gets_err_and_the_connection_is_closed() {
    let (mut server, _folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    raw.send(&"G".repeat(5000));
    assert_eq!(raw.line(), "ERR request longer than 1024 bytes");
    assert!(raw.closed_by_server());
    assert!(server.is_running());
}

#[test]
fn a_silent_client_is_disconnected_after_the_idle_time() {
    let (server, _folder) = serve(&["--idle", "1"]);
    let mut raw = Raw::connect(server.address());
    raw.send("LIST\n");
    assert_eq!(raw.line(), "OK 4");
    for _ in 0..4 {
        raw.line();
    }
    // Now silent: the server hangs up about a second later.
    let started = Instant::now();
    assert!(raw.closed_by_server());
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_server_survives_bad_clients_and_keeps_serving_the_others_meanwhile() {
    let folder = picture_folder();
    // A large file, so that a client can vanish in the middle of it.
    let big = vec![7u8; 8 << 20];
    std::fs::write(folder.served.join("big.png"), &big).unwrap();
    let mut server = start_server(SERVER, &["0", "--dir", &folder.dir_arg()]);
    let address = server.address();

    let _silent = TcpStream::connect(address).unwrap();
    let mut garbage = TcpStream::connect(address).unwrap();
    garbage
        .write_all(b"\x00\xff\xfe garbage\n\x01\x02")
        .unwrap();
    let mut endless = TcpStream::connect(address).unwrap();
    let _ = endless.write_all(&[b'x'; 64 * 1024]);
    let mut vanishing = Raw::connect(address);
    vanishing.send("GET big.png\n");
    let header = vanishing.line();
    assert!(header.starts_with("OK 8388608 "), "{header}");
    let mut some = [0u8; 1000];
    vanishing.replies.read_exact(&mut some).unwrap();
    drop(vanishing);

    // Meanwhile, a well-behaved client gets its file.
    let mut raw = Raw::connect(address);
    raw.send("GET big.png\n");
    assert_eq!(raw.file().1, big);
    assert!(server.is_running(), "{}", server.transcript());
}

#[test]
fn past_its_client_cap_the_server_says_it_is_busy() {
    let (server, _folder) = serve(&["--max-clients", "1"]);
    let mut first = Raw::connect(server.address());
    first.send("LIST\n");
    assert_eq!(first.line(), "OK 4");
    let mut second = Raw::connect(server.address());
    assert_eq!(second.line(), "ERR server busy, try again later");
}

#[test]
fn the_client_downloads_checks_and_describes_a_picture() {
    let (server, folder) = serve(&[]);
    let out = Scratch::new("download");
    let port = server.address().port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let client = run(CLIENT, &["--port", &port, "--out", &out_dir, "car.png"]);
    client.assert_success();
    assert_eq!(
        std::fs::read(out.path.join("car.png")).unwrap(),
        std::fs::read(folder.served.join("car.png")).unwrap()
    );
    assert!(
        client.stdout.contains("checksum db7cb55e verified"),
        "{client}"
    );
    assert!(
        client
            .stdout
            .contains("640 × 427 pixels: width even (pair), height odd (impair)"),
        "{client}"
    );
    assert_eq!(out.names(), ["car.png"], "no temporary file is left");

    let gray = run(CLIENT, &["--port", &port, "--out", &out_dir, "gray.png"]);
    assert!(gray.stdout.contains("101 × 50 pixels"), "{gray}");

    drop(server);
    let nobody = common::closed_tcp_port();
    let port = nobody.port.to_string();
    let line = run(CLIENT, &["--port", &port, "--out", &out_dir, "dog.jpg"])
        .assert_clean_failure(1)
        .to_string();
    assert!(
        line.contains("cargo run --example proj_image_server"),
        "{line}"
    );
}

#[test]
fn the_menu_lists_the_pictures_and_a_bad_choice_gets_the_not_found_picture() {
    let (server, _folder) = serve(&[]);
    let out = Scratch::new("menu");
    let port = server.address().port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let args = ["--port", port.as_str(), "--out", out_dir.as_str()];

    let client = run_with(CLIENT, &args, "2\n", RUN_DEADLINE);
    client.assert_success();
    assert!(client.stdout.contains("1. car.png 640×427"), "{client}");
    assert!(client.stdout.contains("4. house.jpg 481×320"), "{client}");
    assert!(out.path.join("dog.jpg").exists(), "{client}");

    let client = run_with(CLIENT, &args, "9\n", RUN_DEADLINE);
    client.assert_success();
    assert!(client.stdout.contains("no picture named 9"), "{client}");
    assert_eq!(
        std::fs::read(out.path.join("not-found.png")).unwrap(),
        NOT_FOUND_PICTURE
    );

    let closed = run_with(CLIENT, &args, "", RUN_DEADLINE);
    closed.assert_clean_failure(1);
}

#[test]
fn the_client_does_not_overwrite_a_file_without_force() {
    let (server, _folder) = serve(&[]);
    let out = Scratch::new("overwrite");
    std::fs::write(out.path.join("car.png"), b"mine").unwrap();
    let port = server.address().port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let line = run(CLIENT, &["--port", &port, "--out", &out_dir, "car.png"])
        .assert_clean_failure(1)
        .to_string();
    assert!(line.contains("--force"), "{line}");
    assert_eq!(std::fs::read(out.path.join("car.png")).unwrap(), b"mine");
    run(
        CLIENT,
        &["--port", &port, "--out", &out_dir, "--force", "car.png"],
    )
    .assert_success();
    assert_eq!(std::fs::read(out.path.join("car.png")).unwrap().len(), 9501);
}

/// A server run by the test: it accepts one client, reads its first request line, then runs
/// `script` on the connection (answering whatever it likes), and hangs up when it returns.
fn scripted_server(script: impl FnOnce(&mut TcpStream) + Send + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = String::new();
        BufReader::new(stream.try_clone().unwrap())
            .read_line(&mut request)
            .unwrap();
        script(&mut stream);
    });
    address
}

/// A server run by the test that answers the first request with `header`, then `body`, then
/// hangs up.
fn lying_server(header: String, body: Vec<u8>) -> SocketAddr {
    scripted_server(move |stream| {
        let _ = stream.write_all(header.as_bytes());
        let _ = stream.write_all(&body);
    })
}

/// Downloads `car.png` from the lying server at `address`: refused in one line, nothing left.
fn refused_download(address: SocketAddr, label: &str) -> String {
    let out = Scratch::new(label);
    let port = address.port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let line = run(CLIENT, &["--port", &port, "--out", &out_dir, "car.png"])
        .assert_clean_failure(1)
        .to_string();
    assert!(out.names().is_empty(), "left behind: {:?}", out.names());
    line
}

#[test]
fn a_corrupted_transfer_is_refused_and_leaves_no_file() {
    let body = b"these bytes were changed on the way".to_vec();
    let wrong = fletcher32(&body) ^ 1;
    let address = lying_server(format!("OK {} {wrong:08x}\n", body.len()), body);
    let line = refused_download(address, "corrupt");
    assert!(line.contains("damaged"), "{line}");
}

#[test]
fn an_interrupted_transfer_is_refused_and_leaves_no_file() {
    let address = lying_server("OK 100000 0badf00d\n".to_string(), vec![1; 5000]);
    let line = refused_download(address, "interrupted");
    assert!(line.contains("after 5000 of 100000 bytes"), "{line}");
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
                let client = run(CLIENT, &["--port", &port, "--out", &out_dir, "house.jpg"]);
                client.assert_success();
                std::fs::read(out.path.join("house.jpg")).unwrap()
            })
        })
        .collect();
    for client in clients {
        assert_eq!(client.join().unwrap(), expected);
    }
}

/// Serves a folder where `file` is a sparse file of 64 MiB, asks for it with `request`, reads
/// the whole answer, and checks that the server's memory did not grow by 16 MiB or more.
/// (Linux: the resident size is read from /proc/PID/status.) The server reads the file once
/// for its checksum before it answers: about 2 s in a debug build, more on a busy machine.
fn assert_memory_stays_flat(file: &str, request: &str) {
    if !cfg!(target_os = "linux") {
        println!("skipped: reads the server's memory from /proc (Linux only)");
        return;
    }
    let size: u64 = 64 << 20;
    let folder = picture_folder();
    let sparse = std::fs::File::create(folder.served.join(file)).unwrap();
    sparse.set_len(size).unwrap(); // no disk space used
    let server = start_server(SERVER, &["0", "--dir", &folder.dir_arg()]);
    let before = common::rss_kib(server.pid());
    let mut raw = Raw::connect(server.address());
    raw.out
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    raw.send(request);
    let header = raw.line();
    assert!(header.contains(&format!(" {size} ")), "{header}");
    let copied = std::io::copy(&mut (&mut raw.replies).take(size), &mut std::io::sink()).unwrap();
    assert_eq!(copied, size);
    let grown = common::rss_kib(server.pid()).saturating_sub(before);
    println!(
        "the server's memory grew by {grown} KiB while sending {} MiB",
        size >> 20
    );
    assert!(grown < 16 * 1024, "grew by {grown} KiB");
}

/// The server streams files: its memory does not grow with the size of what it sends.
#[test]
fn memory_stays_flat_while_a_large_file_is_streamed() {
    assert_memory_stays_flat("huge.png", "GET huge.png\n");
}

/// The not-found picture is sent like any file: a huge one is streamed, not read whole.
#[test]
fn memory_stays_flat_while_a_large_not_found_picture_is_streamed() {
    assert_memory_stays_flat("not-found.png", "GET nothing.png\n");
}

/// A large download through a pipe: no progress bar (that is for terminals), a verified file.
#[test]
fn a_large_download_through_a_pipe_shows_no_progress_bar() {
    let folder = picture_folder();
    let big: Vec<u8> = (0..3 << 20).map(|i: u32| (i % 251) as u8).collect();
    std::fs::write(folder.served.join("big.png"), &big).unwrap();
    let server = start_server(SERVER, &["0", "--dir", &folder.dir_arg()]);
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
    assert_eq!(
        client.stderr, "",
        "nothing on stderr when it is not a terminal"
    );
    assert!(
        client.stdout.contains("not a picture this client can read"),
        "{client}"
    );
    assert_eq!(std::fs::read(out.path.join("big.png")).unwrap(), big);
}

/// `--preview` draws the picture with half blocks in 24-bit colour, at most 80 columns wide.
#[test]
fn preview_draws_the_picture_with_coloured_half_blocks() {
    let (server, _folder) = serve(&[]);
    let out = Scratch::new("preview");
    let port = server.address().port().to_string();
    let client = assert_cmd::Command::from_std(common::command(CLIENT))
        .args([
            "--port",
            &port,
            "--out",
            &out.path.to_string_lossy(),
            "--preview",
        ])
        .arg("car.png")
        .env("COLUMNS", "40")
        .timeout(RUN_DEADLINE)
        .output()
        .unwrap();
    assert!(client.status.success());
    let stdout = String::from_utf8_lossy(&client.stdout);
    let rows: Vec<&str> = stdout.lines().filter(|l| l.contains('▀')).collect();
    // 640 × 427 drawn 40 columns wide: 26 pixel rows, two per line of text.
    assert_eq!(rows.len(), 13, "{stdout}");
    assert!(rows.iter().all(|r| r.matches('▀').count() == 40));
    // The car's red body is in there.
    assert!(stdout.contains("\u{1b}[38;2;200;30;40m"), "{stdout}");
}

// ---- Clients that trust no server (every server here lies) ----

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
    assert_eq!(std::fs::read(out.path.join("car.png")).unwrap(), expected);
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
        let line = client.assert_clean_failure(1);
        assert!(line.contains("refused"), "{label}: {line}");
        assert!(
            !escape.exists() && !absolute.exists(),
            "{label}: written outside --out"
        );
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "{label}");
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
        "{line}"
    );
    assert!(!line.contains('\x1b'), "{line}");
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
    assert!(line.contains("--max-size"), "{line}");
    assert!(out.names().is_empty(), "left behind: {:?}", out.names());
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
    let line = client.assert_clean_failure(1);
    assert!(
        line.contains("stalled") && line.contains("nothing was saved"),
        "{line}"
    );
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(6),
        "{took:?}"
    );
    assert!(out.names().is_empty(), "left behind: {:?}", out.names());
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

// ---- Servers that no client can lock up ----

/// Slowloris: connections that each send one byte every half second never finish a request.
/// Twice --max-clients of them from 127.0.0.2 get at most half the places, each is cut off at
/// the deadline of its whole line, and a client from 127.0.0.1 is served within --idle + 2 s.
#[test]
fn trickling_connections_from_one_address_never_lock_out_another() {
    let other: SocketAddr = "127.0.0.2:0".parse().unwrap();
    if std::net::UdpSocket::bind(other).is_err() {
        println!(
            "skipped: 127.0.0.2 is not a loopback address on this machine (macOS has only 127.0.0.1)"
        );
        return;
    }
    let (server, _folder) = serve(&["--max-clients", "4", "--idle", "2"]);
    let address = server.address();
    let trickles: Vec<_> = (0..8)
        .map(|_| {
            thread::spawn(move || {
                let socket =
                    socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
                        .unwrap();
                socket.bind(&other.into()).unwrap();
                if socket.connect(&address.into()).is_err() {
                    return;
                }
                let mut stream = TcpStream::from(socket);
                for _ in 0..12 {
                    if stream.write_all(b"L").is_err() {
                        return;
                    }
                    thread::sleep(Duration::from_millis(500));
                }
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let mut raw = Raw::connect(address);
    raw.send("LIST\n");
    assert_eq!(raw.line(), "OK 4", "{}", server.transcript());
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    for trickle in trickles {
        trickle.join().unwrap();
    }
}

/// The deadline is for the whole request line: bytes that keep coming do not extend it.
#[test]
fn a_request_sent_byte_by_byte_is_cut_off_at_the_idle_deadline() {
    let (server, _folder) = serve(&["--idle", "1"]);
    let mut whole = Raw::connect(server.address());
    whole.send("LIST\n");
    assert_eq!(whole.line(), "OK 4", "a whole request is answered");
    let mut stream = TcpStream::connect(server.address()).unwrap();
    let started = Instant::now();
    let mut cut_off = false;
    for _ in 0..20 {
        if stream.write_all(b"L").is_err() {
            cut_off = true;
            break;
        }
        thread::sleep(Duration::from_millis(250));
    }
    assert!(cut_off, "the server was still reading after 5 s");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(750),
        "cut off before the deadline: {took:?}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
}

// ---- The not-found picture obeys the folder's rules ----

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
/// the answer is `NOTFOUND 0 00000000`, and the client says there is nothing to save.
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
    let out = Scratch::new("no-not-found");
    let port = server.address().port().to_string();
    let out_dir = out.path.to_string_lossy().into_owned();
    let line = run(CLIENT, &["--port", &port, "--out", &out_dir, "nothing.png"])
        .assert_clean_failure(1)
        .to_string();
    assert!(line.contains("no picture named nothing.png"), "{line}");
    assert!(out.names().is_empty(), "left behind: {:?}", out.names());
}

/// PROTOCOL.md is enough to write a client: its Python example downloads car.png.
#[test]
fn the_python_example_of_protocol_md_downloads_a_picture() {
    let (server, _folder) = serve(&[]);
    let ports = (40674, server.address().port());
    let expected = "car.png: 9501 bytes, checksum db7cb55e";
    common::assert_python_example_prints("Pictures over TCP", ports, expected);
}
