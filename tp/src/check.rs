//! `tp check`, and what `tp watch` shows after each save: the kit's tests on a student's own
//! programs, each program's verdict in words, and where the work goes on.

use std::path::Path;

use tp::programs::{self, PROGRAM_TESTS, PROGRAMS, Program};

use crate::grade::{self, Score, Scores};
use crate::workspace::Workspace;

/// The programs that `names` designate (programs, or exercises such as `ex1_tcp` for both of
/// theirs), in the handout's order; every program when `names` is empty.
pub fn programs_named(names: &[String]) -> Result<Vec<&'static str>, String> {
    let exercises: Vec<&Program> = PROGRAMS.iter().filter(|p| !p.tool).collect();
    for name in names {
        if !exercises.iter().any(|p| p.name == *name || p.test == *name) {
            return Err(format!("no exercise named {name}; `cargo run` lists them"));
        }
    }
    Ok(exercises
        .iter()
        .filter(|p| names.is_empty() || names.iter().any(|n| p.name == *n || p.test == *n))
        .map(|p| p.name)
        .collect())
}

/// The student's file of `program` in the kit at `kit`.
pub fn source(kit: &Path, program: &str) -> Option<Vec<u8>> {
    std::fs::read(kit.join("exercises").join(format!("{program}.rs"))).ok()
}

/// Compiles the student's programs of the kit at `kit` and runs the tests of `programs`;
/// `done` hears of each program as soon as its tests ran. A program whose tests all passed is
/// remembered as done for that content of its file.
pub fn run(
    workspace: &Workspace,
    kit: &Path,
    programs: &[&str],
    done: &mut dyn FnMut(&'static str, &Score),
) -> Result<Scores, String> {
    let folder = grade::compile(workspace, kit, 0)?;
    Ok(grade::run(
        workspace,
        &folder,
        programs,
        &mut |program, score| {
            if let Some(code) = source(kit, program) {
                let marker = workspace.passed_marker(program, &code);
                if score.all_passed() {
                    let _ = std::fs::write(marker, b"");
                } else {
                    let _ = std::fs::remove_file(marker);
                }
            }
            done(program, score);
        },
    ))
}

/// Whether every test of `program` passed for the current content of its file (as far as a
/// check or a watch saw).
pub fn known_done(workspace: &Workspace, kit: &Path, program: &str) -> bool {
    source(kit, program).is_some_and(|code| workspace.passed_marker(program, &code).exists())
}

/// A test's name in plain words: `ex1_tcp_server::answers_welcome` is "answers welcome".
pub fn plain(test: &str) -> String {
    test.rsplit("::").next().unwrap_or(test).replace('_', " ")
}

/// One program's verdict: `✓ NAME 8/8`, or `✗ NAME 2/7` followed by its first failing test (in
/// the test file's order) in words, and how to run that test alone.
pub fn verdict(program: &str, score: &Score) -> Vec<String> {
    let mark = if score.all_passed() { "✓" } else { "✗" };
    let mut lines = vec![format!(
        "{mark} {program:<22} {:>3}/{}",
        score.passed, score.total
    )];
    if let Some(first) = score.failures().next() {
        lines.push(format!("    first failing test: {}", plain(&first.name)));
        lines.extend(first.explanation().into_iter().map(|l| format!("    {l}")));
        if programs::find(program).is_some() && !first.does_not_compile() {
            lines.push(format!(
                "    run it alone: cargo grade --test {PROGRAM_TESTS} {} -- --exact",
                first.name
            ));
        }
    }
    lines
}

/// Where the student's file still needs work: the `// TODO (step N)` comment of its first
/// `todo!()` (its line number and text), or that `todo!()` itself when its comment is gone.
pub fn next_todo(kit: &Path, program: &str) -> Option<(usize, String)> {
    let code = String::from_utf8(source(kit, program)?).ok()?;
    let lines: Vec<&str> = code.lines().collect();
    let unfinished = lines.iter().position(|l| l.contains("todo!("))?;
    let todo = (0..=unfinished)
        .rev()
        .find(|&i| lines[i].contains("TODO (step"))
        .unwrap_or(unfinished);
    Some((todo + 1, lines[todo].trim().to_string()))
}

/// `tp check NAME...`: prints each program's verdict as soon as its tests ran; false when a
/// test failed.
pub fn command(root: &Path, kit: Option<&Path>, names: &[String]) -> Result<bool, String> {
    let programs = programs_named(names)?;
    let kit = kit.unwrap_or(root);
    let workspace = Workspace::prepare(root)?;
    eprintln!("compiling your programs...");
    eprintln!(
        "testing {} program(s); each line appears when its tests have run:",
        programs.len()
    );
    let mut failed = Vec::new();
    run(&workspace, kit, &programs, &mut |program, score| {
        for line in verdict(program, score) {
            println!("{line}");
        }
        if !score.all_passed() {
            failed.push(program);
        }
    })?;
    println!(
        "{}/{} programs pass all their tests.",
        programs.len() - failed.len(),
        programs.len()
    );
    if let Some(first) = failed.first() {
        match next_todo(kit, first) {
            Some((line, text)) => println!("Next: exercises/{first}.rs:{line} {text}"),
            None => println!("Next: {first}, its first failing test above"),
        }
        println!(
            "      (`cargo run -- hint {first}` for hints, `cargo run -- watch` to check on each save)"
        );
    }
    Ok(failed.is_empty())
}
