//! `tp`: the kit's own command (`cargo run -- ...`).
//!
//! - `tp`: the exercises in the handout's order, how to run each reference, and your file;
//! - `tp hint NAME`: hints for one program, step by step, without the solution;
//! - `tp check [NAME...]`: the tests on your own programs, one line per program;
//! - `tp watch [NAME]`: checks your exercise again each time you save it;
//! - `tp grade DIR...`: a class's submissions, one row per student, and a CSV file;
//! - `tp images`: draws the sample pictures of images/ again.

mod check;
mod files;
mod grade;
mod libtest;
mod report;
mod watch;
mod workspace;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use clap::{Parser, Subcommand};
use tp_sockets::kit::programs::{self, PROGRAMS};
use tp_sockets::kit::samples;
use tp_sockets::net::finish;
use workspace::Workspace;

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
    /// Grade submissions: each folder is a student's copy of the kit; only its exercises/
    /// files count
    Grade {
        /// The submission folders
        #[arg(required = true)]
        submissions: Vec<PathBuf>,
        /// Where to write the grades as CSV
        #[arg(long, default_value = "grades.csv")]
        csv: PathBuf,
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
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
        Some(Command::Grade { submissions, csv }) => finish(grade(root, &submissions, &csv)),
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

fn grade(root: &Path, submissions: &[PathBuf], csv: &Path) -> Result<(), String> {
    for submission in submissions {
        if !submission.join("exercises").is_dir() {
            return Err(format!(
                "{} has no exercises/ folder: is it a copy of the kit?",
                submission.display()
            ));
        }
    }
    let started = Instant::now();
    let workspace = Workspace::prepare(root)?;
    let stderr = Mutex::new(std::io::stderr());
    let progress = |line: String| {
        let mut err = stderr.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(err, "{line}");
    };
    let results = grade::grade_all(&workspace, submissions, &progress);
    let names: Vec<String> = submissions.iter().map(|s| grade::label(s)).collect();
    let (table, rows) = report::table(&names, &results);
    print!("{table}");
    std::fs::write(csv, rows).map_err(|e| format!("cannot write {}: {e}", csv.display()))?;
    eprintln!(
        "{} submissions graded in {:.0} s; grades written to {}",
        submissions.len(),
        started.elapsed().as_secs_f64(),
        csv.display()
    );
    Ok(())
}

fn draw_images(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for sample in samples::draw().map_err(|e| format!("cannot draw the pictures: {e}"))? {
        let path = dir.join(sample.name);
        std::fs::write(&path, &sample.bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("{} ({} bytes)", path.display(), sample.bytes.len());
    }
    Ok(())
}
