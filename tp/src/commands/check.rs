//! `tp check`, and what `tp watch` shows after each save: the kit's tests on a student's own
//! programs, each program's verdict in words, and where the work goes on.

use std::path::Path;

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::grade::{self, Score, Scores};
use crate::programs::{self, PROGRAM_TESTS, PROGRAMS, Program};
use crate::results::{Lang, TestReport};
use crate::sandbox::Mode;
use crate::sandbox::Sandbox;
use crate::workspace::Workspace;

use super::Error;
use tp_sockets::kit::lock;

/// The programs that `names` designate (programs, or exercises such as `ex1_tcp` for both of
/// theirs), in the handout's order; every program when `names` is empty.
pub fn programs_named(names: &[String]) -> Result<Vec<&'static str>, Error> {
    let exercises: Vec<&Program> = PROGRAMS.iter().filter(|p| !p.tool).collect();
    for name in names {
        if !exercises.iter().any(|p| p.name == *name || p.test == *name) {
            return Err(Error::NoSuchExercise(name.clone()));
        }
    }
    Ok(exercises
        .iter()
        .filter(|p| names.is_empty() || names.iter().any(|n| p.name == *n || p.test == *n))
        .map(|p| p.name)
        .collect())
}

/// The grading workspace of the kit at `root`, with the sandbox `mode` asks for, made ready;
/// what it builds, and the sandbox it uses, are said on stderr.
pub fn workspace(root: &Path, mode: Mode) -> Result<Workspace, Error> {
    let sandbox = Sandbox::choose(mode)?;
    eprintln!("{}", sandbox.line());
    Ok(Workspace::prepare(root, sandbox, &|line| {
        eprintln!("{line}")
    })?)
}

/// The student's file of `program` in the kit at `kit`.
pub fn source(kit: &Path, program: &str) -> Option<Vec<u8>> {
    std::fs::read(kit.join("exercises").join(format!("{program}.rs"))).ok()
}

/// Runs the tests of `programs` on the student's files of the kit at `kit`, a job per
/// program, several at once; `done` hears of each program in the order of `programs`, as soon
/// as its tests and those of the programs before it ran. A program whose tests all passed is
/// remembered as done for that content of its file.
pub fn run(
    workspace: &Workspace,
    kit: &Path,
    programs: &[&'static str],
    done: &mut (dyn FnMut(&'static str, &Score) + Send),
) -> Scores {
    let tests = grade::tests_by_program(workspace);
    let submission = grade::Submission::at(kit);
    let jobs: Vec<&Program> = programs.iter().filter_map(|p| programs::find(p)).collect();
    // The references of every program checked, built at once the first time (each job would
    // otherwise build its own, one after the other).
    let _ = workspace.ensure_references(&grade::references_of(&jobs), &|l| eprintln!("{l}"));
    // Results that came before their turn wait here, so that lines print in order.
    let waiting = Mutex::new((0usize, BTreeMap::new(), Scores::new(), done));
    grade::run_jobs(
        &jobs,
        grade::default_workers(),
        &|program| {
            let names = tests.get(program.name).map_or(&[][..], Vec::as_slice);
            // A verdict shows the first failing test: it alone is compared with the reference.
            grade::grade_program(workspace, &submission, program, names, 1)
        },
        &|i, score| {
            let mut state = lock(&waiting);
            let (next, early, scores, done) = &mut *state;
            early.insert(i, score);
            while let Some(score) = early.remove(next) {
                let program = jobs[*next].name;
                if let Some(Ok(code)) = submission.file(program) {
                    let marker = workspace.passed_marker(program, code);
                    if score.all_passed() {
                        let _ = std::fs::write(marker, b"");
                    } else {
                        let _ = std::fs::remove_file(marker);
                    }
                }
                done(program, &score);
                scores.push((program, score));
                *next += 1;
            }
        },
    );
    let (_, _, scores, _) = waiting.into_inner().unwrap_or_else(|e| e.into_inner());
    scores
}

/// Whether every test of `program` passed for the current content of its file (as far as a
/// check or a watch saw).
pub fn known_done(workspace: &Workspace, kit: &Path, program: &str) -> bool {
    source(kit, program).is_some_and(|code| workspace.passed_marker(program, &code).exists())
}

/// The most lines of what a failing test quoted (the programs' output) that a verdict shows.
const SHOWN_DETAILS: usize = 12;

/// One program's verdict: `✓ NAME 8/8`, or `✗ NAME 2/7` followed by its first failing test (in
/// the test file's order) in words, what the programs printed, the conversation the test saw
/// on the wire where it was recorded, and how to run that test alone.
pub fn verdict(program: &str, score: &Score) -> Vec<String> {
    let mark = if score.all_passed() { "✓" } else { "✗" };
    let mut lines = vec![format!(
        "{mark} {program:<22} {:>3}/{}",
        score.passed, score.total
    )];
    let Some(first) = score.failures().next() else {
        return lines;
    };
    let name = programs::find(program).map_or("", |p| p.name);
    let report = TestReport::of(name, first).compared_with(score.expected.get(&first.name));
    lines.push(format!("    first failing test: {}", report.name));
    lines.extend(report.explanation.iter().map(|l| format!("    {l}")));
    let shown = report.details.iter().take(SHOWN_DETAILS);
    lines.extend(shown.map(|l| format!("      {l}")));
    if report.details.len() > SHOWN_DETAILS {
        let more = report.details.len() - SHOWN_DETAILS;
        lines.push(format!(
            "      ... ({more} more lines: `cargo grade` shows them all)"
        ));
    }
    if let Some(diagram) = &report.diagram {
        lines.push("    what crossed the wire:".to_string());
        // The drawing is 80 columns wide: it is not indented.
        lines.extend(diagram.terminal());
    }
    // Where the reference did otherwise in the same test: what differs, a sentence each, then
    // its drawing (not indented either).
    if let Some(expected) = &report.expected {
        let said = report.differences.iter().map(|d| d.said(Lang::En));
        lines.extend(said.map(|l| format!("    {l}")));
        lines.push(format!("    {}", Lang::En.words().expected_on_the_wire));
        lines.extend(expected.terminal());
    }
    if !name.is_empty() && !report.does_not_compile {
        lines.push(format!(
            "    run it alone: cargo grade --test {PROGRAM_TESTS} {} -- --exact",
            first.name
        ));
    }
    lines
}

/// Where the student's file still needs work: the `// TODO (...)` comment of its first
/// `todo!()`, whole (its line number, and its sentence over all its comment lines), or that
/// `todo!()` itself when its comment is gone.
pub fn next_todo(kit: &Path, program: &str) -> Option<(usize, String)> {
    let code = String::from_utf8(source(kit, program)?).ok()?;
    let lines: Vec<&str> = code.lines().collect();
    let unfinished = lines.iter().position(|l| l.contains("todo!("))?;
    let Some(todo) = (0..=unfinished)
        .rev()
        .find(|&i| lines[i].trim_start().starts_with("// TODO ("))
    else {
        return Some((unfinished + 1, lines[unfinished].trim().to_string()));
    };
    let sentence: Vec<&str> = lines[todo..]
        .iter()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with("//"))
        .map(|l| l.trim_start_matches('/').trim())
        .collect();
    Some((todo + 1, format!("// {}", sentence.join(" "))))
}

/// `tp check NAME...`: prints each program's verdict as soon as its tests ran; false when a
/// test failed.
pub fn command(root: &Path, kit: Option<&Path>, names: &[String]) -> Result<bool, Error> {
    let programs = programs_named(names)?;
    let kit = kit.unwrap_or(root);
    let workspace = workspace(root, Mode::Auto)?;
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
    });
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
