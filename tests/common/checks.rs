//! Checks on what a program printed, as predicates (the `predicates` crate): each check is a
//! predicate on the text and a sentence for a student, what was expected and what the program
//! did, said when the predicate fails. A predicate's own description (`var.contains("x")`) is
//! for programmers: it never reaches the student.

use predicates::Predicate;
use predicates::prelude::predicate;

/// Fails with `sentence` unless `predicate` holds for `text`: the one place a check of the
/// harness decides.
#[track_caller]
pub fn check<P: Predicate<str>>(predicate: P, text: &str, sentence: impl FnOnce() -> String) {
    if !predicate.eval(text) {
        panic!("{}", sentence());
    }
}

/// Fails unless `line`, a program's error line, says `part`.
#[track_caller]
pub fn line_says(line: &str, part: &str) {
    check(predicate::str::contains(part), line, || {
        format!("expected the line to say `{part}`, but it said: {line}")
    });
}

/// Fails unless `text`, what `program` printed, has a line `line` (a whole line, or a part of
/// one); `then` is shown after the sentence (the program's whole output).
#[track_caller]
pub fn printed(program: &str, text: &str, line: &str, then: impl std::fmt::Display) {
    check(predicate::str::contains(line), text, || {
        format!("expected {program} to print the line `{line}`, but it did not\n{then}")
    });
}

/// The predicate of a line that starts with `start` (as `expect_line_starting` waits for).
pub fn starting(start: &str) -> impl Predicate<str> {
    predicate::str::starts_with(start.to_string())
}

/// The predicate of a line that ends with `end`.
pub fn ending(end: &str) -> impl Predicate<str> {
    predicate::str::ends_with(end.to_string())
}

/// The predicate of a line that contains `part`.
pub fn containing(part: &str) -> impl Predicate<str> {
    predicate::str::contains(part.to_string())
}
