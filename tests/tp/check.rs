//! `tp check` and `tp watch`, on a copy of the skeletons and of the solutions.

use std::process::Command;

use super::{Submission, root, tp};
use crate::common::fixtures::Scratch;
use tp::programs::PROGRAMS;

/// What `tp check` printed: (program, mark, score) for each program line.
fn check_marks(out: &super::Ran) -> Vec<(String, String, String)> {
    out.stdout
        .as_str()
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

/// A scratch copy of the skeletons under `label`, and `tp watch ex1_tcp_server` on it, past its
/// first check (the skeleton's first failure and next TODO shown). Waiting for another tp to
/// leave the grading workspace, and building it, may take minutes the first time.
fn watching(label: &str) -> (Scratch, Submission, tp_sockets::kit::process::Supervised) {
    let base = Scratch::new(label);
    let kit = Submission::new(&base.path, "student", "exercises");
    // stdin is a pipe, not a terminal: keys are the first letters of lines.
    let watch = tp_sockets::kit::process::Supervised::start(
        Command::new(env!("CARGO_BIN_EXE_tp"))
            .args(["watch", "ex1_tcp_server", "--kit"])
            .arg(&kit.0),
    )
    .unwrap();
    let first = watch.wait_for_stdout(
        |l| l.starts_with("next: exercises/ex1_tcp_server.rs:"),
        std::time::Duration::from_secs(600),
    );
    assert!(first.is_some(), "{}{}", watch.stdout(), watch.stderr());
    (base, kit, watch)
}

#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn tp_check_fails_every_skeleton_and_passes_every_solution() {
    let scratch = Scratch::new("check");
    let base = scratch.path.clone();
    let pristine = Submission::new(&base, "pristine", "exercises");
    let solved = Submission::new(&base, "solved", "solutions");
    let programs: Vec<&str> = PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .map(|p| p.name)
        .collect();
    for (kit, mark, code) in [(&pristine, "✗", 1), (&solved, "✓", 0)] {
        let out = tp(&["check", "--kit", &kit.0.to_string_lossy()]);
        let printed = format!("{}{}", out.stdout.as_str(), out.stderr.as_str());
        assert_eq!(out.code, Some(code), "{printed}");
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
    let printed = format!("{}{}", out.stdout.as_str(), out.stderr.as_str());
    assert_eq!(out.code, Some(1), "{printed}");
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
}

#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn tp_watch_checks_again_when_a_file_is_saved() {
    use super::common::process::wait_until;
    use std::time::{Duration, Instant};
    use tp_sockets::kit::process::Supervised;

    let (_scratch, kit, mut watch) = watching("watch");
    let printed = |watch: &Supervised| format!("{}{}", watch.stdout(), watch.stderr());
    let checks = |watch: &Supervised| watch.stdout().matches("checking ex1_tcp_server...").count();
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
}

/// A server that listens, takes one client, and prints the wrong line about it.
const WRONG_LINE_SERVER: &str = "use std::io::{Read, Write};\n\
    pub fn main() -> std::process::ExitCode {\n\
    let listener = std::net::TcpListener::bind(\"127.0.0.1:60000\").unwrap();\n\
    println!(\"listening on 127.0.0.1:60000\");\n\
    let (mut client, _) = listener.accept().unwrap();\n\
    let mut message = [0u8; 1024];\n\
    let n = client.read(&mut message).unwrap();\n\
    client.write_all(b\"Welcome to this server\").unwrap();\n\
    println!(\"got {} bytes, I think\", n);\n\
    std::process::ExitCode::SUCCESS\n}\n";

/// A program that panics on its line 3.
const PANICS: &str = "pub fn main() -> std::process::ExitCode {\n\
    let empty: Vec<u8> = Vec::new();\n\
    let _ = empty[3];\n\
    std::process::ExitCode::SUCCESS\n}\n";

/// What a failing test says in `tp check`: the program's own line, under the sentence; a
/// panic's place in the student's file.
#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn tp_check_shows_what_the_program_printed_and_where_it_panicked() {
    let scratch = Scratch::new("check-shows");
    let base = scratch.path.clone();
    let kit = Submission::new(&base, "student", "solutions");
    kit.write("exercises/ex1_tcp_server.rs", WRONG_LINE_SERVER);
    kit.write("exercises/ex2_getsockname.rs", PANICS);
    kit.write("exercises/ex1_tcp_client.rs", super::trace::NEVER_READS);
    let out = tp(&[
        "check",
        "ex1_tcp_server",
        "ex1_tcp_client",
        "ex2_getsockname",
        "--kit",
        &kit.0.to_string_lossy(),
    ]);
    let printed = format!("{}{}", out.stdout, out.stderr);
    assert_eq!(out.code, Some(1), "{printed}");
    assert!(
        printed.contains("got ") && printed.contains(" bytes, I think"),
        "the line the server printed, under the failure:\n{printed}"
    );
    assert!(!printed.contains("within 0 s"), "{printed}");
    assert!(
        printed.contains("exercises/ex2_getsockname.rs:3"),
        "where the program panicked:\n{printed}"
    );
    // Where the exchange is recorded, the client that never reads is compared with the
    // reference in the same test: it resets the connection, the reference does not.
    let sandboxed = tp::sandbox::Sandbox::choose(tp::sandbox::Mode::Auto).is_ok_and(|s| s.is_on());
    if sandboxed || tp::netns::own_networks().is_ok() {
        let said =
            "    expected: no RST; in this test: ex1_tcp_client resets the connection (RST).";
        let drawn = "    What the reference did in the same test:";
        assert!(
            printed.contains(said) && printed.contains(drawn),
            "the reference's exchange in the same test:\n{printed}"
        );
    }
}

/// `tp watch` holds nothing while it waits for a save: a `tp check` of another program, run
/// meanwhile, finishes.
#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn tp_check_runs_while_tp_watch_waits() {
    use std::time::Duration;

    let (_scratch, kit, mut watch) = watching("watch-check");
    let started = std::time::Instant::now();
    let out = tp(&["check", "ex2_netstat", "--kit", &kit.0.to_string_lossy()]);
    assert!(
        out.stdout.contains("ex2_netstat") && !out.stderr.contains("waiting for"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    eprintln!(
        "tp check beside tp watch: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    watch.type_in(b"q\n");
    let _ = watch.wait(Duration::from_secs(5));
}

/// The six project programs have an open level: `tp reset NAME --open` writes it (only the
/// command line), every test of it fails with "not done yet", `tp reset NAME` brings the
/// guided level back; a file with the student's own changes is replaced only with --force.
#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn the_open_level_of_each_project_program_compiles_and_is_not_done_yet() {
    let scratch = Scratch::new("reset");
    let base = scratch.path.clone();
    let kit = Submission::new(&base, "student", "exercises");
    let dir = kit.0.to_string_lossy().into_owned();
    let projects: Vec<&str> = PROGRAMS
        .iter()
        .filter(|p| p.project)
        .map(|p| p.name)
        .collect();
    assert_eq!(projects.len(), 6);
    for name in &projects {
        let out = tp(&["reset", name, "--open", "--kit", &dir]);
        assert_eq!(out.code, Some(0), "{}", out.stderr);
    }
    let feedback = base.join("feedback");
    let out = tp(&[
        "grade",
        &dir,
        "--programs",
        &projects.join(","),
        "--csv",
        &base.join("grades.csv").to_string_lossy(),
        "--feedback",
        &feedback.to_string_lossy(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let text = std::fs::read_to_string(feedback.join("student.md")).unwrap();
    let failures: Vec<&str> = text.lines().filter(|l| l.starts_with("**")).collect();
    assert!(failures.len() > 40, "{text}");
    for failure in &failures {
        assert!(failure.contains("not done yet"), "{failure}\n{text}");
    }
    // Back to the guided level; a changed file needs --force, and is kept.
    kit.write("exercises/proj_image_server.rs", "// my own design\n");
    let out = tp(&["reset", "proj_image_server", "--kit", &dir]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    let out = tp(&["reset", "proj_image_server", "--force", "--kit", &dir]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(kit.0.join("exercises/proj_image_server.rs")).unwrap(),
        std::fs::read_to_string(root().join("skeletons/guided/proj_image_server.rs")).unwrap()
    );
    let kept = std::fs::read_dir(kit.0.join("target/tp-reset"))
        .unwrap()
        .count();
    assert_eq!(kept, 1, "the student's own file is kept");
}
