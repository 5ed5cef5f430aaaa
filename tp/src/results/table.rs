//! What `tp grade` prints and writes for a class: a table for the terminal (one row per
//! submission, one numbered column per program, the total), and the same as CSV, with the
//! programs' names as columns.

use super::Report;

/// The table of `reports` for the terminal, a column per program of `columns`, under a legend
/// of the columns' numbers.
pub fn table(reports: &[Report], columns: &[&str]) -> String {
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
    for report in reports {
        table += &format!("{:<20}", report.submission);
        if let Err(why) = &report.programs {
            table += &format!(" not graded: {why}\n");
            continue;
        }
        for program in columns {
            let (score, max) = points(report, program);
            table += &format!(" {:>5}", format!("{score}/{max}"));
        }
        let (score, max) = report.score();
        table += &format!(" {:>9}\n", format!("{score}/{max}"));
    }
    table
}

/// The same as CSV: `student`, a column per program (points earned), `passed` and `tests`.
pub fn csv(reports: &[Report], columns: &[&str]) -> String {
    let mut rows = vec![
        std::iter::once("student")
            .chain(columns.iter().copied())
            .chain(["passed", "tests"])
            .collect::<Vec<_>>()
            .join(","),
    ];
    for report in reports {
        let mut row = vec![field(&report.submission)];
        match &report.programs {
            Ok(_) => {
                row.extend(columns.iter().map(|p| points(report, p).0.to_string()));
                let (score, max) = report.score();
                row.extend([score.to_string(), max.to_string()]);
            }
            Err(why) => row.push(field(&format!("not graded: {why}"))),
        }
        rows.push(row.join(","));
    }
    rows.join("\n") + "\n"
}

/// The points `report` earned for `program`, and the points it could earn.
pub(super) fn points(report: &Report, program: &str) -> (u32, u32) {
    report
        .programs()
        .iter()
        .find(|p| p.program == program)
        .map_or((0, 0), |p| (p.score(), p.max_score()))
}

/// A CSV field, quoted when it must be; a field a spreadsheet would read as a formula starts
/// with a quote mark.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::PROGRAMS;
    use crate::results::tests::sample;

    #[test]
    fn a_row_per_submission_and_a_column_per_program() {
        let mut other = sample();
        other.submission = "=bob, \"the\" student".into();
        other.programs = Err("no exercises/NAME.rs in it".into());
        let reports = [sample(), other];
        let columns: Vec<&str> = PROGRAMS
            .iter()
            .filter(|p| !p.tool)
            .map(|p| p.name)
            .collect();
        let csv = csv(&reports, &columns);
        let lines: Vec<&str> = csv.lines().collect();
        let header: Vec<&str> = lines[0].split(',').collect();
        assert_eq!(header.len(), columns.len() + 3);
        assert_eq!(header[1], "ex1_tcp_server");
        let alice: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(alice.len(), header.len());
        assert_eq!(&alice[..4], ["alice", "1", "1", "0"]);
        assert_eq!(&alice[alice.len() - 2..], ["2", "5"]);
        assert_eq!(
            lines[2],
            "\"'=bob, \"\"the\"\" student\",not graded: no exercises/NAME.rs in it"
        );
        let table = table(&reports, &columns);
        assert!(table.contains("  1 ex1_tcp_server"), "{table}");
        assert!(
            table.contains("alice                  1/2   1/1   0/2"),
            "{table}"
        );
        assert!(table.contains("not graded: no exercises"), "{table}");
    }
}
