//! `tp`, the kit's own command: the list and hints (here), `tp check` and `tp watch` (`check`),
//! `tp grade` and the Gradescope autograder (`grade`).
//!
//! The tests of `check` and `grade` build every program, several times; they are ignored by a
//! plain `cargo test` and run by CI (`cargo test --test tp -- --ignored`). Together they are
//! the kit's self-check: every skeleton fails its tests, every solution passes them.

#![allow(clippy::expect_used, clippy::unwrap_used)] // in a test, a failed unwrap is a failed test

#[cfg(target_os = "linux")]
mod capture;
mod check;
mod classroom50;
// The harness of the programs' tests, of which this binary uses a few helpers; the programs'
// binary uses all of it, and is where an unused helper is reported.
#[path = "../common/mod.rs"]
#[allow(dead_code, unused_imports)]
mod common;
mod contain;
mod grade;
mod mutants;
mod report;
mod sandbox;
#[path = "../common/spec_mutants.rs"]
mod spec_mutants;
mod trace;
mod vpl;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tp_sockets::kit::process::run_to_end;

use tp::programs::PROGRAMS;

/// How long one run of `tp` may take in these tests (grading a class builds the kit first).
const TP_DEADLINE: Duration = Duration::from_secs(1200);

/// What a run of `tp` did: its exit code (`None` if it was stopped at its deadline) and what
/// it printed.
pub struct Ran {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `tp` with `args` to its end, or to its deadline.
pub fn tp(args: &[&str]) -> Ran {
    tp_with(args, &[])
}

/// Runs `tp` with `args` and the environment variables `env` added, to its end or deadline.
pub fn tp_with(args: &[&str], env: &[(&str, &str)]) -> Ran {
    let finished = run_to_end(
        Command::new(env!("CARGO_BIN_EXE_tp"))
            .args(args)
            .envs(env.iter().copied()),
        b"",
        TP_DEADLINE,
    )
    .expect("run tp");
    Ran {
        code: finished.status.and_then(|s| s.code()),
        stdout: finished.stdout,
        stderr: finished.stderr,
    }
}

/// The processes alive whose command line holds `mark` ("PID: command line" each). A zombie,
/// dead but not yet reaped, has an empty command line and is not counted.
pub fn processes_with(mark: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(mark) {
            found.push(format!(
                "{}: {cmdline}",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    found
}

/// The program `name` as the PATH finds it, if it is there.
pub fn on_path(name: &str) -> Option<std::path::PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// The kit's folder.
pub fn root() -> &'static Path {
    tp::kit_root()
}

#[test]
fn tp_lists_every_program_in_the_handouts_order() {
    let out = tp(&[]);
    assert!((out.code == Some(0)));
    let text = out.stdout.clone();
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
fn tp_hint_gives_the_hints() {
    let out = tp(&["hint", "ex2_static_bind"]);
    assert!((out.code == Some(0)));
    let text = out.stdout.clone();
    assert!(text.contains("1. step 6"), "{text}");
}

/// What a user can get wrong gives one line on stderr that says what happened, and exit code
/// 1 (clap's 2 for a command line it refuses), never a panic: each command's typed error
/// becomes text in `main` alone. These runs build and start nothing.
#[test]
fn tp_refuses_what_it_cannot_do_in_one_line() {
    use predicates::prelude::*;
    let not_a_folder = std::env::temp_dir().join(format!("tp-images-{}", std::process::id()));
    std::fs::write(&not_a_folder, b"a file").unwrap();
    let inside = not_a_folder.join("images").to_string_lossy().into_owned();
    for (args, code, start) in [
        (&["hint", "nope"][..], 1, "error: no program named nope;"),
        (&["check", "nope"][..], 1, "error: no exercise named nope;"),
        (
            &["reset", "ex1_tcp_server"][..],
            1,
            "error: ex1_tcp_server has one level",
        ),
        (
            &["trace", "ex2_netstat"][..],
            1,
            "error: ex2_netstat sends nothing:",
        ),
        (
            &["grade", "--grade-min", "5", "--grade-max", "1", "x"][..],
            1,
            "error: the grades go from --grade-min to --grade-max",
        ),
        (
            &["images", "--dir", &inside][..],
            1,
            "error: cannot make the folder",
        ),
        (
            &["grade", "--sandbox", "bogus", "x"][..],
            2,
            "error: invalid value 'bogus'",
        ),
    ] {
        assert_cmd::Command::new(env!("CARGO_BIN_EXE_tp"))
            .args(args)
            .timeout(Duration::from_secs(60))
            .assert()
            .code(code)
            .stderr(
                predicate::str::starts_with(start)
                    .and(predicate::str::contains("panicked").not())
                    .and(predicate::function(|e: &str| {
                        // clap adds its usage hint after a blank line.
                        code == 2 || e.lines().count() == 1
                    })),
            );
    }
    std::fs::remove_file(&not_a_folder).unwrap();
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
        assert!((out.code == Some(0)));
        let text = out.stdout.clone();
        for word in words {
            assert!(
                text.contains(word),
                "tp hint {name} does not say {word:?}:\n{text}"
            );
        }
    }
}

/// A scratch copy of a submission: `exercises/` from `from`, then changes.
pub struct Submission(pub std::path::PathBuf);

impl Submission {
    /// A submission `base/name` whose `exercises/` are the files of the kit's folder `from`.
    pub fn new(base: &Path, name: &str, from: &str) -> Submission {
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

    /// Writes `text` to `path` in the submission.
    pub fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// `tp | head -1`: the reader closes the pipe early; tp ends quietly, never with a panic.
#[test]
fn tp_piped_into_a_reader_that_closes_early_ends_quietly() {
    common::assert_quiet_when_its_reader_leaves("tp", Command::new(env!("CARGO_BIN_EXE_tp")));
}
