//! Which program a test starts. The program under test is "the example binary NAME" built for
//! the current feature set: the reference under `cargo test`, the student's file under
//! `cargo grade`. Its peers (the server a client talks to, the client a server answers) are
//! always the references, so that each program's tests depend on that program alone. Both are
//! built from the code on disk, once per test binary.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tp::cargo::Cargo;
use tp::told::UNDER_TEST_VAR;
use tp_sockets::kit::launcher::{PROGRAMS_VAR, REFERENCES_VAR};

/// The build the current test binary was compiled for, hence the build it must test.
pub const BUILD: &str = tp_sockets::kit::launcher::BUILD;

/// A program under test (the current build), or a reference (the `solutions` build).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    UnderTest,
    Reference,
}

impl Role {
    /// The build this role runs: `exercises` or `solutions`. The program under test is the
    /// build this test binary was compiled for, or the one `tp` names ([`UNDER_TEST_VAR`]).
    pub fn build(self) -> &'static str {
        match self {
            Role::UnderTest => match std::env::var(UNDER_TEST_VAR).as_deref() {
                Ok("exercises") => "exercises",
                Ok("solutions") => "solutions",
                _ => BUILD,
            },
            Role::Reference => "solutions",
        }
    }
}

/// The executable of `name` in `role`, built if it is not up to date.
///
/// `cargo test --test programs` rebuilds only the test binary, not the programs it runs, so
/// the harness runs cargo itself: the first time a program of a role is asked for, every
/// program of that role is built, in one `cargo build --examples --keep-going` (a file that
/// does not compile fails only the tests that run it, with the compiler's message). With
/// `tp grade` and `tp check`, and in a test that runs again in a network of its own, the
/// programs were built beforehand into the folders the environment names.
#[track_caller]
pub fn executable(name: &str, role: Role) -> PathBuf {
    from_folder(&programs_folder(role), name, role)
}

/// The folder that holds the programs of `role`: the one the environment names, or the one
/// this test binary built.
#[track_caller]
pub fn programs_folder(role: Role) -> PathBuf {
    let prebuilt = match role {
        Role::UnderTest => PROGRAMS_VAR,
        Role::Reference => REFERENCES_VAR,
    };
    if let Some(dir) = std::env::var_os(prebuilt) {
        return PathBuf::from(dir);
    }
    static BUILT: [OnceLock<Result<PathBuf, String>>; 2] = [OnceLock::new(), OnceLock::new()];
    let slot = usize::from(role.build() == "exercises");
    let built = BUILT[slot].get_or_init(|| build_all(role.build()));
    built.clone().unwrap_or_else(|message| panic!("{message}"))
}

/// A program built beforehand into `dir`: `NAME`, or `NAME.error` with why it does not compile.
#[track_caller]
fn from_folder(dir: &Path, name: &str, role: Role) -> PathBuf {
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.exists() {
        return path;
    }
    let build = role.build();
    match std::fs::read_to_string(dir.join(format!("{name}.error"))) {
        Ok(why) => panic!(
            "{}\n{why}",
            tp::told::does_not_compile(name, &format!("{build}/{name}.rs"))
        ),
        Err(_) => panic!("{name} was not built into {}", dir.display()),
    }
}

/// Builds every program of `build` (`solutions` or `exercises`) with the profile and target of
/// this test binary, and links each executable (or writes why it does not compile) into a
/// folder of its own, `<profile>/tp-<build>/`: cargo puts both builds of a program at the same
/// path, and the next build would take this one's place. Each file is put in place by a rename,
/// so that a test binary running meanwhile never starts half a program.
fn build_all(build: &str) -> Result<PathBuf, String> {
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
    if build == "exercises" {
        options.extend(["--features".into(), "exercises".into()]);
    }
    let names: Vec<&str> = tp::programs::PROGRAMS
        .iter()
        .filter(|p| !p.test.is_empty())
        .map(|p| p.name)
        .collect();
    let built = Cargo::new(tp::kit_root())
        .with(options)
        .build_examples(&names)
        .map_err(|e| format!("cannot run cargo to build the programs: {e}"))?;
    let folder = profile_dir.join(format!("tp-{build}"));
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    for (name, result) in built {
        let executable = folder.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        let error = folder.join(format!("{name}.error"));
        let (old, new) = match &result {
            Ok(_) => (&error, &executable),
            Err(_) => (&executable, &error),
        };
        let _ = std::fs::remove_file(old);
        let staged = folder.join(format!(".{name}.{}", std::process::id()));
        let _ = std::fs::remove_file(&staged);
        match result {
            Ok(path) => std::fs::hard_link(&path, &staged)
                .or_else(|_| std::fs::copy(&path, &staged).map(drop)),
            Err(errors) => std::fs::write(&staged, errors.0),
        }
        .and_then(|()| std::fs::rename(&staged, new))
        .map_err(|e| format!("{}: {e}", new.display()))?;
    }
    Ok(folder)
}
