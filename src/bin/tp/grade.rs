//! How `tp check` and `tp grade` run the kit's tests on students' files.
//!
//! Each student file is compiled alone in the grading copy (workspace.rs), so a file that does
//! not compile costs only its own program. The kit's own test binaries then run with
//! `TP_SOCKETS_PROGRAMS` pointing at that submission's programs. Every test has its deadline,
//! and every test binary a deadline of its own (libtest.rs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread;

use tp_sockets::kit::launcher::{PROGRAMS_VAR, REFERENCES_VAR};
use tp_sockets::kit::programs::{PROGRAMS, graded_tests};

use crate::files::write;
use crate::libtest::{self, TestResult};
use crate::workspace::Workspace;

/// What one exercise's tests gave.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Tests passed.
    pub passed: u32,
    /// Tests in all.
    pub total: u32,
    /// The tests that failed, with what they printed.
    pub failures: Vec<TestResult>,
}

impl Score {
    fn of(results: Vec<TestResult>) -> Score {
        Score {
            passed: results.iter().filter(|r| r.passed).count() as u32,
            total: results.len() as u32,
            failures: results.into_iter().filter(|r| !r.passed).collect(),
        }
    }

    /// The first failure, in one line: the test's name and the most telling line it printed.
    pub fn first_failure(&self) -> Option<String> {
        let failure = self.failures.first()?;
        let lines = || failure.output.lines().map(str::trim);
        let telling = lines()
            .find(|l| {
                l.contains("not yet implemented")
                    || l.contains("does not compile")
                    || l.starts_with("error[")
                    || l.starts_with("error:")
            })
            .or_else(|| lines().skip_while(|l| !l.contains("panicked at")).nth(1))
            .unwrap_or("failed");
        let mut line = format!("{}: {telling}", failure.name);
        if line.chars().count() > 160 {
            line = line.chars().take(157).collect::<String>() + "...";
        }
        Some(line)
    }
}

/// Each exercise's test file and what it gave.
pub type Scores = Vec<(&'static str, Score)>;

/// The student files of `submission` (a copy of the kit), by program; the missing ones are
/// not there.
pub fn files_of(submission: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .filter_map(|p| {
            let source = submission.join("exercises").join(format!("{}.rs", p.name));
            Some((p.name, std::fs::read(source).ok()?))
        })
        .collect()
}

/// Compiles the programs of `submission` into the folder of `slot`; a missing file is a
/// program that does not compile, with a message that says so.
pub fn compile(workspace: &Workspace, submission: &Path, slot: usize) -> Result<PathBuf, String> {
    let dir = workspace.programs_folder(slot)?;
    let files = files_of(submission);
    for program in PROGRAMS
        .iter()
        .filter(|p| !p.tool && !files.contains_key(p.name))
    {
        let why = format!(
            "exercises/{}.rs is missing from this submission",
            program.name
        );
        write(&dir.join(format!("{}.error", program.name)), why.as_bytes())?;
    }
    workspace.compile(&files, &dir)?;
    Ok(dir)
}

/// Runs the tests of `only` (test files' names), or of every exercise, on `programs`.
pub fn run(workspace: &Workspace, programs: &Path, only: &[&str]) -> Scores {
    graded_tests()
        .into_iter()
        .filter(|test| only.is_empty() || only.contains(test))
        .map(|test| {
            let results = match workspace.tests.get(test) {
                Some(binary) => {
                    let expected = libtest::list(binary).unwrap_or_default();
                    let env = [
                        (PROGRAMS_VAR, programs),
                        (REFERENCES_VAR, workspace.references.as_path()),
                    ];
                    libtest::run(binary, &env, &[], &expected)
                }
                None => vec![TestResult {
                    name: test.to_string(),
                    passed: false,
                    output: format!("tests/{test}.rs was not built"),
                }],
            };
            (test, Score::of(results))
        })
        .collect()
}

/// Grades every submission: compiles them one after the other (the grading copy is shared),
/// then runs their tests, up to four submissions at a time. `progress` gets one line per step.
pub fn grade_all(
    workspace: &Workspace,
    submissions: &[PathBuf],
    progress: &(dyn Fn(String) + Sync),
) -> Vec<Result<Scores, String>> {
    let count = submissions.len();
    let mut folders = Vec::new();
    for (slot, submission) in submissions.iter().enumerate() {
        progress(format!(
            "compiling {} ({}/{count})",
            label(submission),
            slot + 1
        ));
        folders.push(compile(workspace, submission, slot));
    }
    let results: Vec<Mutex<Option<Result<Scores, String>>>> =
        folders.iter().map(|_| Mutex::new(None)).collect();
    let next = Mutex::new(0usize);
    let done = Mutex::new(0usize);
    let workers = thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut next = next.lock().unwrap_or_else(|e| e.into_inner());
                        *next += 1;
                        *next - 1
                    };
                    let Some(folder) = folders.get(i) else { break };
                    let result = match folder {
                        Ok(dir) => Ok(run(workspace, dir, &[])),
                        Err(e) => Err(e.clone()),
                    };
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                    let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
                    *done += 1;
                    progress(format!(
                        "tested {} ({}/{count})",
                        label(&submissions[i]),
                        *done
                    ));
                }
            });
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| Err("not graded".to_string()))
        })
        .collect()
}

/// A submission's name: its folder's name.
pub fn label(submission: &Path) -> String {
    submission
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| submission.display().to_string())
}
