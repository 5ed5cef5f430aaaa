//! Cargo, run by the kit itself: to build the programs a test starts, the programs and tests
//! `tp` grades with, and the programs `proj_bench` measures. Cargo says what it built, and why
//! something did not compile, in JSON messages (`--message-format json`), read with serde_json.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// What building one program gave: its executable, or the compiler's error messages.
pub type Built = Result<PathBuf, CompilerSaid>;

/// Why something did not build, in the compiler's (or cargo's) own words, as they are shown
/// to the student.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompilerSaid(pub String);

impl std::fmt::Display for CompilerSaid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CompilerSaid {}

/// A cargo command for the kit at a given manifest, with its options.
#[derive(Debug, Clone)]
pub struct Cargo {
    manifest: PathBuf,
    options: Vec<OsString>,
    /// Cargo's own progress goes to tp's stderr (what it compiles, and how far).
    progress: bool,
}

/// The cargo that runs this program (`$CARGO`, set by cargo), or the one on the PATH.
pub fn program() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

impl Cargo {
    /// Cargo for the crate whose folder is `root`.
    pub fn new(root: &Path) -> Cargo {
        Cargo {
            manifest: root.join("Cargo.toml"),
            options: Vec::new(),
            progress: false,
        }
    }

    /// Adds command-line options (`--release`, `--target-dir DIR`, `--features exercises`...).
    pub fn with<S: Into<OsString>>(mut self, options: impl IntoIterator<Item = S>) -> Cargo {
        self.options.extend(options.into_iter().map(Into::into));
        self
    }

    /// Shows cargo's own progress on tp's stderr (`Compiling ...`, and its bar on a terminal):
    /// for a build that takes minutes. Its errors are then on that stderr too.
    pub fn showing_progress(mut self) -> Cargo {
        self.progress = true;
        self
    }

    fn command(&self, verb: &[&str]) -> Command {
        let mut command = Command::new(program());
        // Cargo reads `.cargo/config.toml` from its working folder up: from the kit's, never
        // from a folder a submission may have put one in.
        if let Some(kit) = self.manifest.parent() {
            command.current_dir(kit);
        }
        command
            .args(verb)
            .args(["--message-format", "json", "--manifest-path"])
            .arg(&self.manifest)
            .args(&self.options)
            .stdin(Stdio::null());
        if self.progress {
            command.stderr(Stdio::inherit());
        }
        command
    }

    /// Builds the examples `names` (`--keep-going`: a program that does not compile stops
    /// only itself) and returns each one's executable, or the compiler's errors about it.
    pub fn build_examples(&self, names: &[&str]) -> io::Result<BTreeMap<String, Built>> {
        if names.is_empty() {
            return Ok(BTreeMap::new());
        }
        let mut command = self.command(&["build", "--keep-going"]);
        for name in names {
            command.args(["--example", name]);
        }
        let messages = run(&mut command)?;
        let mut built = read_messages(&messages.stdout, "example");
        // A program with neither executable nor error of its own failed for another target
        // (the kit's library), or for cargo itself: say that.
        let others = read_messages(&messages.stdout, "lib")
            .into_values()
            .filter_map(Result::err);
        let others: String = others.map(|said| said.0).collect();
        for name in names {
            built.entry(name.to_string()).or_insert_with(|| {
                Err(if others.is_empty() {
                    failure(&messages.stderr)
                } else {
                    CompilerSaid(others.clone())
                })
            });
        }
        Ok(built)
    }

    /// Builds the test binary `name` of the `tp` package (`--test NAME --no-run`) and
    /// returns its executable, or the compiler's errors.
    pub fn build_tests(&self, name: &str) -> io::Result<Built> {
        let mut command = self.command(&["test", "--no-run", "--package", "tp", "--test", name]);
        let messages = run(&mut command)?;
        let built = read_messages(&messages.stdout, "test").remove(name);
        Ok(match built {
            Some(Ok(binary)) if messages.success => Ok(binary),
            Some(Err(errors)) => Err(errors),
            _ => Err(failure(&messages.stderr)),
        })
    }
}

/// The libraries that a program of the kit links with, as cargo built them: each package's
/// `.rlib`, by package id, the folder of their dependencies, and the folders of native
/// libraries that build scripts named.
#[derive(Debug, Clone, Default)]
pub struct Libraries {
    /// Each package's library, by cargo's package id (`path+file:///kit#tp-sockets@0.1.0`).
    pub by_package: BTreeMap<String, PathBuf>,
    /// Where the libraries' own dependencies are (`-L dependency=`).
    pub deps: Option<PathBuf>,
    /// Where build scripts said native libraries are (`-L native=`).
    pub native: Vec<String>,
}

impl Cargo {
    /// Builds the kit's library (`--package tp-sockets --lib`, with this command's options)
    /// and returns the libraries a program links with, or the compiler's errors.
    pub fn build_library(&self) -> io::Result<Result<Libraries, CompilerSaid>> {
        let verb = ["build", "--package", "tp-sockets", "--lib"];
        let messages = run(&mut self.command(&verb))?;
        if !messages.success {
            return Ok(Err(failure(&messages.stderr)));
        }
        let mut libraries = Libraries::default();
        for message in messages
            .stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        {
            let package = message["package_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            match message["reason"].as_str() {
                Some("compiler-artifact") => {
                    // The library in deps/, beside its metadata (the copy cargo puts in the
                    // profile's folder is overwritten by a build with other features).
                    let rmeta = message["filenames"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .find(|f| f.ends_with(".rmeta"));
                    if let Some(rmeta) = rmeta {
                        let rlib = PathBuf::from(rmeta).with_extension("rlib");
                        libraries.deps = rlib.parent().map(Path::to_path_buf);
                        libraries.by_package.insert(package, rlib);
                    }
                }
                Some("build-script-executed") => {
                    let paths = message["linked_paths"].as_array().into_iter().flatten();
                    libraries
                        .native
                        .extend(paths.filter_map(Value::as_str).map(str::to_string));
                }
                _ => {}
            }
        }
        Ok(Ok(libraries))
    }

    /// `cargo metadata` for the kit, on the platform `host`: its packages and how their
    /// dependencies were resolved.
    pub fn metadata(&self, host: &str) -> io::Result<Result<Value, CompilerSaid>> {
        let mut command = Command::new(program());
        command
            .args([
                "metadata",
                "--format-version",
                "1",
                "--filter-platform",
                host,
            ])
            .arg("--manifest-path")
            .arg(&self.manifest)
            .stdin(Stdio::null());
        let messages = run(&mut command)?;
        if !messages.success {
            return Ok(Err(failure(&messages.stderr)));
        }
        Ok(serde_json::from_str(&messages.stdout)
            .map_err(|e| CompilerSaid(format!("cargo metadata wrote no JSON: {e}"))))
    }
}

/// What cargo printed, and whether it succeeded.
struct Messages {
    stdout: String,
    stderr: String,
    success: bool,
}

fn run(command: &mut Command) -> io::Result<Messages> {
    let output = command.output()?;
    Ok(Messages {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        success: output.status.success(),
    })
}

/// The targets of `kind` ("example", "test") that cargo's JSON messages report: the
/// executable built, or the errors the compiler gave about it (in its own words).
fn read_messages(json: &str, kind: &str) -> BTreeMap<String, Built> {
    let mut built: BTreeMap<String, Built> = BTreeMap::new();
    for message in json
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        let target = &message["target"];
        let Some(name) = target["name"].as_str() else {
            continue;
        };
        if !target["kind"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == kind))
        {
            continue;
        }
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                if let Some(executable) = message["executable"].as_str() {
                    built.insert(name.to_string(), Ok(PathBuf::from(executable)));
                }
            }
            Some("compiler-message") if message["message"]["level"] == "error" => {
                let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                let entry = built
                    .entry(name.to_string())
                    .or_insert_with(|| Err(CompilerSaid::default()));
                if let Err(errors) = entry {
                    // The launchers include the student files: show the file's own path.
                    errors.0.push_str(&rendered.replace("examples/../", ""));
                }
            }
            _ => {}
        }
    }
    built
}

/// Why cargo failed when the compiler said nothing about a program: cargo's own last words.
fn failure(stderr: &str) -> CompilerSaid {
    let words: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let last = words[words.len().saturating_sub(10)..].join("\n");
    CompilerSaid(if last.is_empty() {
        "cargo built nothing (its messages, if any, are above)".to_string()
    } else {
        last
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executables_and_compiler_errors_are_read_from_cargos_json() {
        let json = [
            r#"{"reason":"compiler-artifact","target":{"kind":["example"],"name":"ok"},"executable":"C:\\k\\ok.exe"}"#,
            r#"{"reason":"compiler-message","target":{"kind":["example"],"name":"bad"},"message":{"level":"warning","rendered":"warning: unused\n"}}"#,
            r#"{"reason":"compiler-message","target":{"kind":["example"],"name":"bad"},"message":{"level":"error","rendered":"error[E0425]: cannot find value `x`\n"}}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"tp_sockets"},"executable":null}"#,
            "not json",
        ]
        .join("\n");
        let built = read_messages(&json, "example");
        assert_eq!(built["ok"], Ok(PathBuf::from("C:\\k\\ok.exe")));
        assert_eq!(
            built["bad"],
            Err(CompilerSaid(
                "error[E0425]: cannot find value `x`\n".to_string()
            ))
        );
        assert_eq!(built.len(), 2);
    }
}
