//! What each program's entry says of its tests, and what its launcher knows of its build.

/// A program's tests start only the reference programs its entry names
/// (`tp::programs::Program::references`): `tp check` builds those alone before its first run.
/// Each string of a test file that names a program of the kit, and each relay it starts
/// (`start_proxy`), is the program under test or one of its references.
#[test]
fn each_programs_tests_start_only_the_references_its_entry_names() {
    let root = tp::kit_root();
    let tests = root.join("tests").join("programs");
    let mut problems = Vec::new();
    for program in tp::programs::PROGRAMS.iter().filter(|p| !p.tool) {
        let module = tests.join(program.test);
        let files = if module.is_dir() {
            crate::rust_files([module])
        } else {
            vec![module.with_extension("rs")]
        };
        // The files that test this program: its own (NAME.rs, NAME/), or the exercise's
        // shared ones (mod.rs, or EXERCISE.rs), which test every program of the exercise.
        let mine = files.iter().filter(|f| {
            let shared = f
                .file_stem()
                .is_some_and(|s| s == "mod" || s == program.test);
            let own = f.iter().any(|part| {
                part.to_str() == Some(program.name)
                    || part.to_str() == Some(&format!("{}.rs", program.name))
            });
            let other = tp::programs::PROGRAMS.iter().any(|p| {
                p.name != program.name
                    && f.iter().any(|part| {
                        part.to_str() == Some(p.name)
                            || part.to_str() == Some(&format!("{}.rs", p.name))
                    })
            });
            own || (shared && !other)
        });
        let allowed: Vec<&str> = program
            .references()
            .into_iter()
            .chain([program.name])
            .collect();
        for file in mine {
            let code = std::fs::read_to_string(file).unwrap();
            let mut named: Vec<&str> = tp::programs::PROGRAMS
                .iter()
                .map(|p| p.name)
                .filter(|name| code.contains(&format!("\"{name}\"")))
                .collect();
            if code.contains("start_proxy(") {
                named.push("proj_lossy_proxy");
            }
            for name in named.into_iter().filter(|n| !allowed.contains(n)) {
                problems.push(format!(
                    "{} starts {name}, which is not among the references of {} ({allowed:?}): \
                     add it to its `uses` in tp/src/programs/table.rs",
                    file.strip_prefix(root).unwrap().display(),
                    program.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A launcher knows its own build (`tp_sockets::launch!` reads the launcher's cfg): built from
/// solutions/, it refuses to run where the tests expect a student's file, with exit code 3 and
/// the command that rebuilds; as expected, it runs.
#[test]
fn a_launcher_refuses_to_run_as_the_other_build() {
    use tp_sockets::kit::launcher::{EXPECT_VAR, WRONG_BUILD};
    let run = |expected: &str| {
        let mut command = crate::common::reference("ex2_netstat").command();
        command.env(EXPECT_VAR, expected);
        tp_sockets::kit::process::run_to_end(&mut command, b"", std::time::Duration::from_secs(30))
            .unwrap()
    };
    let refused = run("exercises");
    assert_eq!(
        refused.status.and_then(|s| s.code()),
        Some(i32::from(WRONG_BUILD)),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("built from solutions/")
            && refused.stderr.contains("--features exercises"),
        "{}",
        refused.stderr
    );
    let ran = run("solutions");
    assert_eq!(ran.status.and_then(|s| s.code()), Some(0), "{}", ran.stderr);
}
