//! The Markdown feedback: what a student is handed (`tp grade --feedback DIR`), what the plain
//! GitHub Actions workflow shows in its job summary, and Classroom 50's Release body.
//!
//! A table of each program's score, the tests that could not run here, then each program that
//! lost points: each failing test's name and why in one line, then what it printed, the
//! compiler's words, or the conversation it saw, in fenced blocks. Whatever a program printed
//! is escaped, so it cannot turn into Markdown, HTML, or a fence's end; the whole stays within
//! the size it is given.

use super::words::fill;
use super::{Lang, Report, TestReport, within};

/// The largest feedback file `tp grade --feedback` writes (GitHub shows a job summary of at
/// most 1 MiB).
pub const FEEDBACK_FILE: usize = 1000 << 10;

/// What one failing test takes at most with its details: past this much room left, the
/// failures that follow are told by their first sentence alone.
const ROOM_FOR_DETAILS: usize = 80 << 10;

/// The feedback of `report` in Markdown, at most `limit` bytes.
pub fn feedback(report: &Report, lang: Lang, limit: usize) -> String {
    let words = lang.words();
    let mut text = format!(
        "# {}\n\n",
        fill(words.feedback_for, &[("name", &inline(&report.submission))])
    );
    let programs = match &report.programs {
        Ok(programs) => programs,
        Err(why) => {
            text += &fill(words.not_graded, &[("why", &inline(why))]);
            text.push('\n');
            return within(&text, limit, "");
        }
    };
    let (passed, total) = report.score();
    text += &fill(
        words.tests_passed,
        &[("passed", &passed), ("total", &total)],
    );
    text += &format!(
        "\n\n| {} | {} |\n| --- | ---: |\n",
        words.program, words.tests_passed_column
    );
    for program in programs {
        text += &format!(
            "| {} | {}/{} |\n",
            program.program,
            program.score(),
            program.max_score()
        );
    }
    let skipped: Vec<String> = report
        .skipped()
        .map(|(program, test, why)| format!("- {program}: {} ({})", test.name, inline(why)))
        .collect();
    if !skipped.is_empty() {
        text += &format!("\n{}\n\n{}\n", words.not_counted, skipped.join("\n"));
    }
    // How it was graded, for the teacher (Classroom 50 shows this file as the Release body).
    if !report.how.is_empty() {
        text += &format!("\n_{}_\n", inline(&report.how));
    }
    let failing = programs.iter().filter(|p| p.failures().next().is_some());
    let mut sections = Vec::new();
    for program in failing {
        sections.push(Section::Title(format!(
            "\n## {}: {}/{}\n",
            program.program,
            program.score(),
            program.max_score()
        )));
        match program.compile_error() {
            // The same errors fail every test of the program: once is enough.
            Some(test) => sections.push(Section::Test(compile_error(test, lang))),
            None => sections.extend(program.failures().map(|t| Section::Test(failure(t, lang)))),
        }
    }
    let end_note = fill(words.more_failures, &[("count", &"?")]);
    let reserve = end_note.len() + 16;
    let tests = sections
        .iter()
        .filter(|s| matches!(s, Section::Test(_)))
        .count();
    let mut told = 0;
    for section in &sections {
        let room = limit.saturating_sub(text.len() + reserve);
        match section {
            Section::Title(title) if title.len() < room => text += title,
            Section::Test((full, _)) if full.len() < room.saturating_sub(ROOM_FOR_DETAILS) => {
                text += full;
                told += 1;
            }
            Section::Test((_, short)) if short.len() < room => {
                if !text.ends_with(words.at_size_limit) {
                    text += &format!("\n{}\n", words.at_size_limit);
                }
                text += short;
                told += 1;
            }
            _ => {
                text += &format!(
                    "\n{}\n",
                    fill(words.more_failures, &[("count", &(tests - told))])
                );
                break;
            }
        }
    }
    within(&text, limit, words.at_size_limit)
}

/// A part of the feedback: a program's title, or one failing test (with its details, and by
/// its first sentence alone).
enum Section {
    Title(String),
    Test((String, String)),
}

/// A failing test: its name and why, then what it printed and the conversation it saw; and the
/// same by its first sentence alone.
fn failure(test: &TestReport, lang: Lang) -> (String, String) {
    let first = test.explanation.first().map_or("", String::as_str);
    let short = format!("\n**{}**: {}\n", inline(&test.name), inline(first));
    let mut full = short.clone();
    let more: Vec<&str> = test
        .explanation
        .iter()
        .skip(1)
        .chain(&test.details)
        .map(String::as_str)
        .collect();
    if more.iter().any(|l| !l.trim().is_empty()) {
        full += &fenced(&more.join("\n"));
    }
    if let Some(diagram) = &test.diagram {
        full += &format!(
            "\n{}\n{}",
            lang.words().on_the_wire,
            mermaid(&diagram.mermaid())
        );
    }
    if let Some(expected) = &test.expected {
        full += "\n";
        for difference in &test.differences {
            full += &format!("- {}\n", inline(&difference.said(lang)));
        }
        full += &format!(
            "\n{}\n{}",
            lang.words().expected_on_the_wire,
            mermaid(&expected.mermaid())
        );
    }
    (full, short)
}

/// A file that does not compile: the compiler's words, once for the program.
fn compile_error(test: &TestReport, lang: Lang) -> (String, String) {
    let short = format!(
        "\n**{}**: {}\n",
        inline(&test.name),
        lang.words().does_not_compile
    );
    let errors: Vec<&str> = test
        .explanation
        .iter()
        .chain(&test.details)
        .map(String::as_str)
        .collect();
    let full = short.clone() + "\n" + &fenced(&errors.join("\n"));
    (full, short)
}

/// A Mermaid diagram in its fenced block (its text has no backtick: [`Conversation::mermaid`]
/// writes every mark as an entity).
///
/// [`Conversation::mermaid`]: crate::wire::Conversation::mermaid
fn mermaid(diagram: &str) -> String {
    format!("\n```mermaid\n{diagram}```\n")
}

/// `text` in a fenced block, with a fence longer than any run of backticks inside it.
fn fenced(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("\n{fence}text\n{text}\n{fence}\n")
}

/// `text` on one line of Markdown, as it is: the marks with which Markdown or HTML could
/// make something of it inline (emphasis, code, links, tags, entities, table cells) are
/// escaped by a backslash, as CommonMark allows for any ASCII punctuation.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{flood, not_graded, sample};

    #[test]
    fn the_feedback_says_each_failure_in_words_and_escapes_what_programs_printed() {
        let text = feedback(&sample(), Lang::En, FEEDBACK_FILE);
        assert!(text.starts_with("# Feedback for alice\n"), "{text}");
        assert!(text.contains("2 of 5 tests passed."), "{text}");
        assert!(text.contains("| ex1_tcp_client | 1/1 |"), "{text}");
        // How it was graded, for the teacher (Classroom 50's Release body).
        assert!(text.contains("\n_sandbox: bubblewrap_\n"), "{text}");
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
        assert!(
            text.contains("- ex1_tcp_client: over ipv6 (no IPv6 here)"),
            "{text}"
        );
        assert!(
            text.contains("What crossed the wire:\n\n```mermaid\nsequenceDiagram\n")
                && text.contains("    P0->>P1: 0.000 ms, SYN seq=0\n"),
            "{text}"
        );
        // What differs from the reference's exchange in the same test, then that exchange.
        let compared = text
            .split_once("\n- expected: ex1\\_tcp\\_server closes first (the first FIN); in this test: nobody closes (no FIN).\n")
            .map(|(_, after)| after)
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            compared.contains(
                "\nWhat the reference did in the same test:\n\n```mermaid\nsequenceDiagram\n"
            ) && compared.contains("P1->>P0: 0.200 ms, FIN-ACK seq=23 ack=13\n"),
            "{text}"
        );
        // The compiler's words, once for the program.
        assert_eq!(
            text.matches("the file does not compile").count(),
            1,
            "{text}"
        );
        assert!(text.contains("error[E0308]"), "{text}");
    }

    #[test]
    fn the_feedback_can_be_in_french() {
        let text = feedback(&sample(), Lang::Fr, FEEDBACK_FILE);
        assert!(text.starts_with("# Retour pour alice\n"), "{text}");
        assert!(text.contains("2 tests réussis sur 5."), "{text}");
        assert!(text.contains("le fichier ne compile pas"), "{text}");
        assert!(
            text.contains("\n- attendu : aucun RST ; dans ce test : ex1\\_tcp\\_server réinitialise la connexion (RST).\n")
                && text.contains("Ce qu'a fait le programme de référence dans le même test :"),
            "{text}"
        );
    }

    #[test]
    fn what_a_program_printed_cannot_become_markdown_or_html() {
        let line = inline("<img src=x onerror=alert(1)> **bold** [link](http://x) `code`\n# title");
        assert!(!line.contains('<') || line.contains("\\<"), "{line}");
        assert!(line.contains("\\*\\*bold\\*\\*"), "{line}");
        assert!(line.contains("\\[link\\]"), "{line}");
        assert!(!line.contains('\n'), "{line}");
    }

    #[test]
    fn the_feedback_stays_within_its_limit_and_says_what_it_left_out() {
        let report = flood(1, 300, 3);
        for limit in [120_000, FEEDBACK_FILE] {
            let text = feedback(&report, Lang::En, limit);
            assert!(text.len() <= limit, "{} > {limit}", text.len());
            assert!(text.contains("**t0 0**: www0"), "the first failure is told");
            assert!(
                text.contains("this feedback is at its size limit"),
                "it says it left some out"
            );
        }
    }

    #[test]
    fn a_submission_that_could_not_be_graded_says_why() {
        let text = feedback(
            &not_graded("no exercises/NAME.rs in it"),
            Lang::En,
            FEEDBACK_FILE,
        );
        assert!(
            text.contains("This submission could not be graded: no exercises/NAME.rs in it"),
            "{text}"
        );
    }
}
