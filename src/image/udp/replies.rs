//! The UDP image server's replies: to an address it has validated, anything; to one it has not,
//! never more than 3 × the request they answer.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use crate::image::udp::{AMPLIFICATION_LIMIT, DATA_HEADER, MAX_DATAGRAM, Message};

/// Sends `datagram` to `client`. While the server only looks at its socket (chunks wait to be
/// sent, [`Fair`](super::fair::Fair)), the socket does not block: a send that finds the
/// system's queue full is tried again for a few milliseconds, as a blocking send would wait.
fn send_to(socket: &UdpSocket, datagram: &[u8], client: SocketAddr) -> io::Result<usize> {
    let mut tries = 0;
    loop {
        match socket.send_to(datagram, client) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && tries < 100 => {
                tries += 1;
                std::thread::sleep(Duration::from_micros(50));
            }
            sent => return sent,
        }
    }
}

/// The server's way of sending datagrams: to a validated address, anything; to an address not
/// yet validated, at most [`AMPLIFICATION_LIMIT`] times the bytes of the request it answers (an
/// `e` reason is shortened to fit, and anything else that does not fit is not sent).
#[derive(Debug)]
pub struct Replies<'a> {
    socket: &'a UdpSocket,
    out: Vec<u8>,
}

impl<'a> Replies<'a> {
    /// Replies sent from `socket`.
    pub fn new(socket: &'a UdpSocket) -> Replies<'a> {
        Replies {
            socket,
            out: Vec::with_capacity(MAX_DATAGRAM),
        }
    }

    /// Sends `message` to `client`, whose token was checked.
    pub fn send(&mut self, client: SocketAddr, message: &Message<'_>) -> io::Result<()> {
        self.out.clear();
        message.encode(&mut self.out);
        send_to(self.socket, &self.out, client).map(drop)
    }

    /// Sends `message` to `client`, not validated, in answer to a request of `request` bytes.
    /// Returns how many bytes were sent: never more than 3 × `request`.
    pub fn send_unvalidated(
        &mut self,
        client: SocketAddr,
        request: usize,
        message: &Message<'_>,
    ) -> io::Result<usize> {
        let limit = AMPLIFICATION_LIMIT * request;
        self.out.clear();
        match message {
            Message::Error { transfer, reason } => {
                let mut room = limit.saturating_sub(DATA_HEADER - 4).min(reason.len());
                while !reason.is_char_boundary(room) {
                    room -= 1;
                }
                let reason = &reason[..room];
                Message::Error {
                    transfer: *transfer,
                    reason,
                }
                .encode(&mut self.out);
            }
            other => other.encode(&mut self.out),
        }
        if self.out.len() > limit {
            return Ok(0);
        }
        send_to(self.socket, &self.out, client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unvalidated address gets at most 3 × the request: a long reason is cut to fit.
    #[test]
    fn replies_to_an_unvalidated_address_stay_within_three_times_the_request() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client
            .set_read_timeout(Some(std::time::Duration::from_secs(2)))
            .unwrap();
        let to = client.local_addr().unwrap();
        let mut replies = Replies::new(&server);
        let reason = "é".repeat(100);
        let error = Message::Error {
            transfer: 1,
            reason: &reason,
        };
        let sent = replies.send_unvalidated(to, 26, &error).unwrap();
        assert!(sent <= 78 && sent > 8, "{sent}");
        let mut buffer = [0u8; 512];
        let n = client.recv(&mut buffer).unwrap();
        assert_eq!(n, sent);
        assert!(
            Message::decode(&buffer[..n]).is_ok(),
            "cut on a character boundary"
        );
        let data = Message::Data {
            transfer: 1,
            index: 0,
            payload: &[0u8; 100],
        };
        assert_eq!(replies.send_unvalidated(to, 26, &data).unwrap(), 0);
    }
}
