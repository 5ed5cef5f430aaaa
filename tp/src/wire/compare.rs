//! Two conversations of the same test compared: the reference's (what was expected) and the
//! student's. What a beginner can read off a diagram is compared, side by side: which side
//! closed first (sent the first FIN), which side reset the connection (RST), whether an ICMP
//! "port unreachable" came back, and how many bytes of data each side sent.

use std::collections::{BTreeMap, BTreeSet};

use super::Conversation;

/// A fact of one conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// The side that sent the first FIN: it closed first (none: nobody closed).
    ClosesFirst(Option<String>),
    /// The sides that reset a connection (RST).
    Resets(Vec<String>),
    /// Whether an ICMP "port unreachable" came back.
    Unreachable(bool),
    /// How many bytes of data (TCP or UDP) the side sent.
    Sends(String, usize),
}

/// A fact that differs: what the reference did, and what the student's program did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// What the reference's conversation shows.
    pub expected: Fact,
    /// What the conversation of the test that failed shows.
    pub actual: Fact,
}

/// The most differences said of one test.
pub const MOST_DIFFERENCES: usize = 3;

/// What differs between the `expected` conversation and the `actual` one, the most telling
/// first, at most [`MOST_DIFFERENCES`]. Sides are told apart by name; a port where nobody was
/// (`port N`) is the same side in both, whatever its number. Bytes are compared only when
/// neither conversation left packets out.
pub fn differences(expected: &Conversation, actual: &Conversation) -> Vec<Difference> {
    let (e, a) = (Summary::of(expected), Summary::of(actual));
    let mut found = Vec::new();
    if e.closes_first.as_deref().map(side) != a.closes_first.as_deref().map(side) {
        found.push(Difference {
            expected: Fact::ClosesFirst(e.closes_first.clone()),
            actual: Fact::ClosesFirst(a.closes_first.clone()),
        });
    }
    if sides(&e.resets) != sides(&a.resets) {
        found.push(Difference {
            expected: Fact::Resets(e.resets.clone()),
            actual: Fact::Resets(a.resets.clone()),
        });
    }
    if e.unreachable != a.unreachable {
        found.push(Difference {
            expected: Fact::Unreachable(e.unreachable),
            actual: Fact::Unreachable(a.unreachable),
        });
    }
    if e.whole && a.whole {
        let names: BTreeSet<&String> = e.sends.keys().chain(a.sends.keys()).collect();
        for name in names {
            let (sent, got) = (e.sent_by(name), a.sent_by(name));
            if sent != got {
                found.push(Difference {
                    expected: Fact::Sends(name.clone(), sent),
                    actual: Fact::Sends(name.clone(), got),
                });
            }
        }
    }
    found.truncate(MOST_DIFFERENCES);
    found
}

/// What is compared of one conversation.
struct Summary {
    closes_first: Option<String>,
    resets: Vec<String>,
    unreachable: bool,
    /// Bytes of data sent, by side (`port N` sides under one name).
    sends: BTreeMap<String, usize>,
    /// No packet was left out.
    whole: bool,
}

impl Summary {
    fn of(conversation: &Conversation) -> Summary {
        let mut summary = Summary {
            closes_first: None,
            resets: Vec::new(),
            unreachable: false,
            sends: BTreeMap::new(),
            whole: !conversation
                .notes
                .iter()
                .any(|n| n.contains("more packets")),
        };
        for arrow in &conversation.arrows {
            let name = &conversation.participants[arrow.from].name;
            let kind = arrow.label.split(' ').next().unwrap_or_default();
            let flags: Vec<&str> = kind.split('-').collect();
            if flags.contains(&"FIN") && summary.closes_first.is_none() {
                summary.closes_first = Some(name.clone());
            }
            if flags.contains(&"RST") && !summary.resets.contains(name) {
                summary.resets.push(name.clone());
            }
            summary.unreachable |= kind == "ICMP";
            *summary.sends.entry(side(name).to_string()).or_default() += bytes(&arrow.label);
        }
        summary
    }

    fn sent_by(&self, name: &str) -> usize {
        self.sends.get(name).copied().unwrap_or(0)
    }
}

/// A side as compared: a program by its name, any port where nobody was as one.
fn side(name: &str) -> &str {
    if name.starts_with("port ") {
        "port"
    } else {
        name
    }
}

/// The sides among `names`, as compared.
fn sides(names: &[String]) -> BTreeSet<&str> {
    names.iter().map(|n| side(n)).collect()
}

/// The bytes of data an arrow's label says the packet carried: `PSH-ACK seq=1 ack=1, 5 bytes
/// "hello"`, `UDP 5 bytes "hello"`.
fn bytes(label: &str) -> usize {
    let count = match label.strip_prefix("UDP ") {
        Some(rest) => rest,
        None => label.split_once(", ").map_or("", |(_, rest)| rest),
    };
    let (number, unit) = count.split_once(' ').unwrap_or_default();
    if unit.starts_with("byte") {
        number.parse().unwrap_or(0)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::conversation::tests::exercise_1;
    use crate::wire::conversation::{Arrow, Participant};

    /// Exercise 1 as a client that closes without reading would have it: the client's FIN
    /// first, then the server's welcome reset by the client.
    fn client_closes_first() -> Conversation {
        let mut conversation = exercise_1();
        conversation.arrows.truncate(4);
        let (client, server) = (0, 1);
        let arrow = |from, to, label: &str| Arrow {
            from,
            to,
            at_us: 0,
            label: label.to_string(),
        };
        conversation.arrows.extend([
            arrow(client, server, "FIN-ACK seq=13 ack=1"),
            arrow(server, client, "PSH-ACK seq=1 ack=14, 22 bytes \"Welcome\""),
            arrow(client, server, "RST seq=14"),
        ]);
        conversation
    }

    #[test]
    fn the_same_exchange_differs_in_nothing() {
        assert_eq!(differences(&exercise_1(), &exercise_1()), []);
    }

    #[test]
    fn who_closed_first_and_who_reset_are_told() {
        let found = differences(&exercise_1(), &client_closes_first());
        assert_eq!(
            found,
            [
                Difference {
                    expected: Fact::ClosesFirst(Some("ex1_tcp_server".into())),
                    actual: Fact::ClosesFirst(Some("ex1_tcp_client".into())),
                },
                Difference {
                    expected: Fact::Resets(vec![]),
                    actual: Fact::Resets(vec!["ex1_tcp_client".into()]),
                },
            ]
        );
    }

    #[test]
    fn bytes_are_counted_by_side_and_ports_of_nobody_are_one_side() {
        let mut fewer = exercise_1();
        fewer.arrows.retain(|a| !a.label.contains("Welcome"));
        let found = differences(&exercise_1(), &fewer);
        assert_eq!(
            found,
            [Difference {
                expected: Fact::Sends("ex1_tcp_server".into(), 22),
                actual: Fact::Sends("ex1_tcp_server".into(), 0),
            }]
        );
        let mut elsewhere = exercise_1();
        elsewhere.participants[1].name = "port 40001".into();
        let mut there = exercise_1();
        there.participants[1].name = "port 50002".into();
        assert_eq!(differences(&elsewhere, &there), []);
        assert_eq!(bytes("UDP 1 byte \"x\""), 1);
        assert_eq!(bytes("ICMP port unreachable: nobody on port 9"), 0);
    }

    #[test]
    fn an_icmp_port_unreachable_is_told() {
        let udp = |server: &str, answer: &str| Conversation {
            participants: vec![
                Participant {
                    address: "127.0.0.1:40000".parse().unwrap(),
                    name: "ex4_udp_client".into(),
                },
                Participant {
                    address: "127.0.0.1:60000".parse().unwrap(),
                    name: server.into(),
                },
            ],
            arrows: vec![
                Arrow {
                    from: 0,
                    to: 1,
                    at_us: 0,
                    label: "UDP 5 bytes \"hello\"".into(),
                },
                Arrow {
                    from: 1,
                    to: 0,
                    at_us: 9,
                    label: answer.into(),
                },
            ],
            notes: vec![],
        };
        let expected = udp("ex4_udp_server", "UDP 2 bytes \"OK\"");
        let alone = udp("port 60000", "ICMP port unreachable: nobody on port 60000");
        let found = differences(&expected, &alone);
        assert_eq!(
            found[0],
            Difference {
                expected: Fact::Unreachable(false),
                actual: Fact::Unreachable(true),
            }
        );
        assert_eq!(differences(&alone, &alone), []);
    }

    #[test]
    fn bytes_are_not_compared_when_packets_were_left_out() {
        let mut fewer = exercise_1();
        fewer.arrows.retain(|a| !a.label.contains("Welcome"));
        fewer
            .notes
            .push("... and 3 more packets (9 bytes of data), not drawn".into());
        assert_eq!(differences(&exercise_1(), &fewer), []);
    }
}
