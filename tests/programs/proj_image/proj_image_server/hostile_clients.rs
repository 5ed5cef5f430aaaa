//! The server facing clients that misbehave: it survives them, and none can lock out the
//! others or make it use memory in proportion to what it sends.

use super::*;

/// Serves a folder where `file` is a sparse file of 64 MiB, asks for it with `request`, reads
/// the whole answer, and checks that the server's memory did not grow by 16 MiB or more.
/// (Linux: the resident size is read from /proc/PID/status.) The server reads the file once
/// for its checksum before it answers: about 2 s in a debug build, more on a busy machine.
fn assert_memory_stays_flat(file: &str, request: &str) {
    if !cfg!(target_os = "linux") {
        println!(
            "{}",
            tp::told::skipped("reads the server's memory from /proc (Linux only)")
        );
        return;
    }
    let size: u64 = 48 << 20;
    let folder = picture_folder();
    let sparse = std::fs::File::create(folder.served.join(file)).unwrap();
    sparse.set_len(size).unwrap(); // no disk space used
    let server = under_test(SERVER)
        .args(["0", "--dir", &folder.dir_arg()])
        .serve();
    let before = crate::common::rss_kib(server.pid());
    let mut raw = Raw::connect(server.address());
    raw.out
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    raw.send(request);
    let header = raw.line();
    assert!(
        header.contains(&format!(" {size} ")),
        "expected {SERVER} to announce the {size} bytes of {file}, but it answered `{header}`"
    );
    // The memory is read halfway through, while the server streams, and at the end: a server
    // that read the file whole may have let it go by the end.
    let half = std::io::copy(&mut (&mut raw.replies).take(size / 2), &mut std::io::sink());
    let half = said(half, SERVER, "reading the file");
    let halfway = crate::common::rss_kib(server.pid());
    let rest = std::io::copy(
        &mut (&mut raw.replies).take(size - half),
        &mut std::io::sink(),
    );
    let copied = half + said(rest, SERVER, "reading the file");
    assert!(
        copied == size,
        "expected {SERVER} to send all {size} bytes of {file}, but it sent {copied}"
    );
    let most = halfway.max(crate::common::rss_kib(server.pid()));
    let grown = most.saturating_sub(before);
    println!(
        "the server's memory grew by {grown} KiB while sending {} MiB",
        size >> 20
    );
    assert!(
        grown < 16 * 1024,
        "expected {SERVER} to stream {file} with flat memory, but its memory grew by {grown} KiB \
         while it sent {} MiB: is it reading the whole file into memory?",
        size >> 20
    );
}
#[test]
fn a_request_longer_than_1024_bytes_gets_err_and_the_connection_is_closed() {
    let (mut server, _folder) = serve(&[]);
    let mut raw = Raw::connect(server.address());
    raw.send(&"G".repeat(5000));
    raw.expect("ERR request longer than 1024 bytes");
    assert!(
        raw.closed_by_server(),
        "expected {SERVER} to close the connection after a request longer than 1024 bytes"
    );
    server.assert_running("a request longer than 1024 bytes");
}
#[test]
fn a_silent_client_is_disconnected_after_the_idle_time() {
    let (server, _folder) = serve(&["--idle", "1"]);
    let mut raw = Raw::connect(server.address());
    raw.send("LIST\n");
    raw.expect("OK 4");
    for _ in 0..4 {
        raw.line();
    }
    // Now silent: the server hangs up about a second later.
    let started = Instant::now();
    let closed = raw.closed_by_server();
    let took = started.elapsed();
    assert!(
        closed && took >= Duration::from_millis(500) && took < Duration::from_secs(4),
        "expected {SERVER} --idle 1 to hang up on a silent client about 1 s later, but {}",
        if closed {
            format!("it hung up after {:.1} s", took.as_secs_f64())
        } else {
            "it kept the connection open".to_string()
        }
    );
    // Its log says why, as the idle rule, not as a broken connection.
    server.expect_line_containing("no whole request within 1 s", Duration::from_secs(2));
}

/// A client that resets its connection (RST) in the middle of a request line: the server logs
/// a lost connection, not an idle client, and keeps serving.
#[test]
fn a_client_that_resets_its_connection_is_logged_as_lost() {
    let (mut server, _folder) = serve(&["--idle", "30"]);
    let stream = TcpStream::connect(server.address()).unwrap();
    (&stream).write_all(b"GET car").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // Closing with a linger of 0 s sends RST instead of FIN.
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(stream);
    let lost = server.wait_until(Duration::from_secs(3), || {
        server.stderr().contains("connection lost")
    });
    assert!(
        lost.is_some() && !server.stdout().contains("no whole request"),
        "expected {SERVER} to log a lost connection for a client that reset it\n{}",
        server.transcript()
    );
    server.assert_running("a client that reset its connection");
}
#[test]
fn the_server_survives_bad_clients_and_keeps_serving_the_others_meanwhile() {
    let folder = picture_folder();
    // A large file, so that a client can vanish in the middle of it.
    let big = vec![7u8; 8 << 20];
    std::fs::write(folder.served.join("big.png"), &big).unwrap();
    let mut server = under_test(SERVER)
        .args(["0", "--dir", &folder.dir_arg()])
        .serve();
    let address = server.address();

    let connect = || said(TcpStream::connect(address), SERVER, "connecting to it");
    let _silent = connect();
    let mut garbage = connect();
    let _ = garbage.write_all(b"\x00\xff\xfe garbage\n\x01\x02");
    let mut endless = connect();
    let _ = endless.write_all(&[b'x'; 64 * 1024]);
    let mut vanishing = Raw::connect(address);
    vanishing.send("GET big.png\n");
    let header = vanishing.line();
    assert!(
        header.starts_with("OK 8388608 "),
        "expected {SERVER} to announce the 8388608 bytes of big.png, but it answered `{header}`"
    );
    let mut some = [0u8; 1000];
    said(
        vanishing.replies.read_exact(&mut some),
        SERVER,
        "reading big.png",
    );
    drop(vanishing);

    // Meanwhile, a well-behaved client gets its file.
    let mut raw = Raw::connect(address);
    raw.send("GET big.png\n");
    raw.expect_file("OK", &big);
    server.assert_running("a silent client, garbage, an endless line and a client that vanished");
}
#[test]
fn past_its_client_cap_the_server_says_it_is_busy() {
    let (server, _folder) = serve(&["--max-clients", "1"]);
    let mut first = Raw::connect(server.address());
    first.send("LIST\n");
    first.expect("OK 4");
    let mut second = Raw::connect(server.address());
    second.last = "a connection past --max-clients 1".to_string();
    second.expect("ERR server busy, try again later");
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
/// Slowloris: connections that each send one byte every half second never finish a request.
/// Twice --max-clients of them from 127.0.0.2 get at most half the places, each is cut off at
/// the deadline of its whole line, and a client from 127.0.0.1 is served within --idle + 2 s.
#[test]
fn trickling_connections_from_one_address_never_lock_out_another() {
    let other: SocketAddr = "127.0.0.2:0".parse().unwrap();
    if std::net::UdpSocket::bind(other).is_err() {
        println!(
            "{}",
            tp::told::skipped(
                "127.0.0.2 is not a loopback address on this machine (macOS has only 127.0.0.1)"
            )
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
    raw.expect("OK 4");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "expected {SERVER} to serve a client from 127.0.0.1 within 4 s while 127.0.0.2 trickles, \
         but it took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for trickle in trickles {
        crate::common::joined(trickle);
    }
}
/// The deadline is for the whole request line: bytes that keep coming do not extend it.
#[test]
fn a_request_sent_byte_by_byte_is_cut_off_at_the_idle_deadline() {
    let (server, _folder) = serve(&["--idle", "1"]);
    let mut whole = Raw::connect(server.address());
    whole.send("LIST\n");
    whole.expect("OK 4");
    let mut stream = said(
        TcpStream::connect(server.address()),
        SERVER,
        "connecting to it",
    );
    let started = Instant::now();
    let mut cut_off = false;
    for _ in 0..20 {
        if stream.write_all(b"L").is_err() {
            cut_off = true;
            break;
        }
        thread::sleep(Duration::from_millis(250));
    }
    let took = started.elapsed();
    assert!(
        cut_off && took >= Duration::from_millis(750) && took < Duration::from_secs(3),
        "expected {SERVER} --idle 1 to cut off a request sent byte by byte about 1 s after it \
         began, but {}",
        if cut_off {
            format!("it did so after {:.1} s", took.as_secs_f64())
        } else {
            "it was still reading after 5 s".to_string()
        }
    );
}
