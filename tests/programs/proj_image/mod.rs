//! Project, pictures over TCP: `proj_image_server` (tested with raw sockets speaking PROTOCOL.md,
//! as `nc` or a Python script would, and with the reference client) and `proj_image_client`
//! (tested with the reference server, and with servers run by the test that lie). Each test
//! serves its own folder on a port the OS picks.

mod proj_image_client;
mod proj_image_server;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::*;
use tp_sockets::image::fletcher::fletcher32;
use tp_sockets::image::folder::NOT_FOUND_PICTURE;

const SERVER: &str = "proj_image_server";
const CLIENT: &str = "proj_image_client";

/// The server under test, serving a folder of pictures, with `extra` options.
fn serve(extra: &[&str]) -> (Running, PictureFolder) {
    serve_as(Role::UnderTest, extra)
}

/// The reference server, the peer of a client under test.
fn serve_reference(extra: &[&str]) -> (Running, PictureFolder) {
    serve_as(Role::Reference, extra)
}

fn serve_as(role: Role, extra: &[&str]) -> (Running, PictureFolder) {
    let folder = picture_folder();
    let dir = folder.dir_arg();
    let mut args = vec!["0", "--dir", &dir];
    args.extend_from_slice(extra);
    let server = match role {
        Role::UnderTest => under_test(SERVER).args(&args).serve(),
        Role::Reference => reference(SERVER).args(&args).serve(),
    };
    (server, folder)
}

/// A raw connection: requests written as text, replies read line by line or byte by byte.
struct Raw {
    out: TcpStream,
    replies: BufReader<TcpStream>,
    /// The requests sent last, for messages.
    last: String,
}

impl Raw {
    fn connect(address: SocketAddr) -> Raw {
        let out = said(TcpStream::connect(address), SERVER, "connecting to it");
        out.set_read_timeout(Some(RUN_DEADLINE)).unwrap();
        Raw {
            replies: BufReader::new(out.try_clone().unwrap()),
            out,
            last: String::new(),
        }
    }

    fn send(&mut self, text: &str) {
        self.last = text.trim_end().replace('\n', "\\n");
        said(
            self.out.write_all(text.as_bytes()),
            SERVER,
            "sending it a request",
        );
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        said(
            self.replies.read_line(&mut line),
            SERVER,
            "waiting for a reply line",
        );
        assert!(
            line.ends_with('\n'),
            "expected {SERVER} to answer a line ending in \\n, but it sent {line:?}"
        );
        line.pop();
        line
    }

    /// Reads `GET`'s header and body; checks that the body has the announced size and checksum.
    fn file(&mut self) -> (String, Vec<u8>) {
        let header = self.line();
        let fields: Vec<&str> = header.split(' ').collect();
        let expected =
            "expected the header `OK <bytes> <checksum>` or `NOTFOUND <bytes> <checksum>`";
        assert!(
            fields.len() == 3,
            "{expected} in answer to `{}`, but {SERVER} sent {header:?}",
            self.last
        );
        let bytes: usize = fields[1]
            .parse()
            .unwrap_or_else(|_| panic!("{expected}, but {SERVER} sent {header:?}"));
        let mut body = vec![0u8; bytes];
        said(
            self.replies.read_exact(&mut body),
            SERVER,
            "reading the announced bytes",
        );
        let sum = format!("{:08x}", fletcher32(&body));
        assert!(
            fields[2] == sum,
            "expected {SERVER}'s header `{header}` to announce the checksum of the bytes it \
             sent, {sum}"
        );
        (fields[0].to_string(), body)
    }

    /// Reads a reply line, which must be `expected`.
    #[track_caller]
    fn expect(&mut self, expected: &str) {
        let line = self.line();
        crate::common::assert_answer(SERVER, &format!("`{}`", self.last), &line, expected);
    }

    /// Reads a reply line, which must be a refusal: `ERR <reason>`.
    #[track_caller]
    fn expect_err(&mut self) {
        let line = self.line();
        assert!(
            line.starts_with("ERR "),
            "expected {SERVER} to refuse `{}` with a line `ERR <reason>`, but it answered {line:?}",
            self.last
        );
    }

    /// Reads a reply to GET, which must be `status` with exactly the bytes `expected`.
    #[track_caller]
    fn expect_file(&mut self, status: &str, expected: &[u8]) {
        let (got, body) = self.file();
        assert!(
            got == status && body == expected,
            "expected {SERVER} to answer `{}` with `{status}` and {} bytes, but it answered \
             `{got}` with {} bytes{}",
            self.last,
            expected.len(),
            body.len(),
            if body.len() == expected.len() {
                " that differ"
            } else {
                ""
            }
        );
    }

    /// Whether the server has closed this connection (within the deadline).
    fn closed_by_server(&mut self) -> bool {
        let mut rest = Vec::new();
        self.replies.read_to_end(&mut rest).is_ok()
    }
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
