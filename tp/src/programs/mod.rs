//! The kit's programs, in the handout's order: what `tp` lists, hints at, checks and grades,
//! and what the kit's self-check holds every file against.

mod program;
mod table;

pub use program::{Kind, Program};
pub use table::PROGRAMS;

impl Program {
    /// The reference programs its tests start: the other programs of its exercise, and those
    /// it [`uses`](Program::uses). `tests/kit` checks that its tests name no other.
    pub fn references(&self) -> Vec<&'static str> {
        PROGRAMS
            .iter()
            .filter(|p| p.test == self.test && p.name != self.name && !self.test.is_empty())
            .map(|p| p.name)
            .chain(self.uses.iter().copied())
            .collect()
    }
}

/// The test modules that grade students, in the handout's order.
pub fn graded_tests() -> Vec<&'static str> {
    let mut tests: Vec<&'static str> = Vec::new();
    for program in PROGRAMS.iter().filter(|p| !p.tool) {
        if !tests.contains(&program.test) {
            tests.push(program.test);
        }
    }
    tests
}

/// The test binary that holds the tests of every program: tests/programs/main.rs.
pub const PROGRAM_TESTS: &str = "programs";

/// The program called `name`.
pub fn find(name: &str) -> Option<&'static Program> {
    PROGRAMS.iter().find(|p| p.name == name)
}
