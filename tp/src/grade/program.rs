//! One program of a submission, graded.

use super::expected;
use super::listing::place_in;
use super::run::{failed_all, run_tests};
use super::score::Score;
use super::submission::Submission;
use crate::programs::Program;
use crate::told::ConversationMode;
use crate::workspace::Workspace;

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
    // The reference programs its tests start, built the first time they are needed.
    if let Err(why) = workspace.ensure_references(&program.references(), &|l| eprintln!("{l}")) {
        return failed_all(program, tests, &why.to_string());
    }
    let mut results = match run_tests(
        workspace,
        submission,
        program,
        tests,
        ConversationMode::Lines,
    ) {
        Ok((results, _job)) => results,
        Err(why) => return failed_all(program, tests, &why.to_string()),
    };
    results.sort_by_cached_key(|r| place_in(&workspace.root, &r.name));
    let mut score = Score::of(results);
    score.expected = expected::conversations(workspace, program, &score.tests, compared);
    score
}
