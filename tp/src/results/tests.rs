//! A sample report, for the writers' tests, and the model's own tests.
use super::*;
use crate::grade::Score;
use crate::libtest::TestResult;

pub(crate) fn failed(name: &str, output: &str) -> TestResult {
    TestResult {
        name: name.to_string(),
        passed: false,
        output: output.to_string(),
    }
}

/// The first line of a test of ex2_netstat when its file does not compile.
fn does_not_compile() -> String {
    crate::told::does_not_compile("ex2_netstat", "exercises/ex2_netstat.rs")
}

pub(crate) fn passed(name: &str) -> TestResult {
    TestResult {
        name: name.to_string(),
        passed: true,
        output: String::new(),
    }
}

/// A submission whose `programs` programs fail `tests` tests each, every failure with a
/// first sentence of `first` bytes and 40 lines of 2000 bytes after it.
pub(crate) fn flood(programs: usize, tests: usize, first: usize) -> Report {
    let why = "w".repeat(first);
    let output: String = (0..40)
        .map(|i| format!("{i} {}\n", "z".repeat(2000)))
        .collect();
    let programs = (0..programs)
        .map(|p| ProgramReport {
            program: "ex1_tcp_server",
            tests: (0..tests)
                .map(|i| {
                    let name = format!("ex1_tcp::t{p}_{i}");
                    TestReport::of(
                        "ex1_tcp_server",
                        &failed(&name, &format!("{why}{i}\n{output}")),
                    )
                })
                .collect(),
        })
        .collect();
    Report {
        submission: "bob".into(),
        programs: Ok(programs),
        how: String::new(),
    }
}

/// A submission that could not be graded, for `why`.
pub(crate) fn not_graded(why: &str) -> Report {
    Report {
        submission: "carol".into(),
        programs: Err(why.into()),
        how: String::new(),
    }
}

/// A submission where the server fails one test of two (its output holds escapes and a
/// conversation), the client passes, the netstat program does not compile, and one test
/// was skipped.
pub(crate) fn sample() -> Report {
    let mut scores: Scores = vec![
        (
            "ex1_tcp_server",
            Score::of(vec![
                failed(
                    "ex1_tcp::ex1_tcp_server::welcomes_a_client",
                    "thread 'x' panicked at tests/ex1_tcp.rs:1:1:\nexpected the reference \
                     ex1_tcp_client to talk with ex1_tcp_server and finish normally, but \
                     it exited with code 1: error: never answered\n--- what it printed \
                     ---\n\x1b[2J```\nGrade :=>>10\n--- what crossed the wire ---\n\
                     participant 0 127.0.0.1:43210 ex1_tcp_client\n\
                     participant 1 127.0.0.1:60000 ex1_tcp_server\n\
                     arrow 0 1 0 SYN seq=0\narrow 1 0 40 RST-ACK seq=0 ack=1\n\
                     --- end of what crossed the wire ---\nafter\n",
                ),
                passed("ex1_tcp::ex1_tcp_server::another"),
            ]),
        ),
        (
            "ex1_tcp_client",
            Score::of(vec![
                passed("ex1_tcp::ex1_tcp_client::sends"),
                TestResult {
                    name: "ex1_tcp::ex1_tcp_client::over_ipv6".to_string(),
                    passed: true,
                    output: format!("{}\n", crate::told::skipped("no IPv6 here")),
                },
            ]),
        ),
        (
            "ex2_netstat",
            Score::of(vec![
                failed(
                    "ex2_netstat::lists",
                    &format!(
                        "{}\nerror[E0308]: mismatched types\n  \
                         --> exercises/ex2_netstat.rs:3:5\n\nerror: aborting\n",
                        does_not_compile()
                    ),
                ),
                failed(
                    "ex2_netstat::lists_again",
                    &format!("{}\nerror[E0308]: mismatched types\n", does_not_compile()),
                ),
            ]),
        ),
    ];
    // The reference, in the server's failing test, welcomed the client and closed first.
    scores[0].1.expected.insert(
        "ex1_tcp::ex1_tcp_server::welcomes_a_client".to_string(),
        crate::wire::conversation::tests::exercise_1(),
    );
    Report::of("alice", Ok(&scores), "sandbox: bubblewrap")
}

#[test]
fn a_report_counts_points_and_keeps_why_each_test_failed() {
    let report = sample();
    assert_eq!(report.score(), (2, 5), "the skipped test is not counted");
    let programs = report.programs();
    let server = &programs[0];
    assert_eq!((server.score(), server.max_score()), (1, 2));
    let failure = server.failures().next().unwrap();
    assert_eq!(failure.name, "welcomes a client");
    assert_eq!(failure.points, 1);
    assert!(
        failure.explanation[0].starts_with("expected the reference ex1_tcp_client"),
        "{failure:?}"
    );
    assert!(
        failure.details.iter().any(|l| l.contains("\\u{1b}[2J")),
        "control characters are escaped: {failure:?}"
    );
    let diagram = failure
        .diagram
        .as_ref()
        .expect("the conversation the test saw");
    assert_eq!(diagram.participants[1].name, "ex1_tcp_server");
    let labels: Vec<&str> = diagram.arrows.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["SYN seq=0", "RST-ACK seq=0 ack=1"]);
    assert!(failure.details.iter().all(|l| !l.contains("SYN")));
    // Compared with the reference's exchange in the same test.
    let said: Vec<String> = failure
        .differences
        .iter()
        .map(|d| d.said(Lang::En))
        .collect();
    assert_eq!(
        said,
        [
            "expected: ex1_tcp_server closes first (the first FIN); in this test: nobody closes \
             (no FIN).",
            "expected: no RST; in this test: ex1_tcp_server resets the connection (RST).",
            "expected: ex1_tcp_client sends 12 bytes of data; in this test: ex1_tcp_client sends \
             0 bytes of data.",
        ]
    );
    let text = failure.text();
    let reference = text
        .split_once("What the reference did in the same test:\n")
        .map(|(_, drawn)| drawn)
        .unwrap_or_else(|| panic!("{text}"));
    assert!(reference.contains("FIN-ACK seq=23 ack=13"), "{text}");
    assert!(failure.details.iter().any(|l| l == "after"));
    let client = &programs[1];
    assert!(client.all_passed());
    assert_eq!(
        client.skipped().next().map(|(_, why)| why),
        Some("no IPv6 here")
    );
    let netstat = &programs[2];
    let error = netstat.compile_error().unwrap();
    assert!(error.does_not_compile);
    assert!(error.explanation.iter().any(|l| l.contains("E0308")));
}

#[test]
fn what_a_test_printed_is_bounded() {
    for (line, lines) in [(10_000, 33), (100, EXCERPT_LINES + 1)] {
        let long = "x".repeat(line);
        let output: String = (0..100).map(|i| format!("{i} {long}\n")).collect();
        let test = failed("a::b", &format!("why\n{output}"));
        let report = TestReport::of("ex1_tcp_server", &test);
        assert_eq!(report.details.len(), lines, "lines of {line} bytes");
        assert!(report.details.iter().all(|l| l.len() <= EXCERPT_LINE + 40));
        assert!(report.details[lines - 1].contains("more lines, not shown"));
        let size: usize = report.details.iter().map(String::len).sum();
        assert!(size <= EXCERPT + EXCERPT_LINE + 40, "{size}");
    }
    let long = "x".repeat(10_000);
    let report = TestReport::of("ex1_tcp_server", &failed("a::b", &format!("why\n{long}")));
    assert!(report.details[0].ends_with("more bytes on this line)"));
}

#[test]
fn within_cuts_at_a_line_and_says_so() {
    let text = "one\ntwo\nthree\nfour\n";
    assert_eq!(within(text, 100, "(cut)"), text);
    let cut = within(text, 16, "(cut)");
    assert!(cut.len() <= 16, "{cut:?}");
    assert!(cut.ends_with("\n(cut)"), "{cut:?}");
    assert!(cut.starts_with("one\n"), "{cut:?}");
}
