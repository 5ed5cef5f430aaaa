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

use tp::programs::{PROGRAM_TESTS, PROGRAMS};
use tp_sockets::kit::launcher::{PROGRAMS_VAR, REFERENCES_VAR};

use crate::files::write;
use crate::workspace::Workspace;
use tp::libtest::{self, TestResult};

/// What one program's tests gave.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Tests passed.
    pub passed: u32,
    /// Tests in all.
    pub total: u32,
    /// Every test, with what it printed if it failed, in the order of the test file.
    pub tests: Vec<TestResult>,
}

impl Score {
    pub fn of(tests: Vec<TestResult>) -> Score {
        Score {
            passed: tests.iter().filter(|r| r.passed).count() as u32,
            total: tests.len() as u32,
            tests,
        }
    }

    /// The tests that failed, in the order of the test file.
    pub fn failures(&self) -> impl Iterator<Item = &TestResult> {
        self.tests.iter().filter(|t| !t.passed)
    }

    /// Every test ran and passed.
    pub fn all_passed(&self) -> bool {
        self.total > 0 && self.passed == self.total
    }
}

/// Each program and what its tests gave, in the handout's order.
pub type Scores = Vec<(&'static str, Score)>;

/// The program that the test `name` of the `programs` test binary checks. A test is named
/// after its module (`ex1_tcp::ex1_tcp_server::welcomes_a_client`): the module of an exercise,
/// then that of one of its programs when the exercise has two, the exercise's only program
/// otherwise. Each test runs only that program of the student's (its peers are references).
pub fn program_of(name: &str) -> Option<&'static str> {
    let mut parts = name.split("::");
    let (file, second) = (parts.next()?, parts.next().unwrap_or_default());
    let mut programs = PROGRAMS.iter().filter(|p| !p.tool && p.test == file);
    match programs.clone().find(|p| p.name == second) {
        Some(program) => Some(program.name),
        None => programs
            .next()
            .filter(|_| programs.next().is_none())
            .map(|p| p.name),
    }
}

/// Where the test `name` is written in the kit at `root`: its module path, then its place in
/// that module's file, so that failures are told in the file's order.
fn place_in(root: &Path, name: &str) -> (Vec<String>, usize) {
    let mut path: Vec<String> = name.split("::").map(str::to_string).collect();
    let function = path.pop().unwrap_or_default();
    let tests = root.join("tests").join(PROGRAM_TESTS);
    let (folder, inner) = path
        .split_first()
        .map_or((String::new(), &[][..]), |(f, r)| (f.clone(), r));
    let folder = tests.join(folder);
    let source = if folder.is_dir() && !inner.is_empty() {
        folder.join(format!("{}.rs", inner.join("/")))
    } else if folder.is_dir() {
        folder.join("mod.rs")
    } else {
        folder.with_extension("rs")
    };
    let offset = std::fs::read_to_string(source)
        .ok()
        .and_then(|text| text.find(&format!("fn {function}(")))
        .unwrap_or(usize::MAX);
    (path, offset)
}

/// The student files of `submission`, by program: `exercises/NAME.rs` in a copy of the kit, or
/// `NAME.rs` in a folder of files alone (what a learning platform collects); the missing ones
/// are not there.
pub fn files_of(submission: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .filter_map(|p| {
            let file = format!("{}.rs", p.name);
            let code = std::fs::read(submission.join("exercises").join(&file))
                .or_else(|_| std::fs::read(submission.join(&file)));
            Some((p.name, code.ok()?))
        })
        .collect()
}

/// Why `path`, among the submissions, is not one (a stray file, an empty folder), if it is not.
pub fn not_a_submission(path: &Path) -> Option<String> {
    if !path.is_dir() {
        return Some("a file, not a folder".to_string());
    }
    if files_of(path).is_empty() {
        return Some("no exercises/NAME.rs and no NAME.rs file of the kit in it".to_string());
    }
    None
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

/// Runs the tests of the programs `only` (every program, if empty) on the programs in
/// `programs`, one program at a time, each in a run of the test binary of its own (a program
/// that stops its test binary costs only its own tests); `done` hears of each program as soon
/// as its tests ran.
pub fn run(
    workspace: &Workspace,
    programs: &Path,
    only: &[&str],
    done: &mut dyn FnMut(&'static str, &Score),
) -> Scores {
    let listed = libtest::list(&workspace.tests).unwrap_or_default();
    let mut scores = Scores::new();
    for program in PROGRAMS
        .iter()
        .filter(|p| !p.tool && (only.is_empty() || only.contains(&p.name)))
    {
        let expected: Vec<String> = listed
            .iter()
            .filter(|name| program_of(name) == Some(program.name))
            .cloned()
            .collect();
        let mut results = if expected.is_empty() {
            vec![TestResult {
                name: format!("{}::tests", program.test),
                passed: false,
                output: format!("the kit's tests of {} were not found", program.name),
            }]
        } else {
            let names: Vec<&str> = expected.iter().map(String::as_str).collect();
            let env = [
                (PROGRAMS_VAR, programs),
                (REFERENCES_VAR, workspace.references.as_path()),
            ];
            libtest::run(&workspace.tests, &env, &names, &expected)
        };
        results.sort_by_cached_key(|r| place_in(&workspace.root, &r.name));
        let score = Score::of(results);
        done(program.name, &score);
        scores.push((program.name, score));
    }
    scores
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
                        Ok(dir) => Ok(run(workspace, dir, &[], &mut |_, _| {})),
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
