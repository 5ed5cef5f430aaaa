//! Grades no program can forge: a submission that leaves a daemon behind (a double fork into a
//! session of its own) to rewrite the results after its tests changes none of them, with the
//! sandbox and without any namespace; and `tp grade` refuses to grade without a sandbox
//! unless told `--sandbox off`.

use std::path::PathBuf;

use super::{root, tp_with};
use crate::common::fixtures::Scratch;
use tp::netns::NO_NAMESPACES_VAR;

/// A word that only the forger's daemon carries in its command line: it is found by it.
pub const MARK: &str = "forger-2346";

/// A student's program that starts a daemon, as `setsid -f` does (a fork, then a session of
/// its own: it leaves the program's process group and is orphaned at once). For 15 s the
/// daemon appends a forged line to each file of `{files}`, and writes a grade line to the
/// output of the nearest `vpl_execution` or `tp` above it (VPL's terminal, or tp's output), at
/// once and then every 0.1 s. The program waits 0.3 s, so that the daemon has written once,
/// then ends.
pub const FORGER: &str = r#"pub fn main() -> std::process::ExitCode {
    let (mut tp, mut vpl) = (String::new(), String::new());
    let mut pid = std::process::id().to_string();
    for _ in 0..64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { break };
        let output = format!("/proc/{pid}/fd/1");
        match &stat[open + 1..close] {
            "tp" if tp.is_empty() => tp = output,
            "vpl_execution" if vpl.is_empty() => vpl = output,
            _ => {}
        }
        pid = stat[close + 1..].split_whitespace().nth(1).unwrap_or("0").to_string();
        if pid == "0" {
            break;
        }
    }
    let target = if vpl.is_empty() { tp } else { vpl };
    let script = "trap '' PIPE
if [ -w \"$1\" ]; then exec 3>>\"$1\"; else exec 3>/dev/null; fi
i=0
while [ $i -lt 150 ]; do
  echo 'Grade :=>>10' >&3
  for f in {files}; do echo 'forged,999' >> \"$f\"; done 2>/dev/null
  i=$((i + 1)); sleep 0.1
done";
    let _ = std::process::Command::new("setsid")
        .args(["-f", "sh", "-c", script, "MARK", &target])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::process::ExitCode::SUCCESS
}
"#;

/// The forger's source, appending to `files`.
pub fn forger(files: &[PathBuf]) -> String {
    let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    FORGER
        .replace("{files}", &files.join(" "))
        .replace("MARK", MARK)
}

/// The processes of the forger still alive, by their command lines.
pub fn forgers_left() -> Vec<String> {
    super::processes_with(MARK)
}

/// The last `Grade :=>>` line of a VPL evaluation: the one VPL keeps.
pub fn last_grade(text: &str) -> Option<&str> {
    text.lines()
        .rev()
        .find_map(|l| l.strip_prefix("Grade :=>>"))
}

/// `tp grade` without a sandbox says why in one line, with the two ways on, and writes nothing.
#[test]
fn without_a_sandbox_tp_grade_refuses_to_grade_unless_told_off() {
    let scratch = Scratch::new("fail-closed");
    let csv = scratch.path.join("grades.csv");
    let solutions = root().join("solutions");
    let ran = tp_with(
        &[
            "grade",
            &solutions.to_string_lossy(),
            "--csv",
            &csv.to_string_lossy(),
        ],
        &[(NO_NAMESPACES_VAR, "1")],
    );
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    for words in ["no sandbox", "apt-get install bubblewrap", "--sandbox off"] {
        assert!(
            ran.stderr.contains(words),
            "no {words:?} in: {}",
            ran.stderr
        );
    }
    assert!(!csv.exists(), "grades were written without a sandbox");
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "grades a submission once or twice; run by CI with --ignored"]
fn a_daemon_left_by_a_submission_changes_no_result_with_or_without_a_sandbox() {
    use super::Submission;
    use std::path::Path;
    use std::time::Duration;
    use tp::sandbox::{Mode, Sandbox};
    let scratch = Scratch::new("forger");
    let base = scratch.path.clone();
    let out = base.join("out");
    let csv = out.join("grades.csv");
    let gradescope = out.join("results.json");
    let vpl = out.join("evaluation.txt");
    let classroom50 = out.join("classroom50");
    let feedback = out.join("feedback");
    let files = [
        csv.clone(),
        gradescope.clone(),
        vpl.clone(),
        classroom50.join("classroom50.json"),
        classroom50.join("release-body.md"),
        feedback.join("forger.md"),
    ];
    let student = Submission::new(&base.join("class"), "forger", "solutions");
    student.write("exercises/ex1_tcp_client.rs", &forger(&files));

    let mut modes = vec![("off", vec![(NO_NAMESPACES_VAR, "1")])];
    match Sandbox::choose(Mode::Required) {
        Ok(_) => modes.push(("required", vec![])),
        Err(e) => println!("graded without a sandbox only: {e}"),
    }
    for (mode, env) in modes {
        let _ = std::fs::remove_dir_all(&out);
        let arg = |p: &Path| p.to_string_lossy().into_owned();
        let args = [
            "grade".to_string(),
            arg(&student.0),
            "--programs".into(),
            "ex1_tcp".into(),
            "--csv".into(),
            arg(&csv),
            "--feedback".into(),
            arg(&feedback),
            "--gradescope".into(),
            arg(&gradescope),
            "--vpl".into(),
            arg(&vpl),
            "--classroom50".into(),
            arg(&classroom50),
            "--sandbox".into(),
            mode.into(),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let ran = tp_with(&args, &env);
        assert_eq!(ran.code, Some(0), "--sandbox {mode}: {}", ran.stderr);
        if mode == "off" {
            // The daemon ran, and reached tp's output: without a sandbox, it sees tp.
            assert!(
                ran.stdout.contains("Grade :=>>10"),
                "the forger's daemon never ran:\n{}",
                ran.stdout
            );
        }
        // A daemon that outlived tp has the time to do its harm.
        std::thread::sleep(Duration::from_secs(3));
        let left = forgers_left();
        assert!(
            left.is_empty(),
            "--sandbox {mode}: the daemon outlived tp:\n{}",
            left.join("\n")
        );
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            assert!(
                !text.is_empty() && !text.contains("forged"),
                "--sandbox {mode}: {} was changed after tp wrote it:\n{text}",
                file.display()
            );
        }
        // The results are the submission's own: its server passed everything, its client not.
        let table = std::fs::read_to_string(&csv).unwrap();
        let row: Vec<u32> = table
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .skip(1)
            .map(|v| v.parse().unwrap())
            .collect();
        let [server, client, passed, total] = row[..] else {
            panic!("{table}")
        };
        assert!(server > 0 && client < total - server, "{table}");
        assert_eq!(server + client, passed, "{table}");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&gradescope).unwrap()).unwrap();
        assert_eq!(json["score"], passed, "{json}");
        let rows: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(classroom50.join("classroom50.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(rows["score"], passed, "{rows}");
        let evaluation = std::fs::read_to_string(&vpl).unwrap();
        let grade: f64 = last_grade(&evaluation).unwrap().parse().unwrap();
        let expected = 10.0 * f64::from(passed) / f64::from(total);
        assert!((grade - expected).abs() < 0.006, "{evaluation}");
    }
}

/// A failing test of the kit says its sentence and where, never a backtrace, even with
/// RUST_BACKTRACE=1 (as `cargo grade` shows a student): this test binary, run again, fails one.
#[test]
fn a_failing_test_says_its_sentence_without_a_backtrace() {
    const CHILD: &str = "TP_SOCKETS_FAILING_CHILD";
    if std::env::var_os(CHILD).is_some() {
        crate::common::verdict::explain_unfinished_steps_first();
        panic!("expected the kit's sentence here");
    }
    let test = "contain::a_failing_test_says_its_sentence_without_a_backtrace";
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args([test, "--exact"])
        .env(CHILD, "1")
        .env("RUST_BACKTRACE", "1")
        .env_remove("TP_SOCKETS_BACKTRACE");
    let ran = tp_sockets::kit::process::run_to_end(&mut command, b"", TP_TEST_DEADLINE).unwrap();
    assert!(
        ran.stdout.contains("expected the kit's sentence here")
            && ran.stdout.contains("tests/tp/contain.rs:")
            && !ran.stdout.contains("stack backtrace")
            && !ran.stderr.contains("stack backtrace"),
        "{}\n{}",
        ran.stdout,
        ran.stderr
    );
}

/// How long this test binary, run again for one test, may take.
const TP_TEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);
