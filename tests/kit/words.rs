//! The words the kit shows a student: hints that name real helpers, and answers that cite
//! real tests. (What a failing test says is the harness's: tests/common/checks.rs.)

/// The helpers of the kit a hint names (in backticks, with their module: `prompt::ask`,
/// `folder::Folder::open`, `tcp::server::Requests::next_line`) exist: a hint never sends a student looking for code that is gone.
#[test]
fn every_helper_a_hint_names_exists() {
    let root = tp::kit_root().join("src");
    // The files of the module path `modules` (`tcp::server`), one per room that has it.
    let files_of = |modules: &[&str]| -> Vec<std::path::PathBuf> {
        ["net", "image", "kit"]
            .iter()
            .filter_map(|room| {
                let mut dir = root.join(room);
                if modules == [*room] {
                    return Some(dir.join("mod.rs"));
                }
                for (i, module) in modules.iter().enumerate() {
                    let last = i + 1 == modules.len();
                    let file = dir.join(format!("{module}.rs"));
                    let folder = dir.join(module).join("mod.rs");
                    match (last, file.exists(), folder.exists()) {
                        (true, true, _) => return Some(file),
                        (true, false, true) => return Some(folder),
                        (false, _, true) => dir = dir.join(module),
                        _ => return None,
                    }
                }
                None
            })
            .collect()
    };
    let defines = |file: &std::path::Path, item: &str| {
        // A folder's mod.rs re-exports what its files define: they count as its own.
        let mut code = std::fs::read_to_string(file).unwrap_or_default();
        if file.ends_with("mod.rs") {
            for entry in std::fs::read_dir(file.parent().unwrap())
                .into_iter()
                .flatten()
            {
                code += &std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            }
        }
        ["fn", "struct", "enum", "const", "static", "type"]
            .iter()
            .any(|kind| code.contains(&format!("{kind} {item}")))
            || code.contains(&format!("    {item}(")) // an enum variant
            || code.contains(&format!("    {item},"))
            || code.contains(&format!("    {item} {{"))
            || code
                .split("pub use")
                .skip(1)
                .any(|r| r.split(';').next().unwrap_or_default().contains(item))
    };
    let mut named = 0;
    let mut problems = Vec::new();
    for program in tp::programs::PROGRAMS {
        for hint in program.hints {
            for (i, quoted) in hint.split('`').enumerate() {
                let path: Vec<&str> = quoted.split("::").collect();
                let is_path = i % 2 == 1
                    && path.len() >= 2
                    && path.iter().all(|s| {
                        !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
                    });
                if !is_path {
                    continue;
                }
                named += 1;
                // The longest module path that is a file, then the items it defines.
                let found = (1..path.len()).rev().any(|n| {
                    files_of(&path[..n])
                        .iter()
                        .any(|file| path[n..].iter().all(|item| defines(file, item)))
                });
                if !found {
                    problems.push(format!("{}: `{quoted}` is not in src/", program.name));
                }
            }
        }
    }
    assert!(named > 20, "the hints name {named} helpers");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every test an answer of solutions/ANSWERS.md (or .fr.md) cites as its proof exists.
#[test]
fn every_test_the_answers_cite_exists() {
    let root = tp::kit_root();
    let code: String = crate::rust_files([root.join("tests"), root.join("src")])
        .into_iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let mut problems = Vec::new();
    for answers in ["solutions/ANSWERS.md", "solutions/ANSWERS.fr.md"] {
        let text = std::fs::read_to_string(root.join(answers)).unwrap();
        for (i, quoted) in text.split('`').enumerate() {
            let is_test_name = i % 2 == 1
                && quoted.matches('_').count() >= 3
                && tp::programs::find(quoted).is_none()
                && quoted
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if is_test_name && !code.contains(&format!("fn {quoted}(")) {
                problems.push(format!("{answers} cites `{quoted}`, which is no test"));
            }
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
