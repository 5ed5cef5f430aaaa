//! How a program of the kit is compiled against its library: what cargo says of the kit
//! (`cargo metadata`, and the libraries it built), turned into rustc's options.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use tp_sockets::kit::process::run_to_end;

use super::Recipe;
use crate::cargo::{Cargo, CompilerSaid};

/// Why the way to compile a student's file could not be prepared.
#[derive(Debug)]
pub enum RecipeError {
    /// rustc could not be started.
    Rustc(std::io::Error),
    /// rustc, run with these options, failed, and said this.
    RustcFailed(String, String),
    /// cargo could not be started.
    Cargo(std::io::Error),
    /// The kit's library does not build.
    Library(CompilerSaid),
    /// `cargo metadata` failed.
    Metadata(CompilerSaid),
    /// What rustc or cargo said lacks this.
    Missing(String),
}

impl std::fmt::Display for RecipeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecipeError::Rustc(e) => write!(f, "cannot run rustc: {e}"),
            RecipeError::RustcFailed(args, said) => write!(f, "rustc {args} failed: {said}"),
            RecipeError::Cargo(e) => write!(f, "cannot run cargo: {e}"),
            RecipeError::Library(said) => write!(f, "the kit's library does not build:\n{said}"),
            RecipeError::Metadata(said) => write!(f, "cargo metadata failed:\n{said}"),
            RecipeError::Missing(what) => write!(f, "{what}"),
        }
    }
}

impl std::error::Error for RecipeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecipeError::Rustc(e) | RecipeError::Cargo(e) => Some(e),
            RecipeError::Library(said) | RecipeError::Metadata(said) => Some(said),
            RecipeError::RustcFailed(..) | RecipeError::Missing(_) => None,
        }
    }
}

/// What cargo or rustc did not say.
fn missing(what: &str) -> RecipeError {
    RecipeError::Missing(what.to_string())
}

impl Recipe {
    /// Builds the kit's library into `target` (once: cargo knows when it is up to date; it is
    /// the very library `cargo run` built for tp) and reads how a program links with it. The
    /// student's file and its launcher are compiled with `--cfg feature="exercises"`: the
    /// library itself does not depend on the feature (the launcher reads its build itself,
    /// `tp_sockets::launch!`).
    pub fn prepare(kit: &Path, target: &Path) -> Result<Recipe, RecipeError> {
        let sysroot = rustc_output(&["--print", "sysroot"])?;
        let sysroot = PathBuf::from(sysroot.trim());
        let rustc = sysroot
            .join("bin")
            .join(format!("rustc{}", std::env::consts::EXE_SUFFIX));
        let host = rustc_output(&["-vV"])?
            .lines()
            .find_map(|l| l.strip_prefix("host: "))
            .map(str::to_string)
            .ok_or_else(|| missing("rustc -vV names no host"))?;
        let cargo = Cargo::new(kit).with(["--target-dir"]).with([target]);
        let libraries = cargo
            .build_library()
            .map_err(RecipeError::Cargo)?
            .map_err(RecipeError::Library)?;
        let metadata = cargo.metadata(&host).map_err(RecipeError::Cargo)?;
        let metadata = metadata.map_err(RecipeError::Metadata)?;
        let package = metadata["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "tp-sockets")
            .ok_or_else(|| missing("cargo metadata has no package tp-sockets"))?;
        let deps = libraries
            .deps
            .clone()
            .ok_or_else(|| missing("cargo built no library"))?;

        let mut args: Vec<OsString> = Vec::new();
        let mut arg = |a: &str| args.push(a.into());
        arg(&format!(
            "--edition={}",
            package["edition"].as_str().unwrap_or("2024")
        ));
        for a in ["--crate-type", "bin", "--emit=link", "--error-format=json"] {
            arg(a);
        }
        // No debug information in a student's program, its libraries' included (the linker
        // drops theirs: cargo built them with it, for `cargo run`): links stay fast.
        for a in [
            "-C",
            "embed-bitcode=no",
            "-C",
            "debuginfo=0",
            "-C",
            "strip=debuginfo",
        ] {
            arg(a);
        }
        arg("--cfg");
        arg("feature=\"exercises\"");
        for (lint, level) in lints(kit) {
            arg(&format!("--{level}={lint}"));
        }
        args.push(OsString::from("-L"));
        args.push(format!("dependency={}", deps.display()).into());
        let mut read_only = vec![sysroot, deps];
        for native in &libraries.native {
            args.push("-L".into());
            args.push(native.into());
            let folder = native.split_once('=').map_or(native.as_str(), |(_, f)| f);
            read_only.push(PathBuf::from(folder));
        }
        // The kit's direct dependencies, under the names its code uses.
        let node = metadata["resolve"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|n| n["id"] == package["id"])
            .ok_or_else(|| missing("cargo metadata did not resolve tp-sockets"))?;
        let mut externs = vec![("tp_sockets".to_string(), package["id"].clone())];
        for dep in node["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            if normal {
                let name = dep["name"].as_str().unwrap_or_default().to_string();
                externs.push((name, dep["pkg"].clone()));
            }
        }
        for (name, id) in externs {
            let rlib = id
                .as_str()
                .and_then(|id| libraries.by_package.get(id))
                .ok_or_else(|| RecipeError::Missing(format!("cargo built no library for {id}")))?;
            args.push("--extern".into());
            args.push(format!("{name}={}", rlib.display()).into());
        }
        let env = package_env(package, kit);
        Ok(Recipe {
            rustc,
            args,
            env,
            read_only,
        })
    }
}

impl Recipe {
    /// The recipe as JSON, to be read back by [`Recipe::from_json`].
    pub fn to_json(&self) -> Value {
        let text = |os: &std::ffi::OsStr| os.to_string_lossy().into_owned();
        json!({
            "rustc": text(self.rustc.as_os_str()),
            "args": self.args.iter().map(|a| text(a)).collect::<Vec<_>>(),
            "env": self.env.iter().map(|(k, v)| [k.clone(), text(v)]).collect::<Vec<_>>(),
            "read_only": self.read_only.iter().map(|p| text(p.as_os_str())).collect::<Vec<_>>(),
        })
    }

    /// The recipe `json` holds, if it holds one whose compiler and libraries are still there.
    pub fn from_json(json: &Value) -> Option<Recipe> {
        let texts = |key: &str| -> Option<Vec<String>> {
            json[key]
                .as_array()?
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        let env = json["env"]
            .as_array()?
            .iter()
            .map(|pair| Some((pair[0].as_str()?.to_string(), pair[1].as_str()?.into())))
            .collect::<Option<Vec<_>>>()?;
        let recipe = Recipe {
            rustc: PathBuf::from(json["rustc"].as_str()?),
            args: texts("args")?.into_iter().map(OsString::from).collect(),
            env,
            read_only: texts("read_only")?.into_iter().map(PathBuf::from).collect(),
        };
        // The libraries live in the kit's target folder, which `cargo clean` empties.
        let libraries = recipe.args.windows(2).filter(|pair| pair[0] == "--extern");
        let present = recipe.rustc.is_file()
            && recipe.read_only.iter().all(|p| p.exists())
            && libraries.into_iter().all(|pair| {
                let library = pair[1].to_string_lossy();
                library
                    .split_once('=')
                    .is_some_and(|(_, path)| Path::new(path).exists())
            });
        present.then_some(recipe)
    }

    /// What this recipe's compiler says of itself (`rustc -vV`): another toolchain cannot link
    /// with the libraries it was prepared with.
    pub fn toolchain(&self) -> Result<String, RecipeError> {
        rustc_output_of(self.rustc.as_os_str(), &["-vV"])
    }
}

/// What rustc (the one cargo runs: `$RUSTC`, or the one on the PATH) prints for `args`.
fn rustc_output(args: &[&str]) -> Result<String, RecipeError> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    rustc_output_of(&rustc, args)
}

/// What the compiler `rustc` prints for `args`.
fn rustc_output_of(rustc: &std::ffi::OsStr, args: &[&str]) -> Result<String, RecipeError> {
    let finished = run_to_end(Command::new(rustc).args(args), b"", Duration::from_secs(30))
        .map_err(RecipeError::Rustc)?;
    match finished.status {
        Some(status) if status.success() => Ok(finished.stdout),
        _ => Err(RecipeError::RustcFailed(args.join(" "), finished.stderr)),
    }
}

/// The lints the kit sets for its code (`[workspace.lints.rust]` in its Cargo.toml), as cargo
/// passes them to rustc: a student's file is held to `unsafe_code = "forbid"` as with
/// `cargo ex`.
fn lints(kit: &Path) -> Vec<(String, String)> {
    let manifest = std::fs::read_to_string(kit.join("Cargo.toml")).unwrap_or_default();
    let mut inside = false;
    let mut lints = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[workspace.lints.rust]";
        } else if inside && let Some((name, level)) = line.split_once('=') {
            let level = level.trim().trim_matches('"');
            lints.push((name.trim().to_string(), level.to_string()));
        }
    }
    lints
}

/// The environment cargo sets for rustc when it compiles a program of the package.
fn package_env(package: &Value, kit: &Path) -> Vec<(String, OsString)> {
    let text = |key: &str| package[key].as_str().unwrap_or_default().to_string();
    let version = text("version");
    let mut parts = version.splitn(3, '.');
    let mut env: Vec<(String, OsString)> = [
        ("CARGO_PKG_NAME", text("name")),
        ("CARGO_PKG_VERSION", version.clone()),
        (
            "CARGO_PKG_VERSION_MAJOR",
            parts.next().unwrap_or("0").into(),
        ),
        (
            "CARGO_PKG_VERSION_MINOR",
            parts.next().unwrap_or("0").into(),
        ),
        (
            "CARGO_PKG_VERSION_PATCH",
            parts.next().unwrap_or("0").into(),
        ),
        ("CARGO_PKG_VERSION_PRE", String::new()),
        ("CARGO_PKG_DESCRIPTION", text("description")),
        ("CARGO_PKG_LICENSE", text("license")),
        ("CARGO_PKG_REPOSITORY", text("repository")),
        ("CARGO_PKG_HOMEPAGE", text("homepage")),
        ("CARGO_PKG_RUST_VERSION", text("rust_version")),
        ("CARGO_PKG_README", text("readme")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into()))
    .collect();
    let authors: Vec<&str> = package["authors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    env.push(("CARGO_PKG_AUTHORS".into(), authors.join(":").into()));
    env.push(("CARGO_MANIFEST_DIR".into(), kit.into()));
    env.push(("CARGO_MANIFEST_PATH".into(), kit.join("Cargo.toml").into()));
    env
}
