//! The socket table on macOS (libproc) and Windows (iphlpapi), through the `netstat2` crate.

use std::io;
use std::net::SocketAddr;

use netstat2::{AddressFamilyFlags, ProtocolFlags, ProtocolSocketInfo, TcpState};

use super::row::SocketRow;

/// Every TCP and UDP socket of this machine, IPv4 and IPv6.
pub fn sockets() -> io::Result<Vec<SocketRow>> {
    let families = AddressFamilyFlags::IPV4 | AddressFamilyFlags::IPV6;
    let protocols = ProtocolFlags::TCP | ProtocolFlags::UDP;
    let infos = netstat2::get_sockets_info(families, protocols).map_err(io::Error::other)?;
    Ok(infos
        .into_iter()
        .map(|info| {
            let pids = info.associated_pids;
            match info.protocol_socket_info {
                ProtocolSocketInfo::Tcp(tcp) => {
                    let listening = tcp.state == TcpState::Listen;
                    SocketRow {
                        proto: if tcp.local_addr.is_ipv6() {
                            "tcp6"
                        } else {
                            "tcp"
                        },
                        local: SocketAddr::new(tcp.local_addr, tcp.local_port),
                        remote: (!listening)
                            .then(|| SocketAddr::new(tcp.remote_addr, tcp.remote_port)),
                        state: state_name(tcp.state),
                        pids,
                    }
                }
                ProtocolSocketInfo::Udp(udp) => SocketRow {
                    proto: if udp.local_addr.is_ipv6() {
                        "udp6"
                    } else {
                        "udp"
                    },
                    local: SocketAddr::new(udp.local_addr, udp.local_port),
                    remote: None,
                    state: "",
                    pids,
                },
            }
        })
        .collect())
}

/// The state's name as netstat prints it on Linux and macOS.
fn state_name(state: TcpState) -> &'static str {
    match state {
        TcpState::Closed => "CLOSED",
        TcpState::Listen => "LISTEN",
        TcpState::SynSent => "SYN_SENT",
        TcpState::SynReceived => "SYN_RECEIVED",
        TcpState::Established => "ESTABLISHED",
        TcpState::FinWait1 => "FIN_WAIT_1",
        TcpState::FinWait2 => "FIN_WAIT_2",
        TcpState::CloseWait => "CLOSE_WAIT",
        TcpState::Closing => "CLOSING",
        TcpState::LastAck => "LAST_ACK",
        TcpState::TimeWait => "TIME_WAIT",
        TcpState::DeleteTcb => "DELETE_TCB",
        TcpState::Unknown => "UNKNOWN",
    }
}
