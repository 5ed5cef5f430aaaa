//! How `tp check` and `tp grade` run the kit's tests on students' files.
//!
//! 1. A grading copy of the kit lives in `target/tp-grade/kit/`: the kit's sources, with an
//!    `exercises/` folder filled one file at a time.
//! 2. Each student file is compiled alone (`cargo build --example NAME --features exercises`), so
//!    a file that does not compile costs only its own program. The result (the program, or the
//!    compiler's message) is kept by the file's content hash: a class's untouched skeletons, or
//!    two identical files, are compiled once.
//! 3. The kit's own test binaries, built once from the kit's own tests (a submission's tests are
//!    never looked at), run with `TP_SOCKETS_PROGRAMS` pointing at that submission's programs.
//!    Every test has its deadline, and every test binary a deadline of its own.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use tp_sockets::kit::launcher::PROGRAMS_VAR;
use tp_sockets::kit::programs::{PROGRAMS, graded_tests};

/// The longest a test binary may run before it is stopped (its unfinished tests fail).
const TEST_BINARY_DEADLINE: Duration = Duration::from_secs(180);

/// What one exercise's tests gave.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// Tests passed.
    pub passed: u32,
    /// Tests in all.
    pub total: u32,
    /// The first failure, in one line.
    pub first_failure: Option<String>,
}

/// Each exercise's test file and what it gave.
pub type Scores = Vec<(&'static str, Score)>;

/// The kit, ready to grade: its test binaries and its tools, built.
pub struct Grader {
    root: PathBuf,
    /// Where the grading copy builds the programs.
    target: PathBuf,
    work: PathBuf,
    tests: BTreeMap<String, PathBuf>,
    tools: Vec<(String, PathBuf)>,
    /// Held while this grader uses the workspace: two `tp` at once take turns.
    _lock: std::fs::File,
}

impl Grader {
    /// Builds what grading needs, once: the kit's test binaries and tools.
    pub fn prepare(root: &Path) -> Result<Grader, String> {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        let work = target.join("tp-grade");
        std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
        let lock = std::fs::File::create(work.join("lock"))
            .map_err(|e| format!("{}: {e}", work.display()))?;
        if lock.try_lock().is_err() {
            eprintln!("waiting for another tp check or tp grade to finish...");
            lock.lock()
                .map_err(|e| format!("cannot lock {}: {e}", work.display()))?;
        }
        let fingerprint = sync_copy(root, &work.join("kit"))?;
        // Programs compiled against other sources of the kit are stale: start a new cache.
        let cache = work.join("cache");
        let known = cache.join("KIT");
        if std::fs::read_to_string(&known).ok() != Some(format!("{fingerprint:016x}")) {
            let _ = std::fs::remove_dir_all(&cache);
            write(&known, format!("{fingerprint:016x}").as_bytes())?;
        }
        eprintln!("building the kit's tests (once)...");
        let tests = build_tests(root, &target)?;
        // The grading copy builds into a folder of its own, so that students' programs never
        // take the place of the kit's own in target/debug/examples/.
        let target = work.join("target");
        let mut tools = Vec::new();
        let names: Vec<&str> = PROGRAMS
            .iter()
            .filter(|p| p.tool && !p.test.is_empty())
            .map(|p| p.name)
            .collect();
        for (name, built) in build_examples(&work.join("kit"), &target, &names) {
            let path = built.map_err(|e| format!("the kit's tool {name} does not build: {e}"))?;
            tools.push((name.to_string(), path));
        }
        Ok(Grader {
            root: root.to_path_buf(),
            target,
            work,
            tests,
            tools,
            _lock: lock,
        })
    }

    /// The kit's own folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Compiles (or finds in the cache) every program of `submission` into a folder of its own.
    pub fn programs(&self, submission: &Path, slot: usize) -> Result<PathBuf, String> {
        let dir = self.work.join("programs").join(slot.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let cache = self.work.join("cache");
        std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
        let exe = std::env::consts::EXE_SUFFIX;

        // Each program's cache key: its name and the hash of the student's file.
        let mut keys = Vec::new();
        let mut to_build = Vec::new();
        for program in PROGRAMS.iter().filter(|p| !p.tool) {
            let source = submission
                .join("exercises")
                .join(format!("{}.rs", program.name));
            let Ok(code) = std::fs::read(&source) else {
                let why = format!(
                    "exercises/{}.rs is missing from this submission",
                    program.name
                );
                write(&dir.join(format!("{}.error", program.name)), why.as_bytes())?;
                continue;
            };
            let key = cache.join(format!("{}-{:016x}", program.name, fnv64(&code)));
            let binary = PathBuf::from(format!("{}{exe}", key.display()));
            let known = key.with_extension("error").exists() || binary.exists();
            if !known {
                let copy = self
                    .work
                    .join("kit")
                    .join("exercises")
                    .join(format!("{}.rs", program.name));
                write_if_changed(&copy, &code)?;
                to_build.push(program.name);
            }
            keys.push((program.name, key, binary));
        }

        // The files not seen before, compiled together: a file that does not compile stops
        // only itself (--keep-going).
        let built = build_examples(&self.work.join("kit"), &self.target, &to_build);
        for (name, result) in built {
            let Some((_, key, cached)) = keys.iter().find(|(n, _, _)| *n == name) else {
                continue;
            };
            match result {
                Ok(binary) => {
                    std::fs::copy(&binary, cached)
                        .map_err(|e| format!("{}: {e}", cached.display()))?;
                }
                Err(why) => write(&key.with_extension("error"), why.as_bytes())?,
            }
        }

        for (name, key, cached) in &keys {
            if cached.exists() {
                link(cached, &dir.join(format!("{name}{exe}")))?;
            } else {
                std::fs::copy(
                    key.with_extension("error"),
                    dir.join(format!("{name}.error")),
                )
                .map_err(|e| format!("{}: {e}", key.display()))?;
            }
        }
        for (name, path) in &self.tools {
            link(path, &dir.join(format!("{name}{exe}")))?;
        }
        Ok(dir)
    }

    /// Runs the tests of `only` (a test file's name), or of every exercise, on `programs`.
    pub fn run(&self, programs: &Path, only: Option<&str>) -> Scores {
        graded_tests()
            .into_iter()
            .filter(|test| only.is_none_or(|o| o == *test))
            .map(|test| {
                let score = match self.tests.get(test) {
                    Some(binary) => run_test_binary(binary, programs),
                    None => Score {
                        first_failure: Some(format!("tests/{test}.rs was not built")),
                        ..Score::default()
                    },
                };
                (test, score)
            })
            .collect()
    }
}

/// Grades every submission: compiles them one after the other (the grading copy is shared),
/// then runs their tests, two submissions at a time. `progress` gets one line per step.
pub fn grade_all(
    grader: &Grader,
    submissions: &[PathBuf],
    progress: &(dyn Fn(String) + Sync),
) -> Vec<Result<Scores, String>> {
    let mut folders = Vec::new();
    for (slot, submission) in submissions.iter().enumerate() {
        progress(format!(
            "compiling {} ({}/{})",
            label(submission),
            slot + 1,
            submissions.len()
        ));
        folders.push(grader.programs(submission, slot));
    }
    let results: Vec<Mutex<Option<Result<Scores, String>>>> =
        folders.iter().map(|_| Mutex::new(None)).collect();
    let next = Arc::new(Mutex::new(0usize));
    let workers = thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let done = Mutex::new(0usize);
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut next = next.lock().unwrap_or_else(|e| e.into_inner());
                        let i = *next;
                        *next += 1;
                        i
                    };
                    let Some(folder) = folders.get(i) else { break };
                    let result = match folder {
                        Ok(dir) => Ok(grader.run(dir, None)),
                        Err(e) => Err(e.clone()),
                    };
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                    let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
                    *done += 1;
                    progress(format!(
                        "tested {} ({}/{})",
                        label(&submissions[i]),
                        *done,
                        submissions.len()
                    ));
                }
            });
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| Err("not graded".to_string()))
        })
        .collect()
}

/// A submission's name: its folder's name.
pub fn label(submission: &Path) -> String {
    submission
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| submission.display().to_string())
}

/// Runs one test binary against `programs`, with a deadline, and counts its results.
fn run_test_binary(binary: &Path, programs: &Path) -> Score {
    let child = Command::new(binary)
        .env(PROGRAMS_VAR, programs)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            return Score {
                first_failure: Some(format!("cannot run {}: {e}", binary.display())),
                ..Score::default()
            };
        }
    };
    let mut stdout = child.stdout.take();
    let reader = thread::spawn(move || {
        let mut text = String::new();
        if let Some(out) = stdout.as_mut() {
            let mut bytes = Vec::new();
            let _ = out.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    });
    let started = Instant::now();
    let mut timed_out = false;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() < TEST_BINARY_DEADLINE => {
                thread::sleep(Duration::from_millis(20));
            }
            _ => {
                timed_out = true;
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
        }
    }
    let output = reader.join().unwrap_or_default();
    let mut score = parse_libtest(&output);
    if timed_out && score.first_failure.is_none() {
        score.first_failure = Some(format!("stopped after {TEST_BINARY_DEADLINE:?}"));
    }
    score
}

/// Counts `test NAME ... ok|FAILED` lines, and finds the first failure's most telling line.
/// The total comes from the `running N tests` line, so tests cut short count as failed.
pub fn parse_libtest(output: &str) -> Score {
    let mut score = Score::default();
    for line in output.lines() {
        if let Some(n) = line
            .strip_prefix("running ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<u32>().ok())
        {
            score.total = n;
        }
        if line.starts_with("test ") && line.ends_with(" ... ok") {
            score.passed += 1;
        }
    }
    if let Some(start) = output.find("\n---- ") {
        let failure = &output[start..];
        let telling = failure
            .lines()
            .map(str::trim)
            .find(|l| {
                l.contains("not yet implemented")
                    || l.contains("does not compile")
                    || l.starts_with("error[")
                    || l.starts_with("error:")
            })
            .or_else(|| {
                failure
                    .lines()
                    .skip_while(|l| !l.contains("panicked at"))
                    .nth(1)
                    .map(str::trim)
            })
            .unwrap_or("failed");
        let test = failure
            .lines()
            .nth(1)
            .and_then(|l| l.strip_prefix("---- "))
            .and_then(|l| l.strip_suffix(" stdout ----"))
            .unwrap_or("a test");
        let mut line = format!("{test}: {telling}");
        if line.chars().count() > 160 {
            line = line.chars().take(157).collect::<String>() + "...";
        }
        score.first_failure = Some(line);
    }
    score
}

/// Builds the kit's test binaries (never a submission's tests) and returns them by name.
fn build_tests(root: &Path, target: &Path) -> Result<BTreeMap<String, PathBuf>, String> {
    let output = Command::new(cargo())
        .args(["test", "--tests", "--no-run", "--features", "exercises"])
        .args(["--message-format", "json", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err("the kit's tests do not build".to_string());
    }
    let mut tests = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if !line.contains("\"reason\":\"compiler-artifact\"")
            || !line.contains("\"kind\":[\"test\"]")
        {
            continue;
        }
        let name = json_string(line, "\"target\":{").and_then(|t| json_field(t, "name"));
        let executable = json_field(line, "executable");
        if let (Some(name), Some(executable)) = (name, executable) {
            tests.insert(name, PathBuf::from(executable));
        }
    }
    Ok(tests)
}

/// The part of `line` after `marker`.
fn json_string<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.find(marker).map(|i| &line[i + marker.len()..])
}

/// The first string value of `"field":"..."` in `text`, unescaped.
fn json_field(text: &str, field: &str) -> Option<String> {
    let rest = json_string(text, &format!("\"{field}\":\""))?;
    let mut value = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

/// Builds examples of the crate at `root` with the `exercises` feature, without debug
/// information (smaller programs, faster links); returns each one's binary, or the compiler's
/// messages about it.
fn build_examples<'a>(
    root: &Path,
    target: &Path,
    names: &[&'a str],
) -> Vec<(&'a str, Result<PathBuf, String>)> {
    if names.is_empty() {
        return Vec::new();
    }
    let mut cargo = Command::new(cargo());
    cargo
        .args(["build", "--keep-going", "--features", "exercises"])
        .args([
            "--message-format",
            "json-diagnostic-short",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .stderr(Stdio::null());
    for name in names {
        cargo.args(["--example", name]);
    }
    let output = match cargo.output() {
        Ok(output) => String::from_utf8_lossy(&output.stdout).into_owned(),
        Err(e) => {
            let why = format!("cannot run cargo: {e}");
            return names.iter().map(|n| (*n, Err(why.clone()))).collect();
        }
    };
    let mut binaries: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    for line in output.lines() {
        let Some(name) = json_string(line, "\"target\":{").and_then(|t| json_field(t, "name"))
        else {
            continue;
        };
        let artifact = line.contains("\"reason\":\"compiler-artifact\"")
            && line.contains("\"kind\":[\"example\"]");
        let error = line.contains("\"reason\":\"compiler-message\"")
            && line.contains("\"level\":\"error\"");
        if artifact && let Some(executable) = json_field(line, "executable") {
            binaries.insert(name, PathBuf::from(executable));
        } else if error && let Some(rendered) = json_field(line, "rendered") {
            let text = errors.entry(name).or_default();
            if text.lines().count() < 20 {
                text.push_str(rendered.trim_end());
                text.push('\n');
            }
        }
    }
    names
        .iter()
        .map(|name| {
            let result = binaries.remove(*name).ok_or_else(|| {
                errors
                    .remove(*name)
                    .unwrap_or_else(|| "does not compile".to_string())
            });
            (*name, result)
        })
        .collect()
}

/// The cargo that runs `tp`, or the one on the PATH.
fn cargo() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}

/// Copies the kit's sources into the grading copy, leaving unchanged files untouched so that
/// cargo does not rebuild what has not changed. `exercises/` is filled one file at a time.
/// Returns a fingerprint of the kit's sources: programs built against other sources are stale.
fn sync_copy(root: &Path, copy: &Path) -> Result<u64, String> {
    let mut fingerprint = 0u64;
    for file in ["Cargo.toml", "Cargo.lock"] {
        let bytes = std::fs::read(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
        fingerprint = fingerprint.rotate_left(5) ^ fnv64(&bytes);
        write_if_changed(&copy.join(file), &bytes)?;
    }
    for folder in ["src", "examples", "tools", "images", "solutions"] {
        fingerprint =
            fingerprint.rotate_left(5) ^ sync_folder(&root.join(folder), &copy.join(folder))?;
    }
    std::fs::create_dir_all(copy.join("exercises"))
        .map_err(|e| format!("{}: {e}", copy.display()))?;
    Ok(fingerprint)
}

/// Copies `from` into `to`; returns a fingerprint of the files' paths and contents.
fn sync_folder(from: &Path, to: &Path) -> Result<u64, String> {
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", from.display()))?;
    entries.sort_by_key(|entry| entry.file_name());
    let mut fingerprint = fnv64(from.as_os_str().as_encoded_bytes());
    for entry in entries {
        let path = entry.path();
        let part = if path.is_dir() {
            sync_folder(&path, &to.join(entry.file_name()))?
        } else {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            write_if_changed(&to.join(entry.file_name()), &bytes)?;
            fnv64(&bytes) ^ fnv64(entry.file_name().as_encoded_bytes())
        };
        fingerprint = fingerprint.rotate_left(5) ^ part;
    }
    Ok(fingerprint)
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    write(path, bytes)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// A hard link (no copy of a large binary), or a copy where links are not possible.
fn link(from: &Path, to: &Path) -> Result<(), String> {
    let _ = std::fs::remove_file(to);
    std::fs::hard_link(from, to)
        .or_else(|_| std::fs::copy(from, to).map(|_| ()))
        .map_err(|e| format!("{}: {e}", to.display()))
}

/// FNV-1a, 64 bits: a file's content, as a cache key.
fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_output_is_counted_and_the_telling_line_found() {
        let output = "\nrunning 3 tests\ntest a ... ok\ntest b ... FAILED\ntest c ... FAILED\n\n\
                      failures:\n\n---- b stdout ----\n\nthread 'b' panicked at tests/x.rs:1:1:\n\
                      ex1_tcp_server did not print\n--- stderr ---\n\
                      thread 'main' panicked at exercises/x.rs:2:2:\n\
                      not yet implemented: step 4: create the socket\n";
        let score = parse_libtest(output);
        assert_eq!((score.passed, score.total), (1, 3));
        assert_eq!(
            score.first_failure.as_deref(),
            Some("b: not yet implemented: step 4: create the socket")
        );
    }

    #[test]
    fn a_run_cut_short_counts_the_missing_tests_as_failed() {
        let score = parse_libtest("running 5 tests\ntest a ... ok\n");
        assert_eq!((score.passed, score.total), (1, 5));
    }

    #[test]
    fn cargo_json_fields_are_read() {
        let line = r#"{"reason":"compiler-artifact","target":{"kind":["test"],"name":"ex1_tcp"},"executable":"C:\\k\\ex1.exe"}"#;
        assert_eq!(
            json_field(line, "executable").as_deref(),
            Some("C:\\k\\ex1.exe")
        );
        let target = json_string(line, "\"target\":{").unwrap();
        assert_eq!(json_field(target, "name").as_deref(), Some("ex1_tcp"));
    }
}
