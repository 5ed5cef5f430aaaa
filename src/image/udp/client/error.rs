//! Why a UDP download got nowhere, in the one line a client prints.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use crate::image::limits::LimitError;
use crate::image::udp::{MAX_CHUNK, MIN_CHUNK};
use crate::net::shown;

/// Why a UDP download got nowhere.
#[derive(Debug)]
pub enum UdpError {
    /// A datagram could not be sent to the server.
    Send(SocketAddr, io::Error),
    /// Nothing could be received from the server.
    Receive(SocketAddr, io::Error),
    /// The server refused the name, with this reason.
    Refused {
        /// The name asked for.
        name: String,
        /// The server's reason.
        reason: String,
    },
    /// No answer at all, for this long.
    Silent(SocketAddr, Duration),
    /// A chunk size outside the protocol's range.
    Chunk(u16),
    /// A size with more chunks than a transfer can number.
    Uncountable(u64),
    /// A size or a rate the client does not accept.
    Limit(LimitError),
    /// The received chunks cannot be written.
    Write(io::Error),
}

impl std::fmt::Display for UdpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UdpError::Send(server, e) => write!(f, "cannot send to {server}: {e}"),
            UdpError::Receive(server, e) => write!(f, "cannot receive from {server}: {e}"),
            UdpError::Refused { name, reason } => write!(
                f,
                "the server refused \"{}\": {}",
                shown(name),
                shown(reason)
            ),
            UdpError::Silent(server, waited) => f.write_str(&crate::net::udp::no_answer(
                *server,
                *waited,
                "cargo run --example proj_image_udp_server",
            )),
            UdpError::Chunk(chunk) => write!(
                f,
                "the server announced chunks of {chunk} bytes, outside {MIN_CHUNK}-{MAX_CHUNK}; \
                 nothing was saved"
            ),
            UdpError::Uncountable(size) => {
                write!(
                    f,
                    "the server announced {size} bytes, too many chunks to count"
                )
            }
            UdpError::Limit(limit) => write!(f, "{limit}"),
            UdpError::Write(e) => write!(f, "cannot write the file: {e}"),
        }
    }
}

impl std::error::Error for UdpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            UdpError::Send(_, e) | UdpError::Receive(_, e) | UdpError::Write(e) => Some(e),
            UdpError::Limit(e) => Some(e),
            _ => None,
        }
    }
}

impl From<LimitError> for UdpError {
    fn from(limit: LimitError) -> UdpError {
        UdpError::Limit(limit)
    }
}
