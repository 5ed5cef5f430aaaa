//! The UDP image client's machinery: its socket, the metadata exchange, and the loop that sends
//! data requests and receives chunks. The two decisions at the heart of the protocol, which
//! chunks to ask for and what to do with a chunk that arrives, are the client program's own:
//! [`Transfer::run`] calls them.

use std::io;
use std::net::{SocketAddr, UdpSocket};

use socket2::SockRef;

mod error;
mod meta;
mod transfer;

pub use error::UdpError;
pub use meta::{Meta, ask_meta};
pub use transfer::{Ask, Take, Transfer};

/// A UDP socket for talking to `server`, with a receive buffer as large as the OS grants (up
/// to 16 MiB: a window of chunks may arrive faster than they are read); returns the size
/// granted (Linux caps it at net.core.rmem_max).
pub fn socket_with_room(server: SocketAddr) -> io::Result<(UdpSocket, usize)> {
    let socket = crate::net::udp::socket_for(server)?;
    let _ = SockRef::from(&socket).set_recv_buffer_size(16 << 20);
    let granted = SockRef::from(&socket).recv_buffer_size().unwrap_or(1 << 20);
    Ok((socket, granted))
}

/// A transfer number of this client's own, so that stray replies to another transfer (or an
/// earlier run) are ignored.
pub fn transfer_number() -> u32 {
    let clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::process::id().rotate_left(16) ^ clock
}
