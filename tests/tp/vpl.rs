//! Moodle VPL: `grading/vpl/vpl_evaluate.sh` run as VPL runs it (a folder with the execution
//! files and the student's files; then the `vpl_execution` it made), with the kit installed read
//! only, as on a VPL jail server.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use tp_sockets::kit::process::{Finished, run_to_end};

use super::{root, tp};
use crate::common::fixtures::Scratch;
use tp::programs::PROGRAMS;
use tp::results::vpl::as_vpl_reads;

/// A VPL evaluation folder: the execution files, VPL's environment, the student's `files`
/// (the solutions' or the skeletons', NAME.rs at its root).
fn evaluation_folder(case: &str, from: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tp-vpl-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for script in ["vpl_evaluate.sh", "vpl_run.sh"] {
        std::fs::copy(root().join("grading/vpl").join(script), dir.join(script)).unwrap();
    }
    let mut names = Vec::new();
    for program in PROGRAMS.iter().filter(|p| !p.tool) {
        let file = format!("{}.rs", program.name);
        std::fs::copy(root().join(from).join(&file), dir.join(&file)).unwrap();
        names.push(file);
    }
    std::fs::write(
        dir.join("vpl_environment.sh"),
        format!(
            "export VPL_LANG=fr_FR.UTF-8\nexport VPL_GRADEMIN=0\nexport VPL_GRADEMAX=20\n\
             export VPL_MAXTIME=600\nexport VPL_SUBFILES=\"{}\"\n",
            names.join("\n")
        ),
    )
    .unwrap();
    dir
}

/// Runs `script` in `dir` as VPL does; when this test runs as root, in a mount namespace where
/// the kit is read only (VPL's jail user cannot write it either).
fn run_in(dir: &Path, script: &str, stdin: &[u8], deadline: u64) -> Finished {
    run_in_with(dir, script, stdin, deadline, &[])
}

/// [`run_in`], with the environment variables `env` added.
fn run_in_with(
    dir: &Path,
    script: &str,
    stdin: &[u8],
    deadline: u64,
    env: &[(&str, String)],
) -> Finished {
    let kit = root().to_string_lossy().into_owned();
    let mut command = if is_root() && super::on_path("unshare").is_some() {
        let mut c = Command::new("unshare");
        c.args(["--mount", "--propagation", "private", "sh", "-c"])
            .arg("mount --bind -o ro \"$0\" \"$0\" && exec \"$1\"")
            .args([&kit, script]);
        c
    } else {
        Command::new(script)
    };
    command
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k, v)));
    run_to_end(&mut command, stdin, Duration::from_secs(deadline)).unwrap()
}

fn is_root() -> bool {
    std::env::var("USER").is_ok_and(|u| u == "root")
        || std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
}

/// Makes the kit ready, as the teacher's install does once (grading/vpl/README.md): the
/// teacher's own solutions are graded without a sandbox.
fn make_ready() {
    let scratch = Scratch::new("vpl-ready");
    let made = tp(&[
        "grade",
        &root().join("solutions").to_string_lossy(),
        "--sandbox",
        "off",
        "--programs",
        "ex2_netstat",
        "--csv",
        &scratch.path.join("ready.csv").to_string_lossy(),
    ]);
    assert_eq!(made.code, Some(0), "{}", made.stderr);
}

/// Evaluates the student's files in `dir`: `vpl_evaluate.sh`, then `vpl_execution`.
fn evaluate(dir: &Path) -> (Option<String>, Vec<String>, String) {
    evaluate_with(dir, &[])
}

/// [`evaluate`], with the environment variables `env` added to both scripts.
fn evaluate_with(dir: &Path, env: &[(&str, String)]) -> (Option<String>, Vec<String>, String) {
    let made = run_to_end(
        Command::new("bash")
            .arg("vpl_evaluate.sh")
            .current_dir(dir)
            .env("TP_SOCKETS_TP", env!("CARGO_BIN_EXE_tp"))
            .envs(env.iter().map(|(k, v)| (k, v))),
        b"",
        Duration::from_secs(30),
    )
    .unwrap();
    assert!(
        made.status.is_some_and(|s| s.success()),
        "vpl_evaluate.sh failed:\n{}",
        made.stderr
    );
    let execution = dir.join("vpl_execution");
    assert!(execution.exists(), "vpl_evaluate.sh made no vpl_execution");
    let ran = run_in_with(dir, "./vpl_execution", b"", 900, env);
    assert!(
        ran.status.is_some_and(|s| s.success()),
        "vpl_execution failed:\n{}\n{}",
        ran.stdout,
        ran.stderr
    );
    let (grade, comments) = as_vpl_reads(&ran.stdout);
    (grade, comments, ran.stdout)
}

#[cfg(unix)]
#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn vpl_gives_the_solutions_the_maximum_the_skeletons_zero_and_a_broken_file_costs_its_program() {
    make_ready();

    let solved = evaluation_folder("solutions", "solutions");
    let (grade, comments, output) = evaluate(&solved);
    assert_eq!(grade.as_deref(), Some("20"), "{output}");
    assert_eq!(comments[0], "-Résumé", "{output}");
    // Each program's line in the summary: `>NAME   passed/total`.
    let tests_of = |name: &str| -> u32 {
        comments
            .iter()
            .find_map(|c| {
                let rest = c.strip_prefix('>')?.strip_prefix(name)?;
                let (_, total) = rest.trim().split_once('/')?;
                total.parse().ok()
            })
            .unwrap_or_else(|| panic!("no summary line for {name}:\n{output}"))
    };
    let total: u32 = PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .map(|p| tests_of(p.name))
        .sum();
    let broken_tests = tests_of("ex2_getsockname");

    let skeletons = evaluation_folder("skeletons", "exercises");
    let (grade, comments, output) = evaluate(&skeletons);
    assert_eq!(grade.as_deref(), Some("0"), "{output}");
    assert!(
        comments
            .iter()
            .any(|c| c.contains("step") && c.contains("not done yet")),
        "a skeleton's failure says which step is not done:\n{output}"
    );

    let broken = evaluation_folder("broken", "solutions");
    std::fs::write(broken.join("ex2_getsockname.rs"), "pub fn main( {\n").unwrap();
    let (grade, comments, output) = evaluate(&broken);
    let expected = 20.0 * f64::from(total - broken_tests) / f64::from(total);
    let grade: f64 = grade.expect("a grade").parse().expect("a number");
    assert!(
        (grade - expected).abs() < 0.006,
        "{grade} != {expected}:\n{output}"
    );
    let title = comments
        .iter()
        .position(|c| c == "-ex2_getsockname : le fichier ne compile pas")
        .unwrap_or_else(|| panic!("no comment on the file that does not compile:\n{output}"));
    assert!(
        comments[title + 1..]
            .iter()
            .take_while(|c| c.starts_with('>'))
            .any(|c| c.contains("error")),
        "the compiler's error follows:\n{output}"
    );

    // "Run": vpl_run.sh's vpl_execution asks which program, compiles and runs it.
    let made = run_to_end(
        Command::new("bash")
            .arg("vpl_run.sh")
            .current_dir(&solved)
            .env("TP_SOCKETS_TP", env!("CARGO_BIN_EXE_tp")),
        b"",
        Duration::from_secs(30),
    )
    .unwrap();
    assert!(made.status.is_some_and(|s| s.success()), "{}", made.stderr);
    let ran = run_in(&solved, "./vpl_execution", b"ex2_netstat\n\n", 300);
    assert!(
        ran.status.is_some_and(|s| s.success())
            && ran.stdout.contains("3. ex2_netstat")
            && ran.stdout.contains("60000"),
        "{}\n{}",
        ran.stdout,
        ran.stderr
    );
    for dir in [solved, skeletons, broken] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The sockets of this machine's network on the handout's fixed ports (60000, 62000), by inode,
/// from /proc/net/tcp and tcp6 (those in TIME_WAIT, which belong to no one, aside).
#[cfg(target_os = "linux")]
fn fixed_port_sockets() -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        for line in std::fs::read_to_string(table)
            .unwrap_or_default()
            .lines()
            .skip(1)
        {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let port = fields
                .get(1)
                .and_then(|a| a.rsplit(':').next())
                .unwrap_or("");
            let inode = fields.get(9).copied().unwrap_or("0");
            if (port == "EA60" || port == "F230") && inode != "0" {
                found.insert(format!("{port} {inode}"));
            }
        }
    }
    found
}

/// VPL's jail 5 gives each evaluation a `/tmp` of its own, on the host's network: two
/// evaluations at once, each with a temporary folder of its own and no namespace, take turns at
/// the handout's fixed ports (60000, 62000) with each other and with this test (which holds
/// the turn for their first 8 s: no socket of theirs may use those ports meanwhile), and both
/// get the grade of their files. One of them leaves a daemon that writes `Grade :=>>10` on the
/// evaluation's output: the grade VPL keeps is still the one its files earned, and nothing of
/// it runs afterwards.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "builds programs; run by CI with --ignored"]
fn two_evaluations_without_namespaces_or_a_shared_tmp_both_get_their_grade() {
    use super::contain::{forger, forgers_left};
    make_ready();
    let honest = evaluation_folder("honest", "solutions");
    let forging = evaluation_folder("forging", "solutions");
    std::fs::write(forging.join("ex1_tcp_client.rs"), forger(&[])).unwrap();
    let before = fixed_port_sockets();
    let turn = crate::common::ports::take_turn();
    let runs: Vec<_> = [&honest, &forging]
        .into_iter()
        .map(|dir| {
            let tmp = dir.join("tmp");
            std::fs::create_dir_all(&tmp).unwrap();
            let env = vec![
                ("TMPDIR", tmp.to_string_lossy().into_owned()),
                (tp::netns::NO_NAMESPACES_VAR, "1".to_string()),
                (
                    "TP_SOCKETS_PROGRAMS",
                    "ex1_tcp,ex2_static_bind,ex2_tcp_loop".to_string(),
                ),
            ];
            let dir = dir.clone();
            std::thread::spawn(move || evaluate_with(&dir, &env))
        })
        .collect();
    let held = std::time::Instant::now();
    let mut intruders = std::collections::BTreeSet::new();
    while held.elapsed() < Duration::from_secs(8) {
        intruders.extend(fixed_port_sockets().difference(&before).cloned());
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(turn);
    let results: Vec<_> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    assert!(
        intruders.is_empty(),
        "an evaluation used the fixed ports while this test held the turn (port inode): \
         {intruders:?}"
    );
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        forgers_left().is_empty(),
        "the daemon outlived the evaluation:\n{}",
        forgers_left().join("\n")
    );
    for ((grade, comments, output), who) in results.iter().zip(["honest", "forging"]) {
        // The grade the tests earned, from the summary's `>NAME   passed/total` lines.
        let (passed, total) = comments
            .iter()
            .filter_map(|c| {
                let (name, rest) = c.strip_prefix('>')?.split_once(' ')?;
                PROGRAMS.iter().find(|p| p.name == name)?;
                let (passed, total) = rest.trim().split_once('/')?;
                Some((passed.parse::<u32>().ok()?, total.parse::<u32>().ok()?))
            })
            .fold((0, 0), |(p, t), (a, b)| (p + a, t + b));
        assert!(total > 0, "{who}: no summary:\n{output}");
        let grade: f64 = grade.as_deref().expect("a grade").parse().unwrap();
        let earned = 20.0 * f64::from(passed) / f64::from(total);
        assert!(
            (grade - earned).abs() < 0.006,
            "{who}: {grade} != {earned}:\n{output}"
        );
        assert!(
            comments.iter().any(|c| c.contains("no sandbox")),
            "{who}: the teacher is not told how it was graded:\n{output}"
        );
        if who == "honest" {
            assert_eq!(passed, total, "{who}:\n{output}");
        } else {
            assert!(passed < total, "{who}:\n{output}");
            assert!(
                output.contains("Grade :=>>10"),
                "the daemon never wrote:\n{output}"
            );
        }
    }
    for dir in [honest, forging] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
