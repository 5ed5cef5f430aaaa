//! The fields of a datagram, big-endian: read off its front ([`Reader`]), written at its end
//! ([`Writer`]), each the mirror of the other.

use std::fmt;

/// Why a datagram is not one of the protocol's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Malformed {}

/// Reads big-endian fields off the front of a datagram.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if self.0.len() < n {
            return Err(Malformed("datagram too short"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    pub(super) fn array<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        let mut bytes = [0u8; N];
        bytes.copy_from_slice(self.take(N)?);
        Ok(bytes)
    }

    pub(super) fn u16(&mut self) -> Result<u16, Malformed> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(super) fn u32(&mut self) -> Result<u32, Malformed> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(super) fn u64(&mut self) -> Result<u64, Malformed> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    pub(super) fn text(&mut self, n: usize) -> Result<&'a str, Malformed> {
        std::str::from_utf8(self.take(n)?).map_err(|_| Malformed("text that is not UTF-8"))
    }
}

/// Writes big-endian fields at the end of a datagram: the mirror of [`Reader`].
pub(super) struct Writer<'a>(pub(super) &'a mut Vec<u8>);

impl Writer<'_> {
    pub(super) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self
    }

    pub(super) fn kind(&mut self, kind: u8) -> &mut Self {
        self.bytes(&[kind])
    }

    pub(super) fn u16(&mut self, n: u16) -> &mut Self {
        self.bytes(&n.to_be_bytes())
    }

    pub(super) fn u32(&mut self, n: u32) -> &mut Self {
        self.bytes(&n.to_be_bytes())
    }

    pub(super) fn u64(&mut self, n: u64) -> &mut Self {
        self.bytes(&n.to_be_bytes())
    }

    /// A name: its length in one byte, then its bytes (the caller keeps it under 256).
    pub(super) fn text(&mut self, text: &str) -> &mut Self {
        self.bytes(&[text.len() as u8]).bytes(text.as_bytes())
    }
}
