//! Opening sockets the way several programs do: by host name, and with the options servers share.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};

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

/// Resolves `host` (a name like `localhost`, or an IPv4 or IPv6 literal) with `port`.
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let addresses: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot find the address of `{host}`: {e}"))?
        .collect();
    if addresses.is_empty() {
        return Err(format!("`{host}` has no address"));
    }
    Ok(addresses)
}

/// Opens a TCP listener on `host`:`port` (port 0: the OS chooses), trying each address the
/// host name resolves to. `TcpListener::bind` does socket(), bind() and listen() in one call,
/// and sets SO_REUSEADDR on Linux and macOS (see [`allow_quick_restart`]).
pub fn listen(host: &str, port: u16) -> Result<TcpListener, String> {
    let mut last = String::new();
    for address in resolve(host, port)? {
        match TcpListener::bind(address) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = bind_error(address, &e),
        }
    }
    Err(last)
}

/// A UDP socket bound to `host`:`port` (port 0: the OS chooses), and the address it got.
pub fn bind_udp(host: &str, port: u16) -> Result<(std::net::UdpSocket, SocketAddr), String> {
    let address = resolve(host, port)?[0];
    let socket = std::net::UdpSocket::bind(address).map_err(|e| bind_error(address, &e))?;
    let address = socket
        .local_addr()
        .map_err(|e| format!("cannot read the local address: {e}"))?;
    Ok((socket, address))
}

/// Connects to `host`:`port`, trying each address the name resolves to in turn (`localhost`
/// may give `::1` and then `127.0.0.1`). On failure, explains the last error and names the
/// example (`server`) that should be listening.
pub fn connect(host: &str, port: u16, server: &str) -> Result<TcpStream, String> {
    let mut last = String::new();
    for address in resolve(host, port)? {
        match TcpStream::connect(address) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = connect_error(address, &e, server),
        }
    }
    Err(last)
}

/// The line every IPv6 program prints when this machine cannot do IPv6.
pub const NO_IPV6: &str = "IPv6 is not available on this machine (no ::1 loopback address); \
                           enable IPv6, or use the IPv4 programs of Exercises 1 to 4";

/// Whether `err`, from creating, binding or connecting an IPv6 socket, means this machine has
/// no usable IPv6: no `::1` on the loopback interface (EADDRNOTAVAIL), or no IPv6 in the kernel
/// at all (EAFNOSUPPORT: 97 on Linux, 47 on macOS, WSAEAFNOSUPPORT 10047 on Windows).
pub fn ipv6_missing(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::Unsupported
            | io::ErrorKind::NetworkUnreachable
    ) || matches!(err.raw_os_error(), Some(97 | 47 | 10047))
}

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
