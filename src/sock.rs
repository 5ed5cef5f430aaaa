//! Socket options the servers share.

use std::io;

use socket2::Socket;

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
