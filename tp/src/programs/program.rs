//! What the kit knows of each of its programs.

/// One program of the kit.
#[derive(Debug)]
pub struct Program {
    /// Its name: examples/NAME.rs, exercises/NAME.rs, solutions/NAME.rs.
    pub name: &'static str,
    /// The handout step it answers.
    pub step: &'static str,
    /// The module of the `programs` test binary that checks it: tests/programs/TEST.rs (or
    /// tests/programs/TEST/); empty for a tool that no test starts.
    pub test: &'static str,
    /// A tool of the kit (no skeleton, not graded).
    pub tool: bool,
    /// A program of the image project (a guided and an open skeleton, rules in PROTOCOL.md).
    pub project: bool,
    /// Run in release mode (`cargo run --release`), and never started by a test: it measures.
    pub release: bool,
    /// What it is on the network: a server (its peers come to it), a client, or neither.
    pub kind: Kind,
    /// The handout's fixed ports it uses when told none (the server's first).
    pub ports: &'static [u16],
    /// The reference programs its tests start besides the other programs of its exercise
    /// ([`Program::references`]).
    pub uses: &'static [&'static str],
    /// Hints, one per step, that point the way without giving the code.
    pub hints: &'static [&'static str],
}

/// What a program is on the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// It waits for its peers: it binds a port, and they come to it.
    Server,
    /// It goes to a server.
    Client,
    /// Both: a relay, a server to its clients and a client of their server.
    Both,
    /// Neither (a viewer of the socket table, a measuring tool).
    Other,
}
