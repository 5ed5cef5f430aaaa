//! Compiling a student's file for grading: rustc itself, run the way cargo runs it for the
//! kit's launchers (`cargo ex NAME`), against the kit's library that cargo built once.
//!
//! Cargo would need the shared build folder, which holds what other submissions compiled to;
//! rustc run alone needs only the compiler, the kit's libraries and the submission's file, so
//! that is all its sandbox shows (an `include_str!` of anything else fails to compile), and
//! submissions compile in parallel.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use tp_sockets::kit::process::run_to_end;

use crate::sandbox::{Cell, Sandbox};

pub mod recipe;

/// How long a compilation may take (a file may be made to keep the compiler busy).
const COMPILE_DEADLINE: Duration = Duration::from_secs(120);

/// How to compile one program of the kit against its library, with the `exercises` feature.
#[derive(Debug, Clone)]
pub struct Recipe {
    rustc: PathBuf,
    /// rustc's options, but for the program's name, source and output.
    args: Vec<OsString>,
    /// The environment cargo gives rustc (`env!("CARGO_PKG_NAME")`, which clap reads).
    env: Vec<(String, OsString)>,
    /// What the compiler reads: its own folder, the libraries.
    read_only: Vec<PathBuf>,
}

impl Recipe {
    /// Compiles the program `name` from `staging/examples/NAME.rs` (a launcher of the kit,
    /// which includes `staging/exercises/NAME.rs`, the student's file) into `out/NAME`, in
    /// `sandbox`, with `tmp` as its /tmp. Returns the executable, or why there is none.
    pub fn compile(
        &self,
        sandbox: &Sandbox,
        name: &str,
        staging: &Path,
        out: &Path,
        tmp: &Path,
    ) -> Result<PathBuf, Failure> {
        let launcher = staging.join("examples").join(format!("{name}.rs"));
        let compiled = self.run(sandbox, name, &launcher, staging, out, tmp)?;
        match compiled {
            Ok(executable) => Ok(executable),
            Err(diagnostics) => {
                let errors: String = diagnostics.iter().map(|d| d.rendered.as_str()).collect();
                Err(Failure {
                    text: errors,
                    lasting: true,
                })
            }
        }
    }

    /// Compiles the student's files `names` (in `staging/exercises/`) together, into one
    /// executable that runs each program by the name it is started with: one compiler run
    /// for a whole submission, about a sixth of the time of one per program. When it does not
    /// compile, [`Together`] says which files have errors, if it can tell.
    pub fn compile_together(
        &self,
        sandbox: &Sandbox,
        names: &[&str],
        staging: &Path,
        out: &Path,
        tmp: &Path,
    ) -> Result<PathBuf, Together> {
        let mut dispatch = String::from(
            "//! Every program of a submission in one executable, run by the name it is \
             started with.\n#![allow(warnings)]\n",
        );
        for name in names {
            dispatch += &format!("#[path = \"../exercises/{name}.rs\"]\nmod {name};\n");
        }
        dispatch += "fn main() -> std::process::ExitCode {\n    let called = std::env::args_os()\n        .next()\n        .map(std::path::PathBuf::from)\n        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))\n        .unwrap_or_default();\n    match called.as_str() {\n";
        for name in names {
            dispatch += &format!(
                "        \"{name}\" => tp_sockets::kit::launcher::run_as(\"exercises\", {name}::main),\n"
            );
        }
        dispatch += "        _ => std::process::ExitCode::from(2),\n    }\n}\n";
        let source = staging.join("examples").join("submission.rs");
        std::fs::create_dir_all(staging.join("examples"))
            .and_then(|()| std::fs::write(&source, dispatch))
            .map_err(|_| Together::Unclear)?;
        let compiled = self
            .run(sandbox, "submission", &source, staging, out, tmp)
            .map_err(|_| Together::Unclear)?;
        let diagnostics = match compiled {
            Ok(executable) => return Ok(executable),
            Err(diagnostics) => diagnostics,
        };
        let mut failed = Vec::new();
        for diagnostic in diagnostics {
            let program = diagnostic.file.as_deref().and_then(|file| {
                let name = file.strip_prefix("exercises/")?.strip_suffix(".rs")?;
                names.iter().find(|n| **n == name)
            });
            match program {
                Some(name) if !failed.contains(&name.to_string()) => failed.push(name.to_string()),
                Some(_) => {}
                None => return Err(Together::Unclear),
            }
        }
        Err(Together::Errors(failed))
    }

    /// Runs rustc on `source` (in `staging`) in `sandbox`, into `out/NAME`: the executable,
    /// or the compiler's errors (`Ok(Err)`), or a failure to compile at all (`Err`).
    fn run(
        &self,
        sandbox: &Sandbox,
        name: &str,
        source: &Path,
        staging: &Path,
        out: &Path,
        tmp: &Path,
    ) -> Result<Result<PathBuf, Vec<Diagnostic>>, Failure> {
        let mut read_only = self.read_only.clone();
        read_only.push(staging.to_path_buf());
        let mut env = self.env.clone();
        env.push(("CARGO_CRATE_NAME".into(), name.into()));
        let cell = Cell {
            read_only,
            writable: vec![out.to_path_buf()],
            tmp: tmp.to_path_buf(),
            env,
            ..Cell::default()
        };
        let executable = out.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        let mut command = sandbox.command(&cell, &self.rustc);
        command
            .args(&self.args)
            .args(["--crate-name", name])
            .arg(source)
            .arg("-o")
            .arg(&executable);
        let finished = run_to_end(&mut command, b"", COMPILE_DEADLINE).map_err(|e| Failure {
            text: format!("cannot run the compiler: {e}"),
            lasting: false,
        })?;
        if finished.status.is_some_and(|s| s.success()) && executable.exists() {
            return Ok(Ok(executable));
        }
        if finished.status.is_none() {
            return Err(Failure {
                text: format!(
                    "the compiler was still busy with this file after {} s, and was stopped",
                    COMPILE_DEADLINE.as_secs()
                ),
                lasting: true,
            });
        }
        let diagnostics = errors_of(&finished.stderr, staging);
        // Errors in the compiler's words are the files'; anything else (the machine out of
        // some resource, a sandbox that failed) may not happen again.
        if diagnostics.is_empty() {
            return Err(Failure {
                text: finished.stderr,
                lasting: false,
            });
        }
        Ok(Err(diagnostics))
    }
}

/// Why a file gave no program.
#[derive(Debug, Clone)]
pub struct Failure {
    /// In words: the compiler's errors, or what went wrong.
    pub text: String,
    /// The file itself is the cause (the compiler's errors, or a file that keeps it busy too
    /// long): compiling it again gives the same, and the answer may be kept.
    pub lasting: bool,
}

impl Failure {
    /// A failure that is not the file's (a file of the workspace that could not be written):
    /// compiling it again may work.
    pub fn passing(why: &dyn std::fmt::Display) -> Failure {
        Failure {
            text: why.to_string(),
            lasting: false,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Failure {}

/// Why the files of a submission did not compile together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Together {
    /// These programs' files have errors; the others may compile together without them.
    Errors(Vec<String>),
    /// An error belongs to no student file, or the compiler did not run: each program is
    /// to be compiled alone.
    Unclear,
}

/// One error of the compiler: in its words, and the file of its main place, relative to the
/// staging folder (`exercises/NAME.rs`), when it has one.
#[derive(Debug, Clone)]
struct Diagnostic {
    rendered: String,
    file: Option<String>,
}

/// The compiler's errors, from its JSON messages, with the files shown relative to
/// `staging` as a student knows them (`exercises/NAME.rs`).
fn errors_of(json: &str, staging: &Path) -> Vec<Diagnostic> {
    let staging = format!("{}/", staging.display());
    let relative = |path: &str| {
        path.replace(&format!("{staging}examples/../"), "")
            .replace(&staging, "")
    };
    json.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["level"] == "error")
        .filter_map(|m| {
            let rendered = relative(m["rendered"].as_str()?);
            let file = m["spans"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|s| s["is_primary"] == true)
                .and_then(|s| s["file_name"].as_str())
                .map(relative);
            Some(Diagnostic { rendered, file })
        })
        .collect()
}
