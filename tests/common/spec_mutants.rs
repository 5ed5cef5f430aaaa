//! Spec-level mutants (tests/spec_mutants/RULE.txt): for a rule of PROTOCOL.md, a variant of
//! the reference aimed at that rule. tests/kit checks that every rule has one and that
//! each applies; tp's self-check grades them (tests/tp/mutants.rs). This file is shared by
//! those two test binaries (`#[path]`), not by the programs' harness.
//!
//! A mutant file: `rule:`, `program:` and `breaks:` lines, then changes, each after a `@@`
//! line: the lines of the reference to replace (`-`, consecutive, found once) and their
//! replacement (`+`).

use std::path::{Path, PathBuf};

/// One variant of a reference program.
pub struct Mutant {
    pub rule: String,
    pub program: String,
    pub breaks: String,
    /// Each change: the lines replaced, and their replacement.
    pub changes: Vec<(String, String)>,
}

impl Mutant {
    fn read(path: &Path) -> Mutant {
        let text = std::fs::read_to_string(path).unwrap();
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}: ")))
                .unwrap_or_else(|| panic!("{} has no `{key}:` line", path.display()))
                .to_string()
        };
        let lines = |change: &str, sign: char| -> String {
            change
                .lines()
                .filter_map(|l| l.strip_prefix(sign))
                .map(|l| format!("{l}\n"))
                .collect()
        };
        let changes: Vec<(String, String)> = text
            .split("\n@@\n")
            .skip(1)
            .map(|change| (lines(change, '-'), lines(change, '+')))
            .collect();
        assert!(!changes.is_empty(), "{} has no `@@` line", path.display());
        Mutant {
            rule: field("rule"),
            program: field("program"),
            breaks: field("breaks"),
            changes,
        }
    }

    /// The reference's file with this mutant's change, or why it does not apply.
    pub fn applied(&self) -> Result<String, String> {
        let path = tp::kit_root()
            .join("solutions")
            .join(format!("{}.rs", self.program));
        let mut code =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (removed, added) in &self.changes {
            match code.matches(removed.as_str()).count() {
                1 => code = code.replacen(removed.as_str(), added, 1),
                n => {
                    return Err(format!(
                        "{}: the lines to replace are found {n} times in solutions/{}.rs, not once",
                        self.rule, self.program
                    ));
                }
            }
        }
        Ok(code)
    }
}

/// Every mutant of tests/spec_mutants/, by rule.
pub fn mutants() -> Vec<Mutant> {
    let folder = tp::kit_root().join("tests").join("spec_mutants");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths.iter().map(|p| Mutant::read(p)).collect()
}
