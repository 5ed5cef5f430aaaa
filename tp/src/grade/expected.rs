//! What the reference did in a test that a student's program failed: the same test run again
//! with the reference program in the student's program's place, its conversation recorded, to
//! show beside the student's ("expected: ex1_tcp_server closes first; in this test:
//! ex1_tcp_client closes first").
//!
//! The reference is the kit's solution, compiled as a student's file is (the tests expect that
//! build). A test is run so once per `tp` process (the reference does the same for every
//! student), in a sandbox of its own, one test at a time (see [`super::run_tests`]).

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Mutex, OnceLock};

use super::run::run_tests;
use super::submission::Submission;
use crate::libtest::TestResult;
use crate::programs::{PROGRAMS, Program};
use crate::told::{CONVERSATIONS_FOLDER, ConversationMode, DIAGRAM_START, conversation_file};
use crate::wire::Conversation;
use crate::workspace::Workspace;
use tp_sockets::kit::lock;

/// How many failing tests of one program `tp grade` compares with the reference, when it
/// writes feedback (each costs a run of that test the first time).
pub const COMPARED: usize = 3;

/// The most of a conversation's file that is read (a conversation is at most 40 arrows).
const LARGEST: u64 = 64 << 10;

/// The reference's conversation in each test run so far, by the test's name (none: it drew
/// none, or did not pass).
static KNOWN: Mutex<BTreeMap<String, Option<Conversation>>> = Mutex::new(BTreeMap::new());

/// The reference's conversation in those of the first `how_many` failures of `tests` that saw
/// a conversation of their own (a test stopped at a `todo!()` aside: the student knows what is
/// missing), by test name.
pub fn conversations(
    workspace: &Workspace,
    program: &Program,
    tests: &[TestResult],
    how_many: usize,
) -> BTreeMap<String, Conversation> {
    let wanted = worth_comparing(tests, how_many);
    if wanted.is_empty() {
        return BTreeMap::new();
    }
    {
        // One job at a time per program runs its reference: the jobs of the other submissions
        // that failed the same tests then find them known.
        static TURNS: OnceLock<BTreeMap<&'static str, Mutex<()>>> = OnceLock::new();
        let turns =
            TURNS.get_or_init(|| PROGRAMS.iter().map(|p| (p.name, Mutex::new(()))).collect());
        let _turn = turns.get(program.name).map(lock);
        let missing: Vec<String> = {
            let known = lock(&KNOWN);
            let new = wanted.iter().filter(|n| !known.contains_key(*n));
            new.cloned().collect()
        };
        if !missing.is_empty() {
            let recorded = run_reference(workspace, program, &missing);
            let mut known = lock(&KNOWN);
            for name in missing {
                let conversation = recorded.get(&name).cloned();
                known.insert(name, conversation);
            }
        }
    }
    let known = lock(&KNOWN);
    wanted
        .into_iter()
        .filter_map(|name| Some((name.clone(), known.get(&name)?.clone()?)))
        .collect()
}

/// Among the first `how_many` failures of `tests` (those the feedback tells first), the names
/// of those that saw a conversation of their own, but not at a `todo!()`.
fn worth_comparing(tests: &[TestResult], how_many: usize) -> Vec<String> {
    tests
        .iter()
        .filter(|t| !t.passed)
        .take(how_many)
        .filter(|t| t.output.contains(DIAGRAM_START))
        .filter(|t| {
            let why = t.explanation();
            !why.iter()
                .any(|l| l.ends_with("(the todo!() is still there)"))
        })
        .map(|t| t.name.clone())
        .collect()
}

/// Runs the tests `names` of `program` with its solution in the student's program's place,
/// and reads the conversation each one wrote.
fn run_reference(
    workspace: &Workspace,
    program: &Program,
    names: &[String],
) -> BTreeMap<String, Conversation> {
    static SOLUTIONS: OnceLock<Submission> = OnceLock::new();
    let solutions = SOLUTIONS.get_or_init(|| Submission::at(&workspace.root.join("solutions")));
    // A kit given without its solutions (a template for students) has nothing to compare with.
    if !solutions.file(program.name).is_some_and(|f| f.is_ok()) {
        return BTreeMap::new();
    }
    let Ok((results, job)) = run_tests(
        workspace,
        solutions,
        program,
        names,
        ConversationMode::Files,
    ) else {
        return BTreeMap::new();
    };
    let folder = job.path.join("tmp").join(CONVERSATIONS_FOLDER);
    results
        .iter()
        .filter(|r| r.passed)
        .filter_map(|r| {
            let file = std::fs::File::open(folder.join(conversation_file(&r.name))).ok()?;
            let mut text = String::new();
            file.take(LARGEST).read_to_string(&mut text).ok()?;
            let lines: Vec<&str> = text.lines().collect();
            Some((r.name.clone(), Conversation::parse(&lines)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn of_the_first_failures_those_that_saw_a_conversation_past_their_todos_are_compared() {
        let test = |name: &str, passed: bool, output: &str| TestResult {
            name: name.to_string(),
            passed,
            output: output.to_string(),
        };
        let drew = format!("it did not answer\n{DIAGRAM_START}\nparticipant 0 127.0.0.1:1 a");
        let todo = format!(
            "ex1_tcp_server: step 4 is not done yet, at exercises/ex1_tcp_server.rs:31 (the todo!() is still there)\n{DIAGRAM_START}"
        );
        let tests = [
            test("passed", true, &drew),
            test("no_drawing", false, "it did not answer"),
            test("at_a_todo", false, &todo),
            test("first", false, &drew),
            test("second", false, &drew),
            test("third", false, &drew),
        ];
        assert_eq!(worth_comparing(&tests, 2), Vec::<String>::new());
        assert_eq!(worth_comparing(&tests, 3), ["first"]);
        assert_eq!(worth_comparing(&tests, 4), ["first", "second"]);
    }
}
