//! What every image server does first: the options that say where to listen and which folder
//! to serve, then the folder opened and the socket bound, with the line that says where.

use std::fmt;
use std::net::{TcpListener, UdpSocket};
use std::path::PathBuf;

use crate::image::folder::{Folder, FolderError};
use crate::net::sock::{self, SocketError};

/// The options every image server takes: where to listen, and which folder to serve.
#[derive(Debug, clap::Args)]
pub struct ServedFolder {
    /// The address to listen on: 127.0.0.1 (this machine), 0.0.0.0 (a lab room)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The folder of pictures to serve; nothing outside it is ever sent
    #[arg(long, default_value = "images")]
    pub dir: PathBuf,
}

/// Why a server cannot start.
#[derive(Debug)]
pub enum ServeError {
    /// The folder cannot be served.
    Folder(FolderError),
    /// The socket cannot be made, bound or read.
    Socket(SocketError),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Folder(e) => write!(f, "{e}"),
            ServeError::Socket(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Folder(e) => Some(e),
            ServeError::Socket(e) => Some(e),
        }
    }
}

impl From<FolderError> for ServeError {
    fn from(e: FolderError) -> ServeError {
        ServeError::Folder(e)
    }
}

impl From<SocketError> for ServeError {
    fn from(e: SocketError) -> ServeError {
        ServeError::Socket(e)
    }
}

impl ServedFolder {
    /// The folder to serve, and a TCP listener where the options say (port 0: the OS chooses),
    /// announced with its `listening on` line (and, on 0.0.0.0, the addresses to use).
    pub fn listen_tcp(&self, port: u16) -> Result<(Folder, TcpListener), ServeError> {
        let folder = Folder::new(&self.dir)?;
        let listener = sock::bind_and_listen(&self.host, port)?;
        sock::announce("listening on", sock::local_address(&listener)?);
        Ok((folder, listener))
    }

    /// The folder to serve, and a UDP socket bound where the options say, announced with its
    /// `receiving on` line (UDP has no listen()).
    pub fn bind_udp(&self, port: u16) -> Result<(Folder, UdpSocket), ServeError> {
        let folder = Folder::new(&self.dir)?;
        let (socket, address) = sock::bind_udp(&self.host, port)?;
        sock::announce("receiving on", address);
        Ok((folder, socket))
    }
}
