//! The kit's test binary, run on a set of programs, and what libtest says of each test.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tp_sockets::kit::process::{run_to_end, run_to_end_keeping};

/// The longest a test binary may run before it is stopped (its unfinished tests fail).
pub const TEST_BINARY_DEADLINE: Duration = Duration::from_secs(180);

/// The most of a test binary's output that is kept (a program may print without end; what
/// each test quotes of it is bounded by the harness too).
pub const KEPT_OUTPUT: usize = 16 << 20;

/// What one test gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    /// Its name, as libtest writes it (`module::test_name`).
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// What it printed when it failed (its panic message and the programs' output).
    pub output: String,
}

impl TestResult {
    /// What the test said when it failed, without libtest's own lines (the panic's location,
    /// the backtrace note, the backtrace) and the blank lines before it.
    pub fn told(&self) -> Vec<&str> {
        self.output
            .lines()
            .filter(|l| !l.starts_with("thread '") && !l.starts_with("note: "))
            .take_while(|l| !l.starts_with("stack backtrace"))
            .skip_while(|l| l.trim().is_empty())
            .collect()
    }

    /// Why the test could not run here, when it said so (`skipped: ...` as the first line it
    /// printed, and passed): such a test is not counted.
    pub fn skipped(&self) -> Option<&str> {
        if !self.passed {
            return None;
        }
        let first = self.output.lines().find(|l| !l.trim().is_empty())?;
        crate::told::skipped_because(first)
    }

    /// The test failed because the student's file does not compile (the harness says so first).
    pub fn does_not_compile(&self) -> bool {
        self.told()
            .first()
            .is_some_and(|l| crate::told::is_does_not_compile(l))
    }

    /// Why the test failed, in the words of the harness: its first sentence, and for a program
    /// that does not compile, the compiler's first error (a few lines).
    pub fn explanation(&self) -> Vec<String> {
        let lines = self.told();
        let Some(first) = lines.first() else {
            return vec!["failed".to_string()];
        };
        if self.does_not_compile() {
            // The compiler's first error: up to the blank line that ends it.
            return lines
                .iter()
                .take(14)
                .take_while(|l| !l.trim().is_empty())
                .map(|l| l.to_string())
                .collect();
        }
        vec![first.to_string()]
    }
}

/// The names of the tests in `binary`, in libtest's order.
pub fn list(binary: &Path) -> Result<Vec<String>, String> {
    let listed = run_to_end(
        Command::new(binary).args(["--list", "--format", "terse"]),
        b"",
        Duration::from_secs(30),
    )
    .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    Ok(listed
        .stdout
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}

/// Runs the tests `names` with `command`, a test binary made ready by the caller (its
/// sandbox, its environment), within [`TEST_BINARY_DEADLINE`]; at most [`KEPT_OUTPUT`] of
/// what it prints is kept. Every test of `names` gets a result: one that never finished (the
/// binary was stopped, or died) failed, and says so.
pub fn run(command: &mut Command, names: &[String]) -> Vec<TestResult> {
    // --show-output: what a passing test printed, to see the tests that were skipped.
    command
        .args(names)
        .args(["--exact", "--show-output"])
        .env("RUST_BACKTRACE", "0");
    let (output, status) = match run_to_end_keeping(command, b"", TEST_BINARY_DEADLINE, KEPT_OUTPUT)
    {
        Ok(finished) => (finished.stdout, Ok(finished.status)),
        Err(e) => (
            String::new(),
            Err(format!("the tests could not be started: {e}")),
        ),
    };
    let mut results = parse(&output);
    for name in names {
        if results.iter().any(|r| r.name == *name) {
            continue;
        }
        let why = match &status {
            Err(why) => why.clone(),
            Ok(None) => format!(
                "the tests were stopped after {} s: a program never ended",
                TEST_BINARY_DEADLINE.as_secs()
            ),
            // Killed by a signal: as the process itself, or through the sandbox, which
            // exits with 128 + the signal's number, as a shell does.
            Ok(Some(status)) if status.code().is_none_or(|code| code > 128) => {
                "the test binary was stopped by a signal before this test ended (a program it \
                 started may have killed it)"
                    .to_string()
            }
            Ok(Some(_)) => output
                .lines()
                .last()
                .unwrap_or("the test did not run")
                .to_string(),
        };
        results.push(TestResult {
            name: name.clone(),
            passed: false,
            output: why,
        });
    }
    results
}

/// Reads libtest's output: `test NAME ... ok|FAILED` lines, and each failure's section
/// (`---- NAME stdout ----` up to the next section).
pub fn parse(output: &str) -> Vec<TestResult> {
    let mut results: Vec<TestResult> = output
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, verdict) = rest.rsplit_once(" ... ")?;
            let passed = match verdict {
                "ok" => true,
                "FAILED" => false,
                _ => return None,
            };
            Some(TestResult {
                name: name.to_string(),
                passed,
                output: String::new(),
            })
        })
        .collect();
    for section in output.split("\n---- ").skip(1) {
        let Some((name, rest)) = section.split_once(" stdout ----\n") else {
            continue;
        };
        let text = rest.split("\nfailures:\n").next().unwrap_or(rest).trim();
        if let Some(result) = results.iter_mut().find(|r| r.name == name) {
            result.output = text.to_string();
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_test_and_its_failure_are_read() {
        let output = "\nrunning 3 tests\ntest a ... ok\ntest m::b ... FAILED\ntest c ... FAILED\n\n\
                      failures:\n\n---- m::b stdout ----\n\nthread 'b' panicked at tests/x.rs:1:1:\n\
                      ex1_tcp_server did not print\n\n---- c stdout ----\nboom\n\nfailures:\n    m::b\n    c\n";
        let results = parse(output);
        assert_eq!(results.len(), 3);
        assert!(results[0].passed);
        assert_eq!(results[1].name, "m::b");
        assert!(!results[1].passed);
        assert!(
            results[1].output.contains("ex1_tcp_server did not print"),
            "{:?}",
            results[1]
        );
        assert_eq!(results[2].output, "boom");
    }
}
