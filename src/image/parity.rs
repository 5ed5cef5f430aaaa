//! The parity protocol over UDP (PROTOCOL.md, "Parity over UDP"): one request datagram holding
//! a picture's name, one answer datagram: `OK <width> <height> <pair|impair> <pair|impair>\n`
//! or `ERR <reason>\n`. Writing and reading those lines is the parity programs' own lesson.

/// The default port of the parity server (UDP; the TCP image server's number, on the other
/// transport).
pub const DEFAULT_PORT: u16 = 40674;

/// The largest request the server reads, and the largest answer the client reads.
pub const MAX_DATAGRAM: usize = 1024;

/// `pair` for an even number, `impair` for an odd one: the parity of one side of a picture,
/// as the service answers it.
pub fn of(n: u32) -> &'static str {
    if n.is_multiple_of(2) {
        "pair"
    } else {
        "impair"
    }
}
