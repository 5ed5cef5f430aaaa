//! The kit itself: the list of programs with their hints, what every launcher does, and the
//! sample pictures.

pub mod launcher;
pub mod programs;
pub mod samples;
