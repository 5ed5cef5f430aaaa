//! A submission: the student's files (plain files only, bounded), and its programs,
//! compiled once for all its jobs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::compile::Failure;
use crate::programs::PROGRAMS;
use crate::workspace::{Compiled, Workspace};

/// The largest student file that is compiled: a program of the kit is a few KiB.
pub const LARGEST_FILE: u64 = 1 << 20;

/// The student files of a submission, by program: each one's content, or why it cannot be
/// graded (missing, not a plain file, too large).
pub type Files = BTreeMap<&'static str, Result<Vec<u8>, Ungraded>>;

/// Why a program of a submission has no executable to test.
#[derive(Debug, Clone)]
pub enum Ungraded {
    /// Its file, `exercises/NAME.rs`, is not in the submission.
    Missing(String),
    /// Its file is a link or a folder.
    NotAFile(String),
    /// Its file holds this many bytes, more than [`LARGEST_FILE`].
    TooLarge(String, u64),
    /// Its file could not be read.
    Unreadable(String, Arc<std::io::Error>),
    /// It did not compile, or its program could not be put in place.
    NotCompiled(Failure),
    /// The kit does not grade it.
    NotGraded(String),
}

impl std::fmt::Display for Ungraded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ungraded::Missing(file) => {
                write!(f, "exercises/{file} is missing from this submission")
            }
            Ungraded::NotAFile(file) => write!(
                f,
                "exercises/{file} is not a plain file (a link or a folder): it is not graded"
            ),
            Ungraded::TooLarge(file, size) => write!(
                f,
                "exercises/{file} holds {size} bytes, over the {} KiB a program may have",
                LARGEST_FILE >> 10
            ),
            Ungraded::Unreadable(file, e) => write!(f, "exercises/{file}: {e}"),
            Ungraded::NotCompiled(failure) => write!(f, "{failure}"),
            Ungraded::NotGraded(name) => write!(f, "{name} is not graded"),
        }
    }
}

impl std::error::Error for Ungraded {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Ungraded::Unreadable(_, e) => Some(e.as_ref()),
            Ungraded::NotCompiled(failure) => Some(failure),
            _ => None,
        }
    }
}

/// The student files of `submission`: `exercises/NAME.rs` in a copy of the kit, or `NAME.rs`
/// in a folder of files alone (what a learning platform collects). Only plain files count: a
/// symbolic link could make the grader read a file that is not the student's.
pub fn files_of(submission: &Path) -> Files {
    PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .map(|p| {
            let file = format!("{}.rs", p.name);
            let places = [
                submission.join("exercises").join(&file),
                submission.join(&file),
            ];
            let found = places.iter().find_map(|path| {
                let meta = std::fs::symlink_metadata(path).ok()?;
                Some((path, meta))
            });
            let code = match found {
                None => Err(Ungraded::Missing(file)),
                Some((_, meta)) if !meta.is_file() => Err(Ungraded::NotAFile(file)),
                Some((_, meta)) if meta.len() > LARGEST_FILE => {
                    Err(Ungraded::TooLarge(file, meta.len()))
                }
                Some((path, _)) => {
                    std::fs::read(path).map_err(|e| Ungraded::Unreadable(file, Arc::new(e)))
                }
            };
            (p.name, code)
        })
        .collect()
}

/// Why `path`, among the submissions, is not one (a stray file, an empty folder), if it is not.
pub fn not_a_submission(path: &Path) -> Option<String> {
    if !path.is_dir() {
        return Some("a file, not a folder".to_string());
    }
    if files_of(path).values().all(Result::is_err) {
        return Some("no exercises/NAME.rs and no NAME.rs file of the kit in it".to_string());
    }
    None
}

/// A submission's name: its folder's name.
pub fn label(submission: &Path) -> String {
    submission
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| submission.display().to_string())
}

/// A submission being graded: its files, and its programs, compiled once (by the first of
/// its jobs to need them; the others wait).
pub struct Submission {
    files: Files,
    compiled: OnceLock<BTreeMap<&'static str, Compiled>>,
}

impl Submission {
    /// The submission whose files are in `folder` (a copy of the kit, or the files alone).
    pub fn at(folder: &Path) -> Submission {
        Submission {
            files: files_of(folder),
            compiled: OnceLock::new(),
        }
    }

    /// The student's file of `program`, or why there is none.
    pub fn file(&self, program: &str) -> Option<&Result<Vec<u8>, Ungraded>> {
        self.files.get(program)
    }

    /// The program `program` compiled, or why it is not.
    pub fn program(&self, workspace: &Workspace, program: &str) -> Result<PathBuf, Ungraded> {
        if let Some(Err(why)) = self.files.get(program) {
            return Err(why.clone());
        }
        let compiled = self.compiled.get_or_init(|| {
            let codes = self
                .files
                .iter()
                .filter_map(|(name, code)| Some((*name, code.as_ref().ok()?.clone())))
                .collect();
            match workspace.job_folder() {
                Ok(job) => workspace.compile_submission(&codes, &job),
                Err(why) => {
                    let failure = Failure::passing(&why);
                    codes
                        .keys()
                        .map(|name| (*name, Err(failure.clone())))
                        .collect()
                }
            }
        });
        match compiled.get(program) {
            Some(Ok(path)) => Ok(path.clone()),
            Some(Err(failure)) => Err(Ungraded::NotCompiled(failure.clone())),
            None => Err(Ungraded::NotGraded(program.to_string())),
        }
    }
}
