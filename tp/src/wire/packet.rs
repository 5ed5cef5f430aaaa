//! An IP packet read from the wire: IPv4 or IPv6, and in it TCP, UDP, or the ICMP message that
//! says a UDP port is unreachable (with the ports of the datagram it answers).
//!
//! Every length is checked against the bytes there are: a short or malformed packet decodes to
//! what can be read of it, never to a panic.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// What a packet carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A TCP segment.
    Tcp {
        /// Its sequence number.
        seq: u32,
        /// Its acknowledgment number (meaningful with ACK).
        ack: u32,
        /// Its flags: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10.
        flags: u8,
        /// Its data.
        payload: Vec<u8>,
    },
    /// A UDP datagram.
    Udp {
        /// Its data.
        payload: Vec<u8>,
    },
    /// ICMP (or ICMPv6) "port unreachable": nobody listens on the port the datagram went to.
    PortUnreachable,
    /// Another protocol, by its number.
    Other(u8),
}

/// A packet, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// Who sent it. For "port unreachable", the address and port the datagram went to.
    pub from: SocketAddr,
    /// Who it went to. For "port unreachable", the sender of the datagram.
    pub to: SocketAddr,
    /// What it carries.
    pub transport: Transport,
}

/// TCP's flags.
pub const FIN: u8 = 0x01;
/// TCP's SYN flag.
pub const SYN: u8 = 0x02;
/// TCP's RST flag.
pub const RST: u8 = 0x04;
/// TCP's PSH flag.
pub const PSH: u8 = 0x08;
/// TCP's ACK flag.
pub const ACK: u8 = 0x10;

const TCP: u8 = 6;
const UDP: u8 = 17;
const ICMP: u8 = 1;
const ICMPV6: u8 = 58;

/// The packet `bytes` holds (an IP packet, no link header), if it is IPv4 or IPv6.
pub fn decode(bytes: &[u8]) -> Option<Packet> {
    let (src, dst, protocol, body) = ip(bytes)?;
    let ports = |body: &[u8]| -> Option<(u16, u16)> {
        Some((
            u16::from_be_bytes([*body.first()?, *body.get(1)?]),
            u16::from_be_bytes([*body.get(2)?, *body.get(3)?]),
        ))
    };
    let packet = |transport, (sport, dport)| Packet {
        from: SocketAddr::new(src, sport),
        to: SocketAddr::new(dst, dport),
        transport,
    };
    match protocol {
        TCP => {
            let offset = usize::from(body.get(12)? >> 4) * 4;
            let number = |at: usize| -> Option<u32> {
                Some(u32::from_be_bytes(body.get(at..at + 4)?.try_into().ok()?))
            };
            let transport = Transport::Tcp {
                seq: number(4)?,
                ack: number(8)?,
                flags: *body.get(13)?,
                payload: body.get(offset..).unwrap_or_default().to_vec(),
            };
            Some(packet(transport, ports(body)?))
        }
        UDP => {
            let transport = Transport::Udp {
                payload: body.get(8..).unwrap_or_default().to_vec(),
            };
            Some(packet(transport, ports(body)?))
        }
        ICMP | ICMPV6 => {
            let (kind, code) = (*body.first()?, *body.get(1)?);
            let unreachable = matches!((protocol, kind, code), (ICMP, 3, 3) | (ICMPV6, 1, 4));
            if !unreachable {
                return Some(packet(Transport::Other(protocol), (0, 0)));
            }
            // The datagram it answers: its IP header and the first 8 bytes of its UDP header.
            let (orig_src, orig_dst, _, orig_body) = ip(body.get(8..)?)?;
            let (sport, dport) = ports(orig_body)?;
            Some(Packet {
                from: SocketAddr::new(orig_dst, dport),
                to: SocketAddr::new(orig_src, sport),
                transport: Transport::PortUnreachable,
            })
        }
        other => Some(packet(Transport::Other(other), (0, 0))),
    }
}

/// The source, destination, protocol and body of the IP packet `bytes`.
fn ip(bytes: &[u8]) -> Option<(IpAddr, IpAddr, u8, &[u8])> {
    match bytes.first()? >> 4 {
        4 => {
            let header = usize::from(bytes[0] & 0x0f) * 4;
            let total = usize::from(u16::from_be_bytes([*bytes.get(2)?, *bytes.get(3)?]));
            let address = |at: usize| -> Option<IpAddr> {
                let octets: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
                Some(IpAddr::V4(Ipv4Addr::from(octets)))
            };
            let end = total.min(bytes.len()).max(header);
            Some((
                address(12)?,
                address(16)?,
                *bytes.get(9)?,
                bytes.get(header..end)?,
            ))
        }
        6 => {
            let length = usize::from(u16::from_be_bytes([*bytes.get(4)?, *bytes.get(5)?]));
            let address = |at: usize| -> Option<IpAddr> {
                let octets: [u8; 16] = bytes.get(at..at + 16)?.try_into().ok()?;
                Some(IpAddr::V6(Ipv6Addr::from(octets)))
            };
            let end = (40 + length).min(bytes.len());
            // Extension headers are not followed: the kit's programs send none.
            Some((
                address(8)?,
                address(24)?,
                *bytes.get(6)?,
                bytes.get(40..end)?,
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An IPv4 packet from `from` to `to` carrying `protocol`'s `body`.
    pub(crate) fn ipv4(from: [u8; 4], to: [u8; 4], protocol: u8, body: &[u8]) -> Vec<u8> {
        let total = u16::try_from(20 + body.len()).unwrap_or(u16::MAX);
        let mut packet = vec![0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, protocol, 0, 0];
        packet[2..4].copy_from_slice(&total.to_be_bytes());
        packet.extend_from_slice(&from);
        packet.extend_from_slice(&to);
        packet.extend_from_slice(body);
        packet
    }

    /// A TCP header (20 bytes) and its data.
    pub(crate) fn tcp(ports: (u16, u16), seq: u32, ack: u32, flags: u8, data: &[u8]) -> Vec<u8> {
        let mut segment = Vec::new();
        segment.extend_from_slice(&ports.0.to_be_bytes());
        segment.extend_from_slice(&ports.1.to_be_bytes());
        segment.extend_from_slice(&seq.to_be_bytes());
        segment.extend_from_slice(&ack.to_be_bytes());
        segment.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        segment.extend_from_slice(data);
        segment
    }

    /// A UDP header and its data.
    pub(crate) fn udp(ports: (u16, u16), data: &[u8]) -> Vec<u8> {
        let length = u16::try_from(8 + data.len()).unwrap_or(u16::MAX);
        let mut datagram = Vec::new();
        for field in [ports.0, ports.1, length, 0] {
            datagram.extend_from_slice(&field.to_be_bytes());
        }
        datagram.extend_from_slice(data);
        datagram
    }

    const LOCAL: [u8; 4] = [127, 0, 0, 1];

    #[test]
    fn tcp_and_udp_are_read_with_their_ports_flags_and_data() {
        let bytes = ipv4(
            LOCAL,
            LOCAL,
            TCP,
            &tcp((43210, 60000), 7, 9, PSH | ACK, b"hi"),
        );
        let packet = decode(&bytes).unwrap();
        assert_eq!(packet.from, "127.0.0.1:43210".parse().unwrap());
        assert_eq!(packet.to, "127.0.0.1:60000".parse().unwrap());
        assert_eq!(
            packet.transport,
            Transport::Tcp {
                seq: 7,
                ack: 9,
                flags: PSH | ACK,
                payload: b"hi".to_vec()
            }
        );
        let bytes = ipv4(LOCAL, LOCAL, UDP, &udp((5000, 60000), b"Bonjour"));
        assert_eq!(
            decode(&bytes).unwrap().transport,
            Transport::Udp {
                payload: b"Bonjour".to_vec()
            }
        );
    }

    #[test]
    fn port_unreachable_names_the_datagram_it_answers() {
        let datagram = ipv4(LOCAL, LOCAL, UDP, &udp((5000, 60000), b"Bonjour"));
        let mut icmp = vec![3, 3, 0, 0, 0, 0, 0, 0];
        icmp.extend_from_slice(&datagram[..28]);
        let packet = decode(&ipv4(LOCAL, LOCAL, ICMP, &icmp)).unwrap();
        assert_eq!(packet.transport, Transport::PortUnreachable);
        assert_eq!(packet.from, "127.0.0.1:60000".parse().unwrap());
        assert_eq!(packet.to, "127.0.0.1:5000".parse().unwrap());
    }

    #[test]
    fn short_or_strange_packets_never_panic() {
        let full = ipv4(LOCAL, LOCAL, TCP, &tcp((1, 2), 0, 0, SYN, b"data"));
        for end in 0..full.len() {
            let _ = decode(&full[..end]);
        }
        assert_eq!(decode(&[0x15, 0, 0]), None);
        let mut lying = full.clone();
        lying[0] = 0x4f; // a header of 60 bytes in a packet of 44
        let _ = decode(&lying);
        lying[0] = 0x45;
        lying[32] = 0xf0; // a TCP data offset past the end
        let _ = decode(&lying);
    }
}
