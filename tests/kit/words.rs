//! The words the kit shows a student: hints that name real helpers, answers that cite real
//! tests, and test failures that say what was expected.

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
    let mut code = String::new();
    let mut folders = vec![root.join("tests"), root.join("src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                code += &std::fs::read_to_string(path).unwrap();
            }
        }
    }
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

/// The arguments of each `assert!`, `assert_eq!` and `assert_ne!` in `code`, with its line.
fn assertions(code: &str) -> Vec<(usize, &'static str, Vec<String>)> {
    let mut found = Vec::new();
    for name in ["assert!(", "assert_eq!(", "assert_ne!("] {
        let kind: &'static str = match name {
            "assert!(" => "assert!",
            "assert_eq!(" => "assert_eq!",
            _ => "assert_ne!",
        };
        for (start, _) in code.match_indices(name) {
            let before = code[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // debug_assert!, a longer name
            }
            let (mut depth, mut in_string, mut escaped) = (1, false, false);
            let (mut args, mut current) = (Vec::new(), String::new());
            for c in code[start + name.len()..].chars() {
                if in_string {
                    current.push(c);
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match c {
                    '"' => in_string = true,
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if c == ',' && depth == 1 {
                    args.push(std::mem::take(&mut current).trim().to_string());
                } else {
                    current.push(c);
                }
            }
            if !current.trim().is_empty() {
                args.push(current.trim().to_string());
            }
            found.push((code[..start].lines().count(), kind, args));
        }
    }
    found
}

/// Whether an assertion says in words what was expected: a message of at least three words
/// besides its `{placeholders}`.
fn says_what_was_expected(kind: &str, args: &[String]) -> bool {
    let message = args.get(if kind == "assert!" { 1 } else { 2 });
    message.is_some_and(|message| {
        let mut words = 0;
        let mut in_placeholder = false;
        for word in message.split(|c: char| {
            if c == '{' {
                in_placeholder = true;
            } else if c == '}' {
                in_placeholder = false;
            }
            in_placeholder || !c.is_alphabetic()
        }) {
            if word.chars().count() >= 2 {
                words += 1;
            }
        }
        words >= 3
    })
}

/// Every check in the tests of a student's program says, in a sentence, what was expected (and
/// what the program did): a student reads these, not a `left == right` dump.
#[test]
fn every_check_in_a_programs_tests_says_what_was_expected() {
    let root = tp::kit_root();
    let mut problems = Vec::new();
    for test in tp::programs::graded_tests() {
        let code = super::test_sources(root, test);
        for (line, kind, args) in assertions(&code) {
            if !says_what_was_expected(kind, &args) {
                let first = args.first().map_or("", String::as_str);
                problems.push(format!(
                    "tests/{test}: {kind}({first}, ...) near line {line} has no message in words"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "every check must say what was expected:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_check_without_words_is_seen() {
    let code = "fn t() {\n    assert_eq!(a, b);\n    assert!(x, \"{x}\");\n    \
                assert!(ok, \"expected {P} to answer {x}\");\n    debug_assert!(y);\n}\n";
    let verdicts: Vec<bool> = assertions(code)
        .iter()
        .map(|(_, kind, args)| says_what_was_expected(kind, args))
        .collect();
    assert_eq!(verdicts.len(), 3, "three assertions in {code}");
    assert_eq!(verdicts.iter().filter(|ok| **ok).count(), 1, "{verdicts:?}");
}
