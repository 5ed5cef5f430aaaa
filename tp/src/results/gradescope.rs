//! Gradescope's `results.json` (`tp grade --gradescope FILE`): one entry per counted test,
//! named `program: test`, with its score, its maximum and, when it failed, why as its output;
//! the total, and a summary of each program, for the whole submission.
//!
//! Gradescope's format: <https://gradescope-autograders.readthedocs.io/en/latest/specs/>.
//! Gradescope documents no size limit; the kit keeps each test's output within
//! [`TEST_OUTPUT`] and the whole within [`RESULTS_FILE`], so that a program that prints
//! without end cannot make the results too large to upload.

use serde_json::{Value, json};

use super::words::fill;
use super::{Lang, Report, TestReport, within};

/// The most one test's output holds.
pub const TEST_OUTPUT: usize = 16 << 10;
/// The most all the tests' outputs hold together: past half of it, a failure is told by its
/// first sentence alone.
pub const RESULTS_FILE: usize = 1 << 20;

/// A failing test's output when the results are full.
const LEFT_OUT: &str = "(left out: the results are at their size limit)";

/// Gradescope's results of `report`.
pub fn results(report: &Report) -> Value {
    let words = Lang::En.words();
    let programs = match &report.programs {
        Ok(programs) => programs,
        Err(why) => {
            return json!({
                "score": 0,
                "output": fill(words.not_graded, &[("why", why)]),
                "visibility": "visible",
                "tests": [],
            });
        }
    };
    let mut tests = Vec::new();
    let mut size = 0;
    for program in programs {
        let mut compile_error_told = false;
        for test in program.tests.iter().filter(|t| t.counted()) {
            let output = if test.score() == test.points {
                String::new()
            } else if test.does_not_compile && compile_error_told {
                fill(words.compiler_says, &[("program", &program.program)]) + ": see its first test"
            } else {
                let full = output_of(test);
                let first = test.explanation.first().cloned().unwrap_or_default();
                if size + full.len() <= RESULTS_FILE / 2 {
                    compile_error_told |= test.does_not_compile;
                    full
                } else if size + first.len() <= RESULTS_FILE - LEFT_OUT.len() {
                    first
                } else {
                    LEFT_OUT.to_string()
                }
            };
            size += output.len();
            tests.push(json!({
                "name": format!("{}: {}", program.program, test.name),
                "score": test.score(),
                "max_score": test.points,
                "output": output,
                "visibility": "visible",
            }));
        }
    }
    let (passed, total) = report.score();
    let lines: Vec<String> = programs
        .iter()
        .map(|p| format!("{}: {}/{}", p.program, p.score(), p.max_score()))
        .collect();
    json!({
        "score": passed,
        "output": format!(
            "{}\n{}\n\n{}",
            fill(words.tests_passed, &[("passed", &passed), ("total", &total)]),
            lines.join("\n"),
            report.how
        ),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    })
}

/// What a failing test says, within [`TEST_OUTPUT`].
fn output_of(test: &TestReport) -> String {
    within(&test.text(), TEST_OUTPUT, "(the rest was left out)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{flood, not_graded, sample};

    #[test]
    fn one_entry_per_counted_test_and_the_total() {
        let json = results(&sample());
        let tests = json["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 5, "the skipped test is left out: {json}");
        assert_eq!(json["score"], 2);
        let sum: u64 = tests.iter().map(|t| t["score"].as_u64().unwrap()).sum();
        assert_eq!(json["score"], sum);
        for test in tests {
            assert_eq!(test["max_score"], 1, "{test}");
            assert_eq!(test["visibility"], "visible", "{test}");
            let name = test["name"].as_str().unwrap();
            assert!(name.contains(": "), "{name}");
        }
        assert_eq!(tests[0]["name"], "ex1_tcp_server: welcomes a client");
        assert_eq!(tests[0]["score"], 0);
        let output = tests[0]["output"].as_str().unwrap();
        assert!(
            output.starts_with("expected the reference ex1_tcp_client"),
            "{output}"
        );
        assert!(
            output.contains("What crossed the wire:\n") && output.contains("ms |-- SYN seq=0 --"),
            "the diagram: {output}"
        );
        assert_eq!(tests[1]["output"], "", "a test that passed says nothing");
        // The compiler's words once, in the program's first test.
        assert!(
            tests[3]["output"]
                .as_str()
                .unwrap()
                .contains("error[E0308]")
        );
        assert_eq!(
            tests[4]["output"],
            "ex2_netstat: the file does not compile: see its first test"
        );
        let summary = json["output"].as_str().unwrap();
        assert!(
            summary.starts_with("2 of 5 tests passed.\nex1_tcp_server: 1/2\n"),
            "{summary}"
        );
        assert!(summary.ends_with("sandbox: bubblewrap"), "{summary}");
    }

    #[test]
    fn the_results_stay_within_their_limits() {
        let json = results(&flood(1, 200, 3));
        let outputs: Vec<&str> = json["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["output"].as_str().unwrap())
            .collect();
        assert!(outputs.iter().all(|o| o.len() <= TEST_OUTPUT));
        assert!(outputs.iter().map(|o| o.len()).sum::<usize>() <= RESULTS_FILE);
        assert_eq!(
            outputs[199], "www199",
            "past the limit, the first sentence alone"
        );
    }

    #[test]
    fn a_submission_that_could_not_be_graded_scores_zero_and_says_why() {
        let json = results(&not_graded("no submission to grade"));
        assert_eq!(json["score"], 0);
        assert_eq!(json["tests"], json!([]));
        assert!(
            json["output"]
                .as_str()
                .unwrap()
                .contains("no submission to grade")
        );
    }
}
