//! The image project: its protocols over TCP ([`tcp`]) and UDP ([`udp`]), Fletcher-32, the
//! folder a server serves, downloads that leave nothing partial, and what clients say about a
//! picture.

pub mod catalog;
pub mod download;
pub mod fletcher;
pub mod picture;
pub mod tcp;
pub mod udp;
