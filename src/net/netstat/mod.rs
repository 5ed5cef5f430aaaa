//! The socket table, as `netstat` shows it: what ex2_netstat prints, and what tests look at.
//!
//! The rows come from the kernel: its tables in /proc/net/ on Linux (`linux`), and through
//! the `netstat2` crate on macOS (libproc) and Windows (iphlpapi, GetExtendedTcpTable)
//! (`kernel_tables`). Sockets in TIME_WAIT belong to no process any more, so they have no PID;
//! seeing other users' processes needs root on Linux, an administrator prompt on Windows.

#[cfg(any(target_os = "macos", windows))]
mod kernel_tables;
#[cfg(target_os = "linux")]
mod linux;
mod row;

pub use row::{HEADER, SocketRow, process_name};

#[cfg(any(target_os = "macos", windows))]
pub use kernel_tables::sockets;
#[cfg(target_os = "linux")]
pub use linux::sockets;

/// Every TCP and UDP socket of this machine: known on Linux, macOS and Windows only.
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
pub fn sockets() -> std::io::Result<Vec<SocketRow>> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "the kit reads the socket table on Linux, macOS and Windows only; use `netstat -an`",
    ))
}

/// The time of day in UTC, `HH:MM:SS UTC`, for `--watch` (the standard library knows no time
/// zone).
pub fn utc_clock() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (h, m, s) = (seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    format!("{h:02}:{m:02}:{s:02} UTC")
}
