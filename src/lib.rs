//! The library of the tp-sockets lab kit: what the programs of `exercises/` and `solutions/`
//! use, in three rooms, one per audience.
//!
//! | room | for | what |
//! | --- | --- | --- |
//! | [`net`] | Exercises 1 to 5 | sockets opened by host name ([`net::sock`]), errors in one line ([`net::errors`], [`net::io`]), prompts ([`net::prompt`]), the welcome exchange, the socket table ([`net::netstat`]), text shown safely ([`net::shown`]) |
//! | [`image`] | the image project | in layers: the name rule, Fletcher-32, pictures and limits; the served folder; saving; the parity, TCP and UDP protocols, each with its client and server side by side |
//! | [`kit`] | every program | the launcher every program starts with, and programs run under supervision (for the tests and the tools) |
//!
//! Each layer has its own error type, whose `Display` is the one sentence a student reads;
//! it becomes text only at a program's edge ([`net::finish`], or `?` in a `run` function that
//! gives its errors as `String`s). The `tp` command and the tests are the `tp` package (tp/).

/// At a program's edge, where a `run` function gives its errors as `String`s, `?` turns each of
/// these errors into the one line the program prints (its `Display`).
macro_rules! said_at_the_edge {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for String {
            fn from(error: $error) -> String {
                error.to_string()
            }
        })*
    };
}

pub mod image;
pub mod kit;
pub mod net;

said_at_the_edge!(
    net::sock::SocketError,
    net::prompt::InputError,
    net::prompt::AnswerError,
    image::folder::FolderError,
    image::serve::ServeError,
    image::save::SaveError,
    image::limits::LimitError,
    image::picture::DrawError,
    image::tcp::WireError,
    image::tcp::client::ClientError,
    image::udp::client::UdpError,
    image::udp::server::Unserved,
    image::name::NameError,
);
