//! What the exercise programs share: one clear line per error, sockets opened the way several
//! programs do, questions asked at a prompt, the welcome exchange, and the socket table.

pub mod errors;
pub mod io;
pub mod netstat;
pub mod prompt;
pub mod reflection;
pub mod sock;
pub mod text;
pub mod udp;
pub mod welcome;

pub use errors::{
    REPLY_TIMEOUT, bind_error, connect_error, exchange_error, finish, time_wait_error,
};
pub use text::shown;
