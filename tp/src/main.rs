//! `tp`: the kit's own command (`cargo run -- ...`).
//!
//! - `tp`: the exercises in the handout's order, how to run each reference, and your file;
//! - `tp hint NAME`: hints for one program, step by step, without the solution;
//! - `tp check [NAME...]`: the tests on your own programs, one line per program;
//! - `tp watch [NAME]`: checks your exercise again each time you save it;
//! - `tp grade DIR...`: a class's submissions, one row per student, and a CSV file;
//! - `tp images`: draws the sample pictures of images/ again.

mod check;
mod feedback;
mod report;
mod watch;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use clap::{Parser, Subcommand};
use tp::programs::{self, PROGRAMS};
use tp::sandbox::{Mode, Sandbox};
use tp::workspace::Workspace;
use tp::{files, grade, samples};
use tp_sockets::kit::lock;
use tp_sockets::net::finish;

/// The tp-sockets lab kit: exercises, hints, checks and grades.
#[derive(Parser)]
#[command(name = "tp")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Hints for one program, step by step, that do not give the solution away
    Hint {
        /// The program, e.g. ex1_tcp_server
        name: String,
    },
    /// Run the tests on your own programs (exercises/) and show where you stand
    Check {
        /// Programs or exercises (e.g. ex1_tcp_server, ex1_tcp); all when absent
        names: Vec<String>,
        /// A copy of the kit whose exercises/ to check, instead of this one
        #[arg(long)]
        kit: Option<PathBuf>,
    },
    /// Check your exercise each time you save a file of exercises/ (keys: h hint, n next, q quit)
    Watch {
        /// The program to start with (e.g. ex1_tcp_server); the first unfinished when absent
        name: Option<String>,
        /// A copy of the kit whose exercises/ to watch, instead of this one
        #[arg(long)]
        kit: Option<PathBuf>,
    },
    /// Grade submissions: each folder is a student's copy of the kit, or the exercises/*.rs
    /// files alone; only those files count, tested by this kit's own tests
    Grade {
        /// The submission folders (anything else among them is listed as skipped)
        #[arg(required = true)]
        submissions: Vec<PathBuf>,
        /// Where to write the grades as CSV
        #[arg(long, default_value = "grades.csv")]
        csv: PathBuf,
        /// A folder where to write each submission's feedback, FOLDER_NAME.md
        #[arg(long, value_name = "DIR")]
        feedback: Option<PathBuf>,
        /// Write Gradescope's results.json for the (single) submission to this file
        #[arg(long, value_name = "FILE")]
        gradescope: Option<PathBuf>,
        /// Write the (single) submission's results for GitHub Classroom's reporter in this
        /// folder, one PROGRAM.json per program
        #[arg(long, value_name = "DIR")]
        classroom: Option<PathBuf>,
        /// Run each submission in a sandbox (Linux, bubblewrap): auto (where one can be
        /// made), required (refuse to grade without), off
        #[arg(long, default_value = "auto", value_name = "MODE")]
        sandbox: Mode,
        /// Programs graded at once (default: four per core)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
        jobs: Option<u16>,
    },
    /// Draw the sample pictures of the image project (byte for byte the files in images/)
    Images {
        /// The folder to write them to
        #[arg(long, default_value = "images")]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    tp_sockets::kit::launcher::end_quietly_on_closed_output();
    let root = tp::kit_root();
    match Cli::parse().command {
        None => {
            list();
            ExitCode::SUCCESS
        }
        Some(Command::Hint { name }) => finish(hint(&name)),
        Some(Command::Check { names, kit }) => match check::command(root, kit.as_deref(), &names) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => finish(Err(e)),
        },
        Some(Command::Watch { name, kit }) => finish(watch::command(root, kit.as_deref(), name)),
        Some(Command::Grade {
            submissions,
            csv,
            feedback,
            gradescope,
            classroom,
            sandbox,
            jobs,
        }) => finish(grade(
            root,
            &submissions,
            &csv,
            Outputs {
                feedback: feedback.as_deref(),
                gradescope: gradescope.as_deref(),
                classroom: classroom.as_deref(),
            },
            (
                sandbox,
                jobs.map_or_else(grade::default_workers, usize::from),
            ),
        )),
        Some(Command::Images { dir }) => finish(draw_images(&dir)),
    }
}

fn list() {
    println!("The programs, in the handout's order. Run yours with `cargo ex NAME`, get hints");
    println!("with `cargo run -- hint NAME`, see where you stand with `cargo run -- check`.");
    for program in PROGRAMS {
        println!("\n{}", program.step);
        let run = if program.name == "proj_bench" {
            format!("cargo run --release --example {}", program.name)
        } else {
            format!("cargo run --example {}", program.name)
        };
        if program.tool {
            println!("    {run}");
        } else {
            println!("    reference: {run}");
            println!("    yours:     exercises/{}.rs", program.name);
        }
    }
}

fn hint(name: &str) -> Result<(), String> {
    for line in hints(name)? {
        println!("{line}");
    }
    Ok(())
}

/// The hints for the program `name`, as `tp hint` and `tp watch` show them.
fn hints(name: &str) -> Result<Vec<String>, String> {
    let program = programs::find(name)
        .ok_or_else(|| format!("no program named {name}; `cargo run` lists them"))?;
    if program.hints.is_empty() {
        return Ok(vec![format!(
            "{name} is a tool of the kit, not an exercise: read tools/{name}.rs"
        )]);
    }
    let mut lines = vec![format!("{name} ({}):", program.step)];
    for (i, hint) in program.hints.iter().enumerate() {
        lines.push(format!("{}. {hint}", i + 1));
    }
    lines.push(format!(
        "The TODO comments in exercises/{name}.rs say what each step needs."
    ));
    Ok(lines)
}

/// Where `tp grade` writes, besides its table and the CSV.
struct Outputs<'a> {
    feedback: Option<&'a Path>,
    gradescope: Option<&'a Path>,
    classroom: Option<&'a Path>,
}

/// The grading workspace of the kit at `root`, with the sandbox `mode` asks for, made ready;
/// what it builds, and the sandbox it uses, are said on stderr.
fn workspace(root: &Path, mode: Mode) -> Result<Workspace, String> {
    let sandbox = Sandbox::choose(mode)?;
    eprintln!("{}", sandbox.line());
    Workspace::prepare(root, sandbox, &|line| eprintln!("{line}"))
}

fn grade(
    root: &Path,
    candidates: &[PathBuf],
    csv: &Path,
    out: Outputs,
    (mode, workers): (Mode, usize),
) -> Result<(), String> {
    let Outputs {
        feedback,
        gradescope,
        classroom,
    } = out;
    let mut submissions = Vec::new();
    for candidate in candidates {
        match grade::not_a_submission(candidate) {
            Some(why) => eprintln!("skipped {}: {why}", candidate.display()),
            None => submissions.push(candidate.clone()),
        }
    }
    if submissions.is_empty() {
        let why = "no submission to grade: each one is a copy of the kit, or a folder of \
                   exercises/*.rs files";
        if let Some(file) = gradescope {
            // The student sees why on Gradescope, rather than an autograder failure.
            files::write(
                file,
                feedback::gradescope(&Err(why.to_string()), "")
                    .to_string()
                    .as_bytes(),
            )?;
        }
        return Err(why.to_string());
    }
    if (gradescope.is_some() || classroom.is_some()) && submissions.len() != 1 {
        return Err(
            "--gradescope and --classroom write the results of one submission: give one"
                .to_string(),
        );
    }
    let started = Instant::now();
    let workspace = workspace(root, mode)?;
    let stderr = Mutex::new(std::io::stderr());
    let progress = |line: String| {
        let mut err = lock(&stderr);
        let _ = writeln!(err, "{line}");
    };
    let results: Vec<Result<grade::Scores, String>> =
        grade::grade_all(&workspace, &submissions, workers, &progress)
            .into_iter()
            .map(Ok)
            .collect();
    let names: Vec<String> = submissions.iter().map(|s| grade::label(s)).collect();
    let (table, rows) = report::table(&names, &results);
    print!("{table}");
    files::write(csv, rows.as_bytes())?;
    if let Some(dir) = feedback {
        for (name, result) in names.iter().zip(&results) {
            let markdown = feedback::markdown(name, result);
            files::write(&dir.join(format!("{name}.md")), markdown.as_bytes())?;
        }
    }
    if let (Some(file), Some(result)) = (gradescope, results.first()) {
        let how = workspace.sandbox.line();
        files::write(
            file,
            feedback::gradescope(result, how).to_string().as_bytes(),
        )?;
    }
    if let (Some(dir), Some(result)) = (classroom, results.first()) {
        let scores = result
            .as_ref()
            .map_err(|why| format!("not graded: {why}"))?;
        for (program, json) in feedback::classroom(scores) {
            files::write(
                &dir.join(format!("{program}.json")),
                json.to_string().as_bytes(),
            )?;
        }
    }
    eprintln!(
        "{} submissions graded in {:.0} s; grades written to {}{}",
        submissions.len(),
        started.elapsed().as_secs_f64(),
        csv.display(),
        feedback.map_or(String::new(), |d| format!(", feedback to {}", d.display()))
    );
    Ok(())
}

fn draw_images(dir: &Path) -> Result<(), String> {
    for sample in samples::draw().map_err(|e| format!("cannot draw the pictures: {e}"))? {
        let path = dir.join(sample.name);
        files::write(&path, &sample.bytes)?;
        println!("{} ({} bytes)", path.display(), sample.bytes.len());
    }
    Ok(())
}
