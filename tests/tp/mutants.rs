//! Spec-level mutants graded: each must lose points on its own program, while the reference
//! keeps full marks. Where no test failed, the rule would be a sentence that nothing enforces.

use super::{root, tp};
use crate::common::fixtures::Scratch;
use crate::spec_mutants::mutants;

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
