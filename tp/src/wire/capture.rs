//! Recording the packets of a network of one's own (Linux): a packet socket per IP version, of
//! type SOCK_DGRAM (IP packets, no link header). A socket for one protocol hears the packets a
//! network receives, not those it sends: on the loopback, where each packet is sent then
//! received, it hears each one once.
//!
//! Capture needs CAP_NET_RAW over the network: a network of one's own (`unshare -rn`, or
//! `tp grade`'s sandbox) gives it to an ordinary user. The kit never records the machine's own
//! network: [`Capture::start`] is called only where the network is the program's own.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use tp_sockets::kit::lock;

/// The most packets, and bytes, a capture keeps (a program may send without end).
const MOST_PACKETS: usize = 100_000;
const MOST_BYTES: usize = 64 << 20;

/// A packet heard, with when (after the capture started).
pub type Heard = (Duration, Vec<u8>);

/// Why packets cannot be recorded here.
#[derive(Debug)]
pub enum CaptureError {
    /// Not on Linux.
    Unsupported,
    /// No right to record here (no network of one's own).
    NotPermitted(std::io::Error),
    /// The packet socket could not be made or read.
    Io(std::io::Error),
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Unsupported => {
                write!(f, "recording packets is done on Linux only")
            }
            CaptureError::NotPermitted(e) => write!(
                f,
                "recording packets needs a network of one's own (CAP_NET_RAW over it): {e}"
            ),
            CaptureError::Io(e) => write!(f, "cannot record packets: {e}"),
        }
    }
}

impl std::error::Error for CaptureError {}

/// A capture under way: its threads record until it is finished or dropped.
pub struct Capture {
    /// When it started (the packets' times count from there).
    pub started: Instant,
    /// The same moment by the wall clock (for the pcap file).
    pub wall: SystemTime,
    heard: Arc<Mutex<Vec<Heard>>>,
    /// Packets heard but not kept, past the bounds.
    pub dropped: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Capture {
    /// Starts recording every IPv4 and IPv6 packet of the current network.
    pub fn start() -> Result<Capture, CaptureError> {
        let sockets = open()?;
        let heard = Arc::new(Mutex::new(Vec::new()));
        let dropped = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let threads = sockets
            .into_iter()
            .map(|socket| {
                let (heard, dropped, stop) = (heard.clone(), dropped.clone(), stop.clone());
                std::thread::spawn(move || listen(&socket, started, &heard, &dropped, &stop))
            })
            .collect();
        Ok(Capture {
            started,
            wall: SystemTime::now(),
            heard,
            dropped,
            stop,
            threads,
        })
    }

    /// The packets heard so far, in time order.
    pub fn heard(&self) -> Vec<Heard> {
        let mut heard = lock(&self.heard).clone();
        heard.sort_by_key(|(at, _)| *at);
        heard
    }

    /// Stops recording (after a moment, for the packets under way) and returns every packet.
    pub fn finish(mut self) -> Vec<Heard> {
        std::thread::sleep(Duration::from_millis(100));
        self.stop_threads();
        self.heard()
    }

    fn stop_threads(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop_threads();
    }
}

/// Records from `socket` until `stop`.
fn listen(
    socket: &socket2::Socket,
    started: Instant,
    heard: &Mutex<Vec<Heard>>,
    dropped: &AtomicUsize,
    stop: &AtomicBool,
) {
    use std::io::Read;
    let mut buffer = vec![0u8; 65_536];
    let mut bytes = 0usize;
    while !stop.load(Ordering::Relaxed) {
        match (&*socket).read(&mut buffer) {
            Ok(n) => {
                let at = started.elapsed();
                let mut heard = lock(heard);
                if heard.len() < MOST_PACKETS && bytes + n <= MOST_BYTES {
                    bytes += n;
                    heard.push((at, buffer[..n].to_vec()));
                } else {
                    dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::Interrupted) => {}
            // The read timeout: look at `stop` again.
            Err(_) => {}
        }
    }
}

/// A packet socket for IPv4 and one for IPv6.
#[cfg(target_os = "linux")]
fn open() -> Result<Vec<socket2::Socket>, CaptureError> {
    use socket2::{Domain, Protocol, Socket, Type};
    const ETH_P_IP: u16 = 0x0800;
    const ETH_P_IPV6: u16 = 0x86dd;
    [ETH_P_IP, ETH_P_IPV6]
        .into_iter()
        .map(|ethertype| {
            let protocol = Protocol::from(i32::from(ethertype.to_be()));
            let socket = Socket::new(Domain::PACKET, Type::DGRAM, Some(protocol)).map_err(|e| {
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    CaptureError::NotPermitted(e)
                } else {
                    CaptureError::Io(e)
                }
            })?;
            socket
                .set_read_timeout(Some(Duration::from_millis(50)))
                .map_err(CaptureError::Io)?;
            Ok(socket)
        })
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn open() -> Result<Vec<socket2::Socket>, CaptureError> {
    Err(CaptureError::Unsupported)
}
