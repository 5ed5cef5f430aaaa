//! Where a run of tp compiles and tests: the workspace itself, or a folder of its own.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::files::{FileError, make_folder};

/// Where this run compiles and tests: `KIT/cache/` and `runs/PID-N/` where the kit's workspace
/// can be written; otherwise a folder of this run's own in the temporary folder, made new (no
/// one else can have put anything in it), and removed at the end.
pub(super) fn scratch(
    work: &Path,
    kit_dir: &Path,
) -> Result<(PathBuf, PathBuf, Option<PathBuf>), FileError> {
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let run = format!(
        "{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    );
    let runs = work.join("runs").join(&run);
    let cache = kit_dir.join("cache");
    let writable = std::fs::create_dir_all(&runs).is_ok()
        && std::fs::create_dir_all(&cache).is_ok()
        && tempfile_in(&cache);
    if writable {
        return Ok((cache, runs, None));
    }
    let _ = std::fs::remove_dir(&runs);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let scratch = std::env::temp_dir().join(format!("tp-grade-{run}-{nanos:08x}"));
    private_folder(&scratch)?;
    let runs = scratch.join("runs");
    make_folder(&runs)?;
    Ok((scratch.join("cache"), runs, Some(scratch)))
}

/// Whether a file can be made in `folder` (a folder may exist and be read only).
fn tempfile_in(folder: &Path) -> bool {
    let probe = folder.join(format!(".probe-{}", std::process::id()));
    let made = File::create(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    made
}

/// Makes the folder `path`, which must not exist yet, readable by its owner alone.
fn private_folder(path: &Path) -> Result<(), FileError> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(path)
        .map_err(FileError::at("make a folder for grading", path))
}
