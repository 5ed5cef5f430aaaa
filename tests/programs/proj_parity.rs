//! Project, image parity over UDP: `proj_parity_server` answers one line per datagram,
//! `OK <width> <height> <pair|impair> <pair|impair>` or `ERR <reason>`; `proj_parity_client`
//! says it in words. Each test serves its own folder on a port the OS picks.

use std::net::UdpSocket;
use std::time::Duration;

use crate::common::*;

const SERVER: &str = "proj_parity_server";
const CLIENT: &str = "proj_parity_client";

/// The parity server in `role` (under test, or the reference peer of a client under test),
/// serving a folder of pictures.
fn serve(role: Role) -> (Running, PictureFolder) {
    let folder = picture_folder();
    let server = crate::common::program(SERVER, role)
        .args(["0", "--dir", &folder.dir_arg()])
        .start();
    server.expect_line_starting("receiving on ", START_DEADLINE);
    (server, folder)
}

/// Panics unless the server `server` answers the datagram `request` with `expected`.
#[track_caller]
fn answers(server: &Running, request: &[u8], expected: &str) {
    let asked = format!("the datagram {:?}", String::from_utf8_lossy(request));
    crate::common::assert_answer(SERVER, &asked, &ask(server, request), expected);
}

/// Sends one raw datagram to the server `server`, as a student's own client in any language
/// would, and returns the answer (within 2 s).
fn ask(server: &Running, request: &[u8]) -> String {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.send_to(request, server.address()).unwrap();
    let mut buffer = [0u8; 2048];
    let within = Duration::from_secs(2);
    let (n, _) = crate::common::said(
        recv_from_program(&socket, &mut buffer, within, &server.ended()),
        SERVER,
        "waiting for its answer",
    );
    String::from_utf8_lossy(&buffer[..n]).into_owned()
}

/// The tests of `proj_parity_server`.
mod proj_parity_server {
    use super::*;

    #[test]
    fn each_side_gets_its_own_parity() {
        let (server, _folder) = serve(Role::UnderTest);
        answers(&server, b" \n", "OK 640 427 pair impair\n");
        answers(&server, b"car.png", "OK 640 427 pair impair\n");
        answers(&server, b"house.jpg", "OK 481 320 impair pair\n");
        answers(&server, b"dog.jpg", "OK 360 243 pair impair\n");
    }

    /// The students' original dimension code crashed on grayscale pictures: the header alone is read.
    #[test]
    fn a_grayscale_picture_is_measured_too() {
        let (server, _folder) = serve(Role::UnderTest);
        answers(&server, b"gray.png", "OK 101 50 impair pair\n");
    }

    #[test]
    fn unknown_names_and_paths_get_one_err_line() {
        let (server, _folder) = serve(Role::UnderTest);
        answers(&server, b"nope.png", "ERR no picture named nope.png\n");
        for bad in [
            &b"../secret.txt"[..],
            b"/etc/passwd",
            b"..",
            b".hidden",
            b"a\\b",
        ] {
            let answer = ask(&server, bad);
            assert!(
                answer.starts_with("ERR ") && answer.ends_with('\n') && answer.lines().count() == 1,
                "expected {SERVER} to answer the name {:?} with one line `ERR <reason>`, but it \
                 answered {answer:?}",
                String::from_utf8_lossy(bad)
            );
        }
        #[cfg(unix)]
        answers(
            &server,
            b"link-out.png",
            "ERR that name leads outside the folder\n",
        );
    }

    /// What a client asks for is printed escaped in the server's log, never raw.
    #[test]
    fn a_request_with_terminal_codes_is_printed_escaped() {
        let (server, _folder) = serve(Role::UnderTest);
        let _ = ask(&server, TERMINAL_CODES);
        crate::common::assert_logged_escaped(SERVER, &server, TERMINAL_CODES_SHOWN);
    }

    /// PROTOCOL.md: a few answers at once to one address, then a few per second; an empty
    /// datagram gets none.
    #[test]
    fn a_flood_from_one_address_is_not_reflected() {
        let (mut server, _folder) = serve(Role::UnderTest);
        crate::common::assert_no_reflection(SERVER, &mut server, b"car.png");
    }

    #[test]
    fn the_server_survives_garbage_and_huge_datagrams() {
        let (mut server, _folder) = serve(Role::UnderTest);
        let address = server.address();
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.send_to(b"\xff\xfe\x00\x1b[2J", address).unwrap();
        socket.send_to(&vec![b'x'; 60000], address).unwrap();
        answers(&server, b"car.png", "OK 640 427 pair impair\n");
        server.assert_running("garbage and a huge datagram");
    }
}

/// The tests of `proj_parity_client`.
mod proj_parity_client {
    use super::*;

    #[test]
    fn the_client_says_the_answer_in_words() {
        let (server, _folder) = serve(Role::Reference);
        let port = server.address().port().to_string();
        let client = under_test(CLIENT)
            .args(["--port", &port, "house.jpg"])
            .run();
        client.assert_success();
        client.expect_stdout("house.jpg: 481 × 320 pixels: width odd (impair), height even (pair)");
        let client = under_test(CLIENT).args(["--port", &port]).run();
        client.expect_stdout("640 × 427 pixels: width even (pair), height odd (impair)");
    }

    #[test]
    fn the_client_reports_an_err_answer_in_one_line() {
        let (server, _folder) = serve(Role::Reference);
        let port = server.address().port().to_string();
        let line = under_test(CLIENT)
            .args(["--port", &port, "nope.png"])
            .run()
            .assert_clean_failure(1)
            .to_string();
        line_says(&line, "the server says: no picture named nope.png");

        // With no server at all, no answer comes, and the client says why at its deadline.
        drop(server);
        let nobody = crate::common::silent_udp_port();
        let port = nobody.port.to_string();
        let client = under_test(CLIENT)
            .args(["--port", &port, "--timeout", "1", "car.png"])
            .run();
        let line = client.assert_clean_failure(1);
        line_says(line, "UDP has no connection");
    }

    /// A server that answers the first request with `reply`, on a port of its own; the thread
    /// ends after its answer, or after 5 s without a request (the client's test then says
    /// why the client sent none).
    fn fake_server(reply: &'static [u8]) -> (String, std::thread::JoinHandle<()>) {
        let fake = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = fake.local_addr().unwrap().port().to_string();
        let answering = std::thread::spawn(move || {
            fake.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut buffer = [0u8; 1024];
            if let Ok((_, client)) = fake.recv_from(&mut buffer) {
                let _ = fake.send_to(reply, client);
            }
        });
        (port, answering)
    }

    /// A reason sent by a server reaches the terminal with its control characters escaped.
    #[test]
    fn a_reason_with_terminal_codes_is_shown_escaped() {
        let (port, answering) = fake_server(b"ERR \x1b[2J\x1b]0;owned\x07\n");
        let client = under_test(CLIENT).args(["--port", &port, "car.png"]).run();
        let line = client.assert_clean_failure(1);
        line_says(line, "\\u{1b}[2J\\u{1b}]0;owned\\u{7}");
        assert!(
            !line.contains('\x1b'),
            "expected {CLIENT} to escape the terminal codes, but its line holds a raw ESC: {line:?}"
        );
        crate::common::joined(answering);
    }

    /// The parities are checked against the numbers: 481 is odd, so an answer that calls it
    /// even is not believed, and the client says it cannot read it.
    #[test]
    fn an_answer_whose_parities_contradict_its_numbers_is_refused() {
        let (port, answering) = fake_server(b"OK 481 320 pair pair\n");
        let client = under_test(CLIENT)
            .args(["--port", &port, "house.jpg"])
            .run();
        let line = client.assert_clean_failure(1);
        line_says(line, "cannot read");
        crate::common::joined(answering);
    }
}
