//! The libraries' files depend on each other in layers: no import circle between files, and no
//! client module that uses a server module, nor the reverse. Both libraries: the programs'
//! (`src/`) and tp's (`tp/src/`: its commands on top of the grading engine).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file of `src/`, by its module path (`["image", "tcp", "client"]`).
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut found = BTreeMap::new();
    for path in crate::rust_files([src.to_path_buf()]) {
        let relative = path.strip_prefix(src).unwrap().with_extension("");
        let mut module: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
            module.pop();
        }
        // A binary's files (src/bin/, tp's main.rs) are not the library's.
        if !module.contains(&"bin".into()) && module != ["main"] {
            found.insert(module, path);
        }
    }
    found
}

/// The module paths a file's `use crate::...` and `use super::...` lines name (and, in a
/// folder's `mod.rs`, `use child::...`), braces expanded one level
/// (`use crate::image::{name, tcp::Entry}`).
fn used(code: &str, module: &[String], is_parent: bool) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for statement in code.split("use ").skip(1) {
        let statement: String = statement
            .split(';')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let (head, inner) = match statement.split_once('{') {
            Some((head, inner)) => (head, inner.trim_end_matches('}')),
            None => (statement.as_str(), ""),
        };
        let mut base: Vec<String> = Vec::new();
        let mut segments = head.split("::").filter(|s| !s.is_empty()).peekable();
        match segments.peek().copied() {
            Some("crate") => {
                segments.next();
            }
            Some("super") => {
                base = module.to_vec();
                // `super` of `a/b/x.rs` (module a::b::x) and of `a/b/mod.rs` (a::b) is one up.
                while segments.peek() == Some(&"super") {
                    segments.next();
                    base.pop();
                }
            }
            // A path relative to this module: one of its own modules (`use fields::Reader`).
            Some(_) if is_parent => base = module.to_vec(),
            _ => continue,
        }
        base.extend(segments.map(str::to_string));
        if inner.is_empty() {
            paths.push(base);
        } else {
            for item in inner.split(',').filter(|i| !i.is_empty()) {
                let mut path = base.clone();
                path.extend(item.split("::").map(str::to_string));
                paths.push(path);
            }
        }
    }
    paths
}

#[test]
fn the_library_has_no_import_circle_and_no_client_uses_a_server() {
    check_layers(&tp::kit_root().join("src"));
}

#[test]
fn tps_library_has_no_import_circle() {
    check_layers(&tp::kit_root().join("tp").join("src"));
}

/// The import circles and client-server crossings between the files of the library `src`.
fn check_layers(src: &Path) {
    let modules = modules(src);
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, path) in &modules {
        let code = std::fs::read_to_string(path).unwrap();
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        // A folder's `mod.rs` (or lib.rs) may name its own modules without `crate::`.
        let is_parent = path.ends_with("mod.rs") || path.ends_with("lib.rs");
        for used in used(code, module, is_parent) {
            // The longest prefix of the path that is a file of src/.
            let target = (1..=used.len())
                .rev()
                .map(|n| used[..n].to_vec())
                .find(|prefix| modules.contains_key(prefix));
            if let Some(target) = target
                && target != *module
            {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    let side = |m: &[String]| {
        m.iter()
            .find_map(|s| ["client", "server"].into_iter().find(|side| s == side))
    };
    let mut problems = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            if let (Some(a), Some(b)) = (side(from), side(to))
                && a != b
            {
                problems.push(format!(
                    "{} ({a}) uses {} ({b})",
                    from.join("::"),
                    to.join("::")
                ));
            }
        }
    }
    // A circle: a file that can reach itself.
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Vec<String>> = edges[start].iter().cloned().collect();
        while let Some(next) = stack.pop() {
            if next == *start {
                problems.push(format!("{} is in an import circle", start.join("::")));
                break;
            }
            if seen.insert(next.clone()) {
                stack.extend(edges.get(&next).into_iter().flatten().cloned());
            }
        }
    }
    assert!(
        edges.len() > 10,
        "the imports of {} were not read: {edges:?}",
        src.display()
    );
    assert!(
        problems.is_empty(),
        "{}: {}",
        src.display(),
        problems.join("\n")
    );
}
