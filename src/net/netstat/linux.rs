//! The socket table on Linux, read where `netstat` and `ss` read it: the kernel's text tables
//! `/proc/net/tcp`, `tcp6`, `udp` and `udp6` (those of the reader's network namespace), and
//! each process's open files in `/proc/PID/fd/`, which name a socket `socket:[INODE]`.

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::row::SocketRow;

/// Every TCP and UDP socket of this network namespace, IPv4 and IPv6.
pub fn sockets() -> io::Result<Vec<SocketRow>> {
    let owners = owners_by_inode();
    let mut rows = Vec::new();
    for proto in ["tcp", "tcp6", "udp", "udp6"] {
        let table = match std::fs::read_to_string(format!("/proc/net/{proto}")) {
            Ok(table) => table,
            // A kernel without IPv6 has no tcp6 or udp6 table: no IPv6 socket, then.
            Err(e) if e.kind() == io::ErrorKind::NotFound && proto.ends_with('6') => continue,
            Err(e) => return Err(e),
        };
        for line in table.lines().skip(1) {
            let row = parse_line(proto, line).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("/proc/net/{proto}: unexpected line {line:?}"),
                )
            })?;
            let pids = owners.get(&row.1).cloned().unwrap_or_default();
            rows.push(SocketRow { pids, ..row.0 });
        }
    }
    Ok(rows)
}

/// One line of a table (`  0: 0100007F:EA60 00000000:0000 0A ... 12345 ...`): the socket,
/// without owners, and its inode (0 for a socket that belongs to no process, as in TIME_WAIT).
fn parse_line(proto: &'static str, line: &str) -> Option<(SocketRow, u64)> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let local = address(fields.get(1)?)?;
    let remote = address(fields.get(2)?)?;
    let state = u8::from_str_radix(fields.get(3)?, 16).ok()?;
    let inode = fields.get(9)?.parse().ok()?;
    let tcp = proto.starts_with("tcp");
    let state = if tcp { state_name(state) } else { "" };
    let row = SocketRow {
        proto,
        local,
        // A listening socket and a UDP socket have no other end (the table shows zeros).
        remote: (tcp && state != "LISTEN").then_some(remote),
        state,
        pids: Vec::new(),
    };
    Some((row, inode))
}

/// `0100007F:EA60` or the IPv6 form (32 hex digits): the address is the kernel's bytes in
/// network order, printed as 32-bit words in this machine's own order; the port is plain hex.
fn address(text: &str) -> Option<SocketAddr> {
    let (ip, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let mut bytes = Vec::with_capacity(16);
    for word in 0..ip.len() / 8 {
        let value = u32::from_str_radix(ip.get(word * 8..word * 8 + 8)?, 16).ok()?;
        bytes.extend_from_slice(&value.to_ne_bytes());
    }
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// The TCP state numbers of the kernel (include/net/tcp_states.h), named as netstat does.
fn state_name(state: u8) -> &'static str {
    match state {
        1 => "ESTABLISHED",
        2 => "SYN_SENT",
        3 => "SYN_RECEIVED",
        4 => "FIN_WAIT_1",
        5 => "FIN_WAIT_2",
        6 => "TIME_WAIT",
        7 => "CLOSED",
        8 => "CLOSE_WAIT",
        9 => "LAST_ACK",
        10 => "LISTEN",
        11 => "CLOSING",
        _ => "UNKNOWN",
    }
}

/// Which processes hold each socket, by inode: the `socket:[INODE]` links among their open
/// files. Only the processes this user may look into are seen (all of them for root), as with
/// `netstat -p`.
fn owners_by_inode() -> BTreeMap<u64, Vec<u32>> {
    let mut owners: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return owners;
    };
    for process in processes.flatten() {
        let Some(pid) = process.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(files) = std::fs::read_dir(process.path().join("fd")) else {
            continue;
        };
        for file in files.flatten() {
            let Ok(target) = std::fs::read_link(file.path()) else {
                continue;
            };
            let inode = target
                .to_str()
                .and_then(|t| t.strip_prefix("socket:["))
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse().ok());
            if let Some(inode) = inode {
                let pids = owners.entry(inode).or_default();
                if !pids.contains(&pid) {
                    pids.push(pid);
                }
            }
        }
    }
    owners
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kernels_lines_are_read_as_netstat_shows_them() {
        let word = |bytes: [u8; 4]| format!("{:08X}", u32::from_ne_bytes(bytes));
        let lo = word([127, 0, 0, 1]);
        let line = format!(
            "   0: {lo}:EA60 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 4242 1"
        );
        let (row, inode) = parse_line("tcp", &line).unwrap();
        assert_eq!(row.local, "127.0.0.1:60000".parse().unwrap());
        assert_eq!((row.remote, row.state, inode), (None, "LISTEN", 4242));

        let line = format!("   1: {lo}:F230 {lo}:EA60 06 0:0 0:0 0 0 0 0 0");
        let (row, inode) = parse_line("tcp", &line).unwrap();
        assert_eq!(row.remote, Some("127.0.0.1:60000".parse().unwrap()));
        assert_eq!(
            (row.local.port(), row.state, inode),
            (62000, "TIME_WAIT", 0)
        );

        let one = word([0, 0, 0, 1]);
        let line = format!(
            "  2: 000000000000000000000000{one}:EA60 {}:0000 07 0 0 0 0 0 7",
            "0".repeat(32)
        );
        let (row, _) = parse_line("udp6", &line).unwrap();
        assert_eq!(row.local, "[::1]:60000".parse().unwrap());
        assert_eq!((row.remote, row.state), (None, ""));

        assert!(parse_line("tcp", "garbage").is_none());
    }

    #[test]
    fn a_socket_of_this_process_is_found_with_its_owner() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let rows = sockets().unwrap();
        let row = rows.iter().find(|r| r.local.port() == port).unwrap();
        assert_eq!(row.state, "LISTEN");
        assert!(row.pids.contains(&std::process::id()), "{row:?}");
    }
}
