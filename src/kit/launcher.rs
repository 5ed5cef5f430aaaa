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

/// Runs `program`, of the build `build` (`"exercises"` or `"solutions"`), unless the test
/// harness expects the other build (then exits with code 3). A launcher calls it through
/// [`launch!`](crate::launch), which reads the build where the launcher is compiled: the
/// launcher's own cfg, so that grading may link a student's file, compiled with the
/// `exercises` cfg, against the very library `tp` was built with. (The tools, which have no
/// skeleton, are the same in both builds: they run directly.)
pub fn run_as(build: &'static str, program: fn() -> ExitCode) -> ExitCode {
    end_quietly_on_closed_output();
    match std::env::var(EXPECT_VAR) {
        Ok(expected) if expected != build => {
            eprintln!(
                "error: this program was built from {build}/ but the tests expect {expected}/; \
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

/// Runs a launcher's program (`tp_sockets::launch!(program::main)`), of the build the launcher
/// is compiled as: `exercises` with the cargo feature (or rustc's `--cfg feature="exercises"`),
/// `solutions` without ([`run_as`]).
#[macro_export]
macro_rules! launch {
    ($program:expr) => {
        $crate::kit::launcher::run_as(
            if cfg!(feature = "exercises") {
                "exercises"
            } else {
                "solutions"
            },
            $program,
        )
    };
}

/// The exit code of a program whose output was closed by its reader (`program | head -1`):
/// 128 + SIGPIPE, as a shell reports a program the signal stopped.
pub const CLOSED_OUTPUT: i32 = 141;

/// From now on, a program that panics says so in one line of its own ([`Stopped`]), and a
/// program whose standard output is closed by its reader ends quietly, with code 141, instead
/// of panicking.
///
/// Rust ignores SIGPIPE, so writing to a pipe whose reader is gone fails with BrokenPipe, and
/// `println!` turns that failure into a panic ("failed printing to stdout"). Std offers no
/// stable way to restore the default signal, so the panic is recognised here, once for every
/// program (students' `println!` included). EPIPE is error 32 on Linux and macOS; Windows
/// reports a closed pipe as ERROR_NO_DATA (232).
pub fn end_quietly_on_closed_output() {
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        let broken_pipe = if cfg!(windows) {
            "(os error 232)"
        } else {
            "(os error 32)"
        };
        if message.starts_with("failed printing to stdout") && message.ends_with(broken_pipe) {
            std::process::exit(CLOSED_OUTPUT);
        }
        let place = info.location().map_or_else(String::new, |l| {
            format!("{}:{}", shown_path(l.file()), l.line())
        });
        eprintln!("{}", Stopped::new(&program_name(), &place, message));
    }));
}

/// This program's name: its executable's, without the folder and the `.exe`.
fn program_name() -> String {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "the program".to_string())
}

/// A source file's path as a student knows it: from `exercises/`, `solutions/` or `src/` on
/// (a launcher includes the student's file as `examples/../exercises/NAME.rs`).
fn shown_path(file: &str) -> &str {
    let file_start = |folder: &str| {
        file.rfind(folder)
            .filter(|&at| at == 0 || file[..at].ends_with(['/', '\\']))
    };
    ["exercises/", "solutions/", "src/"]
        .iter()
        .find_map(|folder| file_start(folder))
        .map_or(file, |at| &file[at..])
}

/// Why a program stopped on a panic, in the one line its panic hook prints, which the tests
/// read back ([`Stopped::parse`]): `NAME stopped at FILE:LINE: step N is not done yet (...)`
/// for a `todo!()` the student has not replaced, `NAME panicked at FILE:LINE: MESSAGE`
/// otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    /// The program.
    pub program: String,
    /// Where: `exercises/NAME.rs:LINE`.
    pub place: String,
    /// A step not done yet, in words (`step 4 is not done yet (create the socket)`), or
    /// `None` for any other panic.
    pub unfinished: Option<String>,
    /// The panic's message (its first line).
    pub message: String,
}

impl Stopped {
    /// The stop of `program` at `place` on a panic saying `message`.
    pub fn new(program: &str, place: &str, message: &str) -> Stopped {
        let message = message.lines().next().unwrap_or_default().to_string();
        let unfinished = message
            .strip_prefix("not yet implemented")
            .map(|todo| step_not_done(todo.trim_start_matches(':').trim()));
        Stopped {
            program: program.to_string(),
            place: place.to_string(),
            unfinished,
            message,
        }
    }

    /// Reads the line [`Stopped`] prints, if `line` is one.
    pub fn parse(line: &str) -> Option<Stopped> {
        let (program, rest, unfinished) = if let Some((p, r)) = line.split_once(" stopped at ") {
            (p, r, true)
        } else {
            let (p, r) = line.split_once(" panicked at ")?;
            (p, r, false)
        };
        if program.contains(' ') {
            return None;
        }
        // FILE:LINE: TEXT, where FILE may hold a `:` (a Windows drive) but LINE is digits.
        let (head, text) = rest.split_once(": ")?;
        let (_, number) = head.rsplit_once(':')?;
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(Stopped {
            program: program.to_string(),
            place: head.to_string(),
            unfinished: unfinished.then(|| text.to_string()),
            message: text.to_string(),
        })
    }
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.unfinished {
            Some(step) => write!(f, "{} stopped at {}: {step}", self.program, self.place),
            None => write!(
                f,
                "{} panicked at {}: {}",
                self.program, self.place, self.message
            ),
        }
    }
}

/// `step 4: create the socket` (what a skeleton's `todo!` says) in words: `step 4 is not done
/// yet (create the socket)`.
fn step_not_done(todo: &str) -> String {
    match todo.split_once(": ") {
        Some((steps, detail)) if steps.starts_with("steps ") => {
            format!("{steps} are not done yet ({detail})")
        }
        Some(("project", detail)) => format!("the project's step \"{detail}\" is not done yet"),
        // The UDP exercise's steps are letters (a, b, c, d).
        Some((step, detail)) if step.len() == 1 => {
            format!("step {step} is not done yet ({detail})")
        }
        Some((step, detail)) => format!("{step} is not done yet ({detail})"),
        None if todo.is_empty() => "a step is not done yet".to_string(),
        None => format!("{todo} is not done yet"),
    }
}

/// The environment variable that points the tests at a folder of programs built beforehand
/// (by `tp grade` and `tp check`) instead of building them: `NAME` is the program, and
/// `NAME.error`, when there is no program, holds why it does not compile.
pub const PROGRAMS_VAR: &str = "TP_SOCKETS_PROGRAMS";

/// The environment variable that points the tests at the reference programs built beforehand
/// (by `tp grade` and `tp check`): the peers the programs under test talk to.
pub const REFERENCES_VAR: &str = "TP_SOCKETS_REFERENCES";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_is_said_in_one_line_and_read_back() {
        let todo = Stopped::new(
            "ex1_tcp_server",
            "exercises/ex1_tcp_server.rs:25",
            "not yet implemented: step 4: create the socket",
        );
        let line = todo.to_string();
        assert_eq!(
            line,
            "ex1_tcp_server stopped at exercises/ex1_tcp_server.rs:25: step 4 is not done yet \
             (create the socket)"
        );
        assert_eq!(
            Stopped::parse(&line).and_then(|s| s.unfinished),
            todo.unfinished
        );
        let panic = Stopped::new("x", "C:\\k\\exercises\\x.rs:7", "index out of bounds\nmore");
        let read = Stopped::parse(&panic.to_string()).unwrap();
        assert_eq!(
            (read.place.as_str(), read.message.as_str()),
            ("C:\\k\\exercises\\x.rs:7", "index out of bounds")
        );
        assert_eq!(read.unfinished, None);
        assert_eq!(
            Stopped::parse("thread 'main' panicked at src/x.rs:1:2:"),
            None
        );
        assert_eq!(
            shown_path("examples/../exercises/ex1.rs"),
            "exercises/ex1.rs"
        );
        assert_eq!(
            shown_path("/tmp/staging/examples/../exercises/ex1.rs"),
            "exercises/ex1.rs"
        );
        assert_eq!(shown_path("src/net/sock.rs"), "src/net/sock.rs");
    }
}
