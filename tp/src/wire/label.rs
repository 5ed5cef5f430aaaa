//! What an arrow says of a packet: TCP's flags and sequence numbers counted from each side's
//! first, the data's length and first bytes (escaped), UDP datagrams, ICMP's "port
//! unreachable".

use std::collections::HashMap;
use std::net::SocketAddr;

use tp_sockets::net::shown;

use super::packet::{ACK, FIN, PSH, Packet, RST, SYN, Transport};

/// The most bytes of a payload an arrow shows.
const PREVIEW: usize = 20;

/// The data a packet carries.
pub(super) fn payload(packet: &Packet) -> &[u8] {
    match &packet.transport {
        Transport::Tcp { payload, .. } | Transport::Udp { payload } => payload,
        _ => &[],
    }
}

/// What an arrow says of `packet`; `first_seq` keeps each TCP side's first sequence number.
pub(super) fn label(
    packet: &Packet,
    first_seq: &mut HashMap<(SocketAddr, SocketAddr), u32>,
) -> String {
    match &packet.transport {
        Transport::Tcp {
            seq,
            ack,
            flags,
            payload,
        } => {
            let mine = *first_seq.entry((packet.from, packet.to)).or_insert(*seq);
            let mut text = tcp_flags(*flags);
            text += &format!(" seq={}", seq.wrapping_sub(mine));
            if flags & ACK != 0 {
                let theirs = first_seq.get(&(packet.to, packet.from)).copied();
                let ack = theirs.map_or(*ack, |t| ack.wrapping_sub(t));
                text += &format!(" ack={ack}");
            }
            if !payload.is_empty() {
                text += &format!(", {}", data(payload));
            }
            text
        }
        Transport::Udp { payload } => match image_datagram(payload) {
            Some(fields) => format!("UDP {} bytes: {fields}", payload.len()),
            None => format!("UDP {}", data(payload)),
        },
        Transport::PortUnreachable => format!(
            "ICMP port unreachable: nobody on port {}",
            packet.from.port()
        ),
        Transport::Other(protocol) => format!("IP protocol {protocol}"),
    }
}

/// TCP's flags as the handout names them: SYN, SYN-ACK, ACK, PSH-ACK, FIN-ACK, RST.
fn tcp_flags(flags: u8) -> String {
    let names: Vec<&str> = [
        (SYN, "SYN"),
        (FIN, "FIN"),
        (RST, "RST"),
        (PSH, "PSH"),
        (ACK, "ACK"),
    ]
    .iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, name)| *name)
    .collect();
    if names.is_empty() {
        "(no flag)".to_string()
    } else {
        names.join("-")
    }
}

/// A datagram of the image protocol over UDP (PROTOCOL.md), by field: `M transfer=7
/// chunk=1400 name=car.png`, `d transfer=7 chunk 17 (1400 bytes)`, ...; `None` for any other.
pub fn image_datagram(payload: &[u8]) -> Option<String> {
    use tp_sockets::image::udp::Message;
    Some(match Message::decode(payload).ok()? {
        Message::MetaRequest {
            transfer,
            chunk,
            name,
        } => format!("M transfer={transfer} chunk={chunk} name={}", shown(name)),
        Message::DataRequest {
            transfer,
            token,
            chunk,
            name,
            ranges,
        } => {
            let ranges: Vec<String> = ranges
                .iter()
                .map(|(first, n)| match n {
                    1 => first.to_string(),
                    _ => format!("{first}-{}", u64::from(*first) + u64::from(*n) - 1),
                })
                .collect();
            format!(
                "D transfer={transfer} token={token:016x} chunk={chunk} name={} ranges={}",
                shown(name),
                ranges.join(",")
            )
        }
        Message::Meta {
            transfer,
            not_found,
            size,
            checksum,
            chunk,
            token,
        } => format!(
            "m transfer={transfer} {}size={size} checksum={checksum:08x} chunk={chunk} \
             token={token:016x}",
            if not_found { "not-found " } else { "" }
        ),
        Message::Data {
            transfer,
            index,
            payload,
        } => format!(
            "d transfer={transfer} chunk {index} ({} bytes)",
            payload.len()
        ),
        Message::Error { transfer, reason } => {
            format!("e transfer={transfer} \"{}\"", shown(reason))
        }
    })
}

/// `bytes`' length and first bytes, escaped.
fn data(bytes: &[u8]) -> String {
    let shown_bytes = shown(&bytes[..bytes.len().min(PREVIEW)]);
    let more = if bytes.len() > PREVIEW { "..." } else { "" };
    let unit = if bytes.len() == 1 { "byte" } else { "bytes" };
    format!("{} {unit} \"{shown_bytes}{more}\"", bytes.len())
}
