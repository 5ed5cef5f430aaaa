//! The tp-sockets lab kit's shared code, in three rooms, one per audience:
//! - [`net`]: what the exercise programs (Exercises 1 to 5) use: errors, sockets, prompts,
//!   the socket table;
//! - [`image`]: the image project's protocols over TCP and UDP, Fletcher-32, the served
//!   folder, downloads and pictures;
//! - [`kit`]: the kit itself: the program list and hints, the launcher, the sample pictures.
//!
//! The `tp` command (src/bin/tp/) and the tools (tools/) are built on these.

pub mod image;
pub mod kit;
pub mod net;
