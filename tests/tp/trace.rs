//! `tp trace`: a program and its peer in a network of their own, every packet recorded and
//! drawn; and the capture itself, by an ordinary user.

use std::process::Command;
use std::time::Duration;

use tp::netns::own_networks;
use tp_sockets::kit::process::run_to_end;

use super::{Ran, tp};
use crate::common::fixtures::Scratch;

/// Whether this machine lets tp make a network of its own; says so when it does not.
pub fn traces_here() -> bool {
    match own_networks() {
        Ok(()) => true,
        Err(why) => {
            println!("skipped: no network of one's own here ({why})");
            false
        }
    }
}

/// `tp trace ARGS`, which must succeed; `None` (and "skipped") where no network of one's own
/// can be made.
fn trace(args: &[&str]) -> Option<Ran> {
    if !traces_here() {
        return None;
    }
    let mut all = vec!["trace"];
    all.extend(args);
    let out = tp(&all);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    Some(out)
}

/// The lines of the drawing in what `tp trace` printed: the arrows, in order.
fn arrows(out: &Ran) -> Vec<&str> {
    out.stdout.lines().filter(|l| l.contains(" ms |")).collect()
}

/// The position of the first arrow that says `what` going `right` (from the left side) or
/// left.
fn find(arrows: &[&str], what: &str, right: bool) -> usize {
    arrows
        .iter()
        .position(|a| a.contains(what) && a.contains("|<") != right)
        .unwrap_or_else(|| panic!("no arrow {what} in:\n{}", arrows.join("\n")))
}

#[test]
#[ignore = "builds the reference programs; run by CI with --ignored"]
fn a_tcp_exchange_shows_the_handshake_the_data_and_the_server_closing_first() {
    let Some(out) = trace(&["ex1_tcp_server", "--reference"]) else {
        return;
    };
    let arrows = arrows(&out);
    // The client is the left side, the server the right.
    let header = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("ex1_tcp_client") && l.contains("ex1_tcp_server"))
        .unwrap_or_else(|| panic!("no header of the drawing:\n{}", out.stdout));
    assert!(
        header.find("ex1_tcp_client") < header.find("ex1_tcp_server"),
        "{header}"
    );
    let syn = find(&arrows, "-- SYN seq=0", true);
    let syn_ack = find(&arrows, "SYN-ACK seq=0 ack=1", false);
    let ack = find(&arrows, "-- ACK seq=1 ack=1", true);
    let data = find(&arrows, "bytes \"Hello from the clien", true);
    let welcome = find(&arrows, "bytes \"Welcome to this serv", false);
    let server_fin = find(&arrows, "FIN-ACK", false);
    let client_fin = find(&arrows, "FIN-ACK", true);
    assert!(
        syn < syn_ack && syn_ack < ack && ack < data && data < welcome && welcome < server_fin,
        "{}",
        out.stdout
    );
    assert!(
        server_fin < client_fin,
        "the server closes first:\n{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("TIME_WAIT")
            && out
                .stdout
                .contains("the side of 127.0.0.1:60000 closed first"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.lines().all(|l| l.chars().count() <= 80));
}

/// The image protocol over UDP is drawn by field: each datagram's type and fields, as
/// PROTOCOL.md names them, and the token of the `m` is the one the `D` carries back. The kit's
/// Wireshark dissector (tools/tp_sockets.lua), in tshark, reads the same fields in the pcap.
#[test]
#[ignore = "builds the reference programs; run by CI with --ignored"]
fn the_udp_image_protocol_is_shown_field_by_field() {
    let scratch = Scratch::new("trace-fields");
    let pcap = scratch.path.join("udp.pcap").to_string_lossy().into_owned();
    let args = [
        "proj_image_udp_client",
        "--reference",
        "--pcap",
        &pcap,
        "--",
        "car.png",
    ];
    let Some(out) = trace(&args) else {
        return;
    };
    let text = &out.stdout;
    let fields: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("The datagrams of PROTOCOL.md, field by field:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let line = |start: &str| -> &str {
        fields
            .iter()
            .find(|l| l.contains(start))
            .unwrap_or_else(|| panic!("no datagram `{start}...`:\n{text}"))
    };
    let meta = line(": m transfer=");
    let data = line(": D transfer=");
    assert!(
        line(": M transfer=").ends_with("name=car.png") && meta.contains(" size=9501 "),
        "{text}"
    );
    let token = meta.split("token=").nth(1).unwrap().trim();
    assert!(data.contains(&format!("token={token} ")), "{text}");
    assert!(line(": d transfer=").contains("chunk 0 ("), "{text}");
    // The socket table names the server's program (Linux cuts a name at 15 characters).
    let table = text
        .split("The sockets left behind")
        .nth(1)
        .unwrap_or_default();
    assert!(table.contains("/proj_image_udp"), "{text}");
    let dissector = super::root().join("tools/tp_sockets.lua");
    let mut tshark = Command::new("tshark");
    tshark
        .arg("-X")
        .arg(format!("lua_script:{}", dissector.display()))
        .args(["-r", &pcap, "-T", "fields", "-e", "_ws.col.Info"]);
    match run_to_end(&mut tshark, b"", Duration::from_secs(60)) {
        Ok(read) if read.status.is_some_and(|s| s.success()) => {
            let decoded: Vec<&str> = read.stdout.lines().collect();
            let drawn: Vec<&str> = fields
                .iter()
                .filter_map(|l| l.split_once(": ").map(|(_, f)| f))
                .collect();
            assert_eq!(
                decoded, drawn,
                "tshark with the dissector:\n{}",
                read.stderr
            );
        }
        _ => println!("tshark is not installed here: the dissector is not tried"),
    }
}

#[test]
#[ignore = "builds the reference programs; run by CI with --ignored"]
fn a_datagram_to_nobody_comes_back_as_icmp_port_unreachable_and_the_pcap_holds_it() {
    let pcap = std::env::temp_dir().join(format!("tp-trace-{}.pcap", std::process::id()));
    let path = pcap.to_string_lossy().into_owned();
    let Some(out) = trace(&["ex4_udp_client", "--reference", "--alone", "--pcap", &path]) else {
        return;
    };
    let arrows = arrows(&out);
    let datagram = find(&arrows, "UDP 7 bytes \"Bonjour\"", true);
    let icmp = find(
        &arrows,
        "ICMP port unreachable: nobody on port 60000",
        false,
    );
    assert!(datagram < icmp, "{}", out.stdout);
    assert!(out.stdout.contains("(no server)"), "{}", out.stdout);
    // tcpdump reads the file, and counts the packets of the drawing.
    match run_to_end(
        Command::new("tcpdump").args(["-nr", &path]),
        b"",
        Duration::from_secs(30),
    ) {
        Ok(read) if read.status.is_some_and(|s| s.success()) => {
            let packets: Vec<&str> = read.stdout.lines().collect();
            assert_eq!(packets.len(), arrows.len(), "{}", read.stdout);
            assert!(packets[0].contains("UDP, length 7"), "{}", read.stdout);
            assert!(
                packets[1].contains("udp port 60000 unreachable"),
                "{}",
                read.stdout
            );
        }
        _ => println!("tcpdump is not installed here: the pcap file is not read back"),
    }
    let _ = std::fs::remove_file(&pcap);
}

#[test]
#[ignore = "builds the reference programs; run by CI with --ignored"]
fn a_client_bound_to_62000_twice_fails_the_second_time_and_holds_time_wait() {
    let Some(out) = trace(&["ex2_static_bind", "--reference"]) else {
        return;
    };
    let text = &out.stdout;
    let second = text
        .rfind("ex2_static_bind printed:")
        .expect("each run's output");
    assert!(
        text[second..].contains("port 62000 is still held")
            && text[second..].contains("(exit code 1)"),
        "the second run fails:\n{text}"
    );
    let arrows = arrows(&out);
    assert_eq!(
        arrows.iter().filter(|a| a.contains("-- SYN seq=0")).count(),
        1,
        "one connection only: the second run never connected:\n{text}"
    );
    let client_fin = find(&arrows, "FIN-ACK", true);
    let server_fin = find(&arrows, "FIN-ACK", false);
    assert!(client_fin < server_fin, "the client closes first:\n{text}");
    assert!(
        text.contains("127.0.0.1:62000   127.0.0.1:60000   TIME_WAIT")
            && text.contains("the side of 127.0.0.1:62000 closed first"),
        "{text}"
    );
}

/// Where no network of one's own can be made, `tp trace` says so in one line and what to use.
#[test]
fn without_a_network_of_its_own_tp_trace_says_what_to_use_instead() {
    let out = tp(&["trace", "ex2_netstat"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("trace ex1_tcp_server"),
        "{}",
        out.stderr
    );
    if own_networks().is_err() {
        let out = tp(&["trace", "ex1_tcp_server", "--reference"]);
        assert_eq!(out.code, Some(1));
        assert!(out.stderr.contains("Wireshark"), "{}", out.stderr);
    }
}

#[test]
#[ignore = "builds the reference programs; run by CI with --ignored"]
fn an_ipv4_client_of_a_dual_stack_server_is_ipv4_on_the_wire_and_mapped_in_the_server() {
    let Some(out) = trace(&[
        "ex5_ipv6_client",
        "--reference",
        "--",
        "--ipv4",
        "60000",
        "Bonjour",
    ]) else {
        return;
    };
    let text = &out.stdout;
    assert!(
        text.contains("from [::ffff:127.0.0.1]:"),
        "the server sees IPv4-mapped:\n{text}"
    );
    let addresses = text
        .lines()
        .find(|l| l.trim_start().starts_with("127.0.0.1:") && l.contains("127.0.0.1:60000"))
        .unwrap_or_else(|| panic!("IPv4 on both sides of the drawing:\n{text}"));
    assert!(!addresses.contains("::"), "{addresses}");
    find(&arrows(&out), "-- SYN seq=0", true);
}

/// A client that sends its message and leaves without reading the reply.
pub(crate) const NEVER_READS: &str = "use std::io::Write;\n\
    pub fn main() -> std::process::ExitCode {\n\
    let mut stream = std::net::TcpStream::connect(\"127.0.0.1:60000\").unwrap();\n\
    stream.write_all(b\"hello\").unwrap();\n\
    std::process::ExitCode::SUCCESS\n}\n";

/// The feedback of a failing network test ends with what crossed the wire, as a Mermaid
/// diagram (where the grader has a sandbox, or a network of its own, to record it).
#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn the_feedback_of_a_client_that_never_reads_the_reply_has_a_mermaid_diagram() {
    let sandboxed = tp::sandbox::Sandbox::choose(tp::sandbox::Mode::Auto).is_ok_and(|s| s.is_on());
    if !sandboxed && own_networks().is_err() {
        println!("skipped: no sandbox and no network of one's own to record in");
        return;
    }
    let scratch = Scratch::new("trace-feedback");
    let base = scratch.path.clone();
    let student = super::Submission::new(&base.join("class"), "never_reads", "solutions");
    student.write("exercises/ex1_tcp_client.rs", NEVER_READS);
    let feedback = base.join("feedback");
    let out = tp(&[
        "grade",
        &student.0.to_string_lossy(),
        "--programs",
        "ex1_tcp_client",
        "--csv",
        &base.join("grades.csv").to_string_lossy(),
        "--feedback",
        &feedback.to_string_lossy(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = std::fs::read_to_string(feedback.join("never_reads.md")).unwrap();
    let test = text
        .find("**sends a message and prints the welcome**")
        .unwrap_or_else(|| panic!("the failing test is told:\n{text}"));
    let diagram = text[test..]
        .find("```mermaid\nsequenceDiagram\n")
        .map(|at| &text[test + at..])
        .unwrap_or_else(|| panic!("a Mermaid diagram follows the failing test:\n{text}"));
    assert!(
        diagram.contains("participant P0 as ex1_tcp_client 127.0.0.1#58;")
            && diagram.contains(", SYN seq=0\n")
            && diagram.contains("5 bytes #34;hello#34;"),
        "{diagram}"
    );
    // Then what differs from the reference in the same test, and the reference's diagram. (The
    // client resets: it leaves with the welcome unread, or before it came.)
    let said = diagram
        .find("- expected: no RST; in this test: ex1\\_tcp\\_client resets the connection (RST).")
        .unwrap_or_else(|| panic!("what differs from the reference is said:\n{text}"));
    let (_, reference) = diagram[said..]
        .split_once("What the reference did in the same test:\n")
        .unwrap_or_else(|| panic!("the reference's exchange follows:\n{text}"));
    let reference = &reference[..reference.find("**").unwrap_or(reference.len())];
    assert!(
        reference.contains("P1->>P0: ")
            && reference.contains("FIN-ACK")
            && !reference.contains("RST"),
        "{reference}"
    );
}
