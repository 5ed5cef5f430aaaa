//! A conversation: the packets between some programs, one arrow each, in time order, with TCP's
//! flags and its sequence numbers counted from each side's first, the data's length and first
//! bytes (escaped), UDP datagrams, and ICMP's "port unreachable".
//!
//! A conversation travels from the test binary to `tp` as lines of text ([`Conversation::lines`]
//! and [`Conversation::parse`]), after the line [`crate::told::DIAGRAM_START`]; it is drawn in
//! the terminal ([`Conversation::terminal`]) and as a Mermaid `sequenceDiagram`
//! ([`Conversation::mermaid`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use tp_sockets::net::shown;

use super::label::{label, payload};
use super::packet::Packet;

/// The most arrows a conversation keeps; the packets after them are summed up.
pub const MOST_ARROWS: usize = 40;

/// One side of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Its address and port.
    pub address: SocketAddr,
    /// Who it is: a program's name, or what the test knows of it ("client").
    pub name: String,
}

/// One packet, as an arrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrow {
    /// The participant that sent it.
    pub from: usize,
    /// The participant it went to.
    pub to: usize,
    /// When, in microseconds from the first packet.
    pub at_us: u64,
    /// What it was: `SYN seq=0`, `PSH-ACK seq=1 ack=1, 5 bytes "hello"`, ...
    pub label: String,
}

/// A conversation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conversation {
    /// Its sides, in the order they first appear.
    pub participants: Vec<Participant>,
    /// Its packets, at most [`MOST_ARROWS`].
    pub arrows: Vec<Arrow>,
    /// What is said after the arrows: the packets left out, the sockets left behind.
    pub notes: Vec<String>,
}

impl Arrow {
    /// When, in milliseconds, as the drawings show it: `12.345`.
    pub fn ms(&self) -> String {
        format!("{}.{:03}", self.at_us / 1000, self.at_us % 1000)
    }
}

impl Conversation {
    /// The conversation of `packets` (each with when it was seen), its sides named by `name`.
    pub fn of(packets: &[(Duration, Packet)], name: &dyn Fn(SocketAddr) -> String) -> Conversation {
        let mut conversation = Conversation::default();
        let start = packets.first().map_or(Duration::ZERO, |(at, _)| *at);
        // The first sequence number of each side of each TCP connection.
        let mut first_seq: HashMap<(SocketAddr, SocketAddr), u32> = HashMap::new();
        let (mut more, mut more_bytes) = (0usize, 0usize);
        for (at, packet) in packets {
            if conversation.arrows.len() == MOST_ARROWS {
                more += 1;
                more_bytes += payload(packet).len();
                continue;
            }
            let from = conversation.participant(packet.from, name);
            let to = conversation.participant(packet.to, name);
            let label = label(packet, &mut first_seq);
            conversation.arrows.push(Arrow {
                from,
                to,
                at_us: u64::try_from(at.saturating_sub(start).as_micros()).unwrap_or(u64::MAX),
                label,
            });
        }
        if more > 0 {
            conversation.notes.push(format!(
                "... and {more} more packets ({more_bytes} bytes of data), not drawn"
            ));
        }
        conversation
    }

    /// The number of `address` among the participants, added if it is new.
    fn participant(&mut self, address: SocketAddr, name: &dyn Fn(SocketAddr) -> String) -> usize {
        if let Some(i) = self.participants.iter().position(|p| p.address == address) {
            return i;
        }
        self.participants.push(Participant {
            address,
            name: name(address),
        });
        self.participants.len() - 1
    }

    /// The conversation as lines of text, for [`Conversation::parse`].
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| format!("participant {i} {} {}", p.address, one_line(&p.name)))
            .collect();
        lines.extend(self.arrows.iter().map(|a| {
            format!(
                "arrow {} {} {} {}",
                a.from,
                a.to,
                a.at_us,
                one_line(&a.label)
            )
        }));
        lines.extend(self.notes.iter().map(|n| format!("note {}", one_line(n))));
        lines
    }

    /// The conversation that `lines` hold, if they hold one (lines it does not know are left
    /// out: a program's output may have come in between).
    pub fn parse<S: AsRef<str>>(lines: &[S]) -> Option<Conversation> {
        let mut conversation = Conversation::default();
        for line in lines {
            let line = line.as_ref();
            let mut words = line.splitn(5, ' ');
            match words.next() {
                Some("participant") => {
                    let index: usize = words.next()?.parse().ok()?;
                    let address: SocketAddr = words.next()?.parse().ok()?;
                    let name = [words.next(), words.next()].into_iter().flatten();
                    if index != conversation.participants.len() {
                        return None;
                    }
                    conversation.participants.push(Participant {
                        address,
                        name: name.collect::<Vec<_>>().join(" "),
                    });
                }
                Some("arrow") => {
                    let from: usize = words.next()?.parse().ok()?;
                    let to: usize = words.next()?.parse().ok()?;
                    let at_us: u64 = words.next()?.parse().ok()?;
                    let known = conversation.participants.len();
                    if from >= known || to >= known {
                        return None;
                    }
                    let label = words.next().unwrap_or_default().to_string();
                    conversation.arrows.push(Arrow {
                        from,
                        to,
                        at_us,
                        label,
                    });
                }
                Some("note") => conversation
                    .notes
                    .push(line.strip_prefix("note ").unwrap_or_default().to_string()),
                _ => {}
            }
        }
        (!conversation.participants.is_empty()).then_some(conversation)
    }
}

/// `text` on one line, its control characters escaped.
fn one_line(text: &str) -> String {
    shown(text)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::wire::packet::{ACK, FIN, PSH, Packet, SYN, Transport};

    fn tcp(from: &str, to: &str, seq: u32, ack: u32, flags: u8, data: &[u8]) -> Packet {
        Packet {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            transport: Transport::Tcp {
                seq,
                ack,
                flags,
                payload: data.to_vec(),
            },
        }
    }

    /// The exchange of Exercise 1: the handshake, the message, the welcome, the server's FIN
    /// first.
    pub(crate) fn exercise_1() -> Conversation {
        let (c, s) = ("127.0.0.1:43210", "127.0.0.1:60000");
        let packets = [
            tcp(c, s, 1000, 0, SYN, b""),
            tcp(s, c, 5000, 1001, SYN | ACK, b""),
            tcp(c, s, 1001, 5001, ACK, b""),
            tcp(c, s, 1001, 5001, PSH | ACK, b"hello\n\x1b[2J!!"),
            tcp(s, c, 5001, 1013, PSH | ACK, b"Welcome to this server"),
            tcp(s, c, 5023, 1013, FIN | ACK, b""),
            tcp(c, s, 1013, 5024, FIN | ACK, b""),
            tcp(s, c, 5024, 1014, ACK, b""),
        ];
        let timed: Vec<(Duration, Packet)> = packets
            .into_iter()
            .enumerate()
            .map(|(i, p)| (Duration::from_micros(500 + 40 * i as u64), p))
            .collect();
        Conversation::of(&timed, &|address| {
            if address.port() == 60000 {
                "ex1_tcp_server".to_string()
            } else {
                "ex1_tcp_client".to_string()
            }
        })
    }

    #[test]
    fn each_packet_is_an_arrow_with_relative_numbers_and_escaped_data() {
        let conversation = exercise_1();
        assert_eq!(conversation.participants.len(), 2);
        assert_eq!(conversation.participants[1].name, "ex1_tcp_server");
        let labels: Vec<&str> = conversation
            .arrows
            .iter()
            .map(|a| a.label.as_str())
            .collect();
        assert_eq!(
            labels,
            [
                "SYN seq=0",
                "SYN-ACK seq=0 ack=1",
                "ACK seq=1 ack=1",
                "PSH-ACK seq=1 ack=1, 12 bytes \"hello\\n\\u{1b}[2J!!\"",
                "PSH-ACK seq=1 ack=13, 22 bytes \"Welcome to this serv...\"",
                "FIN-ACK seq=23 ack=13",
                "FIN-ACK seq=13 ack=24",
                "ACK seq=24 ack=14",
            ]
        );
        assert_eq!(conversation.arrows[0].at_us, 0);
        assert_eq!(conversation.arrows[7].at_us, 280);
    }

    #[test]
    fn a_conversation_comes_back_whole_from_its_lines() {
        let conversation = exercise_1();
        let parsed = Conversation::parse(&conversation.lines()).unwrap();
        assert_eq!(parsed.participants, conversation.participants);
        assert_eq!(parsed.arrows.len(), conversation.arrows.len());
        assert_eq!(parsed.arrows[3].label, conversation.arrows[3].label);
        // Lines that are not the conversation's are left out; a broken one spoils it.
        let mut lines = conversation.lines();
        lines.insert(1, "something a program printed".into());
        assert_eq!(Conversation::parse(&lines).map(|c| c.arrows.len()), Some(8));
        lines.push("arrow 0 7 1000 to nobody".into());
        assert_eq!(Conversation::parse(&lines), None);
    }

    #[test]
    fn past_forty_packets_the_rest_is_summed_up() {
        let packets: Vec<(Duration, Packet)> = (0..100)
            .map(|i| {
                let p = Packet {
                    from: "127.0.0.1:5000".parse().unwrap(),
                    to: "127.0.0.1:40675".parse().unwrap(),
                    transport: Transport::Udp {
                        payload: vec![0; 10],
                    },
                };
                (Duration::from_millis(i), p)
            })
            .collect();
        let conversation = Conversation::of(&packets, &|_| "x".to_string());
        assert_eq!(conversation.arrows.len(), MOST_ARROWS);
        assert_eq!(
            conversation.notes,
            ["... and 60 more packets (600 bytes of data), not drawn"]
        );
    }
}
