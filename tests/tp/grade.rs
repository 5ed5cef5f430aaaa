//! `tp grade` on a class folder, and Gradescope's `run_autograder` on a temporary tree.

use std::path::PathBuf;

use super::{Submission, root, tp};
use crate::common::fixtures::Scratch;
use tp::programs::{PROGRAMS, graded_tests};

/// A server that takes port 60000, says it listens, accepts every client and never answers.
const HANGING_SERVER: &str = "pub fn main() -> std::process::ExitCode {\n\
    let l = std::net::TcpListener::bind(\"127.0.0.1:60000\").unwrap();\n\
    println!(\"listening on 127.0.0.1:60000\");\n\
    let _kept: Vec<_> = l.incoming().collect();\n\
    std::process::ExitCode::SUCCESS\n}\n";

/// The grades `tp grade` wrote as CSV, and its table, for messages.
struct Grades {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    table: String,
}

impl Grades {
    fn value(&self, student: &str, column: &str) -> u32 {
        let i = self.header.iter().position(|h| h == column);
        let row = self.rows.iter().find(|r| r[0] == student);
        let (Some(i), Some(row)) = (i, row) else {
            panic!("no {column} for {student} in the grades:\n{}", self.table);
        };
        row[i]
            .parse()
            .unwrap_or_else(|_| panic!("{student}, {column}: {:?}\n{}", row[i], self.table))
    }
}

fn programs() -> Vec<&'static str> {
    PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .map(|p| p.name)
        .collect()
}

#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn tp_grade_scores_each_program_alone_and_writes_each_students_feedback() {
    let scratch = Scratch::new("grade");
    let base = scratch.path.clone();
    let class = base.join("class");
    Submission::new(&class, "a_pristine", "exercises");
    Submission::new(&class, "b_solved", "solutions");
    let syntax = Submission::new(&class, "c_syntax_error", "solutions");
    syntax.write("exercises/ex2_getsockname.rs", "pub fn main( {");
    let hanging = Submission::new(&class, "d_server_never_answers", "solutions");
    hanging.write("exercises/ex1_tcp_server.rs", HANGING_SERVER);
    let cheat = Submission::new(&class, "e_edits_the_tests", "exercises");
    for test in graded_tests() {
        cheat.write(
            &format!("tests/programs/{test}.rs"),
            "#[test]\nfn passes() {}\n",
        );
    }
    // What a learning platform collects: the files alone, no copy of the kit around them.
    let alone = class.join("f_files_alone");
    std::fs::create_dir_all(&alone).unwrap();
    for program in programs() {
        let file = format!("{program}.rs");
        std::fs::copy(root().join("solutions").join(&file), alone.join(&file)).unwrap();
    }
    // What else lies in a class folder: last time's grades, a Finder file, an empty folder.
    std::fs::write(class.join("grades.csv"), "student,total\n").unwrap();
    std::fs::write(class.join(".DS_Store"), [0u8; 16]).unwrap();
    std::fs::create_dir_all(class.join("g_empty")).unwrap();

    let mut entries: Vec<PathBuf> = std::fs::read_dir(&class)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let csv = base.join("grades.csv");
    let feedback = base.join("feedback");
    let mut args = vec!["grade".to_string()];
    args.extend(entries.iter().map(|e| e.to_string_lossy().into_owned()));
    for (option, value) in [("--csv", &csv), ("--feedback", &feedback)] {
        args.extend([option.to_string(), value.to_string_lossy().into_owned()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tp(&args);
    let stderr = out.stderr.clone();
    assert!((out.code == Some(0)), "tp grade failed:\n{stderr}");
    for stray in ["grades.csv", ".DS_Store", "g_empty"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("skipped ") && l.contains(stray)),
            "{stray} is not listed as skipped:\n{stderr}"
        );
    }

    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let grades = Grades {
        rows: lines
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect(),
        table: out.stdout.clone(),
        header,
    };
    // One column per program, in the handout's order, then the total.
    let mut expected = vec!["student"];
    expected.extend(programs());
    expected.extend(["passed", "tests"]);
    assert_eq!(grades.header, expected, "{}", grades.table);
    assert_eq!(
        grades.rows.len(),
        6,
        "six submissions graded:\n{}",
        grades.table
    );

    let full = grades.value("b_solved", "tests");
    assert!(full > 100, "{}", grades.table);
    assert_eq!(grades.value("b_solved", "passed"), full, "{}", grades.table);
    for program in programs() {
        let solved = grades.value("b_solved", program);
        for (student, expected) in [
            ("a_pristine", 0),
            ("e_edits_the_tests", 0),
            ("f_files_alone", solved),
            (
                "c_syntax_error",
                if program == "ex2_getsockname" {
                    0
                } else {
                    solved
                },
            ),
        ] {
            assert_eq!(
                grades.value(student, program),
                expected,
                "{student}, {program}:\n{}",
                grades.table
            );
        }
        // A server that never answers costs its own tests only: its client, tested against
        // the reference server, keeps every point.
        let hung = grades.value("d_server_never_answers", program);
        if program == "ex1_tcp_server" {
            assert!(hung < solved, "{}", grades.table);
        } else {
            assert_eq!(hung, solved, "{program}:\n{}", grades.table);
        }
    }

    let read = |student: &str| {
        std::fs::read_to_string(feedback.join(format!("{student}.md")))
            .unwrap_or_else(|e| panic!("no feedback for {student}: {e}"))
    };
    let hung = read("d_server_never_answers");
    assert!(hung.contains("## ex1_tcp_server"), "{hung}");
    assert!(!hung.contains("## ex1_tcp_client"), "{hung}");
    assert!(hung.contains("never answered"), "{hung}");
    let broken = read("c_syntax_error");
    assert!(broken.contains("## ex2_getsockname: 0/"), "{broken}");
    assert!(broken.contains("does not compile"), "{broken}");
    assert!(broken.contains("error"), "the compiler's error: {broken}");
    let solved = read("b_solved");
    assert!(!solved.contains("## "), "nothing failed: {solved}");
}

/// Gradescope: `run_autograder` grades `$AUTOGRADER_ROOT/submission` with the kit in
/// `$AUTOGRADER_ROOT/source` and writes `results/results.json` in Gradescope's format.
#[cfg(unix)]
#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn gradescope_scores_the_solutions_full_and_the_skeletons_zero() {
    for (from, full) in [("solutions", true), ("exercises", false)] {
        let tree =
            std::env::temp_dir().join(format!("tp-gradescope-{}-{from}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tree);
        std::fs::create_dir_all(tree.join("submission")).unwrap();
        std::os::unix::fs::symlink(root(), tree.join("source")).unwrap();
        for program in programs() {
            let file = format!("{program}.rs");
            std::fs::copy(
                root().join(from).join(&file),
                tree.join("submission").join(&file),
            )
            .unwrap();
        }
        let script = root().join("grading/gradescope/run_autograder");
        let out = tp_sockets::kit::process::run_to_end(
            std::process::Command::new("bash")
                .arg(&script)
                .env("AUTOGRADER_ROOT", &tree),
            b"",
            std::time::Duration::from_secs(1200),
        )
        .unwrap();
        assert!(
            out.status.is_some_and(|s| s.success()),
            "run_autograder failed on the {from}:\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("sandbox"),
            "run_autograder says which sandbox it used:\n{}",
            out.stderr
        );
        let results = tree.join("results/results.json");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
        let tests = json["tests"].as_array().expect("a list of tests");
        assert!(tests.len() > 100, "{json}");
        let mut sum = 0.0;
        for test in tests {
            assert!(
                test["name"].as_str().is_some_and(|n| n.contains(": ")),
                "{test}"
            );
            assert_eq!(test["max_score"], 1, "{test}");
            assert_eq!(test["visibility"], "visible", "{test}");
            let score = test["score"].as_f64().expect("a score");
            let output = test["output"].as_str().expect("an output");
            assert!(
                score == 1.0 || !output.is_empty(),
                "a failure says why: {test}"
            );
            sum += score;
        }
        let score = json["score"].as_f64().expect("a total score");
        assert_eq!(score, sum, "the total is the sum of the tests");
        let expected = if full { tests.len() as f64 } else { 0.0 };
        assert_eq!(score, expected, "{from}: {}", json["output"]);
        assert!(tree.join("results/feedback/submission.md").exists());
        let _ = std::fs::remove_dir_all(&tree);
    }
}

/// Nothing gradable in the submission: Gradescope still gets a results.json that says why.
#[test]
fn gradescope_is_told_why_when_the_submission_holds_no_exercise() {
    let tree = std::env::temp_dir().join(format!("tp-gradescope-empty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tree);
    std::fs::create_dir_all(tree.join("submission")).unwrap();
    std::fs::write(tree.join("submission/notes.txt"), "hello").unwrap();
    let results = tree.join("results.json");
    let out = tp(&[
        "grade",
        &tree.join("submission").to_string_lossy(),
        "--csv",
        &tree.join("grades.csv").to_string_lossy(),
        "--gradescope",
        &results.to_string_lossy(),
    ]);
    assert_eq!(out.code, Some(1));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    assert_eq!(json["score"], 0);
    assert!(
        json["output"]
            .as_str()
            .is_some_and(|o| o.contains("no submission to grade")),
        "{json}"
    );
    let _ = std::fs::remove_dir_all(&tree);
}
