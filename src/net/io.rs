//! What an I/O error means for a program of the lab, whatever the OS calls it: a wait that
//! ran out of time, a peer that left, a machine without IPv6. One place, so that every program
//! and helper reads them the same way.

use std::io;

/// Whether `err` is a read or a wait that ran out of time: WouldBlock on Linux and macOS (a
/// socket's SO_RCVTIMEO), TimedOut on Windows and for a deadline of the kit's own.
pub fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Whether `err` means the other side closed or reset the connection.
pub fn is_peer_gone(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::UnexpectedEof
    )
}

/// The OS's error number for "address family not supported": EAFNOSUPPORT (97 on Linux, 47 on
/// macOS), WSAEAFNOSUPPORT (10047) on Windows.
#[cfg(unix)]
const NO_SUCH_FAMILY: i32 = libc::EAFNOSUPPORT;
#[cfg(windows)]
const NO_SUCH_FAMILY: i32 = 10047;
#[cfg(not(any(unix, windows)))]
const NO_SUCH_FAMILY: i32 = -1;

/// Whether `err`, from creating, binding or connecting an IPv6 socket, means this machine has
/// no usable IPv6: no `::1` on the loopback interface (EADDRNOTAVAIL), or no IPv6 in the kernel
/// at all (the family is not supported).
pub fn ipv6_missing(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::Unsupported
            | io::ErrorKind::NetworkUnreachable
    ) || err.raw_os_error() == Some(NO_SUCH_FAMILY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_read_as_what_it_means() {
        for kind in [io::ErrorKind::WouldBlock, io::ErrorKind::TimedOut] {
            assert!(is_timeout(&kind.into()) && !is_peer_gone(&kind.into()));
        }
        for kind in [io::ErrorKind::BrokenPipe, io::ErrorKind::ConnectionReset] {
            assert!(is_peer_gone(&kind.into()) && !is_timeout(&kind.into()));
        }
        assert!(ipv6_missing(&io::ErrorKind::AddrNotAvailable.into()));
        assert!(!ipv6_missing(&io::ErrorKind::ConnectionRefused.into()));
    }
}
