//! How `tp check` and `tp grade` run the kit's tests on students' files.
//!
//! A submission is graded one program at a time, each program alone: its file is compiled in
//! a sandbox of its own (a file that does not compile costs only its program), then the kit's
//! tests of that program run in another, with the program under test and the reference
//! programs as its peers. A program that stops its test binary, or floods it, costs only its
//! own tests. The jobs (a submission's program) run several at once; every one has its
//! deadlines.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;

use tp_sockets::kit::launcher::{PROGRAMS_VAR, REFERENCES_VAR};

use crate::files::{link, write};
use crate::libtest::{self, TestResult};
use crate::netns::NETWORK_VAR;
use crate::programs::{PROGRAM_TESTS, PROGRAMS, Program};
use crate::results::CONVERSATION_VAR;
use crate::sandbox::{Cell, Sandboxed};
use crate::wire::Conversation;

mod expected;
mod jobs;
mod submission;

use crate::workspace::{JobFolder, Workspace, executable_at};
pub use expected::COMPARED;
pub use jobs::{default_workers, grade_all, run_jobs};
pub use submission::{Files, LARGEST_FILE, Submission, files_of, label, not_a_submission};

/// What one program's tests gave.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Tests passed (the skipped ones aside).
    pub passed: u32,
    /// Tests counted: those that ran.
    pub total: u32,
    /// Every test, with what it printed if it failed, in the order of the test file; a test
    /// that could not run here (it said `skipped: ...`) is not counted.
    pub tests: Vec<TestResult>,
    /// For some failing tests (by name), the reference's conversation in the same test.
    pub expected: BTreeMap<String, Conversation>,
}

impl Score {
    /// The score of these results.
    pub fn of(tests: Vec<TestResult>) -> Score {
        let counted = || tests.iter().filter(|r| r.skipped().is_none());
        Score {
            passed: counted().filter(|r| r.passed).count() as u32,
            total: counted().count() as u32,
            tests,
            expected: BTreeMap::new(),
        }
    }

    /// The tests that could not run here, with why.
    pub fn skipped(&self) -> impl Iterator<Item = (&TestResult, &str)> {
        self.tests.iter().filter_map(|t| Some((t, t.skipped()?)))
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
/// otherwise.
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
    let folder = root
        .join("tests")
        .join(PROGRAM_TESTS)
        .join(path.first().map_or("", String::as_str));
    let inner = path.get(1..).unwrap_or_default();
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

/// The names of the kit's tests of each program, in libtest's order.
pub fn tests_by_program(workspace: &Workspace) -> BTreeMap<&'static str, Vec<String>> {
    let mut tests: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for name in libtest::list(&workspace.tests).unwrap_or_default() {
        if let Some(program) = program_of(&name) {
            tests.entry(program).or_default().push(name);
        }
    }
    tests
}

/// Grades the program `program` of `submission`: its tests run in a sandbox, with the
/// program under test (or why there is none) and the references. The first `compared` failing
/// tests that saw a conversation get the reference's in the same test, to show beside it.
pub fn grade_program(
    workspace: &Workspace,
    submission: &Submission,
    program: &Program,
    tests: &[String],
    compared: usize,
) -> Score {
    if tests.is_empty() {
        return failed_all(
            program,
            &[],
            "the kit's tests of this program were not found",
        );
    }
    let mut results = match run_tests(workspace, submission, program, tests, "lines") {
        Ok((results, _job)) => results,
        Err(why) => return failed_all(program, tests, &why),
    };
    results.sort_by_cached_key(|r| place_in(&workspace.root, &r.name));
    let mut score = Score::of(results);
    score.expected = expected::conversations(workspace, program, &score.tests, compared);
    score
}

/// Runs the tests `tests` of `program` of `submission` in a job's sandbox, the tests telling
/// their conversations as `conversations` says ([`CONVERSATION_VAR`]; `files`: one test at a
/// time, each writes its file as its thread ends, and libtest waits for that only so). Gives
/// their results, and the job's folder, whose `tmp` holds what the tests wrote.
fn run_tests(
    workspace: &Workspace,
    submission: &Submission,
    program: &Program,
    tests: &[String],
    conversations: &str,
) -> Result<(Vec<TestResult>, JobFolder), String> {
    let under_test = submission.program(workspace, program.name);
    let job = workspace.job_folder()?;
    let programs = job.path.join("programs");
    match under_test {
        Ok(executable) => link(&executable, &executable_at(&programs.join(program.name)))?,
        Err(why) => write(
            &programs.join(format!("{}.error", program.name)),
            why.as_bytes(),
        )?,
    }
    let mut command = test_command(workspace, &job, &programs, conversations);
    if conversations == "files" {
        command.arg("--test-threads=1");
    }
    let results = libtest::run(&mut command, tests);
    // The job's programs are all stopped with its cgroup before its folder is read or goes.
    drop(command);
    Ok((results, job))
}

/// The kit's test binary, ready to run the tests of the programs in `programs` in `job`'s
/// sandbox: it sees the test binary, the references, the program under test, the pictures
/// and PROTOCOL.md, read only, and its own `/tmp`. The tests tell their conversations as
/// `conversations` says ([`CONVERSATION_VAR`]).
fn test_command(
    workspace: &Workspace,
    job: &JobFolder,
    programs: &Path,
    conversations: &str,
) -> Sandboxed {
    let sandboxed = workspace.sandbox.is_on();
    let mut env: Vec<(String, OsString)> = vec![
        (PROGRAMS_VAR.into(), programs.into()),
        (REFERENCES_VAR.into(), workspace.references.clone().into()),
        (CONVERSATION_VAR.into(), conversations.into()),
    ];
    if sandboxed {
        env.push((NETWORK_VAR.into(), "private".into()));
    }
    let cell = Cell {
        read_only: vec![
            workspace.tests.clone(),
            workspace.references.clone(),
            programs.to_path_buf(),
            workspace.root.join("images"),
            workspace.root.join("PROTOCOL.md"),
        ],
        tmp: job.path.join("tmp"),
        env,
        // The tests record what crosses their network, to draw it after a failure.
        record: true,
        ..Cell::default()
    };
    workspace.sandbox.command(&cell, &workspace.tests)
}

/// Every test of `program` failed, for the reason `why` (the grader could not run them).
fn failed_all(program: &Program, tests: &[String], why: &str) -> Score {
    let names = if tests.is_empty() {
        vec![format!("{}::tests", program.test)]
    } else {
        tests.to_vec()
    };
    Score::of(
        names
            .into_iter()
            .map(|name| TestResult {
                name,
                passed: false,
                output: why.to_string(),
            })
            .collect(),
    )
}
