//! What grading found, computed once, and the writers that say it on each platform.
//!
//! [`Report::of`] turns what the kit's tests gave for a submission (each test's name, whether
//! it passed, what it printed) into the one model every writer reads: for each program its
//! tests, each with its points, its outcome, why it failed in the harness's own sentences
//! (escaped, bounded) and, when the test drew one, the conversation it saw on the wire (with
//! the reference's in the same test, where they differ). The writers are small and each knows
//! only its format's rules: the terminal table and the CSV ([`table`]), the Markdown feedback
//! ([`markdown`]), Gradescope's `results.json` ([`gradescope`]), Moodle VPL's `Grade :=>>` and
//! comments ([`vpl`]), and Classroom 50's rows and Release body ([`classroom50`]); and, over a
//! whole class, the page that shows it at a glance ([`html`]).

pub mod classroom50;
pub mod gradescope;
pub mod html;
pub mod markdown;
pub mod table;
mod text;
pub mod vpl;
mod words;

pub use text::{EXCERPT, EXCERPT_LINE, EXCERPT_LINES, cut, plain, within};
pub use words::{Lang, UnknownLang};

use text::{bounded, split_diagram};

use tp_sockets::net::shown;

use crate::grade::Scores;
use crate::libtest::TestResult;
use crate::wire::Conversation;
use crate::wire::compare::{self, Difference};

/// How a test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It passed: its points are earned.
    Passed,
    /// It failed: its points are lost, and it says why.
    Failed,
    /// It could not run on the grading machine (why): it is not counted, for anyone.
    Skipped(String),
}

/// One test of one program, as every writer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestReport {
    /// The program it tests.
    pub program: &'static str,
    /// Its name in plain words (`welcomes a client`).
    pub name: String,
    /// Its name for libtest (`ex1_tcp::ex1_tcp_server::welcomes_a_client`), to run it alone.
    pub id: String,
    /// What it is worth.
    pub points: u32,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it failed, in the harness's words: one sentence, or a compiler's first error
    /// (control characters escaped, lines cut). Empty when it did not fail.
    pub explanation: Vec<String>,
    /// What else it said: the programs' output it quoted, the compiler's other messages
    /// (bounded by [`EXCERPT_LINES`], [`EXCERPT_LINE`] and [`EXCERPT`]).
    pub details: Vec<String>,
    /// The conversation the test saw on the wire, when it recorded one.
    pub diagram: Option<Conversation>,
    /// The reference's conversation in the same test, where it differs from [`Self::diagram`]
    /// in what [`Self::differences`] says.
    pub expected: Option<Conversation>,
    /// What differs between the reference's conversation and the one the test saw.
    pub differences: Vec<Difference>,
    /// It failed because the student's file does not compile.
    pub does_not_compile: bool,
}

impl TestReport {
    /// The report of one test of `program` from what libtest said of it.
    pub fn of(program: &'static str, test: &TestResult) -> TestReport {
        let outcome = match (test.passed, test.skipped()) {
            (true, Some(why)) => Outcome::Skipped(why.to_string()),
            (true, None) => Outcome::Passed,
            (false, _) => Outcome::Failed,
        };
        let (explanation, details, diagram) = if outcome == Outcome::Failed {
            let told = test.told();
            let explanation: Vec<String> = test
                .explanation()
                .iter()
                .map(|l| cut(shown(l), EXCERPT_LINE))
                .collect();
            let (rest, diagram) = split_diagram(&told[explanation.len().min(told.len())..]);
            (explanation, bounded(&rest), diagram)
        } else {
            (Vec::new(), Vec::new(), None)
        };
        TestReport {
            program,
            name: plain(&test.name),
            id: test.name.clone(),
            points: 1,
            does_not_compile: outcome == Outcome::Failed && test.does_not_compile(),
            outcome,
            explanation,
            details,
            diagram,
            expected: None,
            differences: Vec::new(),
        }
    }

    /// The report, with the reference's conversation in the same test (`expected`, where it
    /// was recorded) beside the one the test saw, if they differ in something a diagram
    /// shows (who closed first, a reset, ...).
    pub fn compared_with(mut self, expected: Option<&Conversation>) -> TestReport {
        if let (Some(diagram), Some(expected)) = (&self.diagram, expected) {
            self.differences = compare::differences(expected, diagram);
            if !self.differences.is_empty() {
                self.expected = Some(expected.clone());
            }
        }
        self
    }

    /// It counts in the score (it was not skipped).
    pub fn counted(&self) -> bool {
        !matches!(self.outcome, Outcome::Skipped(_))
    }

    /// The points it earned.
    pub fn score(&self) -> u32 {
        if self.outcome == Outcome::Passed {
            self.points
        } else {
            0
        }
    }

    /// Everything it said, as plain text: its explanation, its details, and the conversation
    /// it saw, drawn.
    pub fn text(&self) -> String {
        let mut lines = self.explanation.clone();
        lines.extend(self.details.iter().cloned());
        if let Some(diagram) = &self.diagram {
            lines.push("What crossed the wire:".to_string());
            lines.extend(diagram.terminal());
        }
        if let Some(expected) = &self.expected {
            lines.extend(self.differences.iter().map(|d| d.said(Lang::En)));
            lines.push(Lang::En.words().expected_on_the_wire.to_string());
            lines.extend(expected.terminal());
        }
        lines.join("\n")
    }
}

/// One program of a submission: its tests, in the order of its test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramReport {
    /// The program.
    pub program: &'static str,
    /// Its tests.
    pub tests: Vec<TestReport>,
}

impl ProgramReport {
    /// Points earned.
    pub fn score(&self) -> u32 {
        self.tests.iter().map(TestReport::score).sum()
    }

    /// Points that could be earned: those of the tests counted.
    pub fn max_score(&self) -> u32 {
        self.tests
            .iter()
            .filter(|t| t.counted())
            .map(|t| t.points)
            .sum()
    }

    /// Every counted test passed.
    pub fn all_passed(&self) -> bool {
        self.max_score() > 0 && self.score() == self.max_score()
    }

    /// The tests that failed, in order.
    pub fn failures(&self) -> impl Iterator<Item = &TestReport> {
        self.tests.iter().filter(|t| t.outcome == Outcome::Failed)
    }

    /// The test that says the file does not compile, if it does not (they all say the same).
    pub fn compile_error(&self) -> Option<&TestReport> {
        self.failures().find(|t| t.does_not_compile)
    }

    /// The tests that could not run on the grading machine, with why.
    pub fn skipped(&self) -> impl Iterator<Item = (&TestReport, &str)> {
        self.tests.iter().filter_map(|t| match &t.outcome {
            Outcome::Skipped(why) => Some((t, why.as_str())),
            _ => None,
        })
    }
}

/// What grading found for one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The submission's name (its folder's).
    pub submission: String,
    /// Its programs, in the handout's order, or why it could not be graded at all.
    pub programs: Result<Vec<ProgramReport>, String>,
    /// How it was graded (the sandbox, or why there was none), for the instructor.
    pub how: String,
}

impl Report {
    /// The report of `submission` from its programs' test results.
    pub fn of(submission: &str, scores: Result<&Scores, &str>, how: &str) -> Report {
        let programs = scores.map_err(str::to_string).map(|scores| {
            scores
                .iter()
                .map(|(program, score)| ProgramReport {
                    program,
                    tests: score
                        .tests
                        .iter()
                        .map(|t| {
                            TestReport::of(program, t).compared_with(score.expected.get(&t.name))
                        })
                        .collect(),
                })
                .collect()
        });
        Report {
            submission: submission.to_string(),
            programs,
            how: how.to_string(),
        }
    }

    /// The programs graded (none when the submission could not be graded).
    pub fn programs(&self) -> &[ProgramReport] {
        self.programs.as_deref().unwrap_or_default()
    }

    /// The tests that could not run on the grading machine: their program, the test, why.
    pub fn skipped(&self) -> impl Iterator<Item = (&'static str, &TestReport, &str)> {
        self.programs()
            .iter()
            .flat_map(|p| p.skipped().map(move |(test, why)| (p.program, test, why)))
    }

    /// Points earned, and points that could be earned, over every program.
    pub fn score(&self) -> (u32, u32) {
        self.programs()
            .iter()
            .fold((0, 0), |(s, m), p| (s + p.score(), m + p.max_score()))
    }
}

#[cfg(test)]
pub(crate) mod tests;
