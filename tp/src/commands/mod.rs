//! `tp`'s commands, a file per subcommand, each named after it; `main` parses the command
//! line, calls one, and turns its [`Error`] into one line of text and an exit code.
//!
//! - [`list`]: `tp` alone, the programs in the handout's order;
//! - [`hint`]: a program's hints, step by step;
//! - [`check`]: the tests on the student's programs, a line per program;
//! - [`watch`]: a check again at each save;
//! - [`grade`]: a class's submissions, or one for a platform;
//! - [`reset`]: a project program's file back to a skeleton;
//! - [`run`]: one of the student's programs, from their files alone;
//! - [`trace`]: an exchange recorded and drawn;
//! - [`images`]: the sample pictures drawn again.

pub mod check;
mod error;
pub mod grade;
pub mod hint;
pub mod images;
pub mod list;
pub mod reset;
pub mod run;
pub mod trace;
pub mod watch;

pub use error::Error;
