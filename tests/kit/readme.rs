//! Every command of README.md runs as written, in order, and prints what the README shows; the
//! French README has the same commands, with the same outputs.
//!
//! The commands are the `cargo run --example NAME [-- ARGS]` lines of the `sh` blocks (other
//! commands, such as `cargo test`, are not run here). The comment lines right after a command
//! are what it prints: `…` stands for any text, and a port or process number for any other
//! (the handout's fixed ports excepted); `error: …` means the command fails with that line; a
//! line `Number of choice: 1` types 1. Servers, the relay, and clients that stay (`--hold`,
//! `--watch`) run in the background until the end of their block; each block runs in a folder
//! of its own holding a copy of images/, as a student's terminal in the kit's folder would.

use std::path::Path;
use std::time::Duration;

use crate::common::*;

/// One command of a block, and what the README says it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    program: String,
    args: Vec<String>,
    expected: Vec<String>,
}

/// One `sh` block: where it starts in the README, and its commands.
#[derive(Debug)]
struct Block {
    line: usize,
    steps: Vec<Step>,
}

/// The prompts a README command answers, with what is typed after them.
const PROMPTS: &[&str] = &["Number of choice: "];
/// Ports the README names on purpose: they must be the ones printed.
const FIXED_PORTS: &[&str] = &["60000", "62000", "40674", "40675", "40676"];

fn blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    let mut last: Option<usize> = None;
    for (i, line) in readme.lines().enumerate() {
        let Some(block) = current.as_mut() else {
            if line.trim() == "```sh" {
                current = Some(Block {
                    line: i + 1,
                    steps: Vec::new(),
                });
                last = None;
            }
            continue;
        };
        let line = line.trim();
        if line == "```" {
            blocks.extend(current.take().filter(|b| !b.steps.is_empty()));
        } else if line.is_empty() {
            last = None;
        } else if let Some(output) = line.strip_prefix('#') {
            if let Some(step) = last {
                block.steps[step].expected.push(output.trim().to_string());
            }
        } else {
            last = step_of(line).map(|step| {
                block.steps.push(step);
                block.steps.len() - 1
            });
        }
    }
    blocks
}

/// The example a README line runs, if it is `cargo run --example NAME [-- ARGS]` (or
/// `cargo ex NAME`, the student's program with the same options); the measurements of
/// `proj_bench` are not run here.
fn step_of(line: &str) -> Option<Step> {
    let command = line.split(" #").next().unwrap_or(line);
    let words: Vec<&str> = command.split_whitespace().collect();
    let rest = match words.as_slice() {
        ["cargo", "run", "--example", rest @ ..] | ["cargo", "ex", rest @ ..] => rest,
        _ => return None,
    };
    let (program, options) = rest.split_first()?;
    let args = match options {
        [] => Vec::new(),
        ["--", args @ ..] => args.iter().map(|a| a.to_string()).collect(),
        _ => panic!("`{line}`: options go after `--`"),
    };
    Some(Step {
        program: program.to_string(),
        args,
        expected: Vec::new(),
    })
}

/// Whether `actual` is the line `expected` stands for (see the module's comment).
fn matches(expected: &str, actual: &str) -> bool {
    let expected: Vec<char> = expected
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    let actual = actual.replace('\\', "/");
    let actual: Vec<char> = actual
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    fits(&expected, &actual, None)
}

/// Whether `actual` fits the pattern `expected`, `after` being the character before both.
fn fits(expected: &[char], actual: &[char], after: Option<char>) -> bool {
    let Some((&first, rest)) = expected.split_first() else {
        return actual.is_empty();
    };
    if first == '…' {
        return (0..=actual.len()).any(|skip| fits(rest, &actual[skip..], None));
    }
    let digits = expected.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && after.is_none_or(|c| !c.is_ascii_digit()) {
        let number: String = expected[..digits].iter().collect();
        let port = after == Some(':') && digits >= 4 && !FIXED_PORTS.contains(&number.as_str());
        let pid = expected.get(digits) == Some(&'/');
        if port || pid {
            let theirs = actual.iter().take_while(|c| c.is_ascii_digit()).count();
            return theirs > 0 && fits(&expected[digits..], &actual[theirs..], Some('0'));
        }
    }
    actual.first() == Some(&first) && fits(rest, &actual[1..], Some(first))
}

/// Programs that stay until they are stopped.
fn stays(step: &Step) -> bool {
    let waits = tp::programs::find(&step.program).is_some_and(|p| {
        matches!(
            p.kind,
            tp::programs::Kind::Server | tp::programs::Kind::Both
        )
    });
    waits || step.args.iter().any(|a| a == "--hold" || a == "--watch")
}

/// The line of `printed` that `expected` stands for.
fn find<'a>(printed: &'a str, expected: &str) -> Option<&'a str> {
    printed.lines().find(|line| matches(expected, line))
}

/// The program a step runs, the reference (the README shows what the references print), in
/// the block's folder.
fn program_of(step: &Step, dir: &Path) -> Program {
    reference(&step.program)
        .args(&step.args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
}

/// Whether the socket table has port 62000 in TIME_WAIT on its own side: then
/// `ex2_static_bind` cannot bind it, whatever the README's order of commands.
fn port_62000_in_time_wait() -> bool {
    tp_sockets::net::netstat::sockets()
        .unwrap_or_default()
        .iter()
        .any(|r| r.local.port() == 62000 && r.state == "TIME_WAIT")
}

fn run_block(block: &Block) {
    let place = format!("README.md, the block at line {}", block.line);
    let scratch = Scratch::new("readme");
    std::fs::create_dir_all(scratch.path.join("images")).unwrap();
    for entry in std::fs::read_dir(images()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            scratch.path.join("images").join(entry.file_name()),
        )
        .unwrap();
    }
    let mut staying: Vec<(&Step, Running)> = Vec::new();
    for step in &block.steps {
        let shown = format!(
            "`cargo run --example {} -- {}`",
            step.program,
            step.args.join(" ")
        );
        if stays(step) {
            let program = program_of(step, &scratch.path).start();
            let first = step.expected.first().map_or("", String::as_str);
            let started =
                program.wait_for_stdout(|l| matches(first, l) || first.is_empty(), START_DEADLINE);
            assert!(
                started.is_some(),
                "{place}: expected {shown} to print `{first}`, but it printed:\n{}{}",
                program.stdout(),
                program.stderr()
            );
            if first.is_empty() {
                std::thread::sleep(Duration::from_millis(300));
            }
            staying.push((step, program));
            continue;
        }
        let typed: String = step
            .expected
            .iter()
            .filter_map(|l| PROMPTS.iter().find_map(|p| l.strip_prefix(p)))
            .map(|answer| format!("{answer}\n"))
            .collect();
        let mut fails = step.expected.iter().any(|l| l.starts_with("error:"));
        let mut check_lines = true;
        if step.program == "ex2_static_bind" && !step.args.iter().any(|a| a == "--reuse") {
            // Who closed first decides which end waits in TIME_WAIT (README.md says why):
            // what this run must do follows from the socket table, not from the order.
            let held = port_62000_in_time_wait() && !cfg!(windows);
            check_lines = held == fails;
            fails = held;
        }
        let run = || {
            let ran = program_of(step, &scratch.path).stdin(&typed);
            let finished = ran.deadline(Duration::from_secs(10)).run();
            let printed = format!("{}{}", finished.stdout, finished.stderr);
            (finished, printed)
        };
        let (mut finished, mut printed) = run();
        // A viewer of the socket table may look before a server accepted the client that just
        // connected (the row is the kernel's, with no process): it looks again, for 2 s at most.
        let viewer = tp::programs::find(&step.program)
            .is_some_and(|p| p.kind == tp::programs::Kind::Other && !p.tool);
        let all_shown = |printed: &str| step.expected.iter().all(|l| find(printed, l).is_some());
        for _ in 0..20 {
            if !viewer || !check_lines || all_shown(&printed) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
            (finished, printed) = run();
        }
        let code = finished.code;
        let wanted = if fails { 1 } else { 0 };
        assert_eq!(
            code,
            Some(wanted),
            "{place}: expected {shown} to exit with code {wanted}, but it printed:\n{printed}"
        );
        if fails && !check_lines {
            assert!(
                printed.contains("TIME_WAIT"),
                "{place}: {shown}:\n{printed}"
            );
        }
        for line in step.expected.iter().filter(|_| check_lines) {
            assert!(
                find(&printed, line).is_some(),
                "{place}: expected {shown} to print `{line}`, but it printed:\n{printed}"
            );
        }
    }
    for (step, mut program) in staying {
        let shown = format!(
            "`cargo run --example {} -- {}`",
            step.program,
            step.args.join(" ")
        );
        for line in &step.expected {
            let seen = program.wait_for_stdout(|l| matches(line, l), START_DEADLINE);
            assert!(
                seen.is_some(),
                "{place}: expected {shown} to print `{line}`, but it printed:\n{}{}",
                program.stdout(),
                program.stderr()
            );
        }
        if let Some(status) = program.wait(Duration::ZERO) {
            assert!(
                status.success(),
                "{place}: {shown} failed:\n{}",
                program.stderr()
            );
        }
    }
}

#[test]
fn every_command_of_the_readme_runs_as_written() {
    let root = tp::kit_root();
    let english = std::fs::read_to_string(root.join("README.md")).unwrap();
    let french = std::fs::read_to_string(root.join("README.fr.md")).unwrap();
    let (english, french) = (blocks(&english), blocks(&french));
    for i in 0..english.len().max(french.len()) {
        let (en, fr) = (english.get(i), french.get(i));
        assert_eq!(
            fr.map(|b| &b.steps),
            en.map(|b| &b.steps),
            "README.fr.md must run the same commands as README.md, with the same outputs: its \
             block at line {:?} differs from README.md's at line {:?}",
            fr.map(|b| b.line),
            en.map(|b| b.line)
        );
    }
    assert!(
        english.len() >= 10,
        "only {} blocks of commands found",
        english.len()
    );
    let Some(_ports) = fixed_ports() else {
        return;
    };
    for block in &english {
        let ipv6 = block
            .steps
            .iter()
            .any(|s| s.program.starts_with("ex5") || s.args.iter().any(|a| a.contains("::1")));
        if ipv6 && no_ipv6_here() {
            continue;
        }
        run_block(block);
    }
}

#[test]
fn the_matching_rule_takes_ports_and_pids_as_any_number_and_nothing_else() {
    assert!(matches(
        "received \"hi\" from 127.0.0.1:49386",
        "received \"hi\" from 127.0.0.1:51000"
    ));
    assert!(!matches(
        "listening on 127.0.0.1:60000",
        "listening on 127.0.0.1:60001"
    ));
    assert!(matches(
        "tcp 127.0.0.1:60000 *:* LISTEN 4242/ex1_tcp_server",
        "tcp   127.0.0.1:60000   *:*   LISTEN   17/ex1_tcp_server"
    ));
    assert!(!matches("640 × 427 pixels", "640 × 428 pixels"));
    assert!(!matches(
        "saved car.png (9501 bytes)",
        "saved car.png (9502 bytes)"
    ));
    assert!(matches(
        "error: cannot bind …",
        "error: cannot bind 127.0.0.1:62000: in use"
    ));
    assert!(matches(
        "saved downloads/car.png",
        "saved downloads\\car.png"
    ));
    assert!(!matches(
        "server replied: Welcome",
        "server replied: Welcome to this server"
    ));
}
