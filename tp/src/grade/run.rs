//! The kit's tests of one program, run in a job's sandbox.

use std::ffi::OsString;
use std::path::Path;

use tp_sockets::kit::launcher::{PROGRAMS_VAR, REFERENCES_VAR};

use super::score::Score;
use super::submission::Submission;
use crate::files::{FileError, executable_at, link, write};
use crate::libtest::{self, TestResult};
use crate::netns::NETWORK_VAR;
use crate::programs::Program;
use crate::sandbox::{Cell, Sandboxed};
use crate::told::{CONVERSATION_VAR, ConversationMode, UNDER_TEST_VAR};
use crate::workspace::{JobFolder, Workspace};

/// Runs the tests `tests` of `program` of `submission` in a job's sandbox, the tests telling
/// their conversations as `conversations` says ([`CONVERSATION_VAR`]; `Files`: one test at a
/// time, each writes its file as its thread ends, and libtest waits for that only so). Gives
/// their results, and the job's folder, whose `tmp` holds what the tests wrote.
pub(super) fn run_tests(
    workspace: &Workspace,
    submission: &Submission,
    program: &Program,
    tests: &[String],
    conversations: ConversationMode,
) -> Result<(Vec<TestResult>, JobFolder), FileError> {
    let under_test = submission.program(workspace, program.name);
    let job = workspace.job_folder()?;
    let programs = job.path.join("programs");
    match under_test {
        Ok(executable) => link(&executable, &executable_at(&programs.join(program.name)))?,
        Err(why) => write(
            &programs.join(format!("{}.error", program.name)),
            why.to_string().as_bytes(),
        )?,
    }
    let mut command = test_command(workspace, &job, &programs, conversations);
    if conversations == ConversationMode::Files {
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
    conversations: ConversationMode,
) -> Sandboxed {
    let sandboxed = workspace.sandbox.is_on();
    let mut env: Vec<(String, OsString)> = vec![
        (PROGRAMS_VAR.into(), programs.into()),
        (REFERENCES_VAR.into(), workspace.references.clone().into()),
        (CONVERSATION_VAR.into(), conversations.as_str().into()),
        (UNDER_TEST_VAR.into(), "exercises".into()),
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
pub(super) fn failed_all(program: &Program, tests: &[String], why: &str) -> Score {
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
