//! The kit itself, as the programs see it: what every launcher does ([`launcher`]), and the
//! machinery the tests, `tp` and `proj_bench` share to run programs under supervision
//! ([`process`]). The list of programs, grading and the `tp` command are in the `tp` package.

pub mod launcher;
pub mod process;
