//! Tool: a UDP relay that loses, duplicates and reorders datagrams on purpose.
//!
//! Put it between a UDP client and its server to see what the network may do to datagrams:
//! a naive transfer breaks, the kit's survives. The same seed gives the same decisions for the
//! same sequence of datagrams.
//!
//! Terminal 1: `cargo run --example proj_image_udp_server`
//! Terminal 2: `cargo run --example proj_lossy_proxy -- --drop 0.1 --duplicate 0.05 --reorder 0.05`
//! Terminal 3: `cargo run --example proj_image_udp_client -- --port 40676 car.png`

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use tp_sockets::kit::lock;
use tp_sockets::net::{finish, sock, udp};

/// Relay UDP datagrams between clients and a server, dropping, duplicating and reordering
/// some of them, in both directions.
#[derive(Parser)]
struct Args {
    /// The port clients send to
    #[arg(long, default_value_t = 40676)]
    listen: u16,
    /// The address clients send to
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The server datagrams are relayed to
    #[arg(long, default_value = "127.0.0.1:40675")]
    server: String,
    /// Probability that a datagram is dropped (0 to 1)
    #[arg(long, default_value_t = 0.0, value_parser = probability)]
    drop: f64,
    /// Probability that a datagram is sent twice
    #[arg(long, default_value_t = 0.0, value_parser = probability)]
    duplicate: f64,
    /// Probability that a datagram is held back and sent after the next one
    #[arg(long, default_value_t = 0.0, value_parser = probability)]
    reorder: f64,
    /// The random seed: the same seed makes the same decisions
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print one line per datagram dropped, duplicated or reordered
    #[arg(long)]
    verbose: bool,
    /// The most clients relayed at once (each has its own socket and thread towards the
    /// server, closed after 30 s of silence); past it, the client idle the longest is dropped
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    max_clients: u32,
}

fn probability(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("a probability, from 0 to 1 (e.g. 0.05)".to_string()),
    }
}

fn main() -> ExitCode {
    tp_sockets::kit::launcher::end_quietly_on_closed_output();
    finish(run(Arc::new(Args::parse())))
}

/// What happened to the datagrams of one direction.
#[derive(Default)]
struct Counts {
    relayed: AtomicU64,
    dropped: AtomicU64,
    duplicated: AtomicU64,
    reordered: AtomicU64,
}

impl Counts {
    fn line(&self) -> String {
        format!(
            "{} relayed, {} dropped, {} duplicated, {} reordered",
            self.relayed.load(Ordering::Relaxed),
            self.dropped.load(Ordering::Relaxed),
            self.duplicated.load(Ordering::Relaxed),
            self.reordered.load(Ordering::Relaxed)
        )
    }
}

/// The proxy's faults: a seeded generator (xorshift64*) and the counts.
struct Faults {
    args: Arc<Args>,
    rng: Mutex<u64>,
    to_server: Counts,
    to_client: Counts,
}

impl Faults {
    fn chance(&self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        let mut state = lock(&self.rng);
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        let draw = state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        (draw as f64 / (1u64 << 53) as f64) < p
    }
}

/// One direction of the relay: applies the faults, holds a datagram back to reorder it.
struct Direction<'a> {
    faults: &'a Faults,
    counts: &'a Counts,
    label: &'static str,
    held: Option<Vec<u8>>,
}

impl Direction<'_> {
    /// Relays `datagram` with `send`, or not, or twice, or later.
    fn relay(&mut self, datagram: &[u8], send: &dyn Fn(&[u8])) {
        let Faults { args, .. } = self.faults;
        if self.faults.chance(args.drop) {
            self.counts.dropped.fetch_add(1, Ordering::Relaxed);
            self.say("dropped", datagram.len());
            return;
        }
        if self.held.is_none() && self.faults.chance(args.reorder) {
            self.counts.reordered.fetch_add(1, Ordering::Relaxed);
            self.say("held back, to be sent after the next one", datagram.len());
            self.held = Some(datagram.to_vec());
            return;
        }
        send(datagram);
        self.counts.relayed.fetch_add(1, Ordering::Relaxed);
        if self.faults.chance(args.duplicate) {
            send(datagram);
            self.counts.duplicated.fetch_add(1, Ordering::Relaxed);
            self.say("duplicated", datagram.len());
        }
        self.flush(send);
    }

    /// Sends the datagram held back, if any.
    fn flush(&mut self, send: &dyn Fn(&[u8])) {
        if let Some(held) = self.held.take() {
            send(&held);
            self.counts.relayed.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn say(&self, what: &str, bytes: usize) {
        if self.faults.args.verbose {
            println!("{}: a datagram of {bytes} bytes {what}", self.label);
        }
    }
}

fn run(args: Arc<Args>) -> Result<(), String> {
    let server = match args.server.rsplit_once(':') {
        Some((host, port)) => {
            let port = port
                .parse()
                .map_err(|_| format!("--server {}: the port is not a number", args.server))?;
            sock::resolve(host.trim_start_matches('[').trim_end_matches(']'), port)?[0]
        }
        None => return Err(format!("--server {}: expected HOST:PORT", args.server)),
    };
    let (clients_side, address) = sock::bind_udp(&args.host, args.listen)?;
    large_buffers(&clients_side);
    println!(
        "receiving on {address}, relaying to {server}: drop {}, duplicate {}, reorder {}, seed {}",
        args.drop, args.duplicate, args.reorder, args.seed
    );
    let faults = Arc::new(Faults {
        rng: Mutex::new(args.seed.max(1)),
        args: Arc::clone(&args),
        to_server: Counts::default(),
        to_client: Counts::default(),
    });
    let clients_side = Arc::new(clients_side);

    // Every second, what was done so far (when something changed).
    let reporter = Arc::clone(&faults);
    thread::spawn(move || {
        let mut last = String::new();
        loop {
            thread::sleep(Duration::from_secs(1));
            let line = format!(
                "to server: {} | to clients: {}",
                reporter.to_server.line(),
                reporter.to_client.line()
            );
            if line != last {
                println!("{line}");
                last = line;
            }
        }
    });

    // One socket towards the server per client, so that the server's answers come back to it.
    let upstreams: Arc<Mutex<Upstreams>> = Arc::default();
    let mut to_server = Direction {
        faults: &faults,
        counts: &faults.to_server,
        label: "to server",
        held: None,
    };
    let mut last_upstream: Option<Arc<UdpSocket>> = None;
    let mut buffer = vec![0u8; 65536];
    clients_side
        .set_read_timeout(Some(Duration::from_millis(10)))
        .map_err(|e| format!("cannot set a timeout: {e}"))?;
    loop {
        let (n, client) = match clients_side.recv_from(&mut buffer) {
            Ok(datagram) => datagram,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                // Nothing came: a datagram held back goes now.
                if let Some(upstream) = &last_upstream {
                    to_server.flush(&|d| {
                        let _ = upstream.send(d);
                    });
                }
                continue;
            }
            Err(_) => continue, // e.g. Windows' report of an unreachable client
        };
        let upstream = match upstream_for(client, server, &upstreams, &clients_side, &faults) {
            Ok(upstream) => upstream,
            Err(e) => {
                eprintln!("{client}: cannot open a socket towards {server}: {e}");
                continue;
            }
        };
        to_server.relay(&buffer[..n], &|d| {
            let _ = upstream.send(d);
        });
        last_upstream = Some(upstream);
    }
}

/// Asks for 8 MiB socket buffers (the OS may grant less): a relay that drops datagrams because
/// its own buffers are full would add loss nobody asked for.
fn large_buffers(socket: &UdpSocket) {
    let socket = socket2::SockRef::from(socket);
    let _ = socket.set_recv_buffer_size(8 << 20);
    let _ = socket.set_send_buffer_size(8 << 20);
}

/// A client's way to the server: its socket, when it was last heard from (either side), and
/// the flag that stops its relaying thread.
struct Upstream {
    socket: Arc<UdpSocket>,
    last: Arc<Mutex<Instant>>,
    stop: Arc<AtomicBool>,
}

type Upstreams = HashMap<SocketAddr, Upstream>;

/// Notes that `last`'s client was just heard from.
fn heard(last: &Mutex<Instant>) {
    *lock(last) = Instant::now();
}

/// The socket that relays `client`'s datagrams to the server, made (with its thread relaying
/// the answers back) on the client's first datagram, and closed after 30 s of silence. With
/// `--max-clients` clients already, the one idle the longest is dropped to make room.
fn upstream_for(
    client: SocketAddr,
    server: SocketAddr,
    upstreams: &Arc<Mutex<Upstreams>>,
    clients_side: &Arc<UdpSocket>,
    faults: &Arc<Faults>,
) -> std::io::Result<Arc<UdpSocket>> {
    let mut map = lock(upstreams);
    if let Some(upstream) = map.get(&client) {
        heard(&upstream.last);
        return Ok(Arc::clone(&upstream.socket));
    }
    if map.len() >= faults.args.max_clients as usize {
        let oldest = map
            .iter()
            .min_by_key(|(_, u)| *lock(&u.last))
            .map(|(address, _)| *address);
        if let Some(evicted) = oldest.and_then(|address| map.remove_entry(&address)) {
            evicted.1.stop.store(true, Ordering::Relaxed);
            println!(
                "{} clients already: dropped {}, idle the longest, to make room for {client}",
                faults.args.max_clients, evicted.0
            );
        }
    }
    let socket = udp::socket_for(server)?;
    socket.connect(server)?;
    large_buffers(&socket);
    socket.set_read_timeout(Some(Duration::from_millis(10)))?;
    let upstream = Upstream {
        socket: Arc::new(socket),
        last: Arc::new(Mutex::new(Instant::now())),
        stop: Arc::new(AtomicBool::new(false)),
    };
    let (back, last, stop) = (
        Arc::clone(&upstream.socket),
        Arc::clone(&upstream.last),
        Arc::clone(&upstream.stop),
    );
    let result = Arc::clone(&upstream.socket);
    map.insert(client, upstream);
    let (clients_side, faults, upstreams) = (
        Arc::clone(clients_side),
        Arc::clone(faults),
        Arc::clone(upstreams),
    );
    thread::spawn(move || {
        let mut to_client = Direction {
            faults: &faults,
            counts: &faults.to_client,
            label: "to client",
            held: None,
        };
        let send = |d: &[u8]| {
            let _ = clients_side.send_to(d, client);
        };
        let mut buffer = vec![0u8; 65536];
        let silent = || lock(&last).elapsed();
        while !stop.load(Ordering::Relaxed) && silent() < Duration::from_secs(30) {
            match back.recv(&mut buffer) {
                Ok(n) => {
                    heard(&last);
                    to_client.relay(&buffer[..n], &send);
                }
                Err(_) => to_client.flush(&send),
            }
        }
        let mut map = lock(&upstreams);
        if map
            .get(&client)
            .is_some_and(|u| Arc::ptr_eq(&u.socket, &back))
        {
            map.remove(&client);
        }
    });
    Ok(result)
}
