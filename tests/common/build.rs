//! Which program a test starts. The program under test is "the example binary NAME" built for
//! the current feature set: the reference under `cargo test`, the student's file under
//! `cargo grade`. Its peers (the server a client talks to, the client a server answers) are
//! always the references, so that each program's tests depend on that program alone. Both are
//! built from the code on disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use tp_sockets::kit::cargo::{Built, Cargo};
use tp_sockets::kit::launcher::{EXPECT_VAR, PROGRAMS_VAR, REFERENCES_VAR};

/// The build the current test binary was compiled for, hence the build it must test.
pub const BUILD: &str = tp_sockets::kit::launcher::BUILD;

/// A program under test (the current build), or a reference (the `solutions` build).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    UnderTest,
    Reference,
}

impl Role {
    /// The build this role runs: `exercises` or `solutions`.
    pub fn build(self) -> &'static str {
        match self {
            Role::UnderTest => BUILD,
            Role::Reference => "solutions",
        }
    }
}

/// The executable of `name` in `role`, built if it is not up to date.
///
/// `cargo test --test ex1_tcp` (or `cargo grade --test ex1_tcp`) rebuilds only that test file,
/// not the programs it runs, so the harness runs `cargo build --example NAME` itself, once per
/// program, role and test binary. A file that does not compile fails only the tests that run
/// it, with the compiler's message. With `tp grade` and `tp check`, the programs were built
/// beforehand into the folders the environment names.
#[track_caller]
pub fn executable(name: &str, role: Role) -> PathBuf {
    let prebuilt = match role {
        Role::UnderTest => PROGRAMS_VAR,
        Role::Reference => REFERENCES_VAR,
    };
    if let Some(dir) = std::env::var_os(prebuilt) {
        return from_folder(Path::new(&dir), name, role);
    }
    static BUILT: Mutex<BTreeMap<(String, Role), Built>> = Mutex::new(BTreeMap::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let result = built
        .entry((name.to_string(), role))
        .or_insert_with(|| build(name, role))
        .clone();
    drop(built);
    result.unwrap_or_else(|message| panic!("{message}"))
}

/// A program that `tp grade` or `tp check` built beforehand into `dir`.
#[track_caller]
fn from_folder(dir: &Path, name: &str, role: Role) -> PathBuf {
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.exists() {
        return path;
    }
    let build = role.build();
    match std::fs::read_to_string(dir.join(format!("{name}.error"))) {
        Ok(why) => panic!("{name} does not compile ({build}/{name}.rs):\n{why}"),
        Err(_) => panic!("{name} was not built into {}", dir.display()),
    }
}

/// Builds `name` for `role` with the profile and target of this test binary, and links the
/// executable to a place of its own (`<profile>/tp-<build>/NAME`): cargo puts both builds of a
/// program at the same path, and the next build would take this one's place.
fn build(name: &str, role: Role) -> Built {
    // Test binaries live in <target>/[<triple>/]<profile>/deps/.
    let exe = std::env::current_exe().map_err(|e| format!("path of the test binary: {e}"))?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("the test binary is not in target/<profile>/deps/")?;
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .ok_or("no target directory")?;
    let mut options = vec!["--target-dir".into(), target_dir.as_os_str().to_owned()];
    match profile_dir.file_name().and_then(|p| p.to_str()) {
        Some("debug") | None => {}
        Some("release") => options.push("--release".into()),
        Some(profile) => options.extend(["--profile".into(), profile.into()]),
    }
    if let Some(triple) = profile_dir
        .parent()
        .filter(|dir| *dir != target_dir)
        .and_then(Path::file_name)
    {
        options.extend(["--target".into(), triple.to_owned()]);
    }
    let build = role.build();
    if build == "exercises" {
        options.extend(["--features".into(), "exercises".into()]);
    }
    let built = Cargo::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .with(options)
        .build_examples(&[name])
        .map_err(|e| format!("cannot run cargo to build {name}: {e}"))?;
    let built = match built.into_values().next() {
        Some(Ok(path)) => path,
        Some(Err(errors)) => {
            return Err(format!(
                "{name} does not compile ({build}/{name}.rs):\n{errors}"
            ));
        }
        None => return Err(format!("cargo did not build {name}")),
    };
    let own = profile_dir
        .join(format!("tp-{build}"))
        .join(built.file_name().ok_or("an executable with no name")?);
    std::fs::create_dir_all(own.parent().ok_or("no folder")?).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&own);
    std::fs::hard_link(&built, &own)
        .or_else(|_| std::fs::copy(&built, &own).map(drop))
        .map_err(|e| format!("{}: {e}", own.display()))?;
    Ok(own)
}

/// A `Command` for the example `name` in `role`, told which build the tests expect, with no
/// backtrace in what it prints.
pub fn command_for(name: &str, role: Role) -> Command {
    let mut cmd = Command::new(executable(name, role));
    cmd.env(EXPECT_VAR, role.build()).env("RUST_BACKTRACE", "0");
    cmd
}

/// A `Command` for the example `name` under test.
pub fn command(name: &str) -> Command {
    command_for(name, Role::UnderTest)
}
