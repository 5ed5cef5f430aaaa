//! What a program's tests gave, counted.

use std::collections::BTreeMap;

use crate::libtest::TestResult;
use crate::wire::Conversation;

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
