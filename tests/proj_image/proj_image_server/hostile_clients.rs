//! The server facing clients that misbehave: it survives them, and none can lock out the
//! others or make it use memory in proportion to what it sends.

use super::*;

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
        common::joined(trickle);
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
