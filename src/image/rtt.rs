//! How long to wait for an answer before asking again: the round-trip time estimate and the
//! retransmission timeout, computed as TCP does (RFC 6298).

use std::time::Duration;

/// The retransmission timeout before any round trip was measured.
const FIRST_RTO: Duration = Duration::from_millis(100);

/// A smoothed round-trip time and its variation.
#[derive(Debug, Default, Clone)]
pub struct Rtt {
    srtt: Option<Duration>,
    rttvar: Duration,
}

impl Rtt {
    /// Takes one round trip measured: `srtt` moves 1/8 of the way towards it, `rttvar` 1/4 of
    /// the way towards the difference. Karn's rule: measure only answers to requests sent once
    /// (an answer to a request sent twice does not say which request it answers).
    pub fn measure(&mut self, sample: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(sample);
                self.rttvar = sample / 2;
            }
            Some(srtt) => {
                let diff = srtt.abs_diff(sample);
                self.rttvar = (self.rttvar * 3 + diff) / 4;
                self.srtt = Some((srtt * 7 + sample) / 8);
            }
        }
    }

    /// How long to wait for an answer before the request is presumed lost: `srtt + 4 rttvar`,
    /// kept between 5 ms and 1 s (loopback round trips are far below TCP's 1 s minimum).
    pub fn rto(&self) -> Duration {
        match self.srtt {
            None => FIRST_RTO,
            Some(srtt) => {
                (srtt + 4 * self.rttvar).clamp(Duration::from_millis(5), Duration::from_secs(1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeout_follows_the_round_trips_and_stays_bounded() {
        let mut rtt = Rtt::default();
        assert_eq!(rtt.rto(), FIRST_RTO);
        rtt.measure(Duration::from_millis(20));
        assert_eq!(rtt.rto(), Duration::from_millis(60), "20 + 4 x 10");
        for _ in 0..50 {
            rtt.measure(Duration::from_millis(20));
        }
        assert!(rtt.rto() < Duration::from_millis(25), "{:?}", rtt.rto());
        rtt.measure(Duration::from_secs(30));
        assert_eq!(rtt.rto(), Duration::from_secs(1));
        let mut tiny = Rtt::default();
        tiny.measure(Duration::from_micros(10));
        assert_eq!(tiny.rto(), Duration::from_millis(5));
    }
}
