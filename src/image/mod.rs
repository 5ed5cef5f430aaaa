//! The image project: its protocols over TCP ([`tcp`]) and UDP ([`udp`]), Fletcher-32, the
//! folder a server serves, downloads that leave nothing partial, and what clients say about a
//! picture.

pub mod catalog;
pub mod download;
pub mod fletcher;
pub mod limits;
pub mod parity;
pub mod part;
pub mod picture;
pub mod rtt;
pub mod source;
pub mod tcp;
pub mod tcp_client;
pub mod tcp_server;
pub mod udp;
pub mod udp_client;
pub mod udp_server;
