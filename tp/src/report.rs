//! What `tp grade` reports: a table for the terminal and the same as CSV, one column per
//! program.

use tp::programs::PROGRAMS;

use tp::grade::Scores;

/// The programs that are graded, in the handout's order: the columns.
pub fn columns() -> Vec<&'static str> {
    PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .map(|p| p.name)
        .collect()
}

/// The table of grades (one row per submission, one numbered column per program, and the
/// total, under a legend of the numbers), and the same as CSV with the programs' names.
pub fn table(names: &[String], results: &[Result<Scores, String>]) -> (String, String) {
    let columns = columns();
    let mut table = String::from("columns:");
    for (i, program) in columns.iter().enumerate() {
        if i % 4 == 0 {
            table += "\n ";
        }
        table += &format!(" {:>2} {program:<22}", i + 1);
    }
    table += &format!("\n\n{:<20}", "student");
    for i in 1..=columns.len() {
        table += &format!(" {i:>5}");
    }
    table += &format!(" {:>9}\n", "total");
    let mut rows = vec![
        std::iter::once("student")
            .chain(columns.iter().copied())
            .chain(["passed", "tests"])
            .collect::<Vec<_>>()
            .join(","),
    ];
    for (name, result) in names.iter().zip(results) {
        table += &format!("{name:<20}");
        let mut csv_row = vec![csv_field(name)];
        match result {
            Ok(scores) => {
                let (mut passed, mut total) = (0, 0);
                for program in &columns {
                    let score = scores.iter().find(|(p, _)| p == program).map(|(_, s)| s);
                    let (p, t) = score.map_or((0, 0), |s| (s.passed, s.total));
                    table += &format!(" {:>5}", format!("{p}/{t}"));
                    csv_row.push(p.to_string());
                    passed += p;
                    total += t;
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
