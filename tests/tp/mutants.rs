//! Spec-level mutants: for rules of PROTOCOL.md, a variant of the reference that breaks that
//! rule only (tests/spec_mutants/RULE.txt), graded by `tp grade`: each must lose points on its
//! own program, while the reference keeps full marks. Where no test failed, the rule would be
//! a sentence that nothing enforces.
//!
//! A mutant file: `rule:`, `program:` and `breaks:` lines, then changes, each after a `@@`
//! line: the lines of the reference to replace (`-`, consecutive, found once) and their
//! replacement (`+`).

use std::path::{Path, PathBuf};

use super::{root, tp};
use crate::common::fixtures::Scratch;

/// One variant of a reference program.
struct Mutant {
    rule: String,
    program: String,
    breaks: String,
    /// Each change: the lines replaced, and their replacement.
    changes: Vec<(String, String)>,
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
    fn applied(&self) -> Result<String, String> {
        let path = root()
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
fn mutants() -> Vec<Mutant> {
    let folder = root().join("tests").join("spec_mutants");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths.iter().map(|p| Mutant::read(p)).collect()
}

/// The rules of PROTOCOL.md's last section, in its order.
fn rules() -> Vec<String> {
    let protocol = std::fs::read_to_string(root().join("PROTOCOL.md")).unwrap();
    let table = protocol
        .split("## The rules, and the tests that hold them")
        .nth(1)
        .unwrap();
    table
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter(|id| id.len() <= 3 && id.chars().skip(1).all(|c| c.is_ascii_digit()))
        .filter(|id| id.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        .map(str::to_string)
        .collect()
}

/// Each mutant names a rule of PROTOCOL.md and a project program, says what it breaks, and
/// applies to the reference exactly once; no two break the same rule. The READMEs say how
/// many rules have one.
#[test]
fn each_spec_mutant_names_a_rule_and_applies_to_its_reference() {
    let rules = rules();
    assert!(rules.len() >= 20, "the rules were not read: {rules:?}");
    let mutants = mutants();
    let mut seen = Vec::new();
    for mutant in &mutants {
        assert!(
            rules.contains(&mutant.rule),
            "{}: no such rule",
            mutant.rule
        );
        assert!(
            !seen.contains(&mutant.rule),
            "two mutants of {}",
            mutant.rule
        );
        seen.push(mutant.rule.clone());
        let program = tp::programs::find(&mutant.program)
            .unwrap_or_else(|| panic!("{}: no program {}", mutant.rule, mutant.program));
        assert!(
            program.project,
            "{}: {} is not a project program",
            mutant.rule, program.name
        );
        assert!(!mutant.breaks.is_empty());
        assert!(
            mutant
                .changes
                .iter()
                .all(|(removed, _)| !removed.is_empty())
        );
        mutant.applied().unwrap();
    }
    let without: Vec<&String> = rules.iter().filter(|r| !seen.contains(r)).collect();
    assert!(
        without.is_empty(),
        "rules of PROTOCOL.md without a mutant in tests/spec_mutants/: {without:?}"
    );
    let figure = format!("{} of the {} rules", mutants.len(), rules.len());
    for readme in ["README.md", "README.fr.md"] {
        let text = std::fs::read_to_string(root().join(readme)).unwrap();
        let french = figure
            .replace(" of the ", " des ")
            .replace(" rules", " règles");
        assert!(
            text.contains(&figure) || text.contains(&french),
            "{readme} does not say `{figure}`"
        );
    }
}

/// Every mutant loses points on its own program; the reference keeps full marks.
#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn each_spec_mutant_loses_points_on_its_program_and_the_reference_keeps_full_marks() {
    let scratch = Scratch::new("spec-mutants");
    let class = scratch.path.join("class");
    let mutants = mutants();
    let mut programs: Vec<&str> = mutants.iter().map(|m| m.program.as_str()).collect();
    programs.sort_unstable();
    programs.dedup();
    let reference = class.join("reference");
    std::fs::create_dir_all(&reference).unwrap();
    for program in &programs {
        let file = format!("{program}.rs");
        std::fs::copy(root().join("solutions").join(&file), reference.join(&file)).unwrap();
    }
    for mutant in &mutants {
        let folder = class.join(&mutant.rule);
        std::fs::create_dir_all(&folder).unwrap();
        let file = folder.join(format!("{}.rs", mutant.program));
        std::fs::write(file, mutant.applied().unwrap()).unwrap();
    }
    let csv = scratch.path.join("grades.csv");
    let mut args = vec![
        "grade".to_string(),
        "--sandbox".into(),
        "auto".into(),
        "--programs".into(),
        programs.join(","),
        "--csv".into(),
        csv.to_string_lossy().into_owned(),
    ];
    args.push(reference.to_string_lossy().into_owned());
    args.extend(
        mutants
            .iter()
            .map(|m| class.join(&m.rule).to_string_lossy().into_owned()),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tp(&args);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let grades = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<Vec<&str>> = grades.lines().map(|l| l.split(',').collect()).collect();
    let column = |program: &str| rows[0].iter().position(|h| *h == program).unwrap();
    let row = |student: &str| {
        rows.iter()
            .find(|r| r[0] == student)
            .unwrap_or_else(|| panic!("no row for {student}:\n{grades}"))
    };
    let full = row("reference");
    assert_eq!(
        full[full.len() - 2],
        full[full.len() - 1],
        "the reference lost points:\n{}",
        out.stdout
    );
    let kept: Vec<String> = mutants
        .iter()
        .filter(|m| row(&m.rule)[column(&m.program)] == full[column(&m.program)])
        .map(|m| format!("{} ({}: {}) kept full marks", m.rule, m.program, m.breaks))
        .collect();
    assert!(kept.is_empty(), "{}\n{}", kept.join("\n"), out.stdout);
}
