//! A submission: the student's files (plain files only, bounded), and its programs,
//! compiled once for all its jobs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::programs::PROGRAMS;
use crate::workspace::Workspace;

/// The largest student file that is compiled: a program of the kit is a few KiB.
pub const LARGEST_FILE: u64 = 1 << 20;

/// The student files of a submission, by program: each one's content, or why it cannot be
/// graded (missing, not a plain file, too large).
pub type Files = BTreeMap<&'static str, Result<Vec<u8>, String>>;

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
                None => Err(format!("exercises/{file} is missing from this submission")),
                Some((_, meta)) if !meta.is_file() => Err(format!(
                    "exercises/{file} is not a plain file (a link or a folder): it is not graded"
                )),
                Some((_, meta)) if meta.len() > LARGEST_FILE => Err(format!(
                    "exercises/{file} holds {} bytes, over the {} KiB a program may have",
                    meta.len(),
                    LARGEST_FILE >> 10
                )),
                Some((path, _)) => {
                    std::fs::read(path).map_err(|e| format!("exercises/{file}: {e}"))
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
    compiled: OnceLock<BTreeMap<&'static str, Result<PathBuf, String>>>,
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
    pub fn file(&self, program: &str) -> Option<&Result<Vec<u8>, String>> {
        self.files.get(program)
    }

    /// The program `program` compiled, or why it is not.
    pub fn program(&self, workspace: &Workspace, program: &str) -> Result<PathBuf, String> {
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
                Err(why) => codes.keys().map(|name| (*name, Err(why.clone()))).collect(),
            }
        });
        compiled
            .get(program)
            .cloned()
            .unwrap_or_else(|| Err(format!("{program} is not graded")))
    }
}
