//! How much a download client trusts a server: a size is checked before anything is written
//! for it ([`check_size`]), and a transfer slower than [`MIN_RATE`] for a whole window is given
//! up ([`SpeedCheck`]), so that a server sending one byte every few seconds cannot keep a
//! client waiting for ever.

use std::time::{Duration, Instant};

/// The largest download a client accepts unless told otherwise (`--max-size`): 4 GiB.
pub const DEFAULT_MAX_SIZE: u64 = 4 << 30;

/// The slowest transfer a client accepts, in bytes per second, as curl's `--speed-limit`.
pub const MIN_RATE: u64 = 1024;

/// Checks the size a server announced against the most this client accepts (`--max-size`),
/// before anything is written or reserved on the disk for it.
pub fn check_size(bytes: u64, max: u64) -> Result<(), LimitError> {
    if bytes > max {
        return Err(LimitError::TooLarge { bytes, max });
    }
    Ok(())
}

/// A limit a download went past, or a size that cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub enum LimitError {
    /// The server announced more bytes than the client accepts.
    TooLarge {
        /// What the server announced.
        bytes: u64,
        /// The most the client accepts (`--max-size`).
        max: u64,
    },
    /// Less than [`MIN_RATE`] for a whole window.
    Stalled {
        /// Bytes received so far.
        received: u64,
        /// Bytes announced.
        of: u64,
        /// The window, in seconds.
        window: f64,
    },
    /// A typed size that is not one.
    SizeSyntax,
    /// A typed size out of range.
    SizeRange,
}

impl std::fmt::Display for LimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitError::TooLarge { bytes, max } => write!(
                f,
                "the server announced {bytes} bytes, more than the {max} this client accepts \
                 (--max-size); nothing was saved"
            ),
            LimitError::Stalled {
                received,
                of,
                window,
            } => write!(
                f,
                "the transfer stalled: less than {} KiB/s for {window} s, after {received} of \
                 {of} bytes; nothing was saved",
                MIN_RATE >> 10
            ),
            LimitError::SizeSyntax => f.write_str("a size like 268435456, 256MiB or 4GiB"),
            LimitError::SizeRange => f.write_str("a size from 1 byte to 1024GiB"),
        }
    }
}

impl std::error::Error for LimitError {}

/// Reads a size typed by a person: `4096`, `512KiB`, `256MiB`, `4GiB` (up to 1 TiB).
pub fn parse_size(text: &str) -> Result<u64, LimitError> {
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let factor: u64 = match unit.trim() {
        "" | "B" => 1,
        "KiB" | "K" => 1 << 10,
        "MiB" | "M" => 1 << 20,
        "GiB" | "G" => 1 << 30,
        _ => return Err(LimitError::SizeSyntax),
    };
    match number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
    {
        Some(size) if size > 0 && size <= 1 << 40 => Ok(size),
        _ => Err(LimitError::SizeRange),
    }
}

/// Watches the rate of a transfer: within every `window`, at least [`MIN_RATE`] bytes per
/// second must arrive, or the transfer is stalled. No data at all for `window` is stalled too.
#[derive(Debug)]
pub struct SpeedCheck {
    window: Duration,
    mark: Instant,
    at_mark: u64,
}

impl SpeedCheck {
    /// Starts watching, now, with nothing received.
    pub fn new(window: Duration) -> SpeedCheck {
        SpeedCheck {
            window,
            mark: Instant::now(),
            at_mark: 0,
        }
    }

    /// When the current window ends: a read need not wait past it.
    pub fn deadline(&self) -> Instant {
        self.mark + self.window
    }

    /// Takes the count of bytes received so far. `Err` with the line to show once a whole
    /// window went by below the minimum rate.
    pub fn check(&mut self, received: u64, of: u64) -> Result<(), LimitError> {
        let needed = (MIN_RATE as f64 * self.window.as_secs_f64()) as u64;
        if received.saturating_sub(self.at_mark) >= needed.max(1) {
            self.mark = Instant::now();
            self.at_mark = received;
        } else if Instant::now() >= self.deadline() {
            return Err(LimitError::Stalled {
                received,
                of,
                window: self.window.as_secs_f64(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_and_announced_sizes_bounded() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("4GiB"), Ok(DEFAULT_MAX_SIZE));
        for bad in [
            "",
            "0",
            "4TiB",
            "-1",
            "1.5GiB",
            "99999999999999999999",
            "2048GiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
        assert!(check_size(DEFAULT_MAX_SIZE, DEFAULT_MAX_SIZE).is_ok());
        let err = check_size(4 << 40, DEFAULT_MAX_SIZE).unwrap_err();
        assert!(err.to_string().contains("--max-size"), "{err}");
    }

    #[test]
    fn a_transfer_below_the_minimum_rate_for_a_whole_window_is_stalled() {
        let window = Duration::from_millis(200);
        let mut fast = SpeedCheck::new(window);
        for step in 1..=5 {
            std::thread::sleep(Duration::from_millis(60));
            fast.check(step * 1000, 5000).unwrap();
        }
        let mut slow = SpeedCheck::new(window);
        slow.check(10, 1000).unwrap();
        std::thread::sleep(Duration::from_millis(250));
        let err = slow.check(20, 1000).unwrap_err();
        assert!(err.to_string().contains("after 20 of 1000 bytes"), "{err}");
    }
}
