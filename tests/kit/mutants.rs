//! The spec-level mutants (tests/spec_mutants/): one per rule of PROTOCOL.md, each applying
//! to its reference; tp's self-check grades them (tests/tp/mutants.rs).

/// Each mutant names a rule of PROTOCOL.md and a project program, says what it breaks, and
/// applies to the reference exactly once; no two break the same rule. The READMEs say how
/// many rules have one.
#[test]
fn each_spec_mutant_names_a_rule_and_applies_to_its_reference() {
    let spec = std::fs::read_to_string(tp::kit_root().join("PROTOCOL.md")).unwrap();
    let rules: Vec<String> = crate::contract::rules(&spec)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert!(rules.len() >= 20, "the rules were not read: {rules:?}");
    let mutants = crate::spec_mutants::mutants();
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
        let text = std::fs::read_to_string(tp::kit_root().join(readme)).unwrap();
        let french = figure
            .replace(" of the ", " des ")
            .replace(" rules", " règles");
        assert!(
            text.contains(&figure) || text.contains(&french),
            "{readme} does not say `{figure}`"
        );
    }
}
