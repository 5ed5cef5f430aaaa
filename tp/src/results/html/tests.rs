//! The class report's tests.

use super::*;
use crate::programs::PROGRAMS;
use crate::results::tests::sample;
use std::time::Duration;

fn columns() -> Vec<&'static str> {
    PROGRAMS
        .iter()
        .filter(|p| !p.tool)
        .map(|p| p.name)
        .collect()
}

fn graded() -> Graded {
    Graded {
        at: UNIX_EPOCH + Duration::from_secs(1_796_220_300),
        how: "sandbox: bubblewrap".to_string(),
    }
}

#[test]
fn the_page_draws_two_charts_names_the_most_failed_test_and_links_each_feedback() {
    let mut bob = sample();
    bob.submission = "bob".into();
    let mut eve = sample();
    eve.submission = "eve <script>alert(1)</script>".into();
    let reports = [sample(), bob, eve];
    let page = page(&reports, &columns(), Lang::En, &graded());
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("id=\"pass-rate-chart\"") && page.contains("id=\"totals-chart\""));
    assert!(page.contains("2026-12-02 14:05 UTC"), "{page}");
    assert!(page.contains(env!("CARGO_PKG_VERSION")) && page.contains("sandbox: bubblewrap"));
    // Every student, with the total of the CSV, and a link to their feedback.
    let csv = crate::results::table::csv(&reports, &columns());
    for (i, row) in csv.lines().skip(1).enumerate() {
        let fields: Vec<&str> = row.split(',').collect();
        let (passed, tests) = (fields[fields.len() - 2], fields[fields.len() - 1]);
        assert!(
            page.contains(&format!("<td class=\"total\">{passed}/{tests}</td>")),
            "{row}"
        );
        assert!(page.contains(&format!("href=\"#student-{i}\"")));
        assert!(page.contains(&format!("id=\"student-{i}\"")));
    }
    // The sample fails ex1_tcp_server's welcome first: all three students failed it.
    let most = page.split("id=\"most-failed\"").nth(1).unwrap();
    assert!(most.contains("failed by 3 of 3"), "{most}");
    assert!(!page.contains("<script"), "a name became markup");
    assert!(page.contains("eve &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("script-src") || page.contains("default-src 'none'"));
}

#[test]
fn the_page_is_in_the_language_asked_for() {
    let page = page(&[sample()], &columns(), Lang::Fr, &graded());
    assert!(page.contains("<html lang=\"fr\">"));
    assert!(page.contains(&xml_text(Lang::Fr.words().page_title)));
    assert!(!page.contains(&xml_text(Lang::En.words().page_title)));
}

#[test]
fn a_class_of_300_gives_a_page_under_5_mb() {
    let reports: Vec<Report> = (0..300)
        .map(|i| {
            let mut report = sample();
            report.submission = format!("student-{i:03}");
            report
        })
        .collect();
    let page = page(&reports, &columns(), Lang::En, &graded());
    assert!(page.len() < 5 << 20, "{} bytes", page.len());
    assert_eq!(page.matches("<tr class=\"student\">").count(), 300);
}

#[test]
fn a_time_is_a_date_in_utc() {
    assert_eq!(utc(UNIX_EPOCH), "1970-01-01 00:00 UTC");
    assert_eq!(
        utc(UNIX_EPOCH + Duration::from_secs(951_782_400 + 3_600 * 13 + 60 * 7)),
        "2000-02-29 13:07 UTC"
    );
}
