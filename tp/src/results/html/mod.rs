//! The class at a glance (`tp grade --report FILE`): one self-contained HTML page an instructor
//! opens in a browser, from anywhere (no network, no script): each program's pass rate and the
//! totals as inline SVG charts, the tests failed most with what they say, a row per student,
//! and each student's feedback with the exchanges of their failing tests drawn.
//!
//! Everything a student's program printed, and every name, is text on the page
//! ([`xml_text`]), never markup; the page forbids scripts outright (its Content Security
//! Policy), in case anything ever slipped through.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

mod charts;

use charts::{graded, pass_rates, totals};

use super::table::points;
use super::words::fill;
use super::{Lang, Report, TestReport};
use crate::wire::draw::xml_text;

/// The most failing tests of one student whose exchanges are drawn (the others are told).
const DRAWN_PER_STUDENT: usize = 3;
/// The most lines of a failing test's details shown, each cut at [`DETAIL_LINE`] characters.
const DETAIL_LINES: usize = 12;
const DETAIL_LINE: usize = 160;
/// The most failed tests listed.
const MOST_FAILED: usize = 10;

/// When and how the class was graded, for the page's first lines.
pub struct Graded {
    /// When grading ended.
    pub at: SystemTime,
    /// The sandbox used, or why there was none.
    pub how: String,
}

/// The page for the class `reports`, graded on the programs `columns`, in `lang`.
pub fn page(reports: &[Report], columns: &[&str], lang: Lang, graded: &Graded) -> String {
    let words = lang.words();
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>tp-sockets: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        lang_code(lang),
        xml_text(words.page_title),
        xml_text(words.page_title)
    );
    html += &format!(
        "<p class=\"meta\" id=\"graded\">{}</p>\n",
        xml_text(&fill(
            words.page_graded,
            &[
                ("count", &reports.len()),
                ("when", &utc(graded.at)),
                ("version", &env!("CARGO_PKG_VERSION")),
                ("how", &graded.how),
            ]
        ))
    );
    html += &format!(
        "<section id=\"pass-rates\">\n<h2>{}</h2>\n{}</section>\n",
        xml_text(words.pass_rates),
        pass_rates(reports, columns)
    );
    html += &format!(
        "<section id=\"totals\">\n<h2>{}</h2>\n{}</section>\n",
        xml_text(words.totals),
        totals(reports)
    );
    html += &most_failed(reports, lang);
    html += &students(reports, columns, lang);
    html += &feedback(reports, lang);
    html + "</body>\n</html>\n"
}

/// The page's look: readable on a screen and on paper, with no fonts or images to fetch.
const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:75em;color:#222}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}\
td:first-child,th:first-child{text-align:left}.full{background:#dfd}.none{background:#fdd}\
pre{background:#f6f6f6;padding:.5em;overflow-x:auto;white-space:pre-wrap}\
.meta{color:#555}details{margin:.5em 0;border-left:3px solid #ccc;padding-left:1em}\
summary{cursor:pointer;font-weight:bold}svg{max-width:100%;height:auto}";

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Fr => "fr",
    }
}

/// The tests failed by the most students, each with how many and what it says (the sentence
/// most of them got).
fn most_failed(reports: &[Report], lang: Lang) -> String {
    let words = lang.words();
    let students = graded(reports).count();
    // By test: its report (the first seen), the students who failed it, and its sentences.
    let mut failed: BTreeMap<&str, (&TestReport, usize, BTreeMap<String, usize>)> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for report in graded(reports) {
        for test in report.programs().iter().flat_map(|p| p.failures()) {
            let entry = failed.entry(&test.id).or_insert_with(|| {
                order.push(&test.id);
                (test, 0, BTreeMap::new())
            });
            entry.1 += 1;
            let sentence = test.explanation.first().cloned().unwrap_or_default();
            *entry.2.entry(sentence).or_default() += 1;
        }
    }
    // The most failed first; among equals, in the order of the handout and the test files.
    order.sort_by_key(|id| std::cmp::Reverse(failed[id].1));
    let mut html = format!(
        "<section id=\"most-failed\">\n<h2>{}</h2>\n<ol>\n",
        xml_text(words.most_failed)
    );
    for id in order.iter().take(MOST_FAILED) {
        let (test, count, sentences) = &failed[id];
        let said = sentences
            .iter()
            .max_by_key(|(sentence, n)| (**n, std::cmp::Reverse((*sentence).clone())))
            .map(|(sentence, _)| sentence.as_str())
            .unwrap_or_default();
        html += &format!(
            "<li class=\"failed-test\"><b class=\"test\">{}</b> ({}): <span class=\"count\">{}\
             </span><br><q>{}</q></li>\n",
            xml_text(&test.name),
            xml_text(test.program),
            xml_text(&fill(
                words.failed_by,
                &[("count", count), ("total", &students)]
            )),
            xml_text(said)
        );
    }
    html + "</ol>\n</section>\n"
}

/// A row per student: the total, each program's points, and a link to the feedback.
fn students(reports: &[Report], columns: &[&str], lang: Lang) -> String {
    let words = lang.words();
    let mut html = format!(
        "<section id=\"students\">\n<h2>{}</h2>\n<table>\n<tr><th>{}</th><th>{}</th>",
        xml_text(words.students),
        xml_text(words.student),
        xml_text(words.total)
    );
    for program in columns {
        html += &format!("<th>{}</th>", xml_text(program));
    }
    html += "</tr>\n";
    for (i, report) in reports.iter().enumerate() {
        html += &format!(
            "<tr class=\"student\"><td><a href=\"#student-{i}\">{}</a></td>",
            xml_text(&report.submission)
        );
        match &report.programs {
            Ok(_) => {
                let (score, max) = report.score();
                html += &format!("<td class=\"total\">{score}/{max}</td>");
                for program in columns {
                    let (score, max) = points(report, program);
                    let class = if max > 0 && score == max {
                        "full"
                    } else if score == 0 {
                        "none"
                    } else {
                        "part"
                    };
                    html += &format!("<td class=\"{class}\">{score}/{max}</td>");
                }
            }
            Err(why) => {
                html += &format!(
                    "<td colspan=\"{}\">{}</td>",
                    columns.len() + 1,
                    xml_text(&fill(words.not_graded, &[("why", why)]))
                );
            }
        }
        html += "</tr>\n";
    }
    html + "</table>\n</section>\n"
}

/// Each student's feedback: for each program that lost points, its failing tests, what they
/// say, and the first ones' exchanges drawn (with the reference's, where it differs).
fn feedback(reports: &[Report], lang: Lang) -> String {
    let words = lang.words();
    let mut html = format!(
        "<section id=\"feedback\">\n<h2>{}</h2>\n",
        xml_text(words.feedback)
    );
    for (i, report) in reports.iter().enumerate() {
        let (score, max) = report.score();
        html += &format!(
            "<details class=\"feedback\" id=\"student-{i}\"><summary>{}: {score}/{max}</summary>\n",
            xml_text(&report.submission)
        );
        if let Err(why) = &report.programs {
            html += &format!(
                "<p>{}</p>\n",
                xml_text(&fill(words.not_graded, &[("why", why)]))
            );
        }
        let mut drawn = 0;
        for program in report.programs().iter().filter(|p| !p.all_passed()) {
            html += &format!(
                "<h3>{}</h3>\n",
                xml_text(&fill(
                    words.program_score,
                    &[
                        ("program", &program.program),
                        ("passed", &program.score()),
                        ("total", &program.max_score())
                    ]
                ))
            );
            if let Some(test) = program.compile_error() {
                html += &format!(
                    "<p>{}</p>\n<pre>{}</pre>\n",
                    xml_text(words.does_not_compile),
                    xml_text(&test.explanation.join("\n"))
                );
                continue;
            }
            for test in program.failures() {
                html += &format!(
                    "<div class=\"failure\"><p><b>{}</b>: {}</p>\n",
                    xml_text(&test.name),
                    xml_text(&test.explanation.join(" "))
                );
                if !test.details.is_empty() {
                    let lines: Vec<String> = test
                        .details
                        .iter()
                        .take(DETAIL_LINES)
                        .map(|l| l.chars().take(DETAIL_LINE).collect())
                        .collect();
                    html += &format!("<pre>{}</pre>\n", xml_text(&lines.join("\n")));
                }
                if let Some(diagram) = test.diagram.as_ref().filter(|_| drawn < DRAWN_PER_STUDENT) {
                    drawn += 1;
                    html += &format!(
                        "<p>{}</p>\n{}\n",
                        xml_text(words.on_the_wire),
                        diagram.svg()
                    );
                    for difference in &test.differences {
                        html += &format!("<p>{}</p>\n", xml_text(&difference.said(lang)));
                    }
                    if let Some(expected) = &test.expected {
                        html += &format!(
                            "<p>{}</p>\n{}\n",
                            xml_text(words.expected_on_the_wire),
                            expected.svg()
                        );
                    }
                }
                html += "</div>\n";
            }
        }
        let skipped: Vec<String> = report
            .skipped()
            .map(|(program, test, why)| format!("{program}: {} ({why})", test.name))
            .collect();
        if !skipped.is_empty() {
            html += &format!(
                "<p>{}</p><pre>{}</pre>\n",
                xml_text(words.not_counted),
                xml_text(&skipped.join("\n"))
            );
        }
        html += "</details>\n";
    }
    html + "</section>\n"
}

/// `at` as a date and time in UTC, `2026-12-02 14:05 UTC` (the standard library knows no time
/// zone).
fn utc(at: SystemTime) -> String {
    let seconds = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (seconds / 86_400) as i64;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        seconds / 3600 % 24,
        seconds / 60 % 60
    )
}

#[cfg(test)]
mod tests;
