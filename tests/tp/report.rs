//! `tp grade --report`: the class at a glance, opened in a real browser (headless Chromium,
//! Debian's `chromium`), and checked as the browser rendered it (the DOM after load).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tp_sockets::kit::process::run_to_end;

use super::{Submission, tp};
use crate::common::fixtures::Scratch;

/// A client that prints markup meant to run in a page, sends its message and leaves without
/// reading the reply (it fails "sends a message and prints the welcome").
const PRINTS_MARKUP: &str = "use std::io::Write;\n\
    pub fn main() -> std::process::ExitCode {\n\
    println!(\"<script>document.title='pwned'</script><img src=x onerror=\\\"document.title='pwned'\\\">\");\n\
    let mut stream = std::net::TcpStream::connect(\"127.0.0.1:60000\").unwrap();\n\
    stream.write_all(b\"hello\").unwrap();\n\
    std::process::ExitCode::SUCCESS\n}\n";

/// Chromium, where it is installed.
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| super::on_path(name))
}

/// Runs headless Chromium on the page `page` with `args` (`--dump-dom`, `--screenshot=...`),
/// its profile in `profile`; what it printed, and how long it took.
pub fn headless(chromium: &Path, page: &Path, profile: &Path, args: &[&str]) -> (String, Duration) {
    let started = Instant::now();
    let ran = run_to_end(
        Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-dev-shm-usage",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args)
            .arg(format!("file://{}", page.display())),
        b"",
        Duration::from_secs(120),
    )
    .expect("run chromium");
    let took = started.elapsed();
    assert!(
        ran.status.is_some_and(|s| s.success()),
        "chromium failed on {}:\n{}",
        page.display(),
        ran.stderr
    );
    (ran.stdout, took)
}

#[test]
#[ignore = "builds every program; run by CI with --ignored"]
fn the_class_report_opens_in_a_browser_and_shows_the_class() {
    let Some(chromium) = chromium() else {
        println!("skipped: no chromium here to open the page (apt-get install chromium)");
        return;
    };
    let scratch = Scratch::new("report");
    let base = scratch.path.clone();
    let class = base.join("class");
    let ann = Submission::new(&class, "ann", "solutions");
    ann.write("exercises/ex1_tcp_client.rs", super::trace::NEVER_READS);
    let bob = Submission::new(&class, "bob", "solutions");
    bob.write("exercises/ex1_tcp_client.rs", PRINTS_MARKUP);
    let (csv, page) = (base.join("grades.csv"), base.join("r.html"));
    let out = tp(&[
        "grade",
        &ann.0.to_string_lossy(),
        &bob.0.to_string_lossy(),
        "--programs",
        "ex1_tcp",
        "--sandbox",
        "auto",
        "--csv",
        &csv.to_string_lossy(),
        "--report",
        &page.to_string_lossy(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);

    let profile = base.join("chromium");
    let (dom, _) = headless(&chromium, &page, &profile, &["--dump-dom"]);
    let shot = base.join("r.png");
    headless(
        &chromium,
        &page,
        &profile,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,1600",
        ],
    );
    let png = std::fs::read(&shot).expect("chromium wrote its screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );

    // The two charts, drawn.
    for chart in ["pass-rate-chart", "totals-chart"] {
        assert!(
            dom.contains(&format!("id=\"{chart}\"")),
            "no {chart}:\n{dom}"
        );
    }
    assert!(
        dom.matches("<rect class=\"bar\"").count() >= 2 + 11,
        "{dom}"
    );
    // Every student, with their total as in the CSV, and a link to their feedback.
    let grades = std::fs::read_to_string(&csv).unwrap();
    for (i, row) in grades.lines().skip(1).enumerate() {
        let fields: Vec<&str> = row.split(',').collect();
        let (student, passed, tests) = (
            fields[0],
            fields[fields.len() - 2],
            fields[fields.len() - 1],
        );
        let link = format!("<a href=\"#student-{i}\">{student}</a>");
        assert!(dom.contains(&link), "{link} is not on the page:\n{dom}");
        assert!(
            dom.contains(&format!("<td class=\"total\">{passed}/{tests}</td>")),
            "{student}'s total {passed}/{tests} is not on the page:\n{dom}"
        );
        assert!(dom.contains(&format!("id=\"student-{i}\"")), "{dom}");
    }
    // The tests failed most name the one both students failed, with how many failed it.
    let most = dom
        .split("id=\"most-failed\"")
        .nth(1)
        .and_then(|s| s.split("</ol>").next())
        .unwrap_or_else(|| panic!("no list of the tests failed most:\n{dom}"));
    let welcome = most
        .split("<li")
        .find(|item| item.contains("sends a message and prints the welcome"))
        .unwrap_or_else(|| panic!("the test both failed is not among those failed most:\n{most}"));
    assert!(welcome.contains("failed by 2 of 2"), "{most}");
    // Each failing test's exchange is drawn, as an SVG sequence diagram.
    assert!(dom.contains("class=\"exchange\""), "{dom}");
    // What bob's client printed is text on the page: no script ran, no picture was made.
    assert!(dom.contains("&lt;script&gt;document.title="), "{dom}");
    assert!(!dom.contains("<img"), "{dom}");
    assert!(
        !dom.contains("pwned</title>"),
        "a script of the page ran:\n{dom}"
    );
    assert_eq!(dom.matches("<script").count(), 0, "{dom}");
}
