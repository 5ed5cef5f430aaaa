//! Where `tp check` and `tp grade` work: `target/tp-grade/`.
//!
//! - `KIT/references/`: the reference programs and tools that tests start, for the kit's
//!   sources of fingerprint KIT (read only to the sandboxes), each built the first time a
//!   program whose tests start it is checked or graded;
//! - `KIT/ready.json`: what was built for these sources and this toolchain (the test binary,
//!   how a student's file is compiled): the next run uses it without running cargo;
//! - `KIT/cache/`: each student file compiled once, by the hash of its content
//!   (`NAME-HASH`, or `NAME-HASH.error` with the compiler's words): a class's untouched
//!   skeletons, or two identical files, are compiled once;
//! - `runs/PID-N/`: the folders of one run of tp, one per job, removed as each job ends.
//!
//! The kit's test binary of the programs, the library a student's file is compiled against,
//! and the references are built in the kit's own target folder (`target/`), beside what
//! `cargo run` built: the dependencies are compiled once. The workspace is locked while it is made ready (two `tp` then take
//! turns); after that, several can run at once. A kit installed read only, once made ready,
//! grades with a new folder of its own in the temporary folder for its cache and jobs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::compile::{Failure, Recipe, Together};
use crate::files::{
    FileError, executable_at, fingerprint, fnv64, link, make_folder, sources_fingerprint, write,
};
use crate::sandbox::Sandbox;

mod error;
mod ready;
mod scratch;

pub use error::WorkspaceError;

use ready::{Ready, build, build_references};
use scratch::scratch;

/// The grading workspace, ready: the kit's test binary, library and reference programs built.
pub struct Workspace {
    /// The kit's own folder (its tests are the ones that grade).
    pub root: PathBuf,
    /// The test binary of the kit's programs (tests/programs/).
    pub tests: PathBuf,
    /// The reference programs and tools, one executable per program name.
    pub references: PathBuf,
    /// How a student's file is compiled.
    pub recipe: Recipe,
    /// Where students' programs are compiled and run.
    pub sandbox: Sandbox,
    /// `KIT/cache/`.
    cache: PathBuf,
    /// `runs/PID-N/` of this run.
    runs: PathBuf,
    /// The folder of this run alone, in the temporary folder, when the kit is read only.
    scratch: Option<PathBuf>,
    /// The kit's target folder, where cargo builds.
    target: PathBuf,
    /// `target/tp-grade/`.
    work: PathBuf,
}

/// What compiling a student's file gave: its program, or why there is none.
pub type Compiled = Result<PathBuf, Failure>;

/// A job's folder, removed when the job is dropped.
pub struct JobFolder {
    /// The folder.
    pub path: PathBuf,
}

impl Drop for JobFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

impl Workspace {
    /// Builds what grading needs, once per change of the kit's sources; `progress` hears
    /// what is being built. A kit made ready before, for these sources and this toolchain, is
    /// used as it is, without cargo and without writing to it: a kit installed read only (as
    /// in Moodle VPL's jail) grades with a folder of its own in the temporary folder.
    pub fn prepare(
        root: &Path,
        sandbox: Sandbox,
        progress: &dyn Fn(&str),
    ) -> Result<Workspace, WorkspaceError> {
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
        let work = target.join("tp-grade");
        let kit = format!("{:016x}", fingerprint(root)?);
        let kit_dir = work.join(&kit);
        let sources = format!("{:016x}", sources_fingerprint(root)?);
        let (tests, recipe) = match Ready::read(&kit_dir, &sources) {
            Some(ready) => (ready.tests, ready.recipe),
            None => build(root, &target, &work, &kit, &sources, progress)?,
        };
        let (cache, runs, scratch) = scratch(&work, &kit_dir)?;
        Ok(Workspace {
            root: root.to_path_buf(),
            tests,
            references: kit_dir.join("references"),
            recipe,
            sandbox,
            cache,
            runs,
            scratch,
            target,
            work,
        })
    }

    /// Makes sure that the reference programs `names` are in [`Workspace::references`],
    /// building those missing (all at once; two `tp` take turns), and saying so on `progress`.
    pub fn ensure_references(
        &self,
        names: &[&str],
        progress: &dyn Fn(&str),
    ) -> Result<(), WorkspaceError> {
        static BUILDING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        // Those there already need no lock; after it, another tp may have built the rest.
        if ready::missing(&self.references, names).is_empty() {
            return Ok(());
        }
        let _building = tp_sockets::kit::lock(&BUILDING);
        let _lock = ready::lock(&self.work, progress)?;
        build_references(&self.root, &self.target, &self.references, names, progress)
    }

    /// A new folder for one job of this run, with its `tmp/` made.
    pub fn job_folder(&self) -> Result<JobFolder, FileError> {
        static JOB: AtomicUsize = AtomicUsize::new(0);
        let path = self
            .runs
            .join(JOB.fetch_add(1, Ordering::Relaxed).to_string());
        let _ = std::fs::remove_dir_all(&path);
        make_folder(&path.join("tmp"))?;
        Ok(JobFolder { path })
    }

    /// Where the program `name` compiled from `code` is kept: `NAME-HASH`, or
    /// `NAME-HASH.error` with the compiler's words.
    fn cache_key(&self, name: &str, code: &[u8]) -> PathBuf {
        self.cache.join(format!("{name}-{:016x}", fnv64(code)))
    }

    /// What compiling the program `name` from `code` gave before, if it was compiled before.
    fn cached(&self, name: &str, code: &[u8]) -> Option<Compiled> {
        let key = self.cache_key(name, code);
        let program = executable_at(&key);
        if program.exists() {
            return Some(Ok(program));
        }
        std::fs::read_to_string(key.with_extension("error"))
            .ok()
            .map(|text| {
                Err(Failure {
                    text,
                    lasting: true,
                })
            })
    }

    /// The programs of a submission, compiled from the student's files `codes` (by program
    /// name): each one's executable, or the compiler's errors. The files seen before come
    /// from the cache; the others are compiled together in one executable, in `job`'s folder,
    /// in the sandbox; a file with errors is then compiled alone, with the kit's launcher,
    /// for the compiler's words as `cargo ex` gives them, and the others together again
    /// without it.
    pub fn compile_submission(
        &self,
        codes: &BTreeMap<&'static str, Vec<u8>>,
        job: &JobFolder,
    ) -> BTreeMap<&'static str, Compiled> {
        let mut results = BTreeMap::new();
        let mut together: Vec<&'static str> = Vec::new();
        for (&name, code) in codes {
            match self.cached(name, code) {
                Some(result) => {
                    results.insert(name, result);
                }
                None => together.push(name),
            }
        }
        let staging = job.path.join("staging");
        let out = job.path.join("out");
        let tmp = job.path.join("tmp");
        for &name in &together {
            if let Err(why) = self.stage(name, &codes[name], &staging) {
                results.insert(name, Err(Failure::passing(&why)));
            }
        }
        together.retain(|name| !results.contains_key(name));
        let _ = std::fs::create_dir_all(&out);
        let mut alone = Vec::new();
        for attempt in 0..2 {
            if together.is_empty() {
                break;
            }
            let compiled =
                self.recipe
                    .compile_together(&self.sandbox, &together, &staging, &out, &tmp);
            match compiled {
                Ok(executable) => {
                    for &name in &together {
                        let program = executable_at(&self.cache_key(name, &codes[name]));
                        let placed = link(&executable, &program)
                            .map(|()| program)
                            .map_err(|e| Failure::passing(&e));
                        results.insert(name, placed);
                    }
                    together.clear();
                }
                Err(Together::Errors(failed)) if attempt == 0 && !failed.is_empty() => {
                    together.retain(|name| !failed.iter().any(|f| f == name));
                    alone.extend(failed);
                }
                Err(_) => alone.extend(together.drain(..).map(str::to_string)),
            }
        }
        alone.extend(together.iter().map(|n| n.to_string()));
        for name in alone {
            if let Some((&name, code)) = codes.get_key_value(name.as_str()) {
                results.insert(name, self.compile_alone(name, code, &staging, &out, &tmp));
            }
        }
        results
    }

    /// Puts the student's file of `name` and the kit's launcher of it in `staging`.
    fn stage(&self, name: &str, code: &[u8], staging: &Path) -> Result<(), FileError> {
        let launcher = self.root.join("examples").join(format!("{name}.rs"));
        let launcher = std::fs::read(&launcher).map_err(FileError::at("read", &launcher))?;
        write(
            &staging.join("examples").join(format!("{name}.rs")),
            &launcher,
        )?;
        write(&staging.join("exercises").join(format!("{name}.rs")), code)
    }

    /// Compiles the program `name` alone, with the kit's launcher, and keeps what it gave.
    fn compile_alone(
        &self,
        name: &str,
        code: &[u8],
        staging: &Path,
        out: &Path,
        tmp: &Path,
    ) -> Compiled {
        let key = self.cache_key(name, code);
        match self.recipe.compile(&self.sandbox, name, staging, out, tmp) {
            Ok(built) => {
                let program = executable_at(&key);
                link(&built, &program).map_err(|e| Failure::passing(&e))?;
                Ok(program)
            }
            Err(failure) => {
                if failure.lasting {
                    write(&key.with_extension("error"), failure.text.as_bytes())
                        .map_err(|e| Failure::passing(&e))?;
                }
                Err(failure)
            }
        }
    }

    /// Where the kit remembers that every test of `name` passed with the file `code` (for
    /// these sources of the kit): what `tp watch` counts as done.
    pub fn passed_marker(&self, name: &str, code: &[u8]) -> PathBuf {
        self.cache
            .join(format!("{name}-{:016x}.passed", fnv64(code)))
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.runs);
        if let Some(scratch) = &self.scratch {
            let _ = std::fs::remove_dir_all(scratch);
        }
    }
}
