//! Moodle VPL's evaluation (`tp grade --vpl FILE`): `Comment :=>>` lines, then the grade as
//! `Grade :=>>N`, scaled to the activity's range.
//!
//! VPL reads the output of `vpl_execution` line by line: a line that starts with `Grade :=>>`
//! proposes the grade (the last one counts), a line that starts with `Comment :=>>` adds the
//! rest of the line to the comments. In the comments, a line that starts with `-` is a title
//! (and one that ends with a negative number in parentheses, a grade reduction), a line that
//! starts with `>` is shown as it is (preformatted); the rest is text, which VPL escapes. What
//! the kit writes keeps to that: every line is a `Comment :=>>` line whose text is a title the
//! kit makes, a test's name and why, or `>` and what a program printed, so nothing a program
//! printed can change the grade or the comments' shape. The whole is at most [`OUTPUT`]
//! bytes.

use super::words::fill;
use super::{Lang, ProgramReport, Report, TestReport};

/// The most of VPL's output the kit writes (VPL's own evaluator keeps 100 KiB per comment).
pub const OUTPUT: usize = 100 << 10;

/// The most lines of details one failing test shows in VPL.
const DETAIL_LINES: usize = 12;

/// The tag of a comment line.
const COMMENT: &str = "Comment :=>>";

/// VPL's evaluation of `report`: the comments, then the grade, from `min` (nothing passed) to
/// `max` (every counted test passed), in proportion to the points earned.
pub fn evaluation(report: &Report, lang: Lang, (min, max): (f64, f64)) -> String {
    let words = lang.words();
    let mut out = Vec::new();
    let programs = match &report.programs {
        Ok(programs) => programs,
        Err(why) => {
            out.push(comment_text(&fill(words.not_graded, &[("why", why)])));
            out.push(format!("Grade :=>>{}", number(min)));
            return out.join("\n") + "\n";
        }
    };
    let (score, total) = report.score();
    out.push(format!("{COMMENT}-{}", words.summary));
    out.push(comment_text(&fill(
        words.tests_passed,
        &[("passed", &score), ("total", &total)],
    )));
    for program in programs {
        out.push(format!(
            "{COMMENT}>{:<24}{:>3}/{}",
            program.program,
            program.score(),
            program.max_score()
        ));
    }
    // How it was graded, for the teacher: stderr goes to a log that VPL deletes.
    if !report.how.is_empty() {
        out.push(comment_text(&report.how));
    }
    let skipped: Vec<String> = report
        .skipped()
        .map(|(program, test, why)| format!("{program}: {} ({why})", test.name))
        .collect();
    if !skipped.is_empty() {
        out.push(comment_text(words.not_counted));
        out.extend(skipped.iter().map(|s| preformatted(s)));
    }
    let grade = format!("Grade :=>>{}", number(scaled(score, total, (min, max))));
    let mut size: usize = out.iter().map(|l| l.len() + 1).sum::<usize>() + grade.len() + 1;
    for program in programs.iter().filter(|p| p.failures().next().is_some()) {
        let (full, short) = program_comments(program, lang);
        let room = OUTPUT.saturating_sub(size + words.at_size_limit.len() + COMMENT.len() + 2);
        let lines = if lines_size(&full) <= room {
            full
        } else if lines_size(&short) <= room {
            short
        } else {
            out.push(comment_text(words.at_size_limit));
            break;
        };
        size += lines_size(&lines);
        out.extend(lines);
    }
    out.push(grade);
    out.join("\n") + "\n"
}

/// The comments of a program that lost points: its title, then each failing test's name and
/// why, with its details and conversation; and the same by the first sentences alone.
fn program_comments(program: &ProgramReport, lang: Lang) -> (Vec<String>, Vec<String>) {
    let words = lang.words();
    if let Some(test) = program.compile_error() {
        let title = format!(
            "{COMMENT}-{}",
            fill(words.compiler_says, &[("program", &program.program)])
        );
        let mut full = vec![title.clone()];
        full.extend(
            test.explanation
                .iter()
                .chain(&test.details)
                .take(DETAIL_LINES * 2)
                .map(|l| preformatted(l)),
        );
        let short = vec![
            title,
            preformatted(test.explanation.first().map_or("", String::as_str)),
        ];
        return (full, short);
    }
    let title = format!(
        "{COMMENT}-{}",
        fill(
            words.program_score,
            &[
                ("program", &program.program),
                ("passed", &program.score()),
                ("total", &program.max_score()),
            ]
        )
    );
    let (mut full, mut short) = (vec![title.clone()], vec![title]);
    for test in program.failures() {
        let first = first_line(test);
        full.push(first.clone());
        short.push(first);
        let more = test.explanation.iter().skip(1).chain(&test.details);
        full.extend(more.take(DETAIL_LINES).map(|l| preformatted(l)));
        if let Some(diagram) = &test.diagram {
            full.push(comment_text(words.on_the_wire));
            full.extend(diagram.terminal().iter().map(|l| preformatted(l)));
        }
        if let Some(expected) = &test.expected {
            let said = test.differences.iter().map(|d| d.said(lang));
            full.extend(said.map(|l| comment_text(&l)));
            full.push(comment_text(words.expected_on_the_wire));
            full.extend(expected.terminal().iter().map(|l| preformatted(l)));
        }
    }
    (full, short)
}

/// A failing test's name and why, as a line of comment text (it starts with the test's name,
/// never with a mark VPL reads).
fn first_line(test: &TestReport) -> String {
    let why = test.explanation.first().map_or("", String::as_str);
    format!("{COMMENT}{}: {why}", test.name)
}

/// A line of text the kit wrote, as a comment line that VPL cannot read as a title or a case.
fn comment_text(text: &str) -> String {
    let text = text.trim_start_matches(['-', '>', ' ']);
    format!("{COMMENT}{text}")
}

/// A line a program printed (already escaped), shown as it is.
fn preformatted(line: &str) -> String {
    format!("{COMMENT}>{line}")
}

/// The size of `lines` once written.
fn lines_size(lines: &[String]) -> usize {
    lines.iter().map(|l| l.len() + 1).sum()
}

/// What VPL makes of an output, as its `proposedgrade` and `proposedcomment` read it: the
/// grade (the last `Grade :=>>` line) and the comments (the rest of each `Comment :=>>` line).
pub fn as_vpl_reads(output: &str) -> (Option<String>, Vec<String>) {
    let mut grade = None;
    let mut comments = Vec::new();
    for line in output.lines() {
        if let Some(g) = line.strip_prefix("Grade :=>>") {
            grade = Some(g.trim().to_string());
        } else if let Some(c) = line.strip_prefix(COMMENT) {
            comments.push(c.to_string());
        }
    }
    (grade, comments)
}

/// `score` out of `total`, on the scale from `min` to `max`; `min` when nothing was counted.
pub fn scaled(score: u32, total: u32, (min, max): (f64, f64)) -> f64 {
    if total == 0 {
        return min;
    }
    min + (max - min) * f64::from(score) / f64::from(total)
}

/// A grade as VPL shows one: two decimals at most, none when it is whole.
fn number(grade: f64) -> String {
    let text = format!("{grade:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::tests::{flood, not_graded, sample};

    #[test]
    fn the_grade_is_scaled_to_the_activity_and_comes_last() {
        let output = evaluation(&sample(), Lang::En, (0.0, 10.0));
        let (grade, comments) = as_vpl_reads(&output);
        assert_eq!(grade.as_deref(), Some("4"), "2 of 5 on 0..10:\n{output}");
        assert!(output.trim_end().ends_with("Grade :=>>4"), "{output}");
        let grades = output.lines().filter(|l| l.starts_with("Grade :=>>"));
        assert_eq!(grades.count(), 1, "{output}");
        assert_eq!(comments[0], "-Summary");
        assert!(
            comments.contains(&">ex1_tcp_server            1/2".to_string()),
            "{comments:#?}"
        );
        // The teacher sees how it was graded: VPL deletes what tp said on stderr.
        assert!(
            comments.contains(&"sandbox: bubblewrap".to_string()),
            "{comments:#?}"
        );
        assert!(comments.contains(&"-ex1_tcp_server: 1/2 tests passed".to_string()));
        assert!(
            comments
                .iter()
                .any(|c| c.starts_with("welcomes a client: expected the reference")),
            "{comments:#?}"
        );
        assert!(comments.contains(&"-ex2_netstat: the file does not compile".to_string()));
        assert!(
            comments.iter().any(|c| c.starts_with(">error[E0308]")),
            "{comments:#?}"
        );
        assert!(
            comments
                .iter()
                .any(|c| c.starts_with(">   0.000 ms |-- SYN seq=0 --")),
            "{comments:#?}"
        );
        assert!(comments.contains(&">ex1_tcp_client: over ipv6 (no IPv6 here)".to_string()));
        // What differs from the reference in the same test, then the reference's drawing.
        let said = "expected: no RST; in this test: ex1_tcp_server resets the connection (RST).";
        let at = comments.iter().position(|c| c == said);
        let drawn = comments
            .iter()
            .position(|c| c == "What the reference did in the same test:");
        assert!(at.is_some() && at < drawn, "{comments:#?}");
        assert!(
            comments[drawn.unwrap_or_default()..]
                .iter()
                .any(|c| c.starts_with(">   0.200 ms |<") && c.contains("FIN-ACK seq=23")),
            "{comments:#?}"
        );
        assert_eq!(number(scaled(1, 3, (0.0, 20.0))), "6.67");
        assert_eq!(number(scaled(3, 4, (0.0, 10.0))), "7.5");
        assert_eq!(number(scaled(0, 0, (2.0, 10.0))), "2");
    }

    #[test]
    fn every_line_is_a_comment_or_the_grade_and_no_program_can_forge_either() {
        let output = evaluation(&sample(), Lang::Fr, (0.0, 20.0));
        for line in output.lines() {
            assert!(
                line.starts_with(COMMENT) || line.starts_with("Grade :=>>"),
                "{line:?}"
            );
            if let Some(text) = line.strip_prefix(COMMENT) {
                // A title is the kit's; a program's words are after `>` or after a test's name.
                if let Some(title) = text.strip_prefix('-') {
                    assert!(
                        !title.ends_with(')'),
                        "a title VPL would read as a reduction"
                    );
                }
            }
        }
        // The program printed "Grade :=>>10": it is shown, never read as the grade.
        let (grade, comments) = as_vpl_reads(&output);
        assert_eq!(grade.as_deref(), Some("8"));
        assert!(
            comments.iter().any(|c| c == ">Grade :=>>10"),
            "{comments:#?}"
        );
        assert!(comments.contains(&"-Résumé".to_string()), "{comments:#?}");
        assert!(comments.contains(&"-ex2_netstat : le fichier ne compile pas".to_string()));
    }

    #[test]
    fn the_output_stays_within_its_limit() {
        let text = evaluation(&flood(20, 20, 2000), Lang::En, (0.0, 10.0));
        assert!(text.len() <= OUTPUT, "{}", text.len());
        assert!(text.trim_end().ends_with("Grade :=>>0"));
        assert!(text.contains("at its size limit"));
    }

    #[test]
    fn a_submission_that_could_not_be_graded_gets_the_minimum_and_says_why() {
        let text = evaluation(&not_graded("no exercises/NAME.rs"), Lang::En, (1.0, 10.0));
        assert_eq!(
            text,
            "Comment :=>>This submission could not be graded: no exercises/NAME.rs\nGrade :=>>1\n"
        );
    }
}
