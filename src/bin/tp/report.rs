//! What `tp grade` reports: a table for the terminal and the same as CSV.

use tp_sockets::kit::programs;

use crate::grade::Scores;

/// The table of grades (one row per submission, one column per exercise, and the total), and
/// the same as CSV.
pub fn table(names: &[String], results: &[Result<Scores, String>]) -> (String, String) {
    let tests = programs::graded_tests();
    let mut table = format!("{:<20}", "student");
    let mut rows = vec![
        std::iter::once("student")
            .chain(tests.iter().copied())
            .chain(["passed", "tests"])
            .collect::<Vec<_>>()
            .join(","),
    ];
    for test in &tests {
        table += &format!(" {test:>15}");
    }
    table += &format!(" {:>9}\n", "total");
    for (name, result) in names.iter().zip(results) {
        table += &format!("{name:<20}");
        let mut csv_row = vec![csv_field(name)];
        match result {
            Ok(scores) => {
                let (mut passed, mut total) = (0, 0);
                for (_, score) in scores {
                    table += &format!(" {:>15}", format!("{}/{}", score.passed, score.total));
                    csv_row.push(score.passed.to_string());
                    passed += score.passed;
                    total += score.total;
                }
                table += &format!(" {:>9}\n", format!("{passed}/{total}"));
                csv_row.push(passed.to_string());
                csv_row.push(total.to_string());
            }
            Err(why) => {
                table += &format!(" not graded: {why}\n");
                csv_row.push(csv_field(&format!("not graded: {why}")));
            }
        }
        rows.push(csv_row.join(","));
    }
    (table, rows.join("\n") + "\n")
}

/// A CSV field, quoted when it must be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
