//! The metadata exchange: what the file is, asked until the server answers, and checked
//! before anything is written for it.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use super::error::UdpError;
use crate::image::limits::check_size;
use crate::image::udp::{self, MAX_CHUNK, MIN_CHUNK, Message};
use crate::net::udp::receive_from;

/// What the server said about the file, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The name is unknown: the not-found picture is sent instead.
    pub not_found: bool,
    /// The file's size in bytes.
    pub size: u64,
    /// Its Fletcher-32.
    pub checksum: u32,
    /// The chunk size the server uses.
    pub chunk: u16,
    /// The token to copy into every data request.
    pub token: u64,
    /// How many chunks the file has.
    pub count: u32,
}

/// Asks for the metadata of `name` until the server answers (100 ms, then twice as long each
/// time), for at most `give_up`; checks what it says against `max_size` before anything is
/// written for it.
pub fn ask_meta(
    socket: &UdpSocket,
    server: SocketAddr,
    transfer: u32,
    name: &str,
    chunk: u16,
    give_up: Duration,
    max_size: u64,
) -> Result<Meta, UdpError> {
    let mut request = Vec::new();
    Message::MetaRequest {
        transfer,
        chunk,
        name,
    }
    .encode(&mut request);
    let end = Instant::now() + give_up;
    let mut buffer = vec![0u8; 65536];
    let mut wait = Duration::from_millis(100);
    while Instant::now() < end {
        socket
            .send_to(&request, server)
            .map_err(|e| UdpError::Send(server, e))?;
        let deadline = (Instant::now() + wait).min(end);
        while let Some(n) = receive_from(socket, server, &mut buffer, deadline)
            .map_err(|e| UdpError::Receive(server, e))?
        {
            match Message::decode(&buffer[..n]) {
                Ok(Message::Meta {
                    transfer: t,
                    not_found,
                    size,
                    checksum,
                    chunk,
                    token,
                }) if t == transfer => {
                    return checked(not_found, size, checksum, chunk, token, max_size);
                }
                Ok(Message::Error {
                    transfer: t,
                    reason,
                }) if t == transfer => {
                    return Err(UdpError::Refused {
                        name: name.to_string(),
                        reason: reason.to_string(),
                    });
                }
                _ => {} // late or foreign datagrams
            }
        }
        wait = (wait * 2).min(Duration::from_secs(1));
    }
    Err(UdpError::Silent(server, give_up))
}

/// The metadata, if the server's numbers are ones this client accepts: a chunk size within
/// the protocol's range, a size within `max_size`, a chunk count that fits in 32 bits.
fn checked(
    not_found: bool,
    size: u64,
    checksum: u32,
    chunk: u16,
    token: u64,
    max_size: u64,
) -> Result<Meta, UdpError> {
    if !(MIN_CHUNK..=MAX_CHUNK).contains(&chunk) {
        return Err(UdpError::Chunk(chunk));
    }
    check_size(size, max_size)?;
    let count =
        u32::try_from(udp::chunk_count(size, chunk)).map_err(|_| UdpError::Uncountable(size))?;
    Ok(Meta {
        not_found,
        size,
        checksum,
        chunk,
        token,
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_numbers_are_checked_before_anything_is_written() {
        let meta = checked(false, 9501, 1, 1400, 7, 1 << 30).unwrap();
        assert_eq!(meta.count, 7);
        assert!(
            checked(false, 10, 1, 100, 7, 1 << 30)
                .unwrap_err()
                .to_string()
                .contains("chunks of 100")
        );
        assert!(
            checked(false, 4 << 40, 1, 1024, 7, 4 << 30)
                .unwrap_err()
                .to_string()
                .contains("--max-size")
        );
        let wraps = checked(false, 4 << 40, 1, 1024, 7, u64::MAX)
            .unwrap_err()
            .to_string();
        assert!(wraps.contains("too many chunks"), "{wraps}");
    }
}
