//! A UDP server that answers every datagram is a loudspeaker: a datagram's source address is
//! not checked by anyone, so an attacker who writes a victim's address as the source makes the
//! server send its answers to the victim (a *reflection* attack), more bytes than it sent when
//! the answer is longer than the question (an *amplification*). DNS servers defend with
//! Response Rate Limiting; QUIC sends at most 3 times what it received from an address it has
//! not verified. [`ReplyLimit`] is the first, per sender address: a few replies at once, then
//! a few per second; an empty datagram gets none. What it refuses is told in a line per second
//! at most, so a flood cannot fill the server's log either.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Replies one sender may get at once.
pub const BURST: u32 = 4;
/// Replies one sender may get per second, after its burst.
pub const PER_SECOND: u32 = 2;
/// Senders remembered at most; past that, those that have their whole burst again are forgotten
/// first, then the one heard of longest ago.
const SENDERS: usize = 4096;
/// The time between two lines about refused datagrams.
const REPORT_EVERY: Duration = Duration::from_secs(1);

/// How many replies each sender may still get: a token bucket per address.
#[derive(Debug, Default)]
pub struct ReplyLimit {
    senders: HashMap<SocketAddr, Bucket>,
    refused: Drops,
}

/// Datagrams a server drops, told in one line per second at most, whatever their number: a
/// flood cannot fill the log.
#[derive(Debug, Default)]
pub struct Drops {
    count: u64,
    last: Option<String>,
    told: Option<Instant>,
}

impl Drops {
    /// Counts one more dropped datagram, and why (`why` is kept for the next line).
    pub fn note(&mut self, why: impl FnOnce() -> String) {
        self.count += 1;
        if self.count == 1 {
            self.last = Some(why());
        }
    }

    /// Counts one more dropped datagram ([`note`](Self::note)), and prints the line on
    /// stderr if one is due ([`report`](Self::report)).
    pub fn tell(&mut self, why: impl FnOnce() -> String) {
        self.note(why);
        if let Some(line) = self.report() {
            eprintln!("{line}");
        }
    }

    /// The line to print now, if one is due: at once for the first drop, then at most one per
    /// second, counting the drops since the last line and telling the first of them.
    pub fn report(&mut self) -> Option<String> {
        let now = Instant::now();
        if self.count == 0
            || self
                .told
                .is_some_and(|at| now.duration_since(at) < REPORT_EVERY)
        {
            return None;
        }
        let count = std::mem::take(&mut self.count);
        self.told = Some(now);
        let why = self.last.take().unwrap_or_default();
        Some(if count == 1 {
            why
        } else {
            format!(
                "{why} (and {} more datagrams dropped since the last line)",
                count - 1
            )
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    replies: f64,
    at: Instant,
}

impl Bucket {
    /// The replies this sender may get at `now`.
    fn level(&self, now: Instant) -> f64 {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() * f64::from(PER_SECOND);
        (self.replies + refill).min(f64::from(BURST))
    }
}

impl ReplyLimit {
    /// No sender heard of yet.
    pub fn new() -> ReplyLimit {
        ReplyLimit::default()
    }

    /// Whether `sender`, which just sent a datagram of `received` bytes, gets a reply: never for
    /// an empty datagram (0 bytes asked nothing), else while its bucket holds one.
    pub fn allows(&mut self, sender: SocketAddr, received: usize) -> bool {
        let now = Instant::now();
        let allowed = received > 0 && self.take(sender, now);
        if !allowed {
            self.refused.note(|| {
                format!(
                    "{sender}: a datagram of {received} bytes not answered: empty, or past the \
                     limit of {BURST} replies at once and {PER_SECOND} per second to one address \
                     (a server that answers everything can be used to flood someone else)"
                )
            });
        }
        allowed
    }

    /// One line about the datagrams refused since the last line, at most one per second (the
    /// first one at once); `None` when there is nothing to say yet.
    pub fn report(&mut self) -> Option<String> {
        self.refused.report()
    }

    /// Takes one reply from `sender`'s bucket, if it holds one.
    fn take(&mut self, sender: SocketAddr, now: Instant) -> bool {
        if self.senders.len() >= SENDERS && !self.senders.contains_key(&sender) {
            self.forget_some(now);
        }
        let bucket = self.senders.entry(sender).or_insert(Bucket {
            replies: f64::from(BURST),
            at: now,
        });
        let level = bucket.level(now);
        *bucket = Bucket {
            replies: if level >= 1.0 { level - 1.0 } else { level },
            at: now,
        };
        level >= 1.0
    }

    /// Makes room for a new sender: forgets those whose bucket is full again (they are as new),
    /// or else the one heard of longest ago.
    fn forget_some(&mut self, now: Instant) {
        self.senders
            .retain(|_, bucket| bucket.level(now) < f64::from(BURST));
        if self.senders.len() >= SENDERS
            && let Some(oldest) = self
                .senders
                .iter()
                .min_by_key(|(_, bucket)| bucket.at)
                .map(|(sender, _)| *sender)
        {
            self.senders.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sender_gets_its_burst_then_waits_and_an_empty_datagram_gets_nothing() {
        let mut limit = ReplyLimit::new();
        let flooder: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        let other: SocketAddr = "127.0.0.1:4001".parse().unwrap();
        let answered = (0..256).filter(|_| limit.allows(flooder, 1)).count();
        assert_eq!(answered, BURST as usize, "a burst, then the rate");
        assert!(limit.allows(other, 7), "another sender is not held back");
        assert!(!limit.allows(other, 0), "an empty datagram gets no reply");
        let line = limit.report().expect("a line about the refused datagrams");
        assert!(
            line.starts_with("127.0.0.1:4000: a datagram of 1 bytes not answered")
                && line.ends_with("(and 252 more datagrams dropped since the last line)"),
            "{line}"
        );
        assert!(!limit.allows(flooder, 1));
        assert_eq!(limit.report(), None, "one line per second at most");
        std::thread::sleep(Duration::from_millis(600));
        assert!(limit.allows(flooder, 1), "the rate refills the bucket");
    }

    #[test]
    fn many_senders_are_remembered_within_a_bound() {
        let mut limit = ReplyLimit::new();
        for port in 0..(SENDERS as u16 + 10) {
            assert!(limit.allows(SocketAddr::from(([127, 0, 0, 2], port)), 1));
        }
        assert!(limit.senders.len() <= SENDERS);
    }
}
