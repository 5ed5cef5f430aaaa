//! The exchange of Exercises 1 to 3: the client sends one message, the server answers
//! `Welcome to this server`.
//!
//! Exercise 1 writes every call by hand; from Exercise 2 on, the programs call these two
//! functions for the part already learned and spend their lines on the new step.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::kit::lock;
use crate::net::errors::REPLY_TIMEOUT;
use crate::net::io::{is_peer_gone, is_timeout};
use crate::net::text::shown;

/// What the server answers every client.
pub const WELCOME: &str = "Welcome to this server";

/// The largest message a server reads, and the largest reply a client reads, in one exchange.
pub const BUFFER: usize = 1024;

/// Server side: reads the client's message (one `recv` of at most [`BUFFER`] bytes), answers
/// [`WELCOME`], and returns the message. An empty message means the client closed without
/// sending anything; it still gets the answer if it is listening.
pub fn answer(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut buffer = [0u8; BUFFER];
    let received = stream.read(&mut buffer)?;
    match stream.write_all(WELCOME.as_bytes()) {
        // A client that sent nothing and left cannot hear the answer: not an error.
        Err(e) if received == 0 && is_peer_gone(&e) => {}
        other => other?,
    }
    Ok(buffer[..received].to_vec())
}

/// How long a server waits for a client's message before it moves on to the next client:
/// shorter than a client's patience ([`REPLY_TIMEOUT`], 5 s), so that a client queued behind
/// a silent connection is still answered in time.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(2);

/// The time that the clients who said nothing, one after the other, have cost the server so
/// far: together they get [`CLIENT_TIMEOUT`], not each; the first client that speaks resets it.
static SILENT_STREAK: Mutex<Duration> = Mutex::new(Duration::ZERO);

/// Accepts the next client of `listener`, answers it, and prints one line about it:
/// `client N from ADDRESS: received "MESSAGE"`. Whatever that client does (sends nothing,
/// waits forever, resets the connection), it costs at most [`CLIENT_TIMEOUT`] and a line on
/// stderr: the server goes on with the next one. Silent clients in a row share that time: once
/// they have used it, the next silent one is closed at once, so that a crowd of them cannot
/// keep a client who spoke waiting (its message is already there when its turn comes).
pub fn welcome_next(listener: &TcpListener, count: u64) {
    let (mut client, address) = match listener.accept() {
        Ok(accepted) => accepted,
        Err(e) => {
            eprintln!("client {count}: accept failed: {e}");
            return;
        }
    };
    // A client that connects and then says nothing must not block the others for ever.
    let spent = *lock(&SILENT_STREAK);
    let patience = CLIENT_TIMEOUT
        .saturating_sub(spent)
        .max(Duration::from_millis(1));
    let _ = client.set_read_timeout(Some(patience));
    let _ = client.set_write_timeout(Some(CLIENT_TIMEOUT));
    let waited = Instant::now();
    let answered = answer(&mut client);
    *lock(&SILENT_STREAK) = match &answered {
        Err(e) if is_timeout(e) => spent + waited.elapsed(),
        _ => Duration::ZERO,
    };
    match answered {
        Ok(message) if message.is_empty() => {
            println!("client {count} from {address}: closed without sending anything");
        }
        Ok(message) => println!(
            "client {count} from {address}: received {:?}",
            String::from_utf8_lossy(&message)
        ),
        Err(e) if is_timeout(&e) => eprintln!(
            "client {count} from {address}: sent nothing in {:.1} s; closed",
            waited.elapsed().as_secs_f64()
        ),
        Err(e) => eprintln!("client {count} from {address}: connection lost: {e}"),
    }
}

/// Client side: sends `message`, then `shutdown(Write)`: the client says "I have nothing more
/// to send" (TCP sends FIN) before the server closes, so the client is always the side that
/// closes first, whichever server it talks to. Then it reads the reply until the server closes
/// (at most [`BUFFER`] bytes, within [`REPLY_TIMEOUT`]), and returns it as text to show, with
/// control characters escaped ([`shown`]).
pub fn exchange(stream: &mut TcpStream, message: &str) -> io::Result<String> {
    exchange_within(stream, message, REPLY_TIMEOUT)
}

/// [`exchange`], with the reply expected within `timeout`.
fn exchange_within(stream: &mut TcpStream, message: &str, timeout: Duration) -> io::Result<String> {
    stream.write_all(message.as_bytes())?;
    stream.shutdown(Shutdown::Write)?;
    stream.set_read_timeout(Some(timeout))?;
    let mut reply = Vec::new();
    stream.take(BUFFER as u64).read_to_end(&mut reply)?;
    Ok(shown(&reply))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server that accepts, reads, and never answers: the client gives up at its deadline.
    #[test]
    fn a_server_that_never_answers_is_given_up_on_in_time() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (_held, _) = listener.accept().unwrap();
        let started = std::time::Instant::now();
        let err = exchange_within(&mut stream, "hello?", Duration::from_millis(200)).unwrap_err();
        assert!(is_timeout(&err), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn the_reply_comes_back_with_control_characters_escaped() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        let answering = std::thread::spawn(move || {
            let mut message = [0u8; 2];
            server.read_exact(&mut message).unwrap();
            server.write_all(b"Welcome\x1b[2J").unwrap();
        });
        assert_eq!(exchange(&mut stream, "hi").unwrap(), "Welcome\\u{1b}[2J");
        answering.join().unwrap();
    }
}
