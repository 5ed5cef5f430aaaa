//! Opening sockets the way several programs do: by host name, and with the options servers share.

use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};

use socket2::Socket;

use crate::net::errors::{bind_error, connect_error};

/// Lets a server bind its port again right after a previous run, while that run's last
/// connections still wait in TIME_WAIT.
///
/// On Linux and macOS this sets SO_REUSEADDR, as `std::net::TcpListener::bind` does: without it,
/// restarting a server within a minute or two of its last connection fails with "address in use".
/// Two *listening* sockets still cannot share a port, so a port held by a running server stays
/// taken. On Windows it does nothing: TIME_WAIT does not block `bind()` there, and Windows'
/// SO_REUSEADDR would let another program take over a port that is in use.
pub fn allow_quick_restart(socket: &Socket) -> io::Result<()> {
    if cfg!(windows) {
        Ok(())
    } else {
        socket.set_reuse_address(true)
    }
}

/// A socket that could not be opened: what was tried, and the OS's error, whose kind says what
/// happened (AddrInUse, PermissionDenied, ConnectionRefused...). It shows as the one line a
/// program prints for it; at a program's edge, `?` in a function whose errors are `String`s
/// turns it into that line.
#[derive(Debug)]
pub struct SocketError {
    /// What was tried.
    pub tried: Tried,
    /// What the OS answered.
    pub error: io::Error,
}

/// What a [`SocketError`] was trying to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tried {
    /// Finding the addresses of this host name.
    Resolve(String),
    /// Binding this address (and listening, for TCP).
    Bind(SocketAddr),
    /// Connecting to this address, where this example of the kit should be listening.
    Connect(SocketAddr, &'static str),
    /// Reading the address the OS gave a socket.
    Inspect,
}

impl SocketError {
    /// The kind of the OS's error.
    pub fn kind(&self) -> io::ErrorKind {
        self.error.kind()
    }
}

impl fmt::Display for SocketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.tried {
            Tried::Resolve(host) => {
                write!(f, "cannot find the address of `{host}`: {}", self.error)
            }
            Tried::Bind(address) => f.write_str(&bind_error(*address, &self.error)),
            Tried::Connect(address, server) => {
                f.write_str(&connect_error(address, &self.error, server))
            }
            Tried::Inspect => write!(f, "cannot read the socket's address: {}", self.error),
        }
    }
}

impl std::error::Error for SocketError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Resolves `host` (a name like `localhost`, or an IPv4 or IPv6 literal) with `port`.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, SocketError> {
    let failed = |error| SocketError {
        tried: Tried::Resolve(host.to_string()),
        error,
    };
    let addresses: Vec<SocketAddr> = (host, port).to_socket_addrs().map_err(failed)?.collect();
    if addresses.is_empty() {
        return Err(failed(io::Error::new(
            io::ErrorKind::NotFound,
            "no address",
        )));
    }
    Ok(addresses)
}

/// Tries `open` on each address `host`:`port` resolves to (`localhost` may give `::1` and then
/// `127.0.0.1`), until one works; the last failure otherwise.
fn first_that_works<T>(
    host: &str,
    port: u16,
    tried: impl Fn(SocketAddr) -> Tried,
    open: impl Fn(SocketAddr) -> io::Result<T>,
) -> Result<T, SocketError> {
    let mut last = None;
    for address in resolve(host, port)? {
        match open(address) {
            Ok(opened) => return Ok(opened),
            Err(error) => {
                last = Some(SocketError {
                    tried: tried(address),
                    error,
                })
            }
        }
    }
    Err(last.unwrap_or_else(|| unreachable!("resolve gives at least one address")))
}

/// The address the OS gave `listener` (its port, when it was asked for port 0).
pub fn local_address(listener: &TcpListener) -> Result<SocketAddr, SocketError> {
    listener.local_addr().map_err(|error| SocketError {
        tried: Tried::Inspect,
        error,
    })
}

/// Opens a TCP listener on `host`:`port` (port 0: the OS chooses). `TcpListener::bind` does
/// socket(), bind() and listen() in one call, and sets SO_REUSEADDR on Linux and macOS (see
/// [`allow_quick_restart`]).
pub fn bind_and_listen(host: &str, port: u16) -> Result<TcpListener, SocketError> {
    first_that_works(host, port, Tried::Bind, TcpListener::bind)
}

/// A UDP socket bound to `host`:`port` (port 0: the OS chooses), and the address it got.
pub fn bind_udp(host: &str, port: u16) -> Result<(UdpSocket, SocketAddr), SocketError> {
    first_that_works(host, port, Tried::Bind, |address| {
        let socket = UdpSocket::bind(address)?;
        let local = socket.local_addr()?;
        Ok((socket, local))
    })
}

/// Connects to `host`:`port`; on failure, the error names the example of the kit (`server`)
/// that should be listening there.
pub fn resolve_and_connect(
    host: &str,
    port: u16,
    server: &'static str,
) -> Result<TcpStream, SocketError> {
    first_that_works(
        host,
        port,
        |address| Tried::Connect(address, server),
        TcpStream::connect,
    )
}

/// The line every IPv6 program prints when this machine cannot do IPv6.
pub const NO_IPV6: &str = "IPv6 is not available on this machine (no ::1 loopback address); \
                           enable IPv6, or use the IPv4 programs of Exercises 1 to 4";

/// Says where a server waits for clients: `listening on <address>` (TCP) or `receiving on
/// <address>` (UDP, which has no listen()), flushed at once (tests and people wait for it).
/// On 0.0.0.0 (every address of the machine, a lab room), it also lists the addresses students
/// type to reach it.
pub fn announce(what: &str, address: SocketAddr) {
    println!("{what} {address}");
    if address.ip().is_unspecified() {
        for ip in machine_addresses() {
            println!(
                "students connect with: --host {ip} --port {}",
                address.port()
            );
        }
    }
    let _ = std::io::Write::flush(&mut std::io::stdout());
}

/// The IPv4 addresses of this machine's network interfaces, loopback last: what students in
/// a lab room type to reach a server that listens on 0.0.0.0.
pub fn machine_addresses() -> Vec<std::net::IpAddr> {
    let mut addresses: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .map(|interfaces| interfaces.into_iter().map(|i| i.ip()).collect())
        .unwrap_or_default();
    addresses.retain(|ip| ip.is_ipv4());
    addresses.sort_by_key(|ip| (ip.is_loopback(), *ip));
    addresses.dedup();
    addresses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_addresses_end_with_loopback() {
        let addresses = machine_addresses();
        assert!(addresses.iter().all(|ip| ip.is_ipv4()));
        if let Some(last) = addresses.last() {
            assert!(last.is_loopback(), "{addresses:?}");
            assert!(addresses.iter().filter(|ip| ip.is_loopback()).count() >= 1);
        }
    }
}
