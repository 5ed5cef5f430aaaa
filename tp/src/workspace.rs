//! Where `tp check` and `tp grade` work: `target/tp-grade/`, locked while in use.
//!
//! - `kit/`: a grading copy of the kit's sources, with an `exercises/` folder filled one
//!   student file at a time (a submission's tests are never looked at);
//! - `target/`: where that copy builds;
//! - `cache/`: each student file compiled once, by the hash of its content (a class's
//!   untouched skeletons, or two identical files, are compiled once), reset whenever the kit's
//!   own sources change;
//! - `references/`: the kit's reference programs (and tools), built once.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use tp::cargo::Cargo;
use tp::programs::{PROGRAM_TESTS, PROGRAMS};

use crate::files::{fnv64, link, sync_copy, write};

/// The grading workspace, ready: the kit's test binaries and reference programs built.
pub struct Workspace {
    /// The kit's own folder (its tests are the ones that grade).
    pub root: PathBuf,
    work: PathBuf,
    /// The test binary of the kit's programs (tests/programs/).
    pub tests: PathBuf,
    /// The reference programs and tools, one executable per program name.
    pub references: PathBuf,
    fingerprint: u64,
    /// Held while this workspace is used: two `tp` at once take turns.
    _lock: File,
}

impl Workspace {
    /// Locks the workspace and builds what grading needs, once.
    pub fn prepare(root: &Path) -> Result<Workspace, String> {
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
        let work = target.join("tp-grade");
        std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
        let lock =
            File::create(work.join("lock")).map_err(|e| format!("{}: {e}", work.display()))?;
        if lock.try_lock().is_err() {
            eprintln!(
                "waiting for another tp (check, watch or grade) to finish: they take turns..."
            );
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
        eprintln!("building the kit's tests and reference programs (once)...");
        let tests = Cargo::new(root)
            .with(["--features", "exercises", "--target-dir"])
            .with([&target])
            .build_tests(PROGRAM_TESTS)
            .map_err(|e| format!("cannot run cargo: {e}"))?
            .map_err(|errors| format!("the kit's tests do not build:\n{errors}"))?;
        let workspace = Workspace {
            root: root.to_path_buf(),
            references: work.join("references"),
            work,
            tests,
            fingerprint,
            _lock: lock,
        };
        workspace.build_references()?;
        Ok(workspace)
    }

    /// Cargo for the grading copy, building into a folder of its own (students' programs
    /// never take the place of the kit's own in target/debug/examples/), without debug
    /// information (smaller programs, faster links).
    fn cargo(&self) -> Cargo {
        Cargo::new(&self.work.join("kit"))
            .with(["--target-dir"])
            .with([self.work.join("target")])
            .without_debug_info()
    }

    /// Builds every reference program and tool once. Each executable is hard-linked into
    /// `references/` at once: cargo puts the students' builds at the same path later.
    fn build_references(&self) -> Result<(), String> {
        let names: Vec<&str> = PROGRAMS
            .iter()
            .filter(|p| p.name != "proj_bench")
            .map(|p| p.name)
            .collect();
        let marker = self
            .references
            .join(format!("KIT-{:016x}", self.fingerprint));
        if marker.exists() {
            return Ok(());
        }
        let _ = std::fs::remove_dir_all(&self.references);
        let built = self
            .cargo()
            .build_examples(&names)
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        for (name, result) in built {
            let path =
                result.map_err(|e| format!("the kit's program {name} does not build:\n{e}"))?;
            link(&path, &self.references.join(executable(&name)))?;
        }
        write(&marker, b"")
    }

    /// Where the kit remembers that every test of `name` passed with the file `code` (reset,
    /// like the cache, when the kit changes): what `tp watch` counts as done.
    pub fn passed_marker(&self, name: &str, code: &[u8]) -> PathBuf {
        self.work
            .join("cache")
            .join(format!("{name}-{:016x}.passed", fnv64(code)))
    }

    /// The folder where the programs of submission number `slot` are put.
    pub fn programs_folder(&self, slot: usize) -> Result<PathBuf, String> {
        let dir = self.work.join("programs").join(slot.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(dir)
    }

    /// Compiles the student files `files` (program name, source) into `dir`: each program, or
    /// `NAME.error` with the compiler's messages. A file seen before (same name and content,
    /// same kit) comes from the cache. The tools are linked in too.
    pub fn compile(
        &self,
        files: &BTreeMap<&'static str, Vec<u8>>,
        dir: &Path,
    ) -> Result<(), String> {
        let cache = self.work.join("cache");
        let mut to_build = Vec::new();
        let mut keys = Vec::new();
        for (name, code) in files {
            let key = cache.join(format!("{name}-{:016x}", fnv64(code)));
            if !key.with_extension("error").exists() && !cached_program(&key).exists() {
                write_if_changed_in_copy(&self.work, name, code)?;
                to_build.push(*name);
            }
            keys.push((*name, key));
        }
        // The files not seen before, compiled together: a file that does not compile stops
        // only itself (--keep-going).
        let built = self
            .cargo()
            .with(["--features", "exercises"])
            .build_examples(&to_build)
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        for (name, result) in built {
            let key = cache.join(format!("{name}-{:016x}", fnv64(&files[name.as_str()])));
            match result {
                Ok(binary) => std::fs::copy(&binary, cached_program(&key))
                    .map(drop)
                    .map_err(|e| format!("{}: {e}", key.display()))?,
                Err(why) => write(&key.with_extension("error"), why.as_bytes())?,
            }
        }
        for (name, key) in keys {
            if cached_program(&key).exists() {
                link(&cached_program(&key), &dir.join(executable(name)))?;
            } else {
                std::fs::copy(
                    key.with_extension("error"),
                    dir.join(format!("{name}.error")),
                )
                .map_err(|e| format!("{}: {e}", key.display()))?;
            }
        }
        for tool in PROGRAMS.iter().filter(|p| p.tool && p.name != "proj_bench") {
            link(
                &self.references.join(executable(tool.name)),
                &dir.join(executable(tool.name)),
            )?;
        }
        Ok(())
    }
}

/// `name` with the executable suffix of this OS (`.exe` on Windows).
pub fn executable(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

fn cached_program(key: &Path) -> PathBuf {
    PathBuf::from(format!("{}{}", key.display(), std::env::consts::EXE_SUFFIX))
}

/// Puts a student's file in the grading copy's `exercises/`.
fn write_if_changed_in_copy(work: &Path, name: &str, code: &[u8]) -> Result<(), String> {
    crate::files::write_if_changed(
        &work
            .join("kit")
            .join("exercises")
            .join(format!("{name}.rs")),
        code,
    )
}
