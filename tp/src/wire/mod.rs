//! What crossed the wire: the packets of a network of one's own recorded ([`capture`]), decoded
//! ([`packet`]), told as a conversation between programs ([`conversation`]), drawn in the
//! terminal or as a Mermaid diagram ([`draw`]), compared with the reference's ([`compare`]),
//! and written as a pcap file ([`pcap`]).
//!
//! `tp trace` records a program's exchange with its reference peer; the kit's tests record
//! theirs where they have a network of their own, and a failing test ends its explanation with
//! the conversation it saw.

pub mod capture;
pub mod compare;
pub mod conversation;
pub mod draw;
mod label;
pub mod packet;
pub mod pcap;

use std::collections::BTreeSet;
use std::time::Duration;

pub use capture::{Capture, CaptureError, Heard};
pub use conversation::Conversation;
pub use label::image_datagram;
pub use packet::{Packet, Transport, decode};

/// The packets of `heard` from `since` on that go to or come from one of `ports`, decoded.
pub fn about(heard: &[Heard], since: Duration, ports: &BTreeSet<u16>) -> Vec<(Duration, Packet)> {
    heard
        .iter()
        .filter(|(at, _)| *at >= since)
        .filter_map(|(at, bytes)| Some((*at, decode(bytes)?)))
        .filter(|(_, p)| ports.contains(&p.from.port()) || ports.contains(&p.to.port()))
        .collect()
}
