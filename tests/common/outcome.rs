//! Programs run to their end (a client, a command): what they printed and how they ended, the
//! checks a test makes on that, and a run inside a terminal of a given size.

use std::time::Duration;

use tp_sockets::kit::process::run_to_end;

use super::build::Role;
use super::checks::{check, containing};
use super::process::refuse_wrong_build;
use super::program::Program;

/// What a finished (or killed) run printed.
#[derive(Debug)]
pub struct Outcome {
    pub name: String,
    /// Under test, or the reference peer of a program under test.
    pub role: Role,
    /// The exit code; `None` when the program was killed at its deadline or by a signal.
    pub code: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    /// How it ended, in words.
    pub ended: String,
}

impl Outcome {
    /// Panics unless the program exited 0.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        let peers = super::verdict::under_test_in_this_test();
        if self.role == Role::Reference && self.code != Some(0) && !peers.is_empty() {
            // The reference does its part: when it fails, the program it talked to is why.
            let peers = peers.join(" and ");
            let what = if self.timed_out {
                // The reference gives up on a silent peer by itself, later than the deadline.
                format!("was still waiting when the test stopped it: {peers} never answered")
            } else {
                let said = self.stderr.lines().find(|l| !l.trim().is_empty());
                format!("{}: {}", self.ended, said.unwrap_or_default())
            };
            panic!(
                "expected {peers} to answer the reference {}, but the reference {what}\n{self}",
                self.name
            );
        }
        assert!(
            self.code == Some(0),
            "expected {} to finish normally (exit code 0), but it {}\n{self}",
            self.name,
            self.ended
        );
        self
    }

    /// Panics unless the program exited with `code` after printing exactly one line on stderr,
    /// with no panic message or backtrace: the kit's rule for errors a user can cause.
    #[track_caller]
    pub fn assert_clean_failure(&self, code: i32) -> &str {
        assert!(
            self.code == Some(code),
            "expected {} to stop with exit code {code} and one line on stderr that says why, \
             but it {}\n{self}",
            self.name,
            self.ended
        );
        assert_one_clear_line(&self.stderr);
        self.stderr.trim()
    }

    /// Panics unless the program stopped with exit code `code` and one line on stderr that says
    /// each of `parts`; returns that line.
    #[track_caller]
    pub fn refuses_saying(&self, code: i32, parts: &[&str]) -> &str {
        let line = self.assert_clean_failure(code);
        for part in parts {
            check(containing(part), line, || {
                format!(
                    "expected {}'s error line to say `{part}`, but it said:\n{line}",
                    self.name
                )
            });
        }
        line
    }

    /// Panics unless the program exited with `code`, as `expectation` says it should ("refuse
    /// the port 70000 with a usage error").
    #[track_caller]
    pub fn assert_exit_code(&self, code: i32, expectation: &str) -> &Self {
        assert!(
            self.code == Some(code),
            "expected {} to {expectation} (exit code {code}), but it {}\n{self}",
            self.name,
            self.ended
        );
        self
    }

    /// Panics unless the program printed `line` (a whole line, or a part of one) on stdout.
    #[track_caller]
    pub fn expect_stdout(&self, line: &str) -> &Self {
        check(containing(line), &self.stdout, || {
            format!(
                "expected {} to print `{line}`, but it did not (it {})\n{self}",
                self.name, self.ended
            )
        });
        self
    }
}

impl Outcome {
    /// A program built for the other feature set refuses to run: say it plainly.
    #[track_caller]
    pub(super) fn refuse_wrong_build(&self) {
        refuse_wrong_build(self.code, &self.stderr, &self.name);
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- what {} printed ---\n{}--- and on stderr ---\n{}",
            self.name, self.stdout, self.stderr
        )
    }
}

/// Panics unless `stderr` is exactly one non-empty line with no trace of a panic.
#[track_caller]
pub fn assert_one_clear_line(stderr: &str) {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines.len(),
        1,
        "expected one line on stderr, got:\n{stderr}"
    );
    for sign in ["panicked", "backtrace", "RUST_BACKTRACE"] {
        assert!(
            !stderr.contains(sign),
            "expected one line on stderr and no panic, but stderr shows one:\n{stderr}"
        );
    }
}

/// Runs `program` inside a terminal `columns` wide and `lines` tall (a pseudo-terminal made by
/// util-linux's `script`) within `timeout`, and returns what the terminal showed (stdout and
/// stderr together, lines ended by `\n`). `None` where there is no such `script` (macOS and
/// Windows have none): the test says it is skipped.
pub fn in_terminal(
    program: &Program,
    columns: u16,
    lines: u16,
    timeout: Duration,
) -> Option<String> {
    let command = program.command();
    let util_linux = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("util-linux"));
    if !util_linux {
        println!(
            "{}",
            tp::told::skipped("no util-linux `script` here to make a terminal")
        );
        return None;
    }
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', "'\\''"));
    let mut shell = format!(
        "stty cols {columns} rows {lines}; exec {}",
        quote(command.get_program())
    );
    for arg in command.get_args() {
        shell += &format!(" {}", quote(arg));
    }
    let mut script = std::process::Command::new("script");
    // A terminal that says what it is, as a student's does (TERM may be unset where the
    // tests run: a sandbox, CI).
    script
        .args(["-qec", &shell, "/dev/null"])
        .env("TERM", "xterm-256color");
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => script.env(key, value),
            None => script.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        script.current_dir(dir);
    }
    let shown = run_to_end(&mut script, b"", timeout).expect("run script");
    let shown = shown.stdout.replace("\r\n", "\n");
    // A program that stopped at a todo!(): that is the cause, whatever the test expected.
    if let Some(sentence) = super::verdict::unfinished_step(program.name(), &shown) {
        panic!("{sentence}");
    }
    Some(shown)
}
