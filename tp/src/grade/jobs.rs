//! Grading as jobs (a submission's program), several at once.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::thread;

use super::listing::tests_by_program;
use super::program::grade_program;
use super::score::{Score, Scores};
use super::submission::{Submission, label};
use crate::programs::{PROGRAMS, Program};
use crate::workspace::Workspace;
use tp_sockets::kit::lock;

/// How many jobs run at once: six per core this process may use (a job mostly waits: for
/// its programs, their deadlines, the network), at least 2.
pub fn default_workers() -> usize {
    thread::available_parallelism()
        .map_or(2, |n| n.get() * 6)
        .clamp(2, 32)
}

/// Runs `jobs` on `workers` threads, in order of the list as far as threads allow; `done`
/// hears of each result (with the job's number) as soon as it is there.
pub fn run_jobs<J: Sync, R: Send>(
    jobs: &[J],
    workers: usize,
    work: &(dyn Fn(&J) -> R + Sync),
    done: &(dyn Fn(usize, R) + Sync),
) {
    let next = Mutex::new(0usize);
    thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut next = lock(&next);
                        *next += 1;
                        *next - 1
                    };
                    let Some(job) = jobs.get(i) else { break };
                    done(i, work(job));
                }
            });
        }
    });
}

/// The reference programs that the tests of `programs` start, each once.
pub fn references_of(programs: &[&Program]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = programs.iter().flat_map(|p| p.references()).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Grades the programs `programs` of every submission, a job per program of each, `workers`
/// at a time, the first `compared` failing tests of each compared with the reference;
/// `progress` gets a line as each submission is done.
pub fn grade_all(
    workspace: &Workspace,
    submissions: &[PathBuf],
    programs: &[&str],
    (workers, compared): (usize, usize),
    progress: &(dyn Fn(String) + Sync),
) -> Vec<Scores> {
    let tests = tests_by_program(workspace);
    let files: Vec<Submission> = submissions.iter().map(|s| Submission::at(s)).collect();
    let graded: Vec<&Program> = PROGRAMS
        .iter()
        .filter(|p| !p.tool && programs.contains(&p.name))
        .collect();
    // The references of every program graded, built at once the first time.
    let _ = workspace.ensure_references(&references_of(&graded), &|l| progress(l.to_string()));
    let jobs: Vec<(usize, &Program)> = (0..submissions.len())
        .flat_map(|s| graded.iter().map(move |p| (s, *p)))
        .collect();
    let scores: Vec<Mutex<BTreeMap<usize, Score>>> =
        submissions.iter().map(|_| Mutex::default()).collect();
    let finished = Mutex::new(0usize);
    let count = submissions.len();
    run_jobs(
        &jobs,
        workers,
        &|&(s, program)| {
            let names = tests.get(program.name).map_or(&[][..], Vec::as_slice);
            grade_program(workspace, &files[s], program, names, compared)
        },
        &|i, score| {
            let (s, program) = jobs[i];
            let place = graded
                .iter()
                .position(|p| p.name == program.name)
                .unwrap_or(0);
            let mut mine = lock(&scores[s]);
            mine.insert(place, score);
            if mine.len() == graded.len() {
                let mut finished = lock(&finished);
                *finished += 1;
                progress(format!(
                    "graded {} ({}/{count})",
                    label(&submissions[s]),
                    *finished
                ));
            }
        },
    );
    scores
        .into_iter()
        .map(|mine| {
            let mine = mine.into_inner().unwrap_or_else(|e| e.into_inner());
            mine.into_iter()
                .map(|(place, score)| (graded[place].name, score))
                .collect()
        })
        .collect()
}
