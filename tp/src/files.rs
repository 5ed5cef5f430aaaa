//! Files of the grading workspace: the copy of the kit's sources (and its fingerprint), and
//! writing, linking and hashing files.

use std::path::Path;

/// Copies the kit's sources into the grading copy, leaving unchanged files untouched so that
/// cargo does not rebuild what has not changed. `exercises/` is filled one file at a time.
/// Returns a fingerprint of the kit's sources: programs built against other sources are stale.
pub fn sync_copy(root: &Path, copy: &Path) -> Result<u64, String> {
    let mut fingerprint = 0u64;
    for file in ["Cargo.toml", "Cargo.lock"] {
        let mut bytes = std::fs::read(root.join(file)).map_err(|e| format!("{file}: {e}"))?;
        fingerprint = fingerprint.rotate_left(5) ^ fnv64(&bytes);
        if file == "Cargo.toml" {
            bytes = alone(&String::from_utf8_lossy(&bytes)).into_bytes();
        }
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

/// The kit's manifest for a copy that holds only the programs: a workspace of its own, without
/// its member `tp` (the command and the tests, which the copy does not hold). Cargo then drops
/// tp's crates from the copy's Cargo.lock by itself.
fn alone(manifest: &str) -> String {
    let mut in_workspace = false;
    let mut lines = Vec::new();
    for line in manifest.lines() {
        if line.starts_with('[') {
            in_workspace = line.trim() == "[workspace]";
        }
        let member = line.starts_with("members") || line.starts_with("default-members");
        if !(in_workspace && member) {
            lines.push(line);
        }
    }
    lines.join("\n") + "\n"
}

/// Makes `to` a copy of `from` (files no longer in `from` are removed); returns a fingerprint
/// of the files' paths and contents.
fn sync_folder(from: &Path, to: &Path) -> Result<u64, String> {
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", from.display()))?;
    entries.sort_by_key(|entry| entry.file_name());
    for old in std::fs::read_dir(to).into_iter().flatten().flatten() {
        if !entries.iter().any(|e| e.file_name() == old.file_name()) {
            let path = old.path();
            let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
        }
    }
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

pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    write(path, bytes)
}

/// Writes `bytes` to `path`, creating its folder first; the error names the file.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A hard link (no copy of a large binary), or a copy where links are not possible.
pub fn link(from: &Path, to: &Path) -> Result<(), String> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let _ = std::fs::remove_file(to);
    std::fs::hard_link(from, to)
        .or_else(|_| std::fs::copy(from, to).map(|_| ()))
        .map_err(|e| format!("{}: {e}", to.display()))
}

/// FNV-1a, 64 bits: a file's content, as a cache key.
pub fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
