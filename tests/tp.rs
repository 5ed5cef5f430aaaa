//! `tp`, the kit's own command: the list, hints, `tp check` and `tp grade`.
//!
//! The two grading tests build every program several times; they are ignored by a plain
//! `cargo test` and run by CI (`cargo test --test tp -- --ignored`). Together they are the kit's
//! self-check: every skeleton fails its tests, every solution passes them.

#![allow(clippy::expect_used, clippy::unwrap_used)] // in a test, a failed unwrap is a failed test

mod common;

use std::path::Path;
use std::process::{Command, Output};

use tp_sockets::kit::programs::{PROGRAMS, graded_tests};

fn tp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tp"))
        .args(args)
        .output()
        .expect("run tp")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn tp_lists_every_program_in_the_handouts_order() {
    let out = tp(&[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut at = 0;
    for program in PROGRAMS {
        let found = text[at..]
            .find(&format!("cargo run --example {}", program.name))
            .or_else(|| text[at..].find(&format!("--example {}", program.name)))
            .unwrap_or_else(|| panic!("{} missing or out of order", program.name));
        at += found;
        if !program.tool {
            assert!(text.contains(&format!("exercises/{}.rs", program.name)));
        }
    }
}

#[test]
fn tp_hint_gives_the_hints_and_refuses_an_unknown_name() {
    let out = tp(&["hint", "ex2_static_bind"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1. step 6"), "{text}");
    let out = tp(&["hint", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// What a beginner cannot guess from the handout alone is said in the hints too.
#[test]
fn tp_hint_says_what_the_handout_does_not() {
    for (name, words) in [
        (
            "ex1_tcp_server",
            &["`listener`", "no close()", "drop(x)", "{:?}", "hi from nc"][..],
        ),
        ("ex1_tcp_client", &["any message"][..]),
        (
            "ex2_dynamic_server",
            &["break l", "let listener = loop"][..],
        ),
        ("ex3_args_client", &["#[arg(long, default_value"][..]),
        ("ex4_udp_client", &["only the todo!() is replaced"][..]),
    ] {
        let out = tp(&["hint", name]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        for word in words {
            assert!(
                text.contains(word),
                "tp hint {name} does not say {word:?}:\n{text}"
            );
        }
    }
}

/// A scratch copy of a submission: `exercises/` from `from`, then changes.
struct Submission(std::path::PathBuf);

impl Submission {
    fn new(base: &Path, name: &str, from: &str) -> Submission {
        let dir = base.join(name);
        std::fs::create_dir_all(dir.join("exercises")).unwrap();
        for program in PROGRAMS.iter().filter(|p| !p.tool) {
            let file = format!("{}.rs", program.name);
            std::fs::copy(
                root().join(from).join(&file),
                dir.join("exercises").join(&file),
            )
            .unwrap();
        }
        Submission(dir)
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// What `tp check` printed: exercise -> (mark, passed, total).
fn check_marks(out: &Output) -> Vec<(String, String, String)> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with('✓') || l.starts_with('✗'))
        .map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            (
                fields[1].to_string(),
                fields[0].to_string(),
                fields[2].to_string(),
            )
        })
        .collect()
}

#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn tp_check_shows_every_exercise_failed_on_the_skeletons_and_passed_on_the_solutions() {
    let base = std::env::temp_dir().join(format!("tp-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let pristine = Submission::new(&base, "pristine", "exercises");
    let solved = Submission::new(&base, "solved", "solutions");
    let exercises = graded_tests();
    for (kit, mark) in [(&pristine, "✗"), (&solved, "✓")] {
        let out = tp(&["check", "--kit", &kit.0.to_string_lossy()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let marks = check_marks(&out);
        assert_eq!(marks.len(), exercises.len(), "{marks:?}");
        for (exercise, got, score) in &marks {
            assert_eq!(got, mark, "{exercise} {score}");
        }
    }
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn tp_grade_gives_each_kind_of_submission_its_right_score() {
    let base = std::env::temp_dir().join(format!("tp-grade-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    Submission::new(&base, "a_pristine", "exercises");
    Submission::new(&base, "b_solved", "solutions");
    let syntax = Submission::new(&base, "c_syntax_error", "solutions");
    syntax.write("exercises/ex2_getsockname.rs", "pub fn main( {");
    let hanging = Submission::new(&base, "d_server_never_answers", "solutions");
    hanging.write(
        "exercises/ex1_tcp_server.rs",
        "pub fn main() -> std::process::ExitCode {\n\
         let l = std::net::TcpListener::bind(\"127.0.0.1:60000\").unwrap();\n\
         println!(\"listening on 127.0.0.1:60000\");\n\
         let _kept: Vec<_> = l.incoming().collect();\n\
         std::process::ExitCode::SUCCESS\n}\n",
    );
    let cheat = Submission::new(&base, "e_edits_the_tests", "exercises");
    for test in graded_tests() {
        cheat.write(&format!("tests/{test}.rs"), "#[test]\nfn passes() {}\n");
    }
    let csv = base.join("grades.csv");
    let mut args = vec!["grade".to_string()];
    for name in [
        "a_pristine",
        "b_solved",
        "c_syntax_error",
        "d_server_never_answers",
        "e_edits_the_tests",
    ] {
        args.push(base.join(name).to_string_lossy().into_owned());
    }
    args.extend(["--csv".to_string(), csv.to_string_lossy().into_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tp(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every failure below shows the whole table (the CSV rows alone do not say which test).
    let table = String::from_utf8_lossy(&out.stdout).into_owned();

    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |test: &str| header.iter().position(|h| *h == test).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let row = |name: &str| rows.iter().find(|r| r[0] == name).unwrap().clone();
    let solved = row("b_solved");
    let full: u32 = solved[header.len() - 1].parse().unwrap();
    assert_eq!(
        solved[header.len() - 2],
        solved[header.len() - 1],
        "all passed: {solved:?}\n{table}"
    );
    for name in ["a_pristine", "e_edits_the_tests"] {
        let r = row(name);
        assert!(
            r[1..header.len() - 2].iter().all(|v| *v == "0"),
            "{name}: {r:?}\n{table}"
        );
    }
    // A file that does not compile costs its own exercise only.
    let broken = row("c_syntax_error");
    for (i, value) in broken.iter().enumerate().take(header.len() - 2).skip(1) {
        let expected = if i == column("ex2_getsockname") {
            "0"
        } else {
            solved[i]
        };
        assert_eq!(*value, expected, "{}\n{table}", header[i]);
    }
    // A server that never answers costs its own exercise's server tests only.
    let hung = row("d_server_never_answers");
    for (i, value) in hung.iter().enumerate().take(header.len() - 2).skip(1) {
        if i == column("ex1_tcp") {
            assert!(
                value.parse::<u32>().unwrap() < solved[i].parse().unwrap(),
                "{table}"
            );
        } else {
            assert_eq!(*value, solved[i], "{}\n{table}", header[i]);
        }
    }
    assert!(full > 50);
    let _ = std::fs::remove_dir_all(&base);
}

/// `tp | head -1`: the reader closes the pipe early; tp ends quietly, never with a panic.
#[test]
fn tp_piped_into_a_reader_that_closes_early_ends_quietly() {
    common::assert_quiet_when_its_reader_leaves(Command::new(env!("CARGO_BIN_EXE_tp")));
}
