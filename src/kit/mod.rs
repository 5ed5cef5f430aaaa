//! The kit itself, as the programs see it: what every launcher does ([`launcher`]), and the
//! machinery the tests, `tp` and `proj_bench` share to run programs under supervision
//! ([`process`]) and to stop everything they started ([`contain`]). The list of programs,
//! grading and the `tp` command are in the `tp` package.

mod capture;
pub mod contain;
pub mod launcher;
pub mod process;

use std::sync::{Mutex, MutexGuard};

/// The value `mutex` guards, even if a thread panicked while it held the lock: every value the
/// kit guards stays valid between two statements, so a panic elsewhere is no reason to stop.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
