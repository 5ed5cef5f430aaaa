//! Classroom 50: `grading/classroom50/autograder.py` run as Classroom 50's runner runs it (in
//! the student's checkout, with the runner's environment), and its `result.json` checked against
//! Classroom 50's documented contract; and the bundle a teacher publishes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use tp_sockets::kit::process::run_to_end;

use super::{Submission, root};
use tp::programs::PROGRAMS;

const CLASSROOM: &str = "networks-2026";
const ASSIGNMENT: &str = "tp1-sockets";
const OWNER: &str = "alice";
const COMMITTED: &str = "2026-06-01T14:32:05Z";

/// The rules of a `result.json` that Classroom 50's runner and score collector check
/// (`classroom50/result/v1`, wiki "Advanced Autograding"): every problem found.
fn contract_problems(result: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut problem = |p: String| problems.push(p);
    let Some(fields) = result.as_object() else {
        return vec!["not a JSON object".into()];
    };
    let known = [
        "schema",
        "classroom",
        "assignment",
        "assignment_type",
        "owner",
        "submission",
        "commit",
        "release",
        "review",
        "datetime",
        "graded_at",
        "score",
        "max-score",
        "tests",
        "submitted_by",
    ];
    for key in fields.keys().filter(|k| !known.contains(&k.as_str())) {
        problem(format!("unknown field {key}"));
    }
    if result["schema"] != "classroom50/result/v1" {
        problem(format!("schema is {}", result["schema"]));
    }
    for (key, want) in [
        ("classroom", CLASSROOM),
        ("assignment", ASSIGNMENT),
        ("owner", OWNER),
    ] {
        if result[key] != want {
            problem(format!("{key} is {}, not {want}", result[key]));
        }
    }
    if result["assignment_type"] != "individual" {
        problem(format!("assignment_type is {}", result["assignment_type"]));
    }
    if !result["submission"]
        .as_str()
        .is_some_and(|s| s.starts_with("submit/"))
    {
        problem("submission is not a submit/* tag".into());
    }
    for key in ["commit", "release", "review"] {
        if result[key].as_str().is_none_or(str::is_empty) {
            problem(format!("{key} is not a non-empty string"));
        }
    }
    for key in ["datetime", "graded_at"] {
        let text = result[key].as_str().unwrap_or_default();
        let utc = text.len() == 20
            && text.ends_with('Z')
            && text.char_indices().all(|(i, c)| match i {
                4 | 7 => c == '-',
                10 => c == 'T',
                13 | 16 => c == ':',
                19 => c == 'Z',
                _ => c.is_ascii_digit(),
            });
        if !utc {
            problem(format!("{key} is not YYYY-MM-DDTHH:MM:SSZ: {text:?}"));
        }
    }
    let whole = |v: &Value| v.as_u64();
    let (Some(score), Some(max)) = (whole(&result["score"]), whole(&result["max-score"])) else {
        problem("score and max-score are not whole numbers".into());
        return problems;
    };
    if score > max {
        problem(format!("score {score} > max-score {max}"));
    }
    let Some(tests) = result["tests"].as_array() else {
        problem("tests is not a list".into());
        return problems;
    };
    if tests.len() > 100 {
        problem(format!("{} tests, over Classroom 50's 100", tests.len()));
    }
    let (mut sum, mut sum_max) = (0, 0);
    let mut names = std::collections::HashSet::new();
    for (i, test) in tests.iter().enumerate() {
        let name = test["test-name"].as_str().unwrap_or_default();
        if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
            problem(format!("tests[{i}].test-name {name:?}"));
        }
        if !names.insert(name.to_string()) {
            problem(format!("{name} twice"));
        }
        if !test["passed"].is_boolean() {
            problem(format!("tests[{i}].passed is not a boolean"));
        }
        let (Some(s), Some(m)) = (whole(&test["score"]), whole(&test["max-score"])) else {
            problem(format!("tests[{i}] scores are not whole numbers"));
            continue;
        };
        if s > m {
            problem(format!("tests[{i}].score {s} > max-score {m}"));
        }
        if test["output"]
            .as_str()
            .is_some_and(|o| o.chars().count() > 2000)
        {
            problem(format!("tests[{i}].output over the 2000 characters shown"));
        }
        sum += s;
        sum_max += m;
    }
    if (sum, sum_max) != (score, max) {
        problem(format!(
            "the rows add up to {sum}/{sum_max}, not {score}/{max}"
        ));
    }
    problems
}

/// A student's checkout: `exercises/` from the kit's folder `from`, committed at `COMMITTED`
/// when git is there (and whether it was).
fn checkout(from: &str) -> (PathBuf, bool) {
    let base = std::env::temp_dir().join(format!("tp-classroom50-{}", std::process::id()));
    let student = Submission::new(&base, from, from);
    // A student's copy may carry cargo configuration: it must never be read.
    student.write(
        ".cargo/config.toml",
        "[build]\nrustc-wrapper = \"/bin/false\"\n",
    );
    let dir = student.0;
    let git = |args: &[&str]| {
        run_to_end(
            Command::new("git")
                .args(args)
                .current_dir(&dir)
                .env("GIT_AUTHOR_DATE", COMMITTED)
                .env("GIT_COMMITTER_DATE", COMMITTED),
            b"",
            Duration::from_secs(30),
        )
    };
    let committed = [
        &["init", "-q"][..],
        &["add", "."],
        &[
            "-c",
            "user.name=A",
            "-c",
            "user.email=a@example.org",
            "commit",
            "-qm",
            "work",
        ],
    ]
    .iter()
    .all(|args| git(args).is_ok_and(|f| f.status.is_some_and(|s| s.success())));
    (dir, committed)
}

/// Runs the autograder in `dir` as Classroom 50's runner does.
fn autograde(dir: &Path) -> (Value, String) {
    let script = root().join("grading/classroom50/autograder.py");
    let ran = run_to_end(
        Command::new("python3")
            .arg(script)
            .current_dir(dir)
            .env("CLASSROOM", CLASSROOM)
            .env("ASSIGNMENT", ASSIGNMENT)
            .env("SUBMISSION_TAG", "submit/2026-06-01T14-32-05Z-a1b2c3d")
            .env("USERNAME", OWNER)
            .env("COMMIT_URL", "https://github.com/org/repo/commit/a1b2c3d")
            .env(
                "RELEASE_URL",
                "https://github.com/org/repo/releases/tag/submit%2Fx",
            )
            .env("TP_SOCKETS_KIT", root()),
        b"",
        Duration::from_secs(1200),
    )
    .expect("python3 runs the autograder");
    assert!(
        ran.status.is_some_and(|s| s.success()),
        "the autograder failed:\n{}\n{}",
        ran.stdout,
        ran.stderr
    );
    let text = std::fs::read_to_string(dir.join("result.json")).expect("result.json");
    let body = std::fs::read_to_string(dir.join("release-body.md")).expect("release-body.md");
    (
        serde_json::from_str(&text).expect("result.json is JSON"),
        body,
    )
}

#[cfg(unix)]
#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn classroom50_scores_a_row_per_program_full_for_the_solutions_and_zero_for_the_skeletons() {
    let graded: Vec<&str> = PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .map(|p| p.name)
        .collect();
    let mut maximum = None;
    for (from, full) in [("solutions", true), ("exercises", false)] {
        let (dir, committed) = checkout(from);
        let (result, body) = autograde(&dir);
        let problems = contract_problems(&result);
        assert!(problems.is_empty(), "{problems:#?}\n{result:#}");
        if committed {
            assert_eq!(result["datetime"], COMMITTED, "the commit's date");
        }
        let rows = result["tests"].as_array().unwrap();
        let names: Vec<&str> = rows
            .iter()
            .map(|r| r["test-name"].as_str().unwrap())
            .collect();
        assert_eq!(names, graded, "a row per program, in the handout's order");
        let max = result["max-score"].as_u64().unwrap();
        assert!(max > 100, "{result:#}");
        assert_eq!(
            *maximum.get_or_insert(max),
            max,
            "the same maximum for everyone"
        );
        if full {
            assert_eq!(result["score"], max, "{result:#}");
            assert!(
                rows.iter()
                    .all(|r| r["passed"] == true && r["output"] == "")
            );
            assert!(
                body.contains(&format!("{max} of {max} tests passed")),
                "{body}"
            );
        } else {
            assert_eq!(result["score"], 0, "{result:#}");
            assert!(rows.iter().all(|r| r["passed"] == false));
            assert!(
                rows.iter().all(|r| r["output"]
                    .as_str()
                    .is_some_and(|o| o.contains("not done yet"))),
                "each row says which step is not done: {result:#}"
            );
            assert!(body.contains("## ex1_tcp_server: 0/"), "{body}");
        }
        let _ = std::fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }
}

/// The bundle a teacher publishes in the classroom50 repository: the autograder, and the kit
/// as committed, with its tests.
#[cfg(unix)]
#[test]
fn the_classroom50_bundle_holds_the_autograder_and_the_kits_tests() {
    let head = run_to_end(
        Command::new("git").args(["-C", &root().to_string_lossy(), "rev-parse", "HEAD"]),
        b"",
        Duration::from_secs(30),
    );
    if !head.is_ok_and(|f| f.status.is_some_and(|s| s.success())) {
        println!("skipped: the kit is not a git repository here");
        return;
    }
    let dest = std::env::temp_dir().join(format!("tp-classroom50-bundle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dest);
    let made = run_to_end(
        Command::new("bash")
            .arg(root().join("grading/classroom50/bundle.sh"))
            .arg(&dest),
        b"",
        Duration::from_secs(60),
    )
    .unwrap();
    assert!(made.status.is_some_and(|s| s.success()), "{}", made.stderr);
    assert_eq!(
        std::fs::read(dest.join("autograder.py")).unwrap(),
        std::fs::read(root().join("grading/classroom50/autograder.py")).unwrap()
    );
    let listed = run_to_end(
        Command::new("tar")
            .arg("-tzf")
            .arg(dest.join("tp-sockets.tar.gz")),
        b"",
        Duration::from_secs(30),
    )
    .unwrap();
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "tests/programs/main.rs",
        "tp/src/main.rs",
    ] {
        assert!(
            listed.stdout.lines().any(|l| l == file),
            "{file} is not in the bundle:\n{}",
            listed.stdout
        );
    }
    let _ = std::fs::remove_dir_all(dest);
}
