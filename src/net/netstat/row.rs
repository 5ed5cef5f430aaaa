//! One row of the socket table, as netstat shows it.

use std::fmt;
use std::net::SocketAddr;

/// One socket of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketRow {
    /// `tcp`, `tcp6`, `udp` or `udp6`, as netstat writes them.
    pub proto: &'static str,
    /// The socket's own address and port.
    pub local: SocketAddr,
    /// The other end of a TCP connection; `None` for a listening TCP socket or a UDP socket.
    pub remote: Option<SocketAddr>,
    /// The TCP state (`LISTEN`, `ESTABLISHED`, `TIME_WAIT`, ...); empty for UDP.
    pub state: &'static str,
    /// The processes that own the socket, when the OS says.
    pub pids: Vec<u32>,
}

impl SocketRow {
    /// The processes that own the socket, as `PID/name` (the name where the OS tells it), or
    /// `None` when the OS does not say (a socket in TIME_WAIT belongs to no process).
    pub fn owners(&self) -> Option<String> {
        if self.pids.is_empty() {
            return None;
        }
        let named: Vec<String> = self
            .pids
            .iter()
            .map(|&pid| match process_name(pid) {
                Some(name) => format!("{pid}/{name}"),
                None => pid.to_string(),
            })
            .collect();
        Some(named.join(","))
    }

    /// Whether the socket's local or remote port is `port`.
    pub fn uses_port(&self, port: u16) -> bool {
        self.local.port() == port || self.remote.is_some_and(|r| r.port() == port)
    }
}

/// The name of process `pid`, where the OS lets any program read it (Linux: /proc/PID/comm),
/// escaped for a terminal: any user may rename a process of theirs, control characters
/// included (`ESC ] 0 ;` retitles a terminal, `ESC [ 2 J` clears it).
pub fn process_name(pid: u32) -> Option<String> {
    let name = std::fs::read(format!("/proc/{pid}/comm")).ok()?;
    Some(crate::net::shown(name.strip_suffix(b"\n").unwrap_or(&name)))
}

/// An address as netstat writes it, with `*:*` for "no remote end".
struct Shown(Option<SocketAddr>);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(address) => f.pad(&address.to_string()),
            None => f.pad("*:*"),
        }
    }
}

/// The table's header line. The columns fit the lab's addresses (`127.0.0.1:60000`,
/// `[::1]:60000`) in 80 columns; a longer address pushes its row to the right.
pub const HEADER: &str = "Proto Local address     Remote address    State       Process";

impl fmt::Display for SocketRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let process = self.owners().unwrap_or_else(|| "-".to_string());
        write!(
            f,
            "{:<5} {:<17} {:<17} {:<11} {}",
            self.proto,
            Shown(Some(self.local)),
            Shown(self.remote),
            self.state,
            process
        )
    }
}
