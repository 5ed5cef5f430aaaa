//! The kit's own checks: what it ships is what it says it ships. No student program runs here.
//! The files of each program (here), skeletons that mirror their solutions (`mirrors`), and the
//! words the kit shows: hints and answers (`words`); the README's commands, run as
//! written (`readme`); the facts of the OS that the answers rely on (`answers`).

#![allow(clippy::expect_used, clippy::unwrap_used)] // in a test, a failed unwrap is a failed test

mod answers;
// The harness of the programs' tests, of which this binary uses a few helpers; the programs'
// binary uses all of it, and is where an unused helper is reported.
#[path = "../common/mod.rs"]
#[allow(dead_code, unused_imports)]
mod common;
mod contract;
mod harness;
mod launchers;
mod layers;
mod mirrors;
mod mutants;
mod readme;
#[path = "../common/spec_mutants.rs"]
mod spec_mutants;
mod words;

use std::path::{Path, PathBuf};

use tp::samples;
use tp_sockets::image::picture::file_dimensions;

/// GitHub Classroom is retired: no workflow uses its autograding reporter, and the kit's own
/// grading workflow grades with the template's tests, never the student's copy's.
#[test]
fn the_grading_workflow_needs_no_github_classroom_and_uses_the_templates_tests() {
    let workflows = tp::kit_root().join(".github/workflows");
    for entry in std::fs::read_dir(&workflows).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for retired in [
            "autograding-grading-reporter",
            "classroom-resources/",
            "github-classroom",
        ] {
            assert!(
                !text.contains(retired),
                "{} uses GitHub Classroom ({retired}), which is retired",
                path.display()
            );
        }
    }
    let grade = std::fs::read_to_string(workflows.join("grade.yml")).unwrap();
    assert!(
        grade.contains("--manifest-path kit/Cargo.toml -- grade submission"),
        "grade.yml grades the student's files (submission/) with the template's kit (kit/)"
    );
    assert!(
        grade.contains("GITHUB_STEP_SUMMARY"),
        "the feedback goes to the job summary"
    );
}

/// Each project program has two pristine skeletons: the guided one (exercises/NAME.rs as the
/// kit ships it) and the open one (the solution's command line, and a `todo!()` for the rest);
/// `tp reset` writes them. Nothing else is in skeletons/.
#[test]
fn each_project_program_has_a_guided_and_an_open_skeleton() {
    let root = tp::kit_root();
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let projects: Vec<&str> = tp::programs::PROGRAMS
        .iter()
        .filter(|p| p.project)
        .map(|p| p.name)
        .collect();
    for level in ["guided", "open"] {
        let mut files: Vec<String> = std::fs::read_dir(root.join("skeletons").join(level))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut expected: Vec<String> = projects.iter().map(|p| format!("{p}.rs")).collect();
        expected.sort();
        assert_eq!(files, expected, "skeletons/{level}/");
    }
    for name in projects {
        let guided = read(&format!("skeletons/guided/{name}.rs"));
        // Under `cargo grade`, exercises/ holds the student's work.
        if !cfg!(feature = "exercises") {
            assert!(
                guided == read(&format!("exercises/{name}.rs")),
                "skeletons/guided/{name}.rs is not exercises/{name}.rs as the kit ships it"
            );
        }
        let open = read(&format!("skeletons/open/{name}.rs"));
        assert!(
            open.contains("// TODO (") && open.contains("todo!("),
            "{name}"
        );
        let solution = read(&format!("solutions/{name}.rs"));
        let args = |text: &str| -> String {
            let start = text.find("#[derive(Parser)]").expect("a command line");
            let end = text[start..].find("\n}\n").expect("its end") + start;
            text[start..end].to_string()
        };
        assert_eq!(
            args(&open),
            args(&solution),
            "{name}: the open level's command line"
        );
    }
}

/// `cargo run -- images` draws the pictures of images/ again, byte for byte.
#[test]
fn the_sample_pictures_are_drawn_by_the_kit_byte_for_byte() {
    let images = tp::kit_root().join("images");
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
    let images = tp::kit_root().join("images");
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
    let root = tp::kit_root();
    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let readmes = [read("README.md"), read("README.fr.md")];
    let mut problems = Vec::new();
    for program in tp::programs::PROGRAMS {
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
            problems.push(format!(
                "tests/programs/{} does not test {name}",
                program.test
            ));
        }
        if program.hints.is_empty() {
            problems.push(format!("{name} has no hints"));
        }
    }
    let listed = |name: &str| tp::programs::find(name).is_some();
    for folder in ["examples", "tools", "exercises", "solutions"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let file = entry.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_suffix(".rs")
                && !listed(name)
            {
                problems.push(format!(
                    "{folder}/{file} is not in the kit's list (tp/src/programs/table.rs)"
                ));
            }
        }
    }
    let tests: Vec<&str> = tp::programs::PROGRAMS.iter().map(|p| p.test).collect();
    for entry in std::fs::read_dir(root.join("tests/programs")).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let test = file.strip_suffix(".rs").unwrap_or(&file);
        if !tests.contains(&test) && test != "main" {
            problems.push(format!("tests/programs/{file} belongs to no program"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The house stays readable: no file of the kit over 350 lines, no student file over 150, and
/// Exercises 1-5 (the handout's) at most 80. Under `cargo grade`, exercises/ is the student's.
#[test]
fn every_file_is_short_enough_to_read() {
    let root = tp::kit_root();
    let mut folders: Vec<_> = ["src", "tp", "tests", "examples", "tools", "solutions"]
        .iter()
        .map(|f| root.join(f))
        .collect();
    if !cfg!(feature = "exercises") {
        folders.push(root.join("exercises"));
    }
    let mut too_long = Vec::new();
    for path in rust_files(folders) {
        let relative = path.strip_prefix(root).unwrap();
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        let name = relative.file_name().unwrap().to_string_lossy();
        let limit = match relative.components().next().unwrap().as_os_str().to_str() {
            Some("solutions" | "exercises") if name.starts_with("ex") => 80,
            Some("solutions" | "exercises") => 150,
            _ => 350,
        };
        if lines > limit {
            too_long.push(format!(
                "{} has {lines} lines, over {limit}: split it by job",
                relative.display()
            ));
        }
    }
    assert!(too_long.is_empty(), "{}", too_long.join("\n"));
}

/// Every `.rs` file below `folders` (a missing folder holds none), in order.
pub fn rust_files(folders: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = folders.into_iter().collect();
    let mut files = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The text of the test module `test`: tests/programs/TEST.rs, or every file of
/// tests/programs/TEST/.
pub fn test_sources(root: &Path, test: &str) -> String {
    let tests = root.join("tests/programs");
    let file = tests.join(format!("{test}.rs"));
    if let Ok(text) = std::fs::read_to_string(file) {
        return text;
    }
    rust_files([tests.join(test)])
        .into_iter()
        .map(|path| std::fs::read_to_string(path).unwrap_or_default())
        .collect()
}
