//! The test harness itself (tests/common/): what a student reads when a check fails.

/// A failed check is one sentence for a student, never a predicate's description.
#[test]
fn a_failed_check_is_one_sentence_and_no_predicate_dump() {
    let failure = std::panic::catch_unwind(|| {
        crate::common::line_says("port 62000 is free", "held");
    })
    .unwrap_err();
    let said = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        said,
        "expected the line to say `held`, but it said: port 62000 is free"
    );
}
