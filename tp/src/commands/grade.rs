//! `tp grade`: a class's submissions graded, and what is written of them: the table, the CSV,
//! the feedback, and one submission's results for Gradescope, Moodle VPL or Classroom 50.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use crate::files;
use crate::grade;
use crate::results::{Lang, Report, classroom50, gradescope, html, markdown, table, vpl};
use crate::sandbox::Mode;
use tp_sockets::kit::contain::{self, Strays};
use tp_sockets::kit::lock;

use super::Error;
use super::check::{self, workspace};

/// Where `tp grade` writes, besides its table, and how.
pub struct Outputs {
    /// The grades, as CSV.
    pub csv: PathBuf,
    /// A folder for each submission's feedback.
    pub feedback: Option<PathBuf>,
    /// The class at a glance, as one HTML page.
    pub report: Option<PathBuf>,
    /// Gradescope's results.json of the one submission.
    pub gradescope: Option<PathBuf>,
    /// Moodle VPL's evaluation of the one submission.
    pub vpl: Option<PathBuf>,
    /// The grades of VPL: when no test passes, and when all do.
    pub grade_range: (f64, f64),
    /// A folder for Classroom 50's rows and Release body of the one submission.
    pub classroom50: Option<PathBuf>,
    /// The language of the feedback's frame.
    pub lang: Lang,
}

impl Outputs {
    /// Some of the outputs are those of one submission.
    fn of_one(&self) -> bool {
        self.gradescope.is_some() || self.vpl.is_some() || self.classroom50.is_some()
    }

    /// Writes the outputs of one submission that are asked for.
    fn write_one(&self, report: &Report) -> Result<(), Error> {
        if let Some(file) = &self.gradescope {
            files::write(file, gradescope::results(report).to_string().as_bytes())?;
        }
        if let Some(file) = &self.vpl {
            let text = vpl::evaluation(report, self.lang, self.grade_range);
            files::write(file, text.as_bytes())?;
        }
        if let Some(dir) = &self.classroom50 {
            let rows = classroom50::rows(report).to_string();
            files::write(&dir.join("classroom50.json"), rows.as_bytes())?;
            let body = classroom50::release_body(report, self.lang);
            files::write(&dir.join("release-body.md"), body.as_bytes())?;
        }
        Ok(())
    }
}

/// Grades the submissions among `candidates` (their programs `programs`, all when empty)
/// and writes `out`.
pub fn command(
    root: &Path,
    candidates: &[PathBuf],
    out: &Outputs,
    programs: &[String],
    (mode, workers): (Mode, usize),
) -> Result<(), Error> {
    let (min, max) = out.grade_range;
    if !(min.is_finite() && max.is_finite() && min < max) {
        return Err(Error::GradeRange(min, max));
    }
    let columns = check::programs_named(programs)?;
    let mut submissions = Vec::new();
    for candidate in candidates {
        match grade::not_a_submission(candidate) {
            Some(why) => eprintln!("skipped {}: {why}", candidate.display()),
            None => submissions.push(candidate.clone()),
        }
    }
    if submissions.is_empty() {
        // The student sees why on the platform, rather than a failure of the grader.
        let name = candidates
            .first()
            .map_or_else(String::new, |c| grade::label(c));
        let why = Error::NoSubmission.to_string();
        out.write_one(&Report::of(&name, Err(&why), ""))?;
        return Err(Error::NoSubmission);
    }
    if out.of_one() && submissions.len() != 1 {
        return Err(Error::NotOneSubmission);
    }
    let started = Instant::now();
    let workspace = workspace(root, mode)?;
    let stderr = Mutex::new(std::io::stderr());
    let progress = |line: String| {
        let mut err = lock(&stderr);
        let _ = writeln!(err, "{line}");
    };
    let how = workspace.sandbox.line();
    // Where failures are told in full, the first ones are compared with the reference.
    let shown = out.feedback.is_some() || out.of_one();
    let compared = if shown { grade::COMPARED } else { 0 };
    let reports: Vec<Report> = grade::grade_all(
        &workspace,
        &submissions,
        &columns,
        (workers, compared),
        &progress,
    )
    .iter()
    .zip(&submissions)
    .map(|(scores, submission)| Report::of(&grade::label(submission), Ok(scores), how))
    .collect();
    // Nothing a submission started may run while its results are written, nor after.
    contain::kill_strays(Strays::All);
    print!("{}", table::table(&reports, &columns));
    files::write(&out.csv, table::csv(&reports, &columns).as_bytes())?;
    if let Some(dir) = &out.feedback {
        for report in &reports {
            let text = markdown::feedback(report, out.lang, markdown::FEEDBACK_FILE);
            files::write(
                &dir.join(format!("{}.md", report.submission)),
                text.as_bytes(),
            )?;
        }
    }
    if let Some(file) = &out.report {
        let graded = html::Graded {
            at: std::time::SystemTime::now(),
            how: how.to_string(),
        };
        let page = html::page(&reports, &columns, out.lang, &graded);
        files::write(file, page.as_bytes())?;
    }
    if let Some(report) = reports.first().filter(|_| out.of_one()) {
        out.write_one(report)?;
    }
    eprintln!(
        "{} submissions graded in {:.0} s; grades written to {}{}{}",
        submissions.len(),
        started.elapsed().as_secs_f64(),
        out.csv.display(),
        out.feedback
            .as_ref()
            .map_or(String::new(), |d| format!(", feedback to {}", d.display())),
        out.report.as_ref().map_or(String::new(), |f| format!(
            ", the class at a glance to {}",
            f.display()
        ))
    );
    Ok(())
}
