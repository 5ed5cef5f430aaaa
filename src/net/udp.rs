//! One question, one answer over UDP, with a deadline: what the project's UDP clients do.

use std::io::{self, ErrorKind};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use crate::net::io::is_timeout;

/// A UDP socket on an OS-chosen port, of the same address family as `server`.
pub fn socket_for(server: SocketAddr) -> io::Result<UdpSocket> {
    let any: SocketAddr = if server.is_ipv6() {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    };
    UdpSocket::bind(any)
}

/// Waits until `deadline` for a datagram from `server` (others are ignored) into `buffer`.
/// `Ok(None)` means nothing came in time; on Windows an ICMP "port unreachable" shows up as
/// ConnectionReset, which means the same thing here: no answer. A wait cut short by a signal
/// (EINTR, say Ctrl-C while its handler runs) is simply waited again.
pub fn receive_from(
    socket: &UdpSocket,
    server: SocketAddr,
    buffer: &mut [u8],
    deadline: Instant,
) -> io::Result<Option<usize>> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        socket.set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
        match socket.recv_from(buffer) {
            Ok((n, from)) if from == server => return Ok(Some(n)),
            Ok(_) => {}
            Err(e) if is_timeout(&e) || e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Ok(None),
            Err(e) => return Err(e),
        }
    }
}

/// The line for a UDP request that got no answer.
pub fn no_answer(server: SocketAddr, timeout: Duration, start_hint: &str) -> String {
    format!(
        "no answer from {server} within {} s: UDP has no connection, so nothing tells the \
         client whether a server is there or a datagram was lost; check that the server runs \
         ({start_hint}) and the port is the same",
        timeout.as_secs_f64()
    )
}
