//! The kit itself: the list of programs with their hints, what every launcher does, the sample
//! pictures, and the machinery the tests, `tp` and `proj_bench` share to build programs
//! ([`cargo`]) and run them under supervision ([`process`]).

pub mod cargo;
pub mod launcher;
pub mod process;
pub mod programs;
pub mod samples;
