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

#[cfg(test)]
mod tests {
    use std::error::Error;
    use std::io;
    use std::path::PathBuf;

    use crate::image::{folder, picture, save, udp};
    use crate::net::prompt;

    /// The system's error that an error of the kit wraps is its `source()`, for a reader (or a
    /// logger) that walks the chain; its `Display` stays the one line a student reads.
    #[test]
    fn an_error_that_wraps_another_gives_it_as_its_source() {
        let io = || io::Error::new(io::ErrorKind::PermissionDenied, "denied");
        let wrapping: Vec<Box<dyn Error>> = vec![
            Box::new(prompt::InputError::Unreadable(io())),
            Box::new(crate::image::tcp::client::ClientError::Lost(io())),
            Box::new(folder::FolderError::Unreadable {
                dir: PathBuf::from("images"),
                error: io(),
            }),
            Box::new(udp::server::Unserved::Unreadable {
                name: "car.png".into(),
                error: io(),
            }),
            Box::new(udp::client::UdpError::Write(io())),
            Box::new(picture::DrawError(io())),
            Box::new(save::SaveError::File {
                path: PathBuf::from("car.png"),
                error: io(),
            }),
        ];
        for error in wrapping {
            let source = error.source().and_then(|s| s.downcast_ref::<io::Error>());
            assert!(
                source.is_some_and(|s| s.kind() == io::ErrorKind::PermissionDenied),
                "{error:?} does not give the io::Error it wraps as its source()"
            );
        }
        assert!(prompt::InputError::Closed("port".into()).source().is_none());
    }
}
