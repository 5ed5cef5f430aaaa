//! Every program of the kit, in the handout's order, with its hints.

use super::program::{Kind, Program};

const fn exercise(
    name: &'static str,
    kind: Kind,
    ports: &'static [u16],
    step: &'static str,
    test: &'static str,
    hints: &'static [&'static str],
) -> Program {
    Program {
        name,
        step,
        test,
        tool: false,
        project: false,
        release: false,
        kind,
        ports,
        uses: &[],
        hints,
    }
}

/// A program of the image project.
const fn project(
    name: &'static str,
    kind: Kind,
    ports: &'static [u16],
    step: &'static str,
    test: &'static str,
    hints: &'static [&'static str],
) -> Program {
    Program {
        project: true,
        ..exercise(name, kind, ports, step, test, hints)
    }
}

/// Every program, in the handout's order.
pub static PROGRAMS: &[Program] = &[
    exercise(
        "ex1_tcp_server",
        Kind::Server,
        &[60000],
        "Ex 1, server, steps 4-11",
        "ex1_tcp",
        &[
            "step 4: a socket is made from a domain (IPv4 is Domain::IPV4) and a type (a TCP stream is Type::STREAM); the protocol can be None.",
            "step 5: bind takes a socket2 address; a std SocketAddr turns into one with .into().",
            "step 6: listen takes the length of the queue of connections not yet accepted.",
            "step 7: accept is called on the listening socket (`listener`, which holds `socket` now); it blocks until a client comes, and gives two things back: a new socket for that client, and its address.",
            "step 8: read fills a buffer and says how many bytes it put there; only that many are the message.",
            "step 9: the answer is bytes (b\"...\").",
            "step 10: the tests expect exactly `received \"hi from nc\\n\" from 127.0.0.1:54321`: the text from String::from_utf8_lossy, printed with {:?} (quotes added, a newline shown as \\n), never quotes written by hand.",
            "step 11: Rust has no close(): a socket is closed when it is dropped, at the end of its scope, or with drop(x) where you want it.",
        ],
    ),
    exercise(
        "ex1_tcp_client",
        Kind::Client,
        &[60000],
        "Ex 1, client, steps 3-7; Ex 2, step 1",
        "ex1_tcp",
        &[
            "step 3: the same kind of socket as the server's.",
            "step 4: connect takes the server's address, as bind did; if it fails, `net::connect_error` says why in one line.",
            "step 5: any message will do, the tests accept any text; write_all sends every byte of it.",
            "step 6: the reply ends when the server closes, so read until the end, at most 1024 bytes (take).",
            "Ex 2, step 1: the reply is bytes: show it as text.",
        ],
    ),
    exercise(
        "ex2_netstat",
        Kind::Other,
        &[60000, 62000],
        "Ex 2, steps 2-3 (netstat)",
        "ex2_netstat",
        &[
            "step 2: `netstat::sockets` gives every socket of the machine; keep the rows whose `netstat::SocketRow::uses_port` is true for one of the ports.",
            "step 2: Vec::retain keeps the rows that pass a test; sort_by_key orders them.",
            "step 3: an empty table deserves a sentence, not an empty screen; a `netstat::SocketRow` prints itself with {}.",
            "before, during, after: the Exercise 1 server alone shows LISTEN; to see a connection ESTABLISHED, hold one open with `cargo run --example ex2_getsockname -- --hold 30` (server running) and look meanwhile; after the client, the end that closed first is in TIME_WAIT.",
        ],
    ),
    exercise(
        "ex2_dynamic_server",
        Kind::Server,
        &[60000],
        "Ex 2, step 4, server (port typed in)",
        "ex2_dynamic",
        &[
            "step 4: `prompt::ask` asks again by itself until `prompt::parse_port` accepts the answer; the ? passes on closed input.",
            "step 4: a port can be well formed and still not usable: try `sock::bind_and_listen`, and when its error's `sock::SocketError::kind` is PermissionDenied or AddrInUse, print it (it explains itself in one line) and ask again: that is a loop.",
            "step 4: a loop can give a value: `let listener = loop { ... break l; };` ends the loop with `break l`, and `listener` is then `l`.",
        ],
    ),
    exercise(
        "ex2_dynamic_client",
        Kind::Client,
        &[60000],
        "Ex 2, step 4, client (port and message typed in)",
        "ex2_dynamic",
        &[
            "step 4: two questions, two checks: `prompt::parse_port` for the port, `prompt::parse_message` for the message.",
        ],
    ),
    Program {
        uses: &["ex2_netstat"],
        ..exercise(
            "ex2_getsockname",
            Kind::Client,
            &[60000],
            "Ex 2, step 5 (getsockname)",
            "ex2_getsockname",
            &[
                "step 5: getsockname is local_addr() on a TcpStream, getpeername is peer_addr(); both can fail, so map the error to a message.",
            ],
        )
    },
    exercise(
        "ex2_static_bind",
        Kind::Client,
        &[60000, 62000],
        "Ex 2, step 6 (client bound to 62000)",
        "ex2_static_bind",
        &[
            "step 6: bind before connect, on the same socket2 Socket.",
            "step 6: the error kind that means 'port taken' is ErrorKind::AddrInUse; `net::time_wait_error` says what to do about it.",
        ],
    ),
    exercise(
        "ex2_tcp_loop",
        Kind::Server,
        &[60000],
        "Ex 2, step 7 (looping server)",
        "ex2_tcp_loop",
        &[
            "step 7: a for loop over 1.. counts for ever; `welcome::welcome_next` serves one client and never stops the loop.",
        ],
    ),
    exercise(
        "ex3_args_server",
        Kind::Server,
        &[60000],
        "Ex 3 (command-line arguments), server",
        "ex3_args",
        &[
            "Ex 3: a field with no #[arg(...)] is a positional argument; #[arg(long)] makes an option --name.",
            "Ex 3: the /// comment above a field is what --help shows for it.",
            "Ex 3: `sock::bind_and_listen` resolves the host and binds the first address that works.",
        ],
    ),
    exercise(
        "ex3_args_client",
        Kind::Client,
        &[60000],
        "Ex 3 (command-line arguments), client",
        "ex3_args",
        &[
            "Ex 3: clap can refuse a bad port for you: value_parser!(u16).range(1..).",
            "Ex 3: a Vec<String> field with num_args = 1.. takes every remaining word; join them with spaces.",
            "Ex 3: an option with a default value is a field with #[arg(long, default_value = \"127.0.0.1\")]: `long` names it after the field (--host).",
        ],
    ),
    exercise(
        "ex4_udp_server",
        Kind::Server,
        &[60000],
        "Ex 4 (UDP), server",
        "ex4_udp",
        &[
            "a, b: UdpSocket::bind makes a SOCK_DGRAM socket and binds it; there is nothing to listen for or accept.",
            "d: recv_from gives the number of bytes and who sent them; an error is one bad datagram, not a reason to stop.",
            "c: send_to needs the destination every time: the sender you just got.",
        ],
    ),
    exercise(
        "ex4_udp_client",
        Kind::Client,
        &[60000],
        "Ex 4 (UDP), client",
        "ex4_udp",
        &[
            "a: bind port 0 and the OS chooses yours.",
            "c: send_to takes the bytes and the server's address.",
            "d: recv_from, like the server's; the read timeout set just before makes it give up in time.",
            "d: only the todo!() is replaced, by the call itself: the match below it is already written.",
        ],
    ),
    exercise(
        "ex5_ipv6_server",
        Kind::Server,
        &[60000],
        "Advanced (IPv6), server",
        "ex5_ipv6",
        &[
            "step 1: the only change to the socket is its domain: Domain::IPV6.",
            "step 1: :: is Ipv6Addr::UNSPECIFIED, ::1 is Ipv6Addr::LOCALHOST; set_only_v6 must come before bind.",
        ],
    ),
    exercise(
        "ex5_ipv6_client",
        Kind::Client,
        &[60000],
        "Advanced (IPv6), client",
        "ex5_ipv6",
        &[
            "steps 4 and 6: the address family is chosen by the address itself: 127.0.0.1 is IPv4, ::1 is IPv6.",
        ],
    ),
    project(
        "proj_parity_server",
        Kind::Server,
        &[40674],
        "Project: picture parity over UDP, server",
        "proj_parity",
        &[
            "`folder::Folder::open` gives the opened file (`folder::Lookup::Found`), or why there is none (`folder::Lookup::Refused` carries the reason).",
            "`picture::dimensions` reads only the header; `parity::of` turns a number into pair or impair. Both sides, each its own.",
        ],
    ),
    project(
        "proj_parity_client",
        Kind::Client,
        &[40674],
        "Project: picture parity over UDP, client",
        "proj_parity",
        &[
            "strip_prefix(\"ERR \") recognises an error; split(' ') then a slice pattern [\"OK\", w, h, pw, ph] takes the rest apart.",
            "Never trust the server: check that the parities it sent match the numbers it sent.",
        ],
    ),
    project(
        "proj_image_server",
        Kind::Server,
        &[40674],
        "Project: pictures over TCP, server",
        "proj_image",
        &[
            "`tcp::server::Requests::next_line` already bounds the line (1024 bytes) and its time (the whole line within --idle); match on its four outcomes, and treat a timeout (`io::is_timeout`) like a goodbye.",
            "`tcp::parse_request` turns the line into `tcp::Request::List` or `tcp::Request::Get`, or a reason for ERR.",
            "Every reply goes through `tcp::server::Replies`, which frames it as PROTOCOL.md says: `tcp::server::Replies::refuse` for ERR, `tcp::server::Replies::list`, and `tcp::server::Replies::file`, which sends the header on its own line, then streams exactly the announced number of bytes.",
        ],
    ),
    project(
        "proj_image_client",
        Kind::Client,
        &[40674],
        "Project: pictures over TCP, client",
        "proj_image",
        &[
            "Never read past the announced size: what follows belongs to the next reply.",
            "A read of 0 bytes before the end means the server left; say after how many bytes.",
            "Feed every piece to the `fletcher::Fletcher32` and to `save::Download::write` as it comes, then compare once at the end; an Err drops the download, which deletes the temporary file.",
            "Never trust the server: names must be a `name::PictureName` (`save::SaveOptions::destination`), sizes through --max-size, texts through `net::shown` before they are printed.",
        ],
    ),
    project(
        "proj_image_udp_server",
        Kind::Server,
        &[40675],
        "Project: pictures over UDP, server",
        "proj_image_udp",
        &[
            "Address validation: a D whose token is not the one `udp::server::Tokens::for_client` gives gets only an error, through `udp::replies::Replies::send_unvalidated`, which never sends more than 3 x the request.",
            "`udp::chunk_span` says where a chunk starts and how long it is; `source::Source::read_at` reads it there.",
            "Send only chunks that exist, and no more than the budget per request.",
        ],
    ),
    Program {
        uses: &["proj_lossy_proxy"],
        ..project(
            "proj_image_udp_client",
            Kind::Client,
            &[40675],
            "Project: pictures over UDP, client",
            "proj_image_udp",
            &[
                "Retransmission: a chunk asked for longer ago than `rtt::Rtt::rto` is presumed lost; ask again and remember it was asked twice.",
                "Window: new chunks are asked for only while fewer than t.window are in flight.",
                "Reassembly: check the index and the length (never trust the server), skip what you have, write at index × chunk.",
                "Karn's rule: measure the round trip (`rtt::Rtt::measure`) only for chunks asked for once.",
            ],
        )
    },
    Program {
        name: "proj_lossy_proxy",
        step: "Tool: a UDP relay that loses datagrams on purpose",
        test: "proj_lossy_proxy",
        tool: true,
        project: false,
        release: false,
        kind: Kind::Both,
        ports: &[],
        uses: &[],
        hints: &[],
    },
    Program {
        name: "proj_bench",
        step: "Tool: measurements (cargo run --release --example proj_bench)",
        test: "",
        tool: true,
        project: false,
        release: true,
        kind: Kind::Other,
        ports: &[],
        uses: &[],
        hints: &[],
    },
];
