//! A workspace made ready: the kit's test binary, reference programs and library built once
//! for its sources, and recorded (`KIT/ready.json`) so that the next run uses them as they are.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::error::WorkspaceError;
use crate::cargo::Cargo;
use crate::compile::Recipe;
use crate::files::{FileError, executable_at, link, write};
use crate::programs::PROGRAM_TESTS;

/// What a workspace made ready records (`KIT/ready.json`), so that the next run may use it
/// as it is: the fingerprint of every source of the test binary, the compiler's version, the
/// test binary and the recipe.
pub(super) struct Ready {
    pub(super) tests: PathBuf,
    pub(super) recipe: Recipe,
}

impl Ready {
    /// The record in `kit_dir`, if it is there, for `sources`, and everything it names is
    /// still there and built by this toolchain.
    pub(super) fn read(kit_dir: &Path, sources: &str) -> Option<Ready> {
        let text = std::fs::read_to_string(kit_dir.join("ready.json")).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        let tests = PathBuf::from(json["tests"].as_str()?);
        let recipe = Recipe::from_json(&json["recipe"])?;
        let fresh = json["sources"] == sources
            && tests.is_file()
            && recipe.toolchain().ok()? == json["toolchain"].as_str()?;
        fresh.then_some(Ready { tests, recipe })
    }

    /// Records what `build` made, for `sources`.
    fn write(&self, kit_dir: &Path, sources: &str) -> Result<(), WorkspaceError> {
        let json = serde_json::json!({
            "sources": sources,
            "toolchain": self.recipe.toolchain()?,
            "tests": self.tests.to_string_lossy(),
            "recipe": self.recipe.to_json(),
        });
        Ok(write(
            &kit_dir.join("ready.json"),
            json.to_string().as_bytes(),
        )?)
    }
}

/// Takes the workspace's lock in `work` (two `tp` take turns to build), saying on `progress`
/// who holds it while this one waits; it is released when the file is dropped.
pub(super) fn lock(work: &Path, progress: &dyn Fn(&str)) -> Result<File, WorkspaceError> {
    let unwritable = |e| WorkspaceError::NotReady(FileError::at("write to", work)(e));
    std::fs::create_dir_all(work).map_err(unwritable)?;
    let lock = File::create(work.join("lock")).map_err(unwritable)?;
    if lock.try_lock().is_err() {
        let holder = std::fs::read_to_string(work.join("lock.holder")).unwrap_or_default();
        let holder = holder.trim();
        let holder = if holder.is_empty() {
            "another tp"
        } else {
            holder
        };
        progress(&format!(
            "waiting for {holder}, which is building the kit's tests or reference programs: \
             it ends by itself, and this goes on after it"
        ));
        lock.lock()
            .map_err(FileError::at("lock", &work.join("lock")))?;
    }
    // Who builds, for a tp that would wait for it.
    let command = std::env::args().nth(1).unwrap_or_default();
    let _ = write(
        &work.join("lock.holder"),
        format!("tp {command} (process {})", std::process::id()).as_bytes(),
    );
    Ok(lock)
}

/// Builds the test binary and the library a student's file is compiled against, in the kit's
/// target folder `target`, where cargo already built (or will build) the kit's library and its
/// dependencies for `cargo run`: nothing is built twice. Recorded in `work/KIT`.
pub(super) fn build(
    root: &Path,
    target: &Path,
    work: &Path,
    kit: &str,
    sources: &str,
    progress: &dyn Fn(&str),
) -> Result<(PathBuf, Recipe), WorkspaceError> {
    let lock = lock(work, progress)?;
    // A build may have finished while this one waited.
    if let Some(ready) = Ready::read(&work.join(kit), sources) {
        return Ok((ready.tests, ready.recipe));
    }
    // Folders made for other sources of the kit are stale, and so is the target folder of
    // its own that an earlier kit built its references in.
    for old in std::fs::read_dir(work).into_iter().flatten().flatten() {
        let name = old.file_name().to_string_lossy().into_owned();
        if (name.len() == 16 && name != kit) || name == "target" {
            let _ = std::fs::remove_dir_all(old.path());
        }
    }
    let kit_dir = work.join(kit);
    progress(
        "building the kit's tests, once for this version of the kit (cargo says what it \
         compiles):",
    );
    // Without the `exercises` feature: the test binary then links the very libraries that
    // `cargo run` built for tp; tp tells it that the programs under test are students' files.
    let tests = Cargo::new(root)
        .with(["--target-dir"])
        .with([target])
        .showing_progress()
        .build_tests(PROGRAM_TESTS)
        .map_err(WorkspaceError::Cargo)?
        .map_err(WorkspaceError::Tests)?;
    progress("reading how your files are compiled against the kit's library:");
    let recipe = Recipe::prepare(root, target)?;
    let ready = Ready { tests, recipe };
    ready.write(&kit_dir, sources)?;
    drop(lock);
    Ok((ready.tests, ready.recipe))
}

/// Those of the reference programs `names` that are not in `references/` yet.
pub(super) fn missing<'a>(references: &Path, names: &[&'a str]) -> Vec<&'a str> {
    names
        .iter()
        .copied()
        .filter(|name| !executable_at(&references.join(name)).exists())
        .collect()
}

/// Builds those of the reference programs `names` that are not in `references/` yet, at once,
/// in the kit's target folder `target` (as `cargo run --example` builds them), and links each
/// executable into `references/`.
pub(super) fn build_references(
    root: &Path,
    target: &Path,
    references: &Path,
    names: &[&str],
    progress: &dyn Fn(&str),
) -> Result<(), WorkspaceError> {
    let missing = missing(references, names);
    if missing.is_empty() {
        return Ok(());
    }
    progress(&format!(
        "building the reference programs the tests start: {}",
        missing.join(", ")
    ));
    let built = Cargo::new(root)
        .with(["--target-dir"])
        .with([target])
        .showing_progress()
        .build_examples(&missing)
        .map_err(WorkspaceError::Cargo)?;
    for (name, result) in built {
        let path = result.map_err(|said| WorkspaceError::Reference(name.clone(), said))?;
        link(&path, &executable_at(&references.join(&name)))?;
    }
    Ok(())
}
