//! Classroom 50 (`tp grade --classroom50 DIR`): the rows of `result.json` and the Release
//! body, which `grading/classroom50/autograder.py` publishes with the submission's identity.
//!
//! Classroom 50's format (its wiki, "Advanced Autograding", the `result.json` contract): each
//! row has a `test-name` (at most 100 bytes, no control character, unique), `passed`, and
//! whole `score` and `max-score`, the score at most the maximum; the runner keeps at most 2000
//! characters of a test's output, and an assignment has at most 100 tests. The kit's 130-odd
//! tests are more than that, so a row is a program: its score is its tests passed, its maximum
//! its tests counted, its `output` (an extra field, kept as it is) its failing tests in a few
//! words. The Release body is the Markdown feedback, within GitHub's 125,000 characters.

use serde_json::{Value, json};

use super::markdown;
use super::{Lang, ProgramReport, Report, cut};

/// The most rows Classroom 50 takes (its limit on an assignment's tests).
pub const ROWS: usize = 100;
/// The longest test name Classroom 50 takes, in bytes.
pub const NAME: usize = 100;
/// The most of a test's output Classroom 50 shows, in characters.
pub const OUTPUT: usize = 2000;
/// The largest Release body the kit writes (GitHub takes 125,000 characters).
pub const RELEASE_BODY: usize = 120_000;

/// The `score`, `max-score` and `tests` of Classroom 50's `result.json` for `report`: one row
/// per program.
pub fn rows(report: &Report) -> Value {
    let tests: Vec<Value> = report.programs().iter().take(ROWS).map(row).collect();
    let (score, max) = report.score();
    json!({
        "score": score,
        "max-score": max,
        "tests": tests,
    })
}

/// One program as a row.
fn row(program: &ProgramReport) -> Value {
    let mut output = String::new();
    if let Some(test) = program.compile_error() {
        output = test.explanation.join("\n");
    } else {
        for test in program.failures() {
            let why = test.explanation.first().map_or("", String::as_str);
            output += &format!("{}: {why}\n", test.name);
        }
    }
    let output = if output.len() > OUTPUT {
        cut(output, OUTPUT - 40)
    } else {
        output
    };
    json!({
        "test-name": cut(program.program.to_string(), NAME),
        "passed": program.score() == program.max_score(),
        "score": program.score(),
        "max-score": program.max_score(),
        "output": output.trim_end(),
    })
}

/// The Release body: the Markdown feedback, within [`RELEASE_BODY`].
pub fn release_body(report: &Report, lang: Lang) -> String {
    markdown::feedback(report, lang, RELEASE_BODY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{flood, sample};

    /// The rules of Classroom 50's rows, as its runner and score collector check them.
    pub(crate) fn check_rows(rows: &Value) {
        let tests = rows["tests"].as_array().expect("tests is a list");
        assert!(tests.len() <= ROWS);
        let mut names = std::collections::HashSet::new();
        let (mut score, mut max) = (0, 0);
        for test in tests {
            let name = test["test-name"].as_str().expect("a name");
            assert!(!name.is_empty() && name.len() <= NAME, "{name}");
            assert!(!name.chars().any(char::is_control), "{name}");
            assert!(names.insert(name.to_string()), "{name} twice");
            assert!(test["passed"].is_boolean());
            let (s, m) = (
                test["score"].as_u64().unwrap(),
                test["max-score"].as_u64().unwrap(),
            );
            assert!(s <= m, "{test}");
            assert_eq!(test["passed"], s == m, "{test}");
            assert!(test["output"].as_str().unwrap().chars().count() <= OUTPUT);
            score += s;
            max += m;
        }
        assert_eq!(rows["score"], score);
        assert_eq!(rows["max-score"], max);
    }

    #[test]
    fn a_row_per_program_with_its_points_and_why_it_lost_them() {
        let rows = rows(&sample());
        check_rows(&rows);
        let tests = rows["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 3);
        assert_eq!(tests[0]["test-name"], "ex1_tcp_server");
        assert_eq!(tests[0]["passed"], false);
        assert_eq!(
            (tests[0]["score"].as_u64(), tests[0]["max-score"].as_u64()),
            (Some(1), Some(2))
        );
        assert!(
            tests[0]["output"]
                .as_str()
                .unwrap()
                .starts_with("welcomes a client: expected the reference")
        );
        assert_eq!(tests[1]["passed"], true);
        assert_eq!(tests[1]["max-score"], 1, "the skipped test is not counted");
        assert!(
            tests[2]["output"]
                .as_str()
                .unwrap()
                .contains("error[E0308]")
        );
        assert_eq!(
            (rows["score"].as_u64(), rows["max-score"].as_u64()),
            (Some(2), Some(5))
        );
    }

    #[test]
    fn a_rows_output_stays_within_what_classroom_50_shows() {
        let report = flood(1, 100, 300);
        check_rows(&rows(&report));
        let body = release_body(&report, Lang::En);
        assert!(body.chars().count() <= RELEASE_BODY);
    }
}
