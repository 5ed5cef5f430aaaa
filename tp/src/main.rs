//! `tp`: the kit's own command (`cargo run -- ...`).
//!
//! - `tp`: the exercises in the handout's order, how to run each reference, and your file;
//! - `tp hint NAME`: hints for one program, step by step, without the solution;
//! - `tp check [NAME...]`: the tests on your own programs, one line per program;
//! - `tp watch [NAME]`: checks your exercise again each time you save it;
//! - `tp grade DIR...`: a class's submissions, one row per student, and a CSV file; one
//!   submission's results for Gradescope, Moodle VPL or Classroom 50;
//! - `tp reset NAME [--open]`: a project program's file back to its guided or open skeleton;
//! - `tp run [NAME]`: one of your programs, from your files alone (Moodle VPL's "Run");
//! - `tp trace NAME`: a program's exchange with its reference peer, recorded and drawn;
//! - `tp images`: draws the sample pictures of images/ again.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tp::commands::{Error, check, grade, hint, images, list, reset, run, trace, watch};
use tp::results::Lang;
use tp::sandbox::Mode;

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
        /// The program, e.g. ex1_tcp_server; the one you are working on (the first with a
        /// todo!() left) when absent
        name: Option<String>,
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
        /// Write the class at a glance to this HTML file: each program's pass rate, the totals,
        /// the tests failed most, a row per student and their feedback (one page, no script)
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Write Gradescope's results.json for the (single) submission to this file
        #[arg(long, value_name = "FILE")]
        gradescope: Option<PathBuf>,
        /// Write Moodle VPL's evaluation of the (single) submission to this file: its comments,
        /// then `Grade :=>>N` between --grade-min and --grade-max
        #[arg(long, value_name = "FILE")]
        vpl: Option<PathBuf>,
        /// The grade when no test passes (VPL's VPL_GRADEMIN)
        #[arg(long, default_value_t = 0.0, value_name = "N")]
        grade_min: f64,
        /// The grade when every test passes (VPL's VPL_GRADEMAX)
        #[arg(long, default_value_t = 10.0, value_name = "N")]
        grade_max: f64,
        /// Write the (single) submission's rows for Classroom 50 (classroom50.json) and its
        /// Release body (release-body.md) in this folder
        #[arg(long, value_name = "DIR")]
        classroom50: Option<PathBuf>,
        /// The language of the feedback's titles, totals and comparisons with the reference:
        /// en or fr (the tests' own sentences are in English)
        #[arg(long, default_value = "en", value_name = "LANG")]
        lang: Lang,
        /// Grade only these programs or exercises (e.g. ex1_tcp,ex2_netstat); all when absent
        #[arg(long, value_delimiter = ',', value_name = "NAMES")]
        programs: Vec<String>,
        /// Run each submission in a sandbox (Linux, bubblewrap): required (refuse to grade
        /// without one), auto (where one can be made; the platforms' jails), off (your rights)
        #[arg(long, default_value = "required", value_name = "MODE")]
        sandbox: Mode,
        /// Programs graded at once (default: six per core)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
        jobs: Option<u16>,
    },
    /// Bring a project program's file back to its guided skeleton, or to its open one (only the
    /// command line: you design the rest)
    Reset {
        /// The program, e.g. proj_image_server
        name: String,
        /// The open level instead of the guided one
        #[arg(long)]
        open: bool,
        /// Replace your changes (a copy is kept under target/tp-reset/)
        #[arg(long)]
        force: bool,
        /// A copy of the kit whose exercises/ to reset, instead of this one
        #[arg(long)]
        kit: Option<PathBuf>,
    },
    /// Compile one of your programs with the kit installed here and run it (what "Run" does in
    /// Moodle VPL, where your files are alone)
    Run {
        /// The program (e.g. ex2_netstat); asked for, with its arguments, when absent
        name: Option<String>,
        /// The folder that holds your files: NAME.rs, or exercises/NAME.rs
        #[arg(long, default_value = ".", value_name = "DIR")]
        from: PathBuf,
        /// The program's arguments, after `--`
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Run a program with its reference peer in a network of its own (Linux), record every
    /// packet, and draw the exchange as a sequence diagram
    Trace {
        /// The program (e.g. ex1_tcp_server): yours, from exercises/
        name: String,
        /// Trace the reference program instead of yours
        #[arg(long)]
        reference: bool,
        /// Run the program without its peer (a client with no server)
        #[arg(long)]
        alone: bool,
        /// Write every packet to this pcap file (for Wireshark or `tcpdump -r`)
        #[arg(long, value_name = "FILE")]
        pcap: Option<PathBuf>,
        /// The program's arguments, after `--` (the scenario's when absent)
        #[arg(last = true)]
        args: Vec<String>,
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
    // What the programs under test start and leave is adopted by tp, and killed (Linux).
    tp_sockets::kit::contain::adopt_orphans();
    let root = tp::kit_root();
    let done = match Cli::parse().command {
        None => {
            list::command();
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Hint { name }) => hint::command(root, name).map(succeeded),
        Some(Command::Check { names, kit }) => {
            check::command(root, kit.as_deref(), &names).map(|passed| {
                if passed {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            })
        }
        Some(Command::Watch { name, kit }) => {
            watch::command(root, kit.as_deref(), name).map(succeeded)
        }
        Some(Command::Grade {
            submissions,
            csv,
            feedback,
            report,
            gradescope,
            vpl,
            grade_min,
            grade_max,
            classroom50,
            lang,
            programs,
            sandbox,
            jobs,
        }) => grade::command(
            root,
            &submissions,
            &grade::Outputs {
                csv,
                feedback,
                report,
                gradescope,
                vpl,
                grade_range: (grade_min, grade_max),
                classroom50,
                lang,
            },
            &programs,
            (
                sandbox,
                jobs.map_or_else(tp::grade::default_workers, usize::from),
            ),
        )
        .map(succeeded),
        Some(Command::Reset {
            name,
            open,
            force,
            kit,
        }) => reset::command(
            root,
            kit.as_deref().unwrap_or(root),
            &reset::Request {
                name: &name,
                open,
                force,
            },
        )
        .map(succeeded),
        Some(Command::Run { name, from, args }) => run::command(root, name, &from, args),
        Some(Command::Trace {
            name,
            reference,
            alone,
            pcap,
            args,
        }) => trace::command(
            root,
            &trace::Request {
                name,
                reference,
                alone,
                pcap,
                args,
            },
        )
        .map(succeeded),
        Some(Command::Images { dir }) => images::command(&dir).map(succeeded),
    };
    done.unwrap_or_else(failed)
}

/// A command that did what it was asked.
fn succeeded(_: ()) -> ExitCode {
    ExitCode::SUCCESS
}

/// The only place where an error of tp becomes text: one line on stderr, and exit code 1.
fn failed(error: Error) -> ExitCode {
    tp_sockets::net::finish(Err::<(), _>(error))
}
