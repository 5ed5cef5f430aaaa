//! One of the kit's test binaries, run on a set of programs, and what libtest says of each test.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tp_sockets::kit::process::run_to_end;

/// The longest a test binary may run before it is stopped (its unfinished tests fail).
pub const TEST_BINARY_DEADLINE: Duration = Duration::from_secs(180);

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

    /// The test failed because the student's file does not compile (the harness says so first).
    pub fn does_not_compile(&self) -> bool {
        self.told()
            .first()
            .is_some_and(|l| l.contains("does not compile"))
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

/// Runs the tests `names` of `binary` (all, if empty) with the environment `env`, within
/// [`TEST_BINARY_DEADLINE`]. Every test of `expected` gets a result: one that never finished
/// (the binary was stopped) failed.
pub fn run(
    binary: &Path,
    env: &[(&str, &Path)],
    names: &[&str],
    expected: &[String],
) -> Vec<TestResult> {
    let mut command = Command::new(binary);
    command.args(names).env("RUST_BACKTRACE", "0");
    if !names.is_empty() {
        command.arg("--exact");
    }
    for (variable, value) in env {
        command.env(variable, value);
    }
    let (output, stopped) = match run_to_end(&mut command, b"", TEST_BINARY_DEADLINE) {
        Ok(finished) => (finished.stdout, finished.status.is_none()),
        Err(e) => (format!("cannot run {}: {e}", binary.display()), false),
    };
    let mut results = parse(&output);
    for name in expected
        .iter()
        .filter(|n| names.is_empty() || names.contains(&n.as_str()))
    {
        if !results.iter().any(|r| r.name == *name) {
            let why = if stopped {
                format!(
                    "the tests were stopped after {} s",
                    TEST_BINARY_DEADLINE.as_secs()
                )
            } else {
                output
                    .lines()
                    .last()
                    .unwrap_or("the test did not run")
                    .to_string()
            };
            results.push(TestResult {
                name: name.clone(),
                passed: false,
                output: why,
            });
        }
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
