//! Skeleton and solution are mirrors of each other, but for the TODO paragraphs.

/// The paragraphs of a program (runs of lines between blank lines), after its `//!` header,
/// and the header's first line (the title).
fn paragraphs(text: &str) -> (String, Vec<String>) {
    let title = text.lines().next().unwrap_or_default().to_string();
    let body: Vec<&str> = text.lines().skip_while(|l| l.starts_with("//!")).collect();
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    for line in body {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    (title, paragraphs)
}

/// Where a skeleton and its solution differ other than by a TODO paragraph standing for one
/// paragraph of the solution: the places where they are no longer mirrors.
fn mirror_problems(skeleton: &str, solution: &str) -> Vec<String> {
    let (title_a, a) = paragraphs(skeleton);
    let (title_b, b) = paragraphs(solution);
    let mut problems = Vec::new();
    if title_a != title_b {
        problems.push(format!("the titles differ: {title_a:?} and {title_b:?}"));
    }
    // The longest common sequence of equal paragraphs; what lies between is a difference.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        let (start_a, start_b) = (i, j);
        while (i < a.len() || j < b.len()) && !(i < a.len() && j < b.len() && a[i] == b[j]) {
            if j == b.len() || (i < a.len() && lcs[i + 1][j] >= lcs[i][j + 1]) {
                i += 1;
            } else {
                j += 1;
            }
        }
        let (skeleton_side, solution_side) = (&a[start_a..i], &b[start_b..j]);
        let all_todo = skeleton_side.iter().all(|p| p.contains("// TODO ("));
        if skeleton_side.is_empty() || !all_todo || skeleton_side.len() != solution_side.len() {
            // The first line where the two sides part, past the TODO paragraphs that stand for
            // a paragraph of the solution.
            let parted = (0..skeleton_side.len().max(solution_side.len())).find_map(|k| {
                let (ours, theirs) = (skeleton_side.get(k), solution_side.get(k));
                if ours.is_some_and(|p| p.contains("// TODO (")) && theirs.is_some() {
                    return None;
                }
                let lines = |p: Option<&String>| -> Vec<String> {
                    p.map_or(vec![], |p| {
                        p.lines().map(|l| l.trim().to_string()).collect()
                    })
                };
                let (ours, theirs) = (lines(ours), lines(theirs));
                let at =
                    (0..ours.len().max(theirs.len())).find(|&l| ours.get(l) != theirs.get(l))?;
                let line = |side: &[String]| side.get(at).cloned().unwrap_or("(nothing)".into());
                Some((line(&ours), line(&theirs)))
            });
            let (ours, theirs) = parted.unwrap_or(("(nothing)".into(), "(nothing)".into()));
            problems.push(format!(
                "the skeleton has `{ours}` where the solution has `{theirs}`"
            ));
        }
    }
    problems
}

/// Skeleton and solution are mirrors: the same file but for the TODOs, each TODO paragraph in
/// place of the one paragraph of the solution it asks for. (The kit as shipped: under
/// `cargo grade`, the student's files are theirs to change.)
#[test]
fn every_skeleton_mirrors_its_solution_outside_its_todos() {
    if cfg!(feature = "exercises") {
        return;
    }
    let root = tp::kit_root();
    let mut problems = Vec::new();
    for program in tp::programs::PROGRAMS.iter().filter(|p| !p.tool) {
        let read = |folder: &str| {
            std::fs::read_to_string(root.join(folder).join(format!("{}.rs", program.name)))
                .unwrap_or_default()
        };
        for problem in mirror_problems(&read("exercises"), &read("solutions")) {
            problems.push(format!("{}: {problem}", program.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_mirror_check_sees_a_changed_line_outside_the_todos() {
    let solution = "//! T\n\nfn a() {}\n\nfn b() {\n    1\n}\n\nfn c() {}\n";
    let skeleton =
        "//! T\n\nfn a() {}\n\nfn b() {\n    // TODO (step 1): one\n    todo!()\n}\n\nfn c() {}\n";
    assert!(mirror_problems(skeleton, solution).is_empty());
    let changed = solution.replace("fn c() {}", "fn c() {}\nfn e() { 2 }");
    assert_eq!(
        mirror_problems(skeleton, &changed),
        ["the skeleton has `(nothing)` where the solution has `fn e() { 2 }`"]
    );
    let extra = solution.replace("fn c() {}", "fn c() {}\n\nfn d() {}");
    assert_eq!(mirror_problems(skeleton, &extra).len(), 1);
    let merged = "//! T\n\nfn a() {}\n\nfn b() {\n    1\n}\nfn c() {}\n";
    assert_eq!(mirror_problems(skeleton, merged).len(), 1);
}
