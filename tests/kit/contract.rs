//! PROTOCOL.md is the contract of the project programs: a student at the open level writes them
//! from it alone. Every phrase a test of those programs requires (a line it waits for, a word a
//! refusal must say, a reply's text) is given by PROTOCOL.md, as it is or as one of its
//! templates (`saved <path> (<bytes> bytes, checksum <8 hex digits> verified)`): no test asks
//! for words the spec does not give.

use std::path::Path;

/// The calls whose string arguments are phrases a program must print or send.
const REQUIRING: &[&str] = &[
    "line_says(",
    "expect_stdout(",
    "expect_printed(",
    "expect_line_containing(",
    "expect_line_starting(",
    "expect_line_ending(",
    "refuses_saying(",
    ".contains(",
    ".starts_with(",
    ".ends_with(",
    "raw.expect(",
    "answers(",
];

/// The string literals passed to `REQUIRING` calls in `code`, outside `format!` (whose text is
/// made from values) and escaped terminal codes (PROTOCOL.md's escaping rule covers them).
fn required_phrases(code: &str) -> Vec<String> {
    let mut phrases = Vec::new();
    for call in REQUIRING {
        for (at, _) in code.match_indices(call) {
            let arguments = &code[at + call.len()..];
            let end = closing_paren(arguments);
            let arguments = &arguments[..end];
            if arguments.contains("format!") {
                continue;
            }
            phrases.extend(string_literals(arguments));
        }
    }
    phrases.retain(|p| !p.contains("\\u{") && !p.contains('\\') && p.trim().len() > 2);
    phrases
}

/// Where the call whose arguments start `text` ends: its closing parenthesis.
fn closing_paren(text: &str) -> usize {
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string && depth == 0 => return i,
            ')' if !in_string => depth -= 1,
            _ => {}
        }
    }
    text.len()
}

/// The `"..."` literals of `text`, as written (escapes left as they are).
fn string_literals(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else { break };
        // A byte string (b"...") is a datagram the test sends, not a phrase it requires.
        if !rest[..start].ends_with('b') {
            found.push(after[..end].to_string());
        }
        rest = &after[end + 1..];
    }
    found
}

/// Whether `phrase` is a part of `template`'s text, where a placeholder `<...>` stands for a
/// word (no space; `<…>` for any text) and some of the phrase is the template's own text.
fn fits(template: &str, phrase: &str) -> bool {
    // The template as pieces: its own text, and placeholders (true: any text, spaces too).
    let mut pieces: Vec<Piece> = Vec::new();
    for (i, part) in template.split('<').enumerate() {
        let text = match part.split_once('>') {
            Some((name, text)) if i > 0 => {
                pieces.push(Piece::Any(name == "…"));
                text
            }
            _ => part,
        };
        pieces.extend(text.chars().map(Piece::Char));
    }
    (0..pieces.len()).any(|start| matches(&pieces[start..], phrase, false))
}

/// A piece of a template: one of its characters, or a placeholder (true: spaces allowed).
#[derive(Clone, Copy)]
enum Piece {
    Char(char),
    Any(bool),
}

/// Whether `phrase` matches the start of `pieces` (it may end anywhere), with some of the
/// template's own text matched (`own`, so far).
fn matches(pieces: &[Piece], phrase: &str, own: bool) -> bool {
    let Some(first) = phrase.chars().next() else {
        return own;
    };
    match pieces.first() {
        None => false,
        Some(Piece::Char(c)) => {
            *c == first && matches(&pieces[1..], &phrase[first.len_utf8()..], true)
        }
        Some(Piece::Any(spaces)) => {
            // One character or more of the phrase; the placeholder may also end the phrase.
            let mut taken = 0;
            for c in phrase.chars() {
                if c == ' ' && !spaces {
                    break;
                }
                taken += c.len_utf8();
                if matches(&pieces[1..], &phrase[taken..], own) {
                    return true;
                }
            }
            false
        }
    }
}

/// The tests of the project programs (their names), by file (relative to tests/programs).
fn project_tests() -> Vec<(String, String)> {
    let tests = tp::kit_root().join("tests/programs");
    let mut found = Vec::new();
    for path in crate::rust_files([tests.clone()]) {
        let relative = path.strip_prefix(&tests).unwrap();
        let first = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str());
        if !first.is_some_and(is_project_test) {
            continue;
        }
        let code = std::fs::read_to_string(&path).unwrap();
        for (at, _) in code.match_indices("#[test]") {
            let after = &code[at..];
            let Some(start) = after.find("fn ") else {
                continue;
            };
            let name: String = after[start + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push((shown(relative), name));
        }
    }
    found
}

/// The rules of PROTOCOL.md's last section: (identifier, the tests it names).
pub(crate) fn rules(spec: &str) -> Vec<(String, Vec<String>)> {
    let section = spec
        .split("## The rules, and the tests that hold them")
        .nth(1)
        .expect("PROTOCOL.md has a section of rules");
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| rule") && !l.starts_with("| ---"))
        .map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let id = cells[0].trim_start_matches("| ").to_string();
            let tests = cells
                .last()
                .unwrap()
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            (id, tests)
        })
        .collect()
}

/// Every rule of PROTOCOL.md names tests that exist, and every test of the project programs is
/// named by a rule: nothing tested that PROTOCOL.md does not say, no rule without a test.
#[test]
fn every_rule_has_its_tests_and_every_project_test_its_rule() {
    let spec = std::fs::read_to_string(tp::kit_root().join("PROTOCOL.md")).unwrap();
    let rules = rules(&spec);
    assert!(rules.len() >= 20, "{} rules", rules.len());
    let tests = project_tests();
    let mut problems = Vec::new();
    for (id, named) in &rules {
        if named.is_empty() {
            problems.push(format!("rule {id} names no test"));
        }
        for test in named {
            if !tests.iter().any(|(_, name)| name == test) {
                problems.push(format!("rule {id} names {test}, which is not a test"));
            }
        }
    }
    for (file, test) in &tests {
        if !rules.iter().any(|(_, named)| named.contains(test)) {
            problems.push(format!("{file}: {test} is named by no rule of PROTOCOL.md"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_phrase_the_project_tests_require_is_given_by_protocol_md() {
    let root = tp::kit_root();
    let spec = std::fs::read_to_string(root.join("PROTOCOL.md")).unwrap();
    let templates: Vec<&str> = spec
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|snippet| snippet.contains('<'))
        .collect();
    let tests = root.join("tests/programs");
    let mut missing = Vec::new();
    for path in crate::rust_files([tests.clone()]) {
        let relative = path.strip_prefix(&tests).unwrap();
        let project = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .is_some_and(is_project_test);
        if !project {
            continue;
        }
        let code = std::fs::read_to_string(&path).unwrap();
        for phrase in required_phrases(&code) {
            let given = spec.contains(&phrase) || templates.iter().any(|t| fits(t, &phrase));
            if !given {
                missing.push(format!("{}: {phrase:?}", shown(relative)));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "these phrases are required by tests of the project programs but PROTOCOL.md does not \
         give them (say them in its section \"What the programs print\", or do not test them):\n{}",
        missing.join("\n")
    );
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn a_template_fits_the_phrases_it_gives_and_no_other() {
    let saved = "saved <path> (<bytes> bytes, checksum <8 hex digits> verified)";
    assert!(fits(saved, "checksum db7cb55e verified"));
    assert!(fits(saved, "saved out/car.png (9501 bytes"));
    assert!(!fits(saved, "checksum db7cb55e is right"));
    assert!(!fits(saved, "damaged"));
    let menu = "<n>. <name> <width>×<height>";
    assert!(fits(menu, "1. car.png 640×427"));
    assert!(!fits(menu, "car.png: 640 x 427"));
    assert!(
        !fits(menu, "damaged"),
        "a word alone is no part of a template's own text"
    );
    assert!(fits("ERR <…>", "ERR that name leads outside the folder"));
    assert_eq!(
        required_phrases(
            r#"line_says(&line, "damaged"); x.contains('\x1b'); y.contains(b"q"); refuses_saying(1, &["a b c", "d e f"]); z(&format!("{a} no"));"#
        ),
        ["damaged", "a b c", "d e f"]
    );
}

/// Whether the test module `module` (a folder or file of tests/programs/) checks a program of
/// the image project.
fn is_project_test(module: &str) -> bool {
    let module = module.trim_end_matches(".rs");
    tp::programs::PROGRAMS
        .iter()
        .any(|p| p.project && p.test == module)
}
