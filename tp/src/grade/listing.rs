//! Which of the kit's tests check which program, in the order of the test files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::libtest;
use crate::programs::{PROGRAM_TESTS, PROGRAMS};
use crate::workspace::Workspace;

/// The program that the test `name` of the `programs` test binary checks. A test is named
/// after its module (`ex1_tcp::ex1_tcp_server::welcomes_a_client`): the module of an exercise,
/// then that of one of its programs when the exercise has two, the exercise's only program
/// otherwise.
pub fn program_of(name: &str) -> Option<&'static str> {
    let mut parts = name.split("::");
    let (file, second) = (parts.next()?, parts.next().unwrap_or_default());
    let mut programs = PROGRAMS.iter().filter(|p| !p.tool && p.test == file);
    match programs.clone().find(|p| p.name == second) {
        Some(program) => Some(program.name),
        None => programs
            .next()
            .filter(|_| programs.next().is_none())
            .map(|p| p.name),
    }
}

/// Where the test `name` is written in the kit at `root`: its module path, then its place in
/// that module's file, so that failures are told in the file's order.
pub(super) fn place_in(root: &Path, name: &str) -> (Vec<String>, usize) {
    let mut path: Vec<String> = name.split("::").map(str::to_string).collect();
    let function = path.pop().unwrap_or_default();
    let folder = root
        .join("tests")
        .join(PROGRAM_TESTS)
        .join(path.first().map_or("", String::as_str));
    let inner = path.get(1..).unwrap_or_default();
    let source = if folder.is_dir() && !inner.is_empty() {
        folder.join(format!("{}.rs", inner.join("/")))
    } else if folder.is_dir() {
        folder.join("mod.rs")
    } else {
        folder.with_extension("rs")
    };
    let offset = std::fs::read_to_string(source)
        .ok()
        .and_then(|text| text.find(&format!("fn {function}(")))
        .unwrap_or(usize::MAX);
    (path, offset)
}

/// The names of the kit's tests of each program, in libtest's order.
pub fn tests_by_program(workspace: &Workspace) -> BTreeMap<&'static str, Vec<String>> {
    let mut tests: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for name in libtest::list(&workspace.tests).unwrap_or_default() {
        if let Some(program) = program_of(&name) {
            tests.entry(program).or_default().push(name);
        }
    }
    tests
}
