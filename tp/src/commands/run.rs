//! `tp run [NAME] [--from DIR] [-- ARGS]`: one of a student's programs, compiled against the
//! kit installed here and run in this terminal: what "Run" does in Moodle VPL, where the
//! student's files are alone, without a copy of the kit around them (`cargo ex NAME` in a copy
//! of the kit does the same).

use std::io::BufRead;
use std::path::Path;
use std::process::{Command, ExitCode};

use crate::files::executable_at;
use crate::files::link;
use crate::grade::{Submission, files_of};
use crate::programs::PROGRAMS;
use crate::sandbox::{Mode, Sandbox};
use crate::workspace::Workspace;

use super::Error;
use tp_sockets::net::prompt::ask;

/// Compiles the program `name` (asked for, among those with a file in `from`, when it is
/// absent; its arguments too) and runs it with `args`; its exit code is tp's.
pub fn command(
    root: &Path,
    name: Option<String>,
    from: &Path,
    args: Vec<String>,
) -> Result<ExitCode, Error> {
    let files = files_of(from);
    let present: Vec<&'static str> = PROGRAMS
        .iter()
        .filter(|p| files.get(p.name).is_some_and(Result::is_ok))
        .map(|p| p.name)
        .collect();
    let (name, args) = match name {
        Some(name) => (name, args),
        None => choose(&present, &mut std::io::stdin().lock())?,
    };
    match files.get(name.as_str()) {
        None => return Err(Error::NoSuchProgram(name)),
        Some(Err(why)) => return Err(Error::CannotRun(name, why.clone())),
        Some(Ok(_)) => {}
    }
    let sandbox = Sandbox::choose(Mode::Auto)?;
    let workspace = Workspace::prepare(root, sandbox, &|line| eprintln!("{line}"))?;
    let submission = Submission::at(from);
    let program = match submission.program(&workspace, &name) {
        Ok(program) => program,
        Err(errors) => {
            // The compiler's words, as `cargo ex` shows them.
            eprintln!("{}", errors.to_string().trim_end());
            return Err(Error::DoesNotCompile(name));
        }
    };
    // A submission's programs are one executable, which runs the one it is called by.
    let job = workspace.job_folder()?;
    let called = executable_at(&job.path.join(&name));
    link(&program, &called)?;
    let status = Command::new(&called)
        .args(&args)
        .status()
        .map_err(Error::doing(format!("start {name}")))?;
    Ok(ExitCode::from(
        status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)),
    ))
}

/// Asks which of the programs `present` to run, and its arguments.
fn choose(present: &[&str], input: &mut impl BufRead) -> Result<(String, Vec<String>), Error> {
    if present.is_empty() {
        return Err(Error::NoProgramHere);
    }
    println!("Your programs:");
    for (i, name) in present.iter().enumerate() {
        println!("  {}. {name}", i + 1);
    }
    let name = ask(input, "Which one to run (number or name)? ", |answer| {
        answer
            .parse::<usize>()
            .ok()
            .and_then(|n| present.get(n.checked_sub(1)?))
            .or_else(|| present.iter().find(|p| **p == answer))
            .map(|p| p.to_string())
            .ok_or_else(|| format!("answer a number from 1 to {}, or a name", present.len()))
    })?;
    let args = ask(input, "Its arguments (Enter for none): ", |answer| {
        Ok::<_, String>(answer.split_whitespace().map(str::to_string).collect())
    })?;
    Ok((name, args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_is_chosen_by_number_or_name_with_its_arguments() {
        let present = ["ex1_tcp_server", "ex3_args_client"];
        let mut input = "9\n2\n--port 6000 --message hi\n".as_bytes();
        assert_eq!(
            choose(&present, &mut input).ok(),
            Some((
                "ex3_args_client".to_string(),
                vec![
                    "--port".into(),
                    "6000".into(),
                    "--message".into(),
                    "hi".into()
                ]
            ))
        );
        let mut input = "ex1_tcp_server\n\n".as_bytes();
        assert_eq!(
            choose(&present, &mut input).ok(),
            Some(("ex1_tcp_server".to_string(), vec![]))
        );
        assert!(choose(&present, &mut "".as_bytes()).is_err());
        assert!(choose(&[], &mut "1\n".as_bytes()).is_err());
    }
}
