//! What a test of the kit tells the grader, and how: the one format both sides use.
//!
//! The tests (tests/common) write it, `tp` ([`crate::libtest`], [`crate::grade`],
//! [`crate::results`]) reads it. A test passes or fails as libtest says; beyond that it can
//! tell three things, each written and recognised here and nowhere else:
//! - that it could not run here ([`skipped`]: its first line, and it passes; not counted);
//! - that the program under test does not compile ([`does_not_compile`]: its first line, and
//!   it fails; the compiler's errors follow);
//! - what crossed the wire during it ([`ConversationMode`]): lines between [`DIAGRAM_START`]
//!   and [`DIAGRAM_END`] in its output, or a file of [`CONVERSATIONS_FOLDER`].

/// What starts the line of a test that could not run here.
const SKIPPED: &str = "skipped: ";
/// What follows the program's name on the first line of a test whose program does not compile.
const DOES_NOT_COMPILE: &str = " does not compile (";

/// The line a test prints, and then passes, when it cannot run here: `skipped: <why>`.
pub fn skipped(why: &str) -> String {
    format!("{SKIPPED}{why}")
}

/// Why a test could not run here, from the first line it printed, if it said so.
pub fn skipped_because(first_line: &str) -> Option<&str> {
    first_line.strip_prefix(SKIPPED)
}

/// The first line of a test whose program `name`, `file` (e.g. `exercises/NAME.rs`), does not
/// compile; the compiler's errors follow it.
pub fn does_not_compile(name: &str, file: &str) -> String {
    format!("{name}{DOES_NOT_COMPILE}{file}):")
}

/// Whether `first_line` is what [`does_not_compile`] writes.
pub fn is_does_not_compile(first_line: &str) -> bool {
    first_line
        .split_once(DOES_NOT_COMPILE)
        .is_some_and(|(name, rest)| !name.is_empty() && !name.contains(' ') && rest.ends_with("):"))
}

/// Set by `tp` for the test binaries it runs, to the build of the programs under test
/// (`exercises`: the student's files). Unset (`cargo test`, `cargo grade`), the program under
/// test is the build the test binary was compiled for. tp's test binary is compiled without
/// the `exercises` feature, beside the `tp` command, which shares its libraries.
pub const UNDER_TEST_VAR: &str = "TP_SOCKETS_UNDER_TEST";

/// The line with which a test's output starts the conversation it saw: what crossed the wire
/// between the program under test and its peer (`tp::wire::Conversation::lines`), up to
/// [`DIAGRAM_END`]. The last such part of the output counts: a program's output, quoted
/// before it, cannot stand for it.
pub const DIAGRAM_START: &str = "--- what crossed the wire ---";
/// The line that ends it.
pub const DIAGRAM_END: &str = "--- end of what crossed the wire ---";

/// Set by `tp` for the test binaries it runs, to a [`ConversationMode`]. Unset (`cargo test`,
/// `cargo grade`), a failing test draws its conversation for a reader.
pub const CONVERSATION_VAR: &str = "TP_SOCKETS_CONVERSATION";
/// The folder, in a test binary's working folder, of the conversations written in
/// [`ConversationMode::Files`], a file per test named by [`conversation_file`].
pub const CONVERSATIONS_FOLDER: &str = "conversations";

/// How the tests tell their conversations to `tp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationMode {
    /// A failing test tells its conversation as lines in its output.
    Lines,
    /// Every test, passed or not, writes it to a file of [`CONVERSATIONS_FOLDER`] (tp runs
    /// the reference in a failing test's place so, to show what was expected).
    Files,
}

impl ConversationMode {
    /// Its value in [`CONVERSATION_VAR`].
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationMode::Lines => "lines",
            ConversationMode::Files => "files",
        }
    }

    /// The mode `tp` set for this test binary, if it set one.
    pub fn from_env() -> Option<ConversationMode> {
        match std::env::var(CONVERSATION_VAR).ok()?.as_str() {
            "lines" => Some(ConversationMode::Lines),
            "files" => Some(ConversationMode::Files),
            _ => None,
        }
    }
}

/// The name of the file of [`CONVERSATIONS_FOLDER`] where the test `test` writes its
/// conversation.
pub fn conversation_file(test: &str) -> String {
    test.replace("::", "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_test_tells_is_recognised_as_written() {
        assert_eq!(skipped_because(&skipped("no IPv6")), Some("no IPv6"));
        assert_eq!(skipped_because("not skipped: no"), None);
        let line = does_not_compile("ex1_tcp_server", "exercises/ex1_tcp_server.rs");
        assert_eq!(
            line,
            "ex1_tcp_server does not compile (exercises/ex1_tcp_server.rs):"
        );
        assert!(is_does_not_compile(&line));
        // A program's own words are not the harness's line.
        assert!(!is_does_not_compile("my program does not compile (sorry):"));
        assert!(!is_does_not_compile("expected: the file does not compile"));
    }
}
