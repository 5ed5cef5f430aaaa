//! `tp grade` on a class with hostile submissions: each attack is contained by the sandbox,
//! costs only its own program, and is told in its feedback; the class gets the same grades
//! twice, nothing is written outside the grading folders, and nothing outlives `tp grade`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Submission, root, tp};
use crate::common::fixtures::Scratch;
use tp::sandbox::{Mode, Sandbox};

/// A word that only the hostile programs of this test use: their processes are found by it.
const MARK: &str = "2345";

/// The hostile programs of the class: (student, program replaced, source). `{secret}`,
/// `{victim}`, `{tests}`, `{feedback}`, `{grades}` and `{class}` are paths of this test.
const HOSTILE: &[(&str, &str, &str)] = &[
    (
        "h_includes_files",
        "ex1_tcp_server",
        r#"const STOLEN: &str = include_str!("{victim}");
const TESTS: &str = include_str!("{tests}");
const SECRET: &str = include_str!("{secret}");
pub fn main() -> std::process::ExitCode {
    println!("{STOLEN}{TESTS}{SECRET}");
    std::process::ExitCode::SUCCESS
}
"#,
    ),
    (
        "h_reads_files",
        "ex1_tcp_server",
        r#"pub fn main() -> std::process::ExitCode {
    for path in ["{victim}", "{tests}", "{secret}"] {
        match std::fs::read_to_string(path) {
            Ok(text) => eprintln!("read {path}: {text}"),
            Err(e) => eprintln!("cannot read {path}: {e}"),
        }
    }
    for (key, value) in std::env::vars() {
        eprintln!("{key}={value}");
    }
    std::process::ExitCode::FAILURE
}
"#,
    ),
    (
        "h_writes_files",
        "ex1_tcp_server",
        r#"pub fn main() -> std::process::ExitCode {
    let references = std::env::var("TP_SOCKETS_REFERENCES").unwrap_or_default();
    let targets = [
        "{class}/WRITTEN".to_string(),
        "{feedback}/a_correct.md".to_string(),
        format!("{references}/ex1_tcp_client"),
        format!("{references}/WRITTEN"),
        "{secret}".to_string(),
    ];
    for path in targets {
        let opened = std::fs::OpenOptions::new().append(true).create(true).open(&path);
        match opened.and_then(|mut f| std::io::Write::write_all(&mut f, b"written")) {
            Ok(()) => eprintln!("wrote {path}"),
            Err(e) => eprintln!("cannot write {path}: {e}"),
        }
    }
    std::process::ExitCode::FAILURE
}
"#,
    ),
    (
        "h_leaves_children",
        "ex1_tcp_server",
        r#"pub fn main() -> std::process::ExitCode {
    for _ in 0..50 {
        let _ = std::process::Command::new("sleep").arg("2345").spawn();
    }
    let _ = std::process::Command::new("sh")
        .args(["-c", "sleep 3 && echo x,1 >> {grades} && sleep 2345"])
        .spawn();
    std::process::ExitCode::SUCCESS
}
"#,
    ),
    (
        "h_kills_its_parent",
        "ex1_tcp_client",
        r#"pub fn main() -> std::process::ExitCode {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let parent = stat.split_whitespace().nth(3).unwrap_or("0").to_string();
    let _ = std::process::Command::new("kill").args(["-9", &parent]).status();
    let _ = std::process::Command::new("kill").args(["-9", "-1"]).status();
    std::process::ExitCode::SUCCESS
}
"#,
    ),
    (
        "h_floods_its_output",
        "ex1_tcp_server",
        r#"use std::io::Write;
pub fn main() -> std::process::ExitCode {
    let line = vec![b'x'; 1 << 20];
    for _ in 0..50 {
        let _ = std::io::stdout().write_all(&line);
        let _ = std::io::stderr().write_all(&line);
    }
    std::process::ExitCode::FAILURE
}
"#,
    ),
    (
        "h_starts_processes_without_end",
        "ex1_tcp_server",
        r#"pub fn main() -> std::process::ExitCode {
    let mut started = Vec::new();
    for _ in 0..3000 {
        match std::process::Command::new("sleep").arg("2345").spawn() {
            Ok(child) => started.push(child),
            Err(e) => {
                eprintln!("could not start more than {}: {e}", started.len());
                break;
            }
        }
    }
    std::process::ExitCode::FAILURE
}
"#,
    ),
    (
        "h_holds_the_ports",
        "ex2_tcp_loop",
        r#"pub fn main() -> std::process::ExitCode {
    let mut held = Vec::new();
    for port in [60000, 62000, 40674, 40675, 1000, 23456] {
        held.extend(std::net::TcpListener::bind(("127.0.0.1", port)).ok());
    }
    println!("listening on 127.0.0.1:60000");
    std::thread::sleep(std::time::Duration::from_secs(2345));
    std::process::ExitCode::SUCCESS
}
"#,
    ),
];

/// The processes of this test's hostile programs still alive, by their command lines.
fn leftovers() -> Vec<String> {
    super::processes_with(&format!("sleep {MARK}"))
}

/// Every file under `folder`, with its content.
fn contents(folder: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    files
}

#[test]
#[ignore = "grades a class twice; run by CI with --ignored"]
fn a_hostile_class_is_contained_and_graded_the_same_twice() {
    let sandbox = Sandbox::choose(Mode::Auto).unwrap();
    if !sandbox.is_on() {
        println!("skipped: {}", sandbox.line());
        return;
    }
    let scratch = Scratch::new("hostile");
    let base = scratch.path.clone();
    let class = base.join("class");
    let secret = base.join("instructor/secret.txt");
    std::fs::create_dir_all(secret.parent().unwrap()).unwrap();
    std::fs::write(&secret, "THE-INSTRUCTORS-SECRET").unwrap();
    let a = Submission::new(&class, "a_correct", "solutions");
    let victim = a.0.join("exercises/ex1_tcp_client.rs");
    let mut code = std::fs::read_to_string(&victim).unwrap();
    code += "// THE-FILE-OF-A\n";
    a.write("exercises/ex1_tcp_client.rs", &code);
    Submission::new(&class, "b_correct", "solutions");
    Submission::new(&class, "c_correct_again", "solutions");
    Submission::new(&class, "d_pristine", "exercises");
    let feedback = base.join("feedback");
    let grades = base.join("grades.csv");
    for (student, program, source) in HOSTILE {
        let source = source
            .replace("{victim}", &victim.to_string_lossy())
            .replace(
                "{tests}",
                &root().join("tests/programs/ex1_tcp.rs").to_string_lossy(),
            )
            .replace("{secret}", &secret.to_string_lossy())
            .replace("{feedback}", &feedback.to_string_lossy())
            .replace("{grades}", &grades.to_string_lossy())
            .replace("{class}", &class.to_string_lossy());
        Submission::new(&class, student, "solutions")
            .write(&format!("exercises/{program}.rs"), &source);
    }
    let before = contents(&class);
    let mut students: Vec<String> = std::fs::read_dir(&class)
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect();
    students.sort();

    let mut tables = Vec::new();
    for run in 0..2 {
        let _ = std::fs::remove_dir_all(&feedback);
        let mut args = vec!["grade"];
        args.extend(students.iter().map(String::as_str));
        let (csv, dir) = (grades.to_string_lossy(), feedback.to_string_lossy());
        args.extend(["--csv", &csv, "--feedback", &dir, "--sandbox", "required"]);
        let out = tp(&args);
        assert_eq!(out.code, Some(0), "tp grade failed:\n{}", out.stderr);
        // What a hostile program left behind had the time to do its harm.
        std::thread::sleep(Duration::from_secs(4));
        assert!(
            leftovers().is_empty(),
            "run {run}: processes outlived tp grade:\n{}",
            leftovers().join("\n")
        );
        // Each student's feedback of this run, to show where a grade changed.
        let texts: BTreeMap<String, String> = std::fs::read_dir(&feedback)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
            .map(|(name, p)| (name, std::fs::read_to_string(p).unwrap_or_default()))
            .collect();
        tables.push((std::fs::read_to_string(&grades).unwrap(), out.stdout, texts));
    }
    let (csv, table, _) = &tables[0];
    if tables[0].0 != tables[1].0 {
        let header: Vec<&str> = tables[0].0.lines().next().unwrap().split(',').collect();
        let mut changed = Vec::new();
        let mut students = BTreeSet::new();
        for (first, second) in tables[0].0.lines().zip(tables[1].0.lines()).skip(1) {
            let cells = first.split(',').zip(second.split(','));
            for (i, (a, b)) in cells.enumerate().filter(|(_, (a, b))| a != b) {
                let student = first.split(',').next().unwrap_or_default();
                changed.push(format!("{student}, {}: {a} then {b}", header[i]));
                students.insert(student.to_string());
            }
        }
        let mut feedback = String::new();
        for student in &students {
            for (run, (_, _, texts)) in tables.iter().enumerate() {
                let text = texts.get(student).map_or("(none)", String::as_str);
                feedback += &format!("\n--- run {}, {student}:\n{text}", run + 1);
            }
        }
        panic!(
            "the same class got other grades the second time:\n{}\n\nthe feedback of each run:{feedback}",
            changed.join("\n")
        );
    }
    assert_eq!(
        before,
        contents(&class),
        "a submission's files were changed"
    );
    assert!(
        !class.join("WRITTEN").exists(),
        "a file was written beside the submissions"
    );
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "THE-INSTRUCTORS-SECRET"
    );

    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row = |student: &str| -> Vec<u32> {
        let line = csv
            .lines()
            .find(|l| l.starts_with(&format!("{student},")))
            .unwrap_or_else(|| panic!("no row for {student}:\n{table}"));
        line.split(',')
            .skip(1)
            .map(|v| v.parse().unwrap_or(0))
            .collect()
    };
    let full = row("a_correct");
    assert_eq!(full[full.len() - 2], full[full.len() - 1], "{table}");
    assert_eq!(row("b_correct"), full, "{table}");
    assert_eq!(row("c_correct_again"), full, "{table}");
    assert_eq!(row("d_pristine")[full.len() - 2], 0, "{table}");
    for (student, program, _) in HOSTILE {
        let scores = row(student);
        for (i, name) in header[1..header.len() - 2].iter().enumerate() {
            if name == program {
                assert!(scores[i] < full[i], "{student} kept its points:\n{table}");
            } else {
                assert_eq!(
                    scores[i], full[i],
                    "{student} lost points in {name}:\n{table}"
                );
            }
        }
    }

    for entry in std::fs::read_dir(&feedback).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.len() <= 1 << 20,
            "{} holds {} bytes",
            path.display(),
            text.len()
        );
        for stolen in ["THE-FILE-OF-A", "THE-INSTRUCTORS-SECRET", "fn raw_exchange"] {
            assert!(
                !text.contains(stolen) || path.ends_with("a_correct.md"),
                "{} shows {stolen}",
                path.display()
            );
        }
    }
    let read =
        |student: &str| std::fs::read_to_string(feedback.join(format!("{student}.md"))).unwrap();
    let said = |student: &str, words: &str| {
        let text = read(student);
        assert!(
            text.contains(words),
            "{student}'s feedback does not say {words:?}:\n{text}"
        );
    };
    said("h_includes_files", "couldn't read");
    said("h_reads_files", "cannot read");
    said("h_writes_files", "cannot write");
    said("h_kills_its_parent", "stopped by a signal");
    said("h_floods_its_output", "not kept");
}
