//! The image project, by layer, from the bottom:
//!
//! - [`name`]: the rule every picture name follows ([`name::PictureName`]);
//! - [`fletcher`], [`picture`], [`limits`]: Fletcher-32, what a picture is (its size, its
//!   preview), the sizes and rates a client accepts;
//! - [`source`], [`folder`], [`serve`]: what a server sends, the folder it serves (and the rules
//!   that keep it inside), and its start-up;
//! - [`save`]: where a client saves, without ever leaving a partial file;
//! - [`parity`]: the parity service over UDP;
//! - [`tcp`] and [`udp`]: each protocol's wire format, with its client and its server side by
//!   side ([`rtt`]: the UDP client's round-trip estimate).
//!
//! A layer uses only the layers below it; a client never uses a server's module, nor the
//! reverse.

pub mod fletcher;
pub mod folder;
pub mod limits;
pub mod name;
pub mod parity;
pub mod picture;
pub mod rtt;
pub mod save;
pub mod serve;
pub mod source;
pub mod tcp;
pub mod udp;
