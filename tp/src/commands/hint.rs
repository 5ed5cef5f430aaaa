//! `tp hint [NAME]`: a program's hints, step by step, that do not give the solution away.

use std::path::Path;

use super::Error;
use super::check::next_todo;
use crate::programs::{self, PROGRAMS};

/// Prints the hints of `name`, or of the first program with a `todo!()` left.
pub fn command(root: &Path, name: Option<String>) -> Result<(), Error> {
    let name = match name {
        Some(name) => name,
        None => PROGRAMS
            .iter()
            .filter(|p| !p.tool)
            .find(|p| next_todo(root, p.name).is_some())
            .map(|p| p.name.to_string())
            .ok_or(Error::AllDone)?,
    };
    for line in hints(&name)? {
        println!("{line}");
    }
    Ok(())
}

/// The hints for the program `name`, as `tp hint` and `tp watch` show them.
pub fn hints(name: &str) -> Result<Vec<String>, Error> {
    let program = programs::find(name).ok_or_else(|| Error::NoSuchProgram(name.to_string()))?;
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
