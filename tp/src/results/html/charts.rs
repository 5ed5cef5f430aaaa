//! The page's two charts, drawn as inline SVG: each program's pass rate, and the totals.

use crate::results::Report;
use crate::wire::draw::xml_text;

/// The graded submissions (those that could be graded).
pub(super) fn graded(reports: &[Report]) -> impl Iterator<Item = &Report> {
    reports.iter().filter(|r| r.programs.is_ok())
}

/// A horizontal bar per program: the share of graded students whose program passed every
/// test.
pub(super) fn pass_rates(reports: &[Report], columns: &[&str]) -> String {
    let students = graded(reports).count();
    let (label, bar, row) = (200, 400, 22);
    let width = label + bar + 110;
    let height = columns.len() * row + 10;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"pass-rate-chart\" \
         width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         font-family=\"sans-serif\" font-size=\"12\" role=\"img\">"
    );
    for (i, program) in columns.iter().enumerate() {
        let passed = graded(reports)
            .filter(|r| {
                r.programs()
                    .iter()
                    .any(|p| p.program == *program && p.all_passed())
            })
            .count();
        let length = (bar * passed).checked_div(students).unwrap_or(0);
        let y = 5 + i * row;
        svg += &format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label}\" y=\"{}\" width=\"{bar}\" height=\"{}\" fill=\"#eee\"/>\
             <rect class=\"bar\" x=\"{label}\" y=\"{}\" width=\"{length}\" height=\"{}\" \
             fill=\"#4a8\"/><text x=\"{}\" y=\"{}\">{passed}/{students} ({}%)</text>",
            label - 6,
            y + 14,
            xml_text(program),
            y + 2,
            row - 6,
            y + 2,
            row - 6,
            label + bar + 6,
            y + 14,
            percent(passed as u64, students as u64)
        );
    }
    svg + "</svg>\n"
}

/// `part` of `whole` in whole percents (0 of nothing).
fn percent(part: u64, whole: u64) -> u64 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

/// A histogram of the totals: how many graded students scored 0-9 %, 10-19 %, ... 100 % of
/// the points.
pub(super) fn totals(reports: &[Report]) -> String {
    let mut buckets = [0usize; 11];
    for report in graded(reports) {
        let (score, max) = report.score();
        buckets[(percent(u64::from(score), u64::from(max)) / 10).min(10) as usize] += 1;
    }
    let highest = buckets.iter().copied().max().unwrap_or(0).max(1);
    let (column, tall, bottom) = (52, 160, 190);
    let width = 20 + buckets.len() * column;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"totals-chart\" \
         width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\" font-family=\"sans-serif\" \
         font-size=\"12\" role=\"img\">",
        bottom + 20,
        bottom + 20
    );
    for (i, &count) in buckets.iter().enumerate() {
        let height = tall * count / highest;
        let x = 10 + i * column;
        let range = if i == 10 {
            "100%".to_string()
        } else {
            format!("{}-{}%", i * 10, i * 10 + 9)
        };
        svg += &format!(
            "<rect class=\"bar\" x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{height}\" \
             fill=\"#48a\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{count}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\">{range}</text>",
            bottom - height,
            column - 8,
            x + (column - 8) / 2,
            bottom - height - 4,
            x + (column - 8) / 2,
            bottom + 14
        );
    }
    svg + "</svg>\n"
}
