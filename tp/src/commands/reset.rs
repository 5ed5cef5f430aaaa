//! `tp reset NAME [--open] [--force]`: a project program's file back to one of its two levels:
//! the guided skeleton (every step's TODO), or the open one (only the command line). The
//! pristine skeletons are in `skeletons/guided/` and `skeletons/open/`. A file with the
//! student's own changes is replaced only with `--force`, and kept first under
//! `target/tp-reset/`: nothing is lost.

use std::path::Path;

use crate::files::FileError;
use crate::files::write;
use crate::programs;

use super::Error;

/// What `tp reset` is asked.
pub struct Request<'a> {
    /// The program.
    pub name: &'a str,
    /// The open level rather than the guided one.
    pub open: bool,
    /// Replace a file that has the student's changes (after keeping a copy).
    pub force: bool,
}

/// Writes the skeleton asked for over the student's file in the kit at `kit`.
pub fn command(root: &Path, kit: &Path, request: &Request) -> Result<(), Error> {
    let name = request.name;
    let program = programs::find(name).ok_or_else(|| Error::NoSuchProgram(name.to_string()))?;
    let level = |level: &str| {
        root.join("skeletons")
            .join(level)
            .join(format!("{name}.rs"))
    };
    let (guided, open) = (level("guided"), level("open"));
    if !program.project || !open.exists() {
        return Err(Error::OneLevel(name.to_string()));
    }
    let read = |path: &Path| std::fs::read(path).map_err(FileError::at("read", path));
    let wanted = read(if request.open { &open } else { &guided })?;
    let file = kit.join("exercises").join(format!("{name}.rs"));
    let current = std::fs::read(&file).ok();
    let pristine = [read(&guided)?, read(&open)?];
    let changed = current
        .as_ref()
        .is_some_and(|bytes| !pristine.contains(bytes));
    if changed {
        if !request.force {
            return Err(Error::ChangedFile(name.to_string(), request.open));
        }
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let kept = kit
            .join("target")
            .join("tp-reset")
            .join(format!("{name}-{stamp}.rs"));
        write(&kept, current.as_deref().unwrap_or_default())?;
        println!("your exercises/{name}.rs is kept as {}", kept.display());
    }
    write(&file, &wanted)?;
    let level = if request.open { "open" } else { "guided" };
    println!("exercises/{name}.rs is the {level} skeleton; `cargo run -- check {name}` checks it");
    Ok(())
}
