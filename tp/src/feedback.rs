//! What a student is handed after grading: a Markdown file (`tp grade --feedback DIR`),
//! Gradescope's `results.json` (`tp grade --gradescope FILE`), or the results GitHub
//! Classroom's reporter reads (`tp grade --classroom DIR`). Both say, for each failing test,
//! its name in plain words, what was expected and what the program did, in the harness's own
//! sentences, and the compiler's errors for a file that does not compile.

use serde_json::json;
use tp_sockets::net::shown;

use crate::check::plain;
use tp::grade::Scores;
use tp::libtest::TestResult;

/// The most of what one test says that feedback keeps: its first 40 lines, each cut at
/// 2 KiB, 64 KiB in all. A program may print without end.
const EXCERPT_LINES: usize = 40;
const EXCERPT_LINE: usize = 2 << 10;
const EXCERPT: usize = 64 << 10;
/// The largest feedback file: past it, failures are told by their first sentence alone.
pub const FEEDBACK_FILE: usize = 1 << 20;

/// The lines that tell what went wrong in `test`, beyond its first sentence: the programs'
/// output quoted by the harness, a compiler's messages. Control characters are escaped (a
/// program may print anything), and the excerpt is bounded (and says so when it is cut).
fn details(test: &TestResult) -> Vec<String> {
    let explanation = test.explanation();
    let lines: Vec<&str> = test.told().into_iter().skip(explanation.len()).collect();
    let mut details = Vec::new();
    let mut size = 0;
    for line in &lines {
        if details.len() == EXCERPT_LINES || size >= EXCERPT {
            details.push(format!(
                "... ({} more lines, not shown)",
                lines.len() - details.len()
            ));
            break;
        }
        let line = cut(shown(line));
        size += line.len();
        details.push(line);
    }
    while details.last().is_some_and(|l| l.trim().is_empty()) {
        details.pop();
    }
    details
}

/// `line`, cut at [`EXCERPT_LINE`] bytes, saying how much was left out.
fn cut(mut line: String) -> String {
    if line.len() > EXCERPT_LINE {
        let at = (0..=EXCERPT_LINE)
            .rev()
            .find(|&i| line.is_char_boundary(i))
            .unwrap_or(0);
        let more = line.len() - at;
        line.truncate(at);
        line += &format!("... ({more} more bytes on this line)");
    }
    line
}

/// What a failing test says, as text: its explanation, then its details.
fn said(test: &TestResult) -> String {
    let mut text: Vec<String> = test.explanation().iter().map(|l| cut(shown(l))).collect();
    text.extend(details(test));
    text.join("\n")
}

/// A fence for `text` in Markdown: longer than any run of backticks inside it.
fn fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Tests passed and tests run, over every program.
fn totals(scores: &Scores) -> (u32, u32) {
    scores
        .iter()
        .fold((0, 0), |(p, t), (_, s)| (p + s.passed, t + s.total))
}

/// The Markdown feedback for the submission `name`.
pub fn markdown(name: &str, result: &Result<Scores, String>) -> String {
    let mut text = format!("# Feedback for {name}\n\n");
    let scores = match result {
        Ok(scores) => scores,
        Err(why) => return text + &format!("This submission could not be graded: {why}\n"),
    };
    let (passed, total) = totals(scores);
    text += &format!(
        "{passed} of {total} tests passed.\n\n| program | tests passed |\n| --- | ---: |\n"
    );
    for (program, score) in scores {
        text += &format!("| {program} | {}/{} |\n", score.passed, score.total);
    }
    let skipped: Vec<String> = scores
        .iter()
        .flat_map(|(program, score)| {
            score
                .skipped()
                .map(move |(test, why)| format!("- {program}: {} ({why})", plain(&test.name)))
        })
        .collect();
    if !skipped.is_empty() {
        text += "\nNot counted: these tests could not run on the grading machine.\n\n";
        text += &(skipped.join("\n") + "\n");
    }
    for (program, score) in scores.iter().filter(|(_, s)| !s.all_passed()) {
        text += &format!("\n## {program}: {}/{}\n", score.passed, score.total);
        for test in score.failures() {
            if test.does_not_compile() {
                text += &format!(
                    "\n**{}**: the file does not compile; the compiler says:\n\n",
                    plain(&test.name)
                );
                let errors = said(test);
                let fence = fence(&errors);
                text += &format!("{fence}text\n{errors}\n{fence}\n");
                // The same errors fail every test of the program: once is enough.
                break;
            }
            let first = cut(test.explanation().first().map(shown).unwrap_or_default());
            text += &format!("\n**{}**: {first}\n", plain(&test.name));
            if text.len() > FEEDBACK_FILE - 2 * EXCERPT {
                text += "\n(details left out: this feedback is at its size limit)\n";
                continue;
            }
            let details = details(test).join("\n");
            if !details.trim().is_empty() {
                let fence = fence(&details);
                text += &format!("\n{fence}text\n{details}\n{fence}\n");
            }
        }
    }
    text
}

/// Gradescope's results.json for one submission: one entry per test (`name`, `score`,
/// `max_score`, `output`, `visibility`), and the total.
/// `how` says how the submission was graded (the sandbox, or why there was none), for the
/// instructor.
pub fn gradescope(result: &Result<Scores, String>, how: &str) -> serde_json::Value {
    let scores = match result {
        Ok(scores) => scores,
        Err(why) => {
            return json!({
                "score": 0,
                "output": format!("This submission could not be graded: {why}"),
                "tests": [],
            });
        }
    };
    let mut tests = Vec::new();
    for (program, score) in scores {
        for test in score.tests.iter().filter(|t| t.skipped().is_none()) {
            let output = if test.passed {
                String::new()
            } else {
                said(test)
            };
            tests.push(json!({
                "name": format!("{program}: {}", plain(&test.name)),
                "score": u32::from(test.passed),
                "max_score": 1,
                "output": output,
                "visibility": "visible",
            }));
        }
    }
    let (passed, total) = totals(scores);
    let lines: Vec<String> = scores
        .iter()
        .map(|(program, s)| format!("{program}: {}/{}", s.passed, s.total))
        .collect();
    json!({
        "score": passed,
        "output": format!("{passed} of {total} tests passed.\n{}\n\n{how}", lines.join("\n")),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    })
}

/// GitHub Classroom's autograding reporter's results, one runner per program: each test is a
/// point, with what it said when it failed.
pub fn classroom(scores: &Scores) -> Vec<(&'static str, serde_json::Value)> {
    scores
        .iter()
        .map(|(program, score)| {
            let tests: Vec<serde_json::Value> = score
                .tests
                .iter()
                .filter(|t| t.skipped().is_none())
                .map(|test| {
                    json!({
                        "name": plain(&test.name),
                        "status": if test.passed { "pass" } else { "fail" },
                        "score": u32::from(test.passed),
                        "message": if test.passed { String::new() } else { said(test) },
                        "line_no": 0,
                        "execution_time": "",
                    })
                })
                .collect();
            let status = if score.all_passed() { "pass" } else { "fail" };
            let results = json!({
                "version": 1,
                "status": status,
                "max_score": score.total,
                "tests": tests,
            });
            (*program, results)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tp::grade::Score;

    fn failed(name: &str, output: &str) -> TestResult {
        TestResult {
            name: name.to_string(),
            passed: false,
            output: output.to_string(),
        }
    }

    #[test]
    fn the_feedback_says_each_failure_in_words_and_escapes_what_programs_printed() {
        let server = vec![
            failed(
                "ex1_tcp_server::welcomes_a_client",
                "thread 'x' panicked at tests/ex1_tcp.rs:1:1:\nexpected the reference \
                 ex1_tcp_client to talk with ex1_tcp_server and finish normally, but it \
                 exited with code 1: error: never answered\n--- what it printed ---\n\x1b[2J```\n",
            ),
            TestResult {
                name: "ex1_tcp_server::another".to_string(),
                passed: true,
                output: String::new(),
            },
        ];
        let scores = vec![
            ("ex1_tcp_server", Score::of(server)),
            (
                "ex1_tcp_client",
                Score::of(vec![TestResult {
                    name: "ex1_tcp_client::sends".to_string(),
                    passed: true,
                    output: String::new(),
                }]),
            ),
        ];
        let text = markdown("alice", &Ok(scores.clone()));
        assert!(text.contains("2 of 3 tests passed"), "{text}");
        assert!(text.contains("| ex1_tcp_client | 1/1 |"), "{text}");
        assert!(text.contains("## ex1_tcp_server: 1/2"), "{text}");
        assert!(
            text.contains("**welcomes a client**: expected the reference"),
            "{text}"
        );
        assert!(
            !text.contains('\x1b') && text.contains("\\u{1b}[2J"),
            "{text}"
        );
        assert!(
            text.contains("````text"),
            "a fence longer than the output's: {text}"
        );
        assert!(!text.contains("## ex1_tcp_client"), "{text}");

        let runners = classroom(&scores);
        assert_eq!(runners.len(), 2);
        assert_eq!(runners[0].0, "ex1_tcp_server");
        assert_eq!(runners[0].1["status"], "fail");
        assert_eq!(runners[0].1["max_score"], 2);
        assert_eq!(runners[0].1["tests"][0]["status"], "fail");
        assert_eq!(runners[1].1["status"], "pass");

        let json = gradescope(&Ok(scores), "sandbox: none in this test");
        assert_eq!(json["score"], 2);
        assert_eq!(json["tests"].as_array().map(Vec::len), Some(3));
        assert_eq!(
            json["tests"][0]["name"],
            "ex1_tcp_server: welcomes a client"
        );
        assert_eq!(json["tests"][0]["score"], 0);
        assert_eq!(json["tests"][0]["max_score"], 1);
        assert!(
            json["tests"][0]["output"]
                .as_str()
                .is_some_and(|o| o.starts_with("expected the reference ex1_tcp_client"))
        );
    }
}
