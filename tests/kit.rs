//! The kit's own checks: what it ships is what it says it ships. No student program runs here.

use std::path::Path;

use tp_sockets::image::picture::file_dimensions;
use tp_sockets::kit::samples;

/// `cargo run -- images` draws the pictures of images/ again, byte for byte.
#[test]
fn the_sample_pictures_are_drawn_by_the_kit_byte_for_byte() {
    let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("images");
    let drawn = samples::draw().expect("draw the samples");
    assert_eq!(drawn.len(), 4);
    for sample in drawn {
        let shipped = std::fs::read(images.join(sample.name)).expect("shipped picture");
        assert!(
            shipped == sample.bytes,
            "images/{} differs from what the kit draws: run `cargo run -- images`",
            sample.name
        );
    }
}

/// The parity project needs sides of both parities, and an odd width.
#[test]
fn the_sample_pictures_have_the_sizes_the_parity_project_needs() {
    let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("images");
    let size = |name: &str| file_dimensions(&images.join(name)).expect("a picture");
    assert_eq!(size("car.png"), (640, 427));
    assert_eq!(size("house.jpg"), (481, 320));
    assert_eq!(size("dog.jpg"), (360, 243));
    assert_eq!(size("not-found.png"), (200, 150));
}

/// Every program has its launcher, skeleton (with a TODO), solution, test file and a row in
/// both READMEs; and no file of the kit is left out of the list.
#[test]
fn every_program_has_all_its_files_and_no_file_is_left_out() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let readmes = [read("README.md"), read("README.fr.md")];
    let mut problems = Vec::new();
    for program in tp_sockets::kit::programs::PROGRAMS {
        let name = program.name;
        let launcher = if program.tool { "tools" } else { "examples" };
        if !root.join(format!("{launcher}/{name}.rs")).exists() {
            problems.push(format!("{launcher}/{name}.rs is missing"));
        }
        for (i, readme) in readmes.iter().enumerate() {
            let row = format!("| `{name}` |");
            if !readme
                .lines()
                .any(|l| l.starts_with('|') && l.contains(&row))
            {
                problems.push(format!(
                    "{} has no row for {name}",
                    ["README.md", "README.fr.md"][i]
                ));
            }
        }
        if program.tool {
            continue;
        }
        // Under `cargo grade`, exercises/ holds the student's work: a finished file has no
        // TODO left, and that is no failure. The kit as shipped has one in every skeleton.
        match std::fs::read_to_string(root.join(format!("exercises/{name}.rs"))) {
            Ok(_) if cfg!(feature = "exercises") => {}
            Ok(skeleton) if skeleton.contains("// TODO (") && skeleton.contains("todo!(") => {}
            Ok(_) => problems.push(format!("exercises/{name}.rs has no TODO")),
            Err(_) => problems.push(format!("exercises/{name}.rs is missing")),
        }
        if !root.join(format!("solutions/{name}.rs")).exists() {
            problems.push(format!("solutions/{name}.rs is missing"));
        }
        if !test_sources(root, program.test).contains(name) {
            problems.push(format!("tests/{} does not test {name}", program.test));
        }
        if program.hints.is_empty() {
            problems.push(format!("{name} has no hints"));
        }
    }
    let listed = |name: &str| tp_sockets::kit::programs::find(name).is_some();
    for folder in ["examples", "tools", "exercises", "solutions"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let file = entry.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_suffix(".rs")
                && !listed(name)
            {
                problems.push(format!(
                    "{folder}/{file} is not in the kit's list (src/kit/programs.rs)"
                ));
            }
        }
    }
    let tests: Vec<&str> = tp_sockets::kit::programs::PROGRAMS
        .iter()
        .map(|p| p.test)
        .collect();
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let test = file.strip_suffix(".rs").unwrap_or(&file);
        if !tests.contains(&test) && !["kit", "answers", "tp", "readme", "common"].contains(&test) {
            problems.push(format!("tests/{file} belongs to no program"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The text of the test target `test`: tests/TEST.rs, or every file of tests/TEST/.
fn test_sources(root: &Path, test: &str) -> String {
    let file = root.join("tests").join(format!("{test}.rs"));
    if let Ok(text) = std::fs::read_to_string(file) {
        return text;
    }
    let mut text = String::new();
    let mut folders = vec![root.join("tests").join(test)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                text += &std::fs::read_to_string(path).unwrap_or_default();
            }
        }
    }
    text
}

/// The paragraphs of a program (runs of lines between blank lines), after its `//!` header,
/// and the header's first line (the title).
fn paragraphs(text: &str) -> (String, Vec<String>) {
    let title = text.lines().next().unwrap_or_default().to_string();
    let body: Vec<&str> = text.lines().skip_while(|l| l.starts_with("//!")).collect();
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in body {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    (title, paragraphs)
}

/// Where a skeleton and its solution differ other than by a TODO paragraph standing for one
/// paragraph of the solution: the places where they are no longer mirrors.
fn mirror_problems(skeleton: &str, solution: &str) -> Vec<String> {
    let (title_a, a) = paragraphs(skeleton);
    let (title_b, b) = paragraphs(solution);
    let mut problems = Vec::new();
    if title_a != title_b {
        problems.push(format!("the titles differ: {title_a:?} and {title_b:?}"));
    }
    // The longest common sequence of equal paragraphs; what lies between is a difference.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        let (start_a, start_b) = (i, j);
        while (i < a.len() || j < b.len()) && !(i < a.len() && j < b.len() && a[i] == b[j]) {
            if j == b.len() || (i < a.len() && lcs[i + 1][j] >= lcs[i][j + 1]) {
                i += 1;
            } else {
                j += 1;
            }
        }
        let (skeleton_side, solution_side) = (&a[start_a..i], &b[start_b..j]);
        let all_todo = skeleton_side.iter().all(|p| p.contains("// TODO ("));
        if skeleton_side.is_empty() || !all_todo || skeleton_side.len() != solution_side.len() {
            let first = |side: &[String]| {
                side.first()
                    .and_then(|p| p.lines().next())
                    .unwrap_or("(nothing)")
                    .trim()
                    .to_string()
            };
            problems.push(format!(
                "the skeleton has `{}` where the solution has `{}`",
                first(skeleton_side),
                first(solution_side)
            ));
        }
    }
    problems
}

/// Skeleton and solution are mirrors: the same file but for the TODOs, each TODO paragraph in
/// place of the one paragraph of the solution it asks for. (The kit as shipped: under
/// `cargo grade`, the student's files are theirs to change.)
#[test]
fn every_skeleton_mirrors_its_solution_outside_its_todos() {
    if cfg!(feature = "exercises") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for program in tp_sockets::kit::programs::PROGRAMS
        .iter()
        .filter(|p| !p.tool)
    {
        let read = |folder: &str| {
            std::fs::read_to_string(root.join(folder).join(format!("{}.rs", program.name)))
                .unwrap_or_default()
        };
        for problem in mirror_problems(&read("exercises"), &read("solutions")) {
            problems.push(format!("{}: {problem}", program.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_mirror_check_sees_a_changed_line_outside_the_todos() {
    let solution = "//! T\n\nfn a() {}\n\nfn b() {\n    1\n}\n\nfn c() {}\n";
    let skeleton =
        "//! T\n\nfn a() {}\n\nfn b() {\n    // TODO (step 1): one\n    todo!()\n}\n\nfn c() {}\n";
    assert!(mirror_problems(skeleton, solution).is_empty());
    let changed = solution.replace("fn c() {}", "fn c() { 2 }");
    assert_eq!(mirror_problems(skeleton, &changed).len(), 1);
    let extra = solution.replace("fn c() {}", "fn c() {}\n\nfn d() {}");
    assert_eq!(mirror_problems(skeleton, &extra).len(), 1);
    let merged = "//! T\n\nfn a() {}\n\nfn b() {\n    1\n}\nfn c() {}\n";
    assert_eq!(mirror_problems(skeleton, merged).len(), 1);
}

/// The helpers of the kit a hint names (in backticks, with their module: `prompt::ask`,
/// `catalog::Folder::open`) exist: a hint never sends a student looking for code that is gone.
#[test]
fn every_helper_a_hint_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let defines = |module: &str, item: &str| {
        ["net", "image", "kit"].iter().any(|room| {
            let candidates = if module == *room {
                vec![root.join(room).join("mod.rs")]
            } else {
                vec![
                    root.join(room).join(format!("{module}.rs")),
                    root.join(room).join(module).join("mod.rs"),
                ]
            };
            candidates.iter().any(|file| {
                let code = std::fs::read_to_string(file).unwrap_or_default();
                ["fn", "struct", "enum", "const", "static", "type"]
                    .iter()
                    .any(|kind| code.contains(&format!("{kind} {item}")))
                    || code.contains(&format!("    {item}(")) // an enum variant
                    || code.contains(&format!("    {item},"))
                    || code.contains(&format!("    {item} {{"))
                    || code.split("pub use").skip(1).any(|r| {
                        r.split(';').next().unwrap_or_default().contains(item)
                    })
            })
        })
    };
    let mut named = 0;
    let mut problems = Vec::new();
    for program in tp_sockets::kit::programs::PROGRAMS {
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
                let module = path[0];
                if !path[1..].iter().all(|item| defines(module, item)) {
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
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
                && tp_sockets::kit::programs::find(quoted).is_none()
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
