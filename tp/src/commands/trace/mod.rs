//! `tp trace NAME [--reference] [--alone] [--pcap FILE] [-- ARGS]`: a program and its reference
//! peer run in a network of their own, every packet of it recorded, and the exchange drawn as
//! a sequence diagram, with the sockets it left behind.
//!
//! tp runs itself again in the network of its own (`unshare`: a user namespace, where an
//! ordinary user may record its own network); there, it runs the exchange of the program's
//! scenario and draws it.

mod run;
mod scenario;

use run::{ClosingLast, Run, copy_pictures, join, printed};
use scenario::Peer;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::files::executable_at;
use crate::files::{link, write};
use crate::grade::Submission;
use crate::netns::{Network, in_own_network, loopback_up, own_networks};
use crate::sandbox::{Mode, Sandbox};
use crate::wire::{self, Capture, Conversation};
use crate::workspace::Workspace;

use super::Error;
use tp_sockets::kit::process::run_to_end;
use tp_sockets::net::{netstat, shown};

/// What `tp trace` is asked.
pub struct Request {
    /// The program.
    pub name: String,
    /// Trace the reference rather than the student's program.
    pub reference: bool,
    /// Run the program without its peer (a client with no server).
    pub alone: bool,
    /// Where to write the capture as a pcap file.
    pub pcap: Option<PathBuf>,
    /// The program's arguments, instead of the scenario's.
    pub args: Vec<String>,
}

/// The longest a traced run may take, whole.
const TRACE_DEADLINE: Duration = Duration::from_secs(120);
/// The most lines of a program's output shown.
const SHOWN_LINES: usize = 20;

/// `tp trace`: runs itself again in a network of its own, where the exchange is recorded.
pub fn command(root: &Path, request: &Request) -> Result<(), Error> {
    scenario::of(&request.name)?;
    if Network::current() == Network::Own {
        return traced(root, request);
    }
    own_networks().map_err(Error::NoOwnNetwork)?;
    let tp = std::env::current_exe().map_err(Error::doing("find tp itself"))?;
    let mut again = in_own_network(&tp);
    again.arg("trace").arg(&request.name);
    if request.reference {
        again.arg("--reference");
    }
    if request.alone {
        again.arg("--alone");
    }
    if let Some(pcap) = &request.pcap {
        let absolute =
            std::path::absolute(pcap).map_err(Error::doing(format!("find {}", pcap.display())))?;
        again.arg("--pcap").arg(absolute);
    }
    again.arg("--").args(&request.args);
    let ran = run_to_end(&mut again, b"", TRACE_DEADLINE)
        .map_err(Error::doing("run tp in a network of its own"))?;
    print!("{}", ran.stdout);
    match ran.status {
        Some(status) if status.success() => Ok(()),
        Some(_) => Err(Error::TraceFailed(
            ran.stderr
                .lines()
                .last()
                .unwrap_or("tp trace failed")
                .trim_start_matches("error: ")
                .to_string(),
        )),
        None => Err(Error::TraceDeadline(TRACE_DEADLINE.as_secs())),
    }
}

/// In the network of its own: runs the exchange, records it, and draws it.
fn traced(root: &Path, request: &Request) -> Result<(), Error> {
    let scenario = scenario::of(&request.name)?;
    loopback_up().map_err(Error::doing("bring up the loopback"))?;
    let quiet = |_: &str| {};
    let workspace = Workspace::prepare(root, Sandbox::choose(Mode::Off)?, &quiet)?;
    let folder = workspace.job_folder()?;
    let peer = scenario.peer.filter(|_| !request.alone);
    // The reference programs it runs, built the first time they are needed.
    let mut references: Vec<&str> = Vec::new();
    if request.reference {
        references.push(&request.name);
    }
    if let Some(Peer::Reference(name)) = peer {
        references.push(name);
    }
    workspace.ensure_references(&references, &quiet)?;
    let (program, whose) = if request.reference {
        (
            executable_at(&workspace.references.join(&request.name)),
            "the reference",
        )
    } else {
        let compiled = Submission::at(root)
            .program(&workspace, &request.name)
            .map_err(|errors| {
                eprintln!("{}", errors.to_string().trim_end());
                Error::DoesNotCompile(format!("exercises/{}.rs", request.name))
            })?;
        // A student's programs are one executable, which runs the one it is called by.
        let called = executable_at(&folder.path.join("programs").join(&request.name));
        link(&compiled, &called)?;
        (called, "yours")
    };
    let peer_path = match peer {
        Some(Peer::Reference(name)) => {
            Some((name, executable_at(&workspace.references.join(name))))
        }
        _ => None,
    };
    let cwd = folder.path.join("tmp");
    if scenario.pictures {
        copy_pictures(root, &cwd)?;
    }
    let args: Vec<String> = if request.args.is_empty() {
        scenario.args.iter().map(|a| a.to_string()).collect()
    } else {
        request.args.clone()
    };
    let mine = Run {
        name: &request.name,
        path: &program,
        args: &args,
        input: scenario.input,
    };
    let peer_args: Vec<String> = scenario.peer_args.iter().map(|a| a.to_string()).collect();
    let theirs = peer_path.as_ref().map(|(name, path)| Run {
        name,
        path,
        args: &peer_args,
        input: scenario.peer_input,
    });
    let (server, client) = if scenario.server {
        (Some(mine), theirs)
    } else {
        (theirs, Some(mine))
    };
    let capture = Capture::start()?;
    let mut outputs = Vec::new();
    let mut listening = match &server {
        Some(run) => Some(run.serve(&cwd, scenario.port)?),
        None => None,
    };
    let own_server = match peer {
        Some(Peer::ClosingLast) => Some(ClosingLast::start(scenario.port)?),
        _ => None,
    };
    if let Some(client) = &client {
        for _ in 0..scenario.runs {
            outputs.push((client.name.to_string(), client.run_to_end(&cwd)?));
        }
    }
    // The last packets (FIN, ACK) and the states they leave.
    std::thread::sleep(Duration::from_millis(300));
    // The server's port, and those the program uses itself (ex2_static_bind binds 62000).
    let ports: BTreeSet<u16> = std::iter::once(scenario.port)
        .chain(
            crate::programs::find(&request.name)
                .map_or(&[][..], |p| p.ports)
                .iter()
                .copied(),
        )
        .collect();
    // Written now, while their owners run: a row names its program, as ex2_netstat does.
    let sockets: Vec<(String, Option<std::net::SocketAddr>)> = netstat::sockets()
        .map_err(Error::doing("read the socket table"))?
        .into_iter()
        .filter(|row| ports.iter().any(|&port| row.uses_port(port)))
        .map(|row| {
            (
                row.to_string(),
                (row.state == "TIME_WAIT").then_some(row.local),
            )
        })
        .collect();
    if let (Some(mut process), Some(run)) = (listening.take(), &server) {
        process.stop();
        outputs.insert(0, (run.name.to_string(), printed(&process)));
    }
    drop(own_server);
    let started = capture.wall;
    let heard = capture.finish();
    let packets = wire::about(&heard, Duration::ZERO, &ports);
    let server_name = match (&server, peer) {
        (Some(run), _) => run.name,
        (None, Some(Peer::ClosingLast)) => "tp's server",
        (None, _) => "(no server)",
    }
    .to_string();
    let client_name = client.as_ref().map_or("client", |c| c.name).to_string();
    // Each side by its program's name: the server's port is the scenario's.
    let side = |address: std::net::SocketAddr| {
        if address.port() == scenario.port {
            server_name.clone()
        } else {
            client_name.clone()
        }
    };
    let conversation = Conversation::of(&packets, &side);
    let peer_text = match peer {
        Some(Peer::Reference(name)) => format!("with the reference {name}"),
        Some(Peer::ClosingLast) => {
            "with tp's own server, which waits for the client to close first".to_string()
        }
        None => "alone".to_string(),
    };
    println!("tp trace: {} ({whose}) {peer_text},", request.name);
    println!("in a network of its own");
    for (name, text) in &outputs {
        println!("\n{name} printed:");
        let lines: Vec<&str> = text.lines().collect();
        for line in lines.iter().take(SHOWN_LINES) {
            println!("  {}", shown(line));
        }
        if lines.len() > SHOWN_LINES {
            println!("  ... ({} more lines)", lines.len() - SHOWN_LINES);
        }
    }
    println!("\nWhat crossed the wire ({} packets):", packets.len());
    for line in conversation.terminal() {
        println!("{line}");
    }
    let fields = protocol_fields(&packets, &side);
    if !fields.is_empty() {
        println!("\nThe datagrams of PROTOCOL.md, field by field:");
        for line in fields.iter().take(SHOWN_DATAGRAMS) {
            println!("{line}");
        }
        if fields.len() > SHOWN_DATAGRAMS {
            println!("  ... ({} more)", fields.len() - SHOWN_DATAGRAMS);
        }
    }
    println!("\nThe sockets left behind (as ex2_netstat lists them):");
    if sockets.is_empty() {
        println!("  none on ports {}", join(&ports));
    }
    for (row, time_wait) in &sockets {
        println!("  {row}");
        if let Some(local) = time_wait {
            println!("    the side of {local} closed first: it holds the port in TIME_WAIT");
        }
    }
    if let Some(path) = &request.pcap {
        let frames: Vec<(Duration, Vec<u8>)> = heard;
        write(path, &wire::pcap::file(started, &frames))?;
        println!("\n{} packets written to {}", frames.len(), path.display());
    }
    Ok(())
}

/// The most datagrams of the image protocol listed field by field.
const SHOWN_DATAGRAMS: usize = 24;

/// A line per datagram of the image protocol over UDP among `packets`: its time from the first
/// packet, who sent it (`name`), and its fields.
fn protocol_fields(
    packets: &[(Duration, wire::Packet)],
    name: &dyn Fn(std::net::SocketAddr) -> String,
) -> Vec<String> {
    let start = packets.first().map_or(Duration::ZERO, |(at, _)| *at);
    packets
        .iter()
        .filter_map(|(at, packet)| {
            let wire::Transport::Udp { payload } = &packet.transport else {
                return None;
            };
            let fields = wire::image_datagram(payload)?;
            let ms = at.saturating_sub(start).as_secs_f64() * 1000.0;
            Some(format!("  {ms:9.3} ms  {}: {fields}", name(packet.from)))
        })
        .collect()
}
