//! What every launcher in `examples/` does before it runs the program.
//!
//! A launcher is built from `solutions/` (the reference) or, with the cargo feature `exercises`,
//! from `exercises/` (the student's file). The tests start the launcher binary that cargo left in
//! `target/*/examples/`; if that binary was built for the other feature set (say `cargo test`
//! ran after `cargo grade`, and only the test files were rebuilt), the tests would silently grade
//! the wrong code. They set `TP_SOCKETS_EXPECT` to the build they want, and the launcher refuses
//! to run when it is not that build.

use std::process::ExitCode;

/// The build this binary is: `"exercises"` (the student's files) or `"solutions"` (the references).
pub const BUILD: &str = if cfg!(feature = "exercises") {
    "exercises"
} else {
    "solutions"
};

/// The environment variable the test harness sets to the build it expects.
pub const EXPECT_VAR: &str = "TP_SOCKETS_EXPECT";

/// The exit code of a launcher that refuses to run because it is the wrong build.
pub const WRONG_BUILD: u8 = 3;

/// Runs `program` unless the test harness expects the other build (then exits with code 3).
/// (The tools, which have no skeleton, are the same in both builds: they run directly.)
pub fn run(program: fn() -> ExitCode) -> ExitCode {
    end_quietly_on_closed_output();
    match std::env::var(EXPECT_VAR) {
        Ok(expected) if expected != BUILD => {
            eprintln!(
                "error: this program was built from {BUILD}/ but the tests expect {expected}/; \
                 rebuild every program first: cargo build --examples{}",
                if expected == "exercises" {
                    " --features exercises"
                } else {
                    ""
                }
            );
            ExitCode::from(WRONG_BUILD)
        }
        _ => program(),
    }
}

/// The exit code of a program whose output was closed by its reader (`program | head -1`):
/// 128 + SIGPIPE, as a shell reports a program the signal stopped.
pub const CLOSED_OUTPUT: i32 = 141;

/// From now on, a program whose standard output is closed by its reader ends quietly, with
/// code 141, instead of panicking.
///
/// Rust ignores SIGPIPE, so writing to a pipe whose reader is gone fails with BrokenPipe, and
/// `println!` turns that failure into a panic ("failed printing to stdout"). Std offers no
/// stable way to restore the default signal, so the panic is recognised here, once for every
/// program (students' `println!` included). EPIPE is error 32 on Linux and macOS; Windows
/// reports a closed pipe as ERROR_NO_DATA (232).
pub fn end_quietly_on_closed_output() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        let broken_pipe = if cfg!(windows) {
            "(os error 232)"
        } else {
            "(os error 32)"
        };
        if message.starts_with("failed printing to stdout") && message.ends_with(broken_pipe) {
            std::process::exit(CLOSED_OUTPUT);
        }
        default(info);
    }));
}

/// The environment variable that points the tests at a folder of programs built beforehand
/// (by `tp grade` and `tp check`) instead of building them: `NAME` is the program, and
/// `NAME.error`, when there is no program, holds why it does not compile.
pub const PROGRAMS_VAR: &str = "TP_SOCKETS_PROGRAMS";

/// The environment variable that points the tests at the reference programs built beforehand
/// (by `tp grade` and `tp check`): the peers the programs under test talk to.
pub const REFERENCES_VAR: &str = "TP_SOCKETS_REFERENCES";
