//! How `tp check` and `tp grade` run the kit's tests on students' files.
//!
//! A submission is graded one program at a time, each program alone: its file is compiled in
//! a sandbox of its own (a file that does not compile costs only its program), then the kit's
//! tests of that program run in another, with the program under test and the reference
//! programs as its peers. A program that stops its test binary, or floods it, costs only its
//! own tests. The jobs (a submission's program) run several at once; every one has its
//! deadlines.

mod expected;
mod jobs;
mod listing;
mod program;
mod run;
mod score;
mod submission;

pub use expected::COMPARED;
pub use jobs::{default_workers, grade_all, references_of, run_jobs};
pub use listing::{program_of, tests_by_program};
pub use program::grade_program;
pub use score::{Score, Scores};
pub use submission::{
    Files, LARGEST_FILE, Submission, Ungraded, files_of, label, not_a_submission,
};
