//! Why a command of `tp` could not do what it was asked: typed here, made into one line of
//! text by `main` alone.

use std::fmt;
use std::io;

use tp_sockets::net::prompt::InputError;

use crate::files::FileError;
use crate::grade::Ungraded;
use crate::sandbox::NoSandbox;
use crate::wire::CaptureError;
use crate::workspace::WorkspaceError;

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    File(FileError),
    /// The grading workspace could not be made ready.
    Workspace(WorkspaceError),
    /// `--sandbox required`, and none can be made here.
    NoSandbox(NoSandbox),
    /// No program of the kit has this name.
    NoSuchProgram(String),
    /// No exercise (program or exercise module) has this name.
    NoSuchExercise(String),
    /// `tp hint` without a name, and no `todo!()` is left.
    AllDone,
    /// `--grade-min` is not below `--grade-max`.
    GradeRange(f64, f64),
    /// None of the folders given is a submission.
    NoSubmission,
    /// A platform's results are asked for several submissions.
    NotOneSubmission,
    /// `tp reset` of a program with one level.
    OneLevel(String),
    /// `tp reset` of a file with the student's changes, without `--force` (the level asked:
    /// open or not).
    ChangedFile(String, bool),
    /// `tp run` of a program whose file cannot be graded.
    CannotRun(String, Ungraded),
    /// The student's program (or file) does not compile (its errors were printed above).
    DoesNotCompile(String),
    /// `tp run` in a folder with no file of the kit.
    NoProgramHere,
    /// The user did not answer a question.
    Input(InputError),
    /// `tp trace` of a program that sends nothing: the program, and what to trace instead.
    NothingToTrace(String, &'static str),
    /// No network of its own can be made here, for `tp trace`: why.
    NoOwnNetwork(&'static str),
    /// The packets could not be recorded.
    Capture(CaptureError),
    /// The traced run failed, and said this.
    TraceFailed(String),
    /// The traced run did not end within this many seconds.
    TraceDeadline(u64),
    /// A program did not take its port: its name, the port, its last line.
    NoPort(String, u16, String),
    /// The sample pictures could not be drawn.
    Pictures(image::ImageError),
    /// The folder cannot be watched for changes.
    Watch(std::path::PathBuf, notify::Error),
    /// Something tp does could not be done: what, and the system's error.
    Io(String, io::Error),
}

impl Error {
    /// The error of doing `what`, to give to `map_err`.
    pub fn doing(what: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
        let what = what.into();
        move |e| Error::Io(what, e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::File(e) => write!(f, "{e}"),
            Error::Workspace(e) => write!(f, "{e}"),
            Error::NoSandbox(e) => write!(f, "{e}"),
            Error::NoSuchProgram(name) => {
                write!(f, "no program named {name}; `cargo run` lists them")
            }
            Error::NoSuchExercise(name) => {
                write!(f, "no exercise named {name}; `cargo run` lists them")
            }
            Error::AllDone => write!(
                f,
                "every program of exercises/ is done (no todo!() is left): `cargo run -- hint \
                 NAME` gives a program's hints"
            ),
            Error::GradeRange(min, max) => write!(
                f,
                "the grades go from --grade-min to --grade-max, the first below the second: \
                 {min} and {max} are not"
            ),
            Error::NoSubmission => write!(
                f,
                "no submission to grade: each one is a copy of the kit, or a folder of \
                 exercises/*.rs files"
            ),
            Error::NotOneSubmission => write!(
                f,
                "--gradescope, --vpl and --classroom50 write the results of one submission: \
                 give one"
            ),
            Error::OneLevel(name) => write!(
                f,
                "{name} has one level, its skeleton: `git checkout exercises/{name}.rs` brings \
                 it back (the project programs, proj_*, have a guided and an open level)"
            ),
            Error::ChangedFile(name, open) => write!(
                f,
                "exercises/{name}.rs has your own changes: `cargo run -- reset {name}{} --force` \
                 replaces it (a copy of it is kept under target/tp-reset/)",
                if *open { " --open" } else { "" }
            ),
            Error::CannotRun(name, why) => write!(f, "{name} cannot run: {why}"),
            Error::DoesNotCompile(name) => {
                write!(f, "{name} does not compile: the errors are above")
            }
            Error::NoProgramHere => write!(
                f,
                "no program of the kit here: put your NAME.rs files (or exercises/NAME.rs) in \
                 this folder, or name it with --from"
            ),
            Error::Input(e) => write!(f, "{e}"),
            Error::NothingToTrace(name, instead) => write!(f, "{name} sends nothing: {instead}"),
            Error::NoOwnNetwork(why) => write!(
                f,
                "tp trace records packets in a network of its own, which cannot be made here \
                 ({why}): record them with Wireshark on the loopback interface, or `sudo \
                 tcpdump -i lo port 60000`"
            ),
            Error::Capture(e) => write!(f, "{e}"),
            Error::TraceFailed(said) => write!(f, "{said}"),
            Error::TraceDeadline(seconds) => {
                write!(f, "the trace did not end within {seconds} s")
            }
            Error::NoPort(name, port, said) => {
                write!(f, "{name} did not take port {port}: {said}")
            }
            Error::Pictures(e) => write!(f, "cannot draw the pictures: {e}"),
            Error::Watch(folder, e) => write!(f, "cannot watch {}: {e}", folder.display()),
            Error::Io(what, e) => write!(f, "cannot {what}: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::File(e) => Some(e),
            Error::Workspace(e) => Some(e),
            Error::NoSandbox(e) => Some(e),
            Error::CannotRun(_, e) => Some(e),
            Error::Input(e) => Some(e),
            Error::Capture(e) => Some(e),
            Error::Pictures(e) => Some(e),
            Error::Io(_, e) => Some(e),
            Error::Watch(_, e) => Some(e),
            _ => None,
        }
    }
}

impl From<FileError> for Error {
    fn from(e: FileError) -> Error {
        Error::File(e)
    }
}

impl From<WorkspaceError> for Error {
    fn from(e: WorkspaceError) -> Error {
        Error::Workspace(e)
    }
}

impl From<NoSandbox> for Error {
    fn from(e: NoSandbox) -> Error {
        Error::NoSandbox(e)
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Error {
        Error::Input(e)
    }
}

impl From<CaptureError> for Error {
    fn from(e: CaptureError) -> Error {
        Error::Capture(e)
    }
}
