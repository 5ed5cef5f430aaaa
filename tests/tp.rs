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

/// What `tp check` printed: (program, mark, score) for each program line.
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
fn tp_check_fails_every_skeleton_and_passes_every_solution() {
    let base = std::env::temp_dir().join(format!("tp-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let pristine = Submission::new(&base, "pristine", "exercises");
    let solved = Submission::new(&base, "solved", "solutions");
    let programs: Vec<&str> = PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .map(|p| p.name)
        .collect();
    for (kit, mark, code) in [(&pristine, "✗", 1), (&solved, "✓", 0)] {
        let out = tp(&["check", "--kit", &kit.0.to_string_lossy()]);
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(code), "{printed}");
        let marks = check_marks(&out);
        let named: Vec<&str> = marks.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(
            named, programs,
            "one line per program, in order:\n{printed}"
        );
        for (program, got, score) in &marks {
            assert_eq!(got, mark, "{program} {score}\n{printed}");
        }
        if code == 1 {
            // The first failure of each program, in words: the step left to do.
            assert!(
                printed.contains("ex1_tcp_server: step 4 is not done yet"),
                "{printed}"
            );
            assert!(!printed.contains("ExitStatus("), "{printed}");
        }
    }
    // Several names, and the compiler's own error for a file that does not compile.
    pristine.write(
        "exercises/ex2_getsockname.rs",
        "pub fn main() { let x: u8 = \"no\"; }\n",
    );
    let out = tp(&[
        "check",
        "ex2_getsockname",
        "ex1_tcp_client",
        "--kit",
        &pristine.0.to_string_lossy(),
    ]);
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{printed}");
    let named: Vec<String> = check_marks(&out).into_iter().map(|(p, _, _)| p).collect();
    assert_eq!(named, ["ex1_tcp_client", "ex2_getsockname"], "{printed}");
    assert!(
        printed.contains("error[E0308]: mismatched types"),
        "{printed}"
    );
    assert!(
        printed.contains("exercises/ex2_getsockname.rs:1:"),
        "{printed}"
    );
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn tp_watch_checks_again_when_a_file_is_saved() {
    use common::process::wait_until;
    use std::time::{Duration, Instant};
    use tp_sockets::kit::process::Supervised;

    let base = std::env::temp_dir().join(format!("tp-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let kit = Submission::new(&base, "student", "exercises");
    // stdin is a pipe, not a terminal: keys are the first letters of lines.
    let mut watch = Supervised::start(
        Command::new(env!("CARGO_BIN_EXE_tp"))
            .args(["watch", "ex1_tcp_server", "--kit"])
            .arg(&kit.0),
    )
    .unwrap();
    let printed = |watch: &Supervised| format!("{}{}", watch.stdout(), watch.stderr());
    let checks = |watch: &Supervised| watch.stdout().matches("checking ex1_tcp_server...").count();
    // The first check: the skeleton, with its first failure and next TODO. (Waiting for another
    // tp to leave the grading workspace, and building it, may take minutes the first time.)
    let first = watch.wait_for_stdout(
        |l| l.starts_with("next: exercises/ex1_tcp_server.rs:"),
        Duration::from_secs(600),
    );
    assert!(first.is_some(), "{}", printed(&watch));
    let screen = watch.stdout();
    assert!(screen.contains("0/20 programs done"), "{screen}");
    assert!(screen.contains("✗ welcomes a client"), "{screen}");
    assert!(screen.contains("step 4 is not done yet"), "{screen}");
    watch.type_in(b"h\n");
    assert!(
        watch
            .wait_for_stdout(|l| l.starts_with("1. step 4:"), Duration::from_secs(5))
            .is_some(),
        "h shows the hints\n{}",
        printed(&watch)
    );

    let saved = Instant::now();
    kit.write(
        "exercises/ex1_tcp_server.rs",
        &std::fs::read_to_string(root().join("solutions/ex1_tcp_server.rs")).unwrap(),
    );
    assert!(
        wait_until(Duration::from_secs(2), || checks(&watch) == 2).is_some(),
        "no new check within 2 s of the save\n{}",
        printed(&watch)
    );
    let passed = watch.wait_for_stdout(
        |l| l.starts_with("✓ ex1_tcp_server: all"),
        Duration::from_secs(120),
    );
    assert!(passed.is_some(), "{}", printed(&watch));
    eprintln!(
        "tp watch: ✓ {:.1} s after the save",
        saved.elapsed().as_secs_f64()
    );
    let screen = watch.stdout();
    assert!(screen.contains("1/20 programs done"), "{screen}");
    watch.type_in(b"q\n");
    assert_eq!(
        watch.wait(Duration::from_secs(5)).and_then(|s| s.code()),
        Some(0),
        "{}",
        printed(&watch)
    );
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
    // One column per program, in the handout's order.
    let programs: Vec<&str> = PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .map(|p| p.name)
        .collect();
    assert_eq!(header[1..header.len() - 2], programs[..], "{table}");
    // A file that does not compile costs its own program only.
    let broken = row("c_syntax_error");
    for (i, value) in broken.iter().enumerate().take(header.len() - 2).skip(1) {
        let expected = if i == column("ex2_getsockname") {
            "0"
        } else {
            solved[i]
        };
        assert_eq!(*value, expected, "{}\n{table}", header[i]);
    }
    // A server that never answers costs its own program's tests only: its client, tested
    // against the reference server, keeps every point.
    let hung = row("d_server_never_answers");
    for (i, value) in hung.iter().enumerate().take(header.len() - 2).skip(1) {
        if i == column("ex1_tcp_server") {
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
    common::assert_quiet_when_its_reader_leaves("tp", Command::new(env!("CARGO_BIN_EXE_tp")));
}
