//! Networks of one's own (Linux): a network namespace has its own loopback (127.0.0.1 and
//! ::1), its own ports and its own socket table. A test that needs the handout's fixed ports
//! (60000, 62000) runs in one, so that no other program of the machine, and no other test,
//! can hold them or see its connections; `tp grade` gives each submission one.
//!
//! An ordinary user makes one with a user namespace (`unshare --user --map-root-user --net`,
//! from util-linux), where distributions allow it. Elsewhere (macOS, Windows, a container or
//! a distribution that forbids user namespaces) there is none, and callers say so.

use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The environment variable that says which network a process of the kit is in.
pub const NETWORK_VAR: &str = "TP_SOCKETS_NETWORK";

/// The environment variable that makes the kit act as on a machine without namespaces
/// (`TP_SOCKETS_NO_NAMESPACES=1`): no network of its own, no sandbox. It is how the kit's
/// tests, and an instructor, try what happens on a platform whose jail has none.
pub const NO_NAMESPACES_VAR: &str = "TP_SOCKETS_NO_NAMESPACES";

/// Whether [`NO_NAMESPACES_VAR`] forbids namespaces to this process.
pub fn namespaces_forbidden() -> bool {
    std::env::var_os(NO_NAMESPACES_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The network a process is in, as its parent said in [`NETWORK_VAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// The machine's own: other programs may hold any port.
    Host,
    /// A network of this process's own, whose loopback it may have to bring up.
    Own,
    /// A network private to a sandbox, shared by the processes in it (`tp grade`).
    Private,
}

impl Network {
    /// The network this process is in.
    pub fn current() -> Network {
        match std::env::var(NETWORK_VAR).as_deref() {
            Ok("own") => Network::Own,
            Ok("private") => Network::Private,
            _ => Network::Host,
        }
    }
}

/// Whether this machine lets this user make a network of its own, and if not, why, in words.
/// Asked once per process.
pub fn own_networks() -> Result<(), &'static str> {
    static PROBED: OnceLock<Result<(), &'static str>> = OnceLock::new();
    *PROBED.get_or_init(|| {
        if !cfg!(target_os = "linux") {
            return Err("network namespaces exist on Linux only");
        }
        if namespaces_forbidden() {
            return Err("TP_SOCKETS_NO_NAMESPACES forbids namespaces");
        }
        let probe = Command::new("unshare")
            .args(UNSHARE)
            .arg("true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match probe {
            Ok(status) if status.success() => Ok(()),
            Ok(_) => Err("this system does not let an ordinary user make namespaces"),
            Err(_) => Err("util-linux's `unshare` is not installed"),
        }
    })
}

/// `unshare`'s options: a user namespace where this user is root (which gives the right to
/// make the others), a network namespace, and a process namespace whose first process is
/// killed with `unshare` (and everything it started with it), with its own /proc.
const UNSHARE: &[&str] = &[
    "--user",
    "--map-root-user",
    "--net",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount-proc",
];

/// A command that runs `program` in a network and a process tree of its own; the program
/// learns it from [`NETWORK_VAR`] and brings its loopback up with [`loopback_up`].
pub fn in_own_network(program: &Path) -> Command {
    let mut command = Command::new("unshare");
    command
        .args(UNSHARE)
        .arg("--")
        .arg(program)
        .env(NETWORK_VAR, "own");
    command
}

/// A command that runs `program` on a machine without IPv6, as far as it can tell: a network
/// of its own where IPv6 is turned off (`net.ipv6.conf.all.disable_ipv6`) before anything
/// else, so that `::1` does not exist. (No process namespace: the program is the command's
/// only process, and the caller stops it.)
pub fn without_ipv6(program: &Path) -> Command {
    let mut command = Command::new("unshare");
    command
        .args(["--user", "--map-root-user", "--net", "--", "sh", "-c"])
        .arg("echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && exec \"$0\" \"$@\"")
        .arg(program)
        .env(NETWORK_VAR, "own");
    command
}

/// Brings up the loopback interface of this process's network, as `ip link set lo up` does:
/// a new network namespace starts with `lo` down. It is one rtnetlink request, RTM_NEWLINK for
/// the interface numbered 1 (always `lo`) with the flag IFF_UP, and the kernel's answer.
pub fn loopback_up() -> io::Result<()> {
    use socket2::{Domain, Protocol, Socket, Type};
    const AF_NETLINK: i32 = 16;
    const NETLINK_ROUTE: i32 = 0;
    const RTM_NEWLINK: u16 = 16;
    const NLM_F_REQUEST_ACK: u16 = 0x1 | 0x4;
    const NLMSG_ERROR: u16 = 2;
    const IFF_UP: u32 = 1;
    let socket = Socket::new(
        Domain::from(AF_NETLINK),
        Type::RAW,
        Some(Protocol::from(NETLINK_ROUTE)),
    )?;
    // struct nlmsghdr (16 bytes), then struct ifinfomsg (16 bytes), in this machine's order.
    let mut request = Vec::with_capacity(32);
    request.extend_from_slice(&32u32.to_ne_bytes()); // nlmsg_len
    request.extend_from_slice(&RTM_NEWLINK.to_ne_bytes()); // nlmsg_type
    request.extend_from_slice(&NLM_F_REQUEST_ACK.to_ne_bytes()); // nlmsg_flags
    request.extend_from_slice(&1u32.to_ne_bytes()); // nlmsg_seq
    request.extend_from_slice(&0u32.to_ne_bytes()); // nlmsg_pid: the kernel
    request.extend_from_slice(&[0, 0]); // ifi_family AF_UNSPEC, padding
    request.extend_from_slice(&0u16.to_ne_bytes()); // ifi_type
    request.extend_from_slice(&1i32.to_ne_bytes()); // ifi_index: lo
    request.extend_from_slice(&IFF_UP.to_ne_bytes()); // ifi_flags
    request.extend_from_slice(&IFF_UP.to_ne_bytes()); // ifi_change: only that flag
    socket.send(&request)?;
    // The answer is an NLMSG_ERROR message whose error number is 0 for success.
    let mut answer = [0u8; 256];
    let received = io::Read::read(&mut &socket, &mut answer)?;
    let answer = &answer[..received];
    let field = |at: usize| answer.get(at..at + 4).and_then(|b| b.try_into().ok());
    let kind = answer.get(4..6).map(|b| u16::from_ne_bytes([b[0], b[1]]));
    match (kind, field(16).map(i32::from_ne_bytes)) {
        (Some(NLMSG_ERROR), Some(0)) => Ok(()),
        (Some(NLMSG_ERROR), Some(error)) => Err(io::Error::from_raw_os_error(-error)),
        _ => Err(io::Error::other("the kernel gave no answer to `lo up`")),
    }
}
