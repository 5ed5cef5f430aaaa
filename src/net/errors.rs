//! One line per failure: what happened and what to try.
//!
//! Every program reports a failure the user can cause (no server, port taken, bad input, timeout)
//! as a single line on stderr and exit code 1, never as a panic. The functions here write that
//! line for the socket errors every exercise meets; the program adds which address it was using.

use std::fmt::Display;
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use crate::net::io::is_timeout;
use crate::net::netstat::SocketRow;

/// How long a client of Exercises 1 to 5 waits for the server's reply before it gives up.
/// On this machine or a lab network a server answers in milliseconds; a server that accepted
/// the connection and says nothing for this long is stuck, or not a server of this exercise.
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// Ends a program: `Ok` exits 0; `Err(message)` prints `error: message` on stderr and exits 1.
/// The program's edge: an error becomes text here, and only here.
pub fn finish(result: Result<(), impl Display>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Explains why `connect()` to `address` failed.
///
/// `server` is the example that should be listening there (`ex1_tcp_server`), named in the hint.
/// "Connection refused" (ECONNREFUSED, WSAECONNREFUSED on Windows) means the machine answered but
/// no socket listens on that port: the usual cause is a server that was not started yet.
pub fn connect_error(address: impl Display, err: &io::Error, server: &str) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => format!(
            "cannot connect to {address}: nothing is listening there (connection refused); \
             start the server first, in another terminal: cargo run --example {server}"
        ),
        _ if is_timeout(err) => format!(
            "cannot connect to {address}: no answer in time; check the address and port, \
             and that the server is running: cargo run --example {server}"
        ),
        io::ErrorKind::AddrNotAvailable | io::ErrorKind::HostUnreachable => format!(
            "cannot connect to {address}: this address cannot be reached from here; \
             check the address (127.0.0.1 is this machine)"
        ),
        _ => format!("cannot connect to {address}: {err}"),
    }
}

/// Who holds the port of `address`, in words, from the socket table: a program listening (or
/// receiving, for UDP) there, or connections waiting in TIME_WAIT, and what to do about it.
pub fn who_holds(address: SocketAddr) -> String {
    let port = address.port();
    let rows = crate::net::netstat::sockets().unwrap_or_default();
    let mine = |r: &&SocketRow| r.local.port() == port;
    if let Some(owner) = rows
        .iter()
        .filter(mine)
        .find(|r| matches!(r.state, "LISTEN" | ""))
    {
        let who = owner.owners().map_or_else(
            || "another program".to_string(),
            |o| format!("the program {o}"),
        );
        return format!(
            "port {port} is already in use: {who} listens there; stop it, or choose another port"
        );
    }
    let waiting = rows
        .iter()
        .filter(mine)
        .filter(|r| r.state == "TIME_WAIT")
        .count();
    if waiting > 0 {
        return format!(
            "port {port} is still held by {waiting} connection(s) in TIME_WAIT: the side that \
             closes first keeps its end for a while (60 s on Linux, about 30 s on macOS), and a \
             new bind() must wait unless the old and the new socket both set SO_REUSEADDR; wait, \
             or choose another port"
        );
    }
    format!(
        "port {port} is already in use (is another server still running?); stop that program, \
         or choose another port"
    )
}

/// Explains why the exchange with `server` failed after the connection was made: no reply
/// within [`REPLY_TIMEOUT`] (a read timeout shows up as WouldBlock on Linux and macOS, TimedOut
/// on Windows), or a connection that was lost.
pub fn exchange_error(server: impl Display, err: &io::Error) -> String {
    match err.kind() {
        _ if is_timeout(err) => format!(
            "{server} accepted the connection but never answered (no reply within {} s); check \
             that it is the server of this exercise, and that it is not stuck",
            REPLY_TIMEOUT.as_secs()
        ),
        _ => format!("lost the connection with {server}: {err}"),
    }
}

/// Explains why `bind()` to `address` failed.
///
/// - "Address in use" (EADDRINUSE, WSAEADDRINUSE): another socket holds that port. The socket
///   table tells which ([`who_holds`]): a program listening there (named, with its PID, where the
///   OS tells), or connections of a finished program still in TIME_WAIT (on Linux they block a
///   new bind() unless both sockets set SO_REUSEADDR; on macOS the new socket's option is
///   enough; on Windows TIME_WAIT does not block bind()).
/// - "Permission denied" (EACCES): on Linux, ports below 1024 need administrator rights
///   (root or CAP_NET_BIND_SERVICE); macOS (since 10.14) and Windows have no such rule.
/// - "Address not available" (EADDRNOTAVAIL): the IP address is not one of this machine's.
pub fn bind_error(address: SocketAddr, err: &io::Error) -> String {
    let port = address.port();
    match err.kind() {
        io::ErrorKind::AddrInUse => {
            format!("cannot listen on {address}: {}", who_holds(address))
        }
        io::ErrorKind::PermissionDenied if port < 1024 => format!(
            "cannot listen on {address}: port {port} is below 1024 and needs administrator \
             rights; choose a port from 1024 to 65535"
        ),
        io::ErrorKind::AddrNotAvailable => format!(
            "cannot listen on {address}: {} is not an address of this machine; use 127.0.0.1",
            address.ip()
        ),
        _ => format!("cannot listen on {address}: {err}"),
    }
}

/// Explains why a client could not bind its fixed port `local` (Exercise 2, step 6): the
/// previous connection from that port waits in TIME_WAIT, because this side closed first. With
/// `reuse` (SO_REUSEADDR set on this socket), it says why that was not enough.
pub fn time_wait_error(local: SocketAddr, reuse: bool) -> String {
    let port = local.port();
    let why = format!(
        "port {port} is still held by the previous connection from this port, which waits in \
         TIME_WAIT because this side closed first (2 x MSL: 60 s on Linux, 30 s on macOS, \
         120 s on Windows)"
    );
    if reuse {
        format!(
            "cannot bind {local}: {why}; SO_REUSEADDR does not help when the previous run did \
             not set it too: wait, or let the OS choose the port (no bind)"
        )
    } else {
        format!(
            "cannot bind {local}: {why}; wait, let the OS choose the port (no bind), or run \
             every time with --reuse"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn refused_connection_names_the_address_and_the_server_to_start() {
        let err = io::Error::from(io::ErrorKind::ConnectionRefused);
        let line = connect_error("127.0.0.1:60000", &err, "ex1_tcp_server");
        assert!(line.contains("127.0.0.1:60000"), "{line}");
        assert!(line.contains("start the server first"), "{line}");
        assert!(
            line.contains("cargo run --example ex1_tcp_server"),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn a_silent_server_and_a_lost_connection_are_told_apart() {
        for kind in [io::ErrorKind::WouldBlock, io::ErrorKind::TimedOut] {
            let line = exchange_error("127.0.0.1:60000", &io::Error::from(kind));
            assert!(
                line.contains("accepted the connection but never answered (no reply within 5 s)")
            );
        }
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        let line = exchange_error("127.0.0.1:60000", &reset);
        assert!(
            line.starts_with("lost the connection with 127.0.0.1:60000"),
            "{line}"
        );
    }

    /// The socket table says who holds a port: here, this test's own listener.
    #[test]
    fn port_in_use_names_the_port_and_the_program_listening_there() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let err = io::Error::from(io::ErrorKind::AddrInUse);
        let line = bind_error(address, &err);
        let port = address.port();
        assert!(
            line.contains(&format!("port {port} is already in use")),
            "{line}"
        );
        if cfg!(target_os = "linux") {
            let me = format!("{}/", std::process::id());
            assert!(line.contains(&me), "{line}");
        }
        assert!(!line.contains('\n'));
        drop(listener);
        let line = bind_error(address, &err);
        assert!(line.contains("is another server still running?"), "{line}");
    }

    #[test]
    fn permission_denied_below_1024_explains_the_rule() {
        let err = io::Error::from(io::ErrorKind::PermissionDenied);
        let line = bind_error(addr("127.0.0.1:80"), &err);
        assert!(line.contains("below 1024"), "{line}");
        assert!(line.contains("administrator"), "{line}");
    }
}
