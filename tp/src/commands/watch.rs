//! `tp watch [NAME]`: checks the exercise you are working on, then again each time a file of
//! `exercises/` is saved (the program of the saved file becomes the one checked). It shows the
//! progress over the whole kit, this program's tests, the first failure in words and the next
//! `TODO (step N)`. Keys: `h` hint, `n` next exercise, `q` quit; without a terminal, the same
//! letters on lines of standard input, and nothing at all once it is closed.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use crate::programs;
use console::{Key, Term};
use notify::{EventKind, RecursiveMode, Watcher};

use super::Error;
use super::check::{self, known_done, next_todo, programs_named, workspace};
use super::hint::hints;
use crate::results::plain;
use crate::sandbox::Mode;
use crate::workspace::Workspace;

/// What the watch waits for.
enum Event {
    /// A file of `exercises/` was written.
    Saved(PathBuf),
    /// A key (or a line starting with it, without a terminal).
    Key(char),
}

/// Editors write a file in several steps; the events that follow within this time are the same
/// save.
const SAVE_SETTLES: Duration = Duration::from_millis(150);

/// `tp watch`: runs until `q` (or Ctrl-C).
pub fn command(root: &Path, kit: Option<&Path>, name: Option<String>) -> Result<(), Error> {
    let kit = kit.unwrap_or(root).to_path_buf();
    let named = name.map(|n| programs_named(&[n])).transpose()?;
    let workspace = workspace(root, Mode::Auto)?;
    let exercises: Vec<&'static str> = programs_named(&[])?;
    let mut focus = match named.and_then(|n| n.first().copied()) {
        Some(program) => program,
        None => exercises
            .iter()
            .copied()
            .find(|p| !known_done(&workspace, &kit, p))
            .unwrap_or(exercises[0]),
    };
    let (events, received) = mpsc::channel();
    let folder = kit.join("exercises");
    let saved = events.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_)) {
            for path in event.paths {
                let _ = saved.send(Event::Saved(path));
            }
        }
    })
    .map_err(|e| Error::Watch(folder.clone(), e))?;
    watcher
        .watch(&folder, RecursiveMode::NonRecursive)
        .map_err(|e| Error::Watch(folder.clone(), e))?;
    read_keys(events);
    let screen = Screen::new();
    loop {
        screen.show_check(&workspace, &kit, focus, &exercises)?;
        // Wait for something that calls for a new check.
        loop {
            match received.recv() {
                Ok(Event::Saved(path)) => {
                    let mut last = path;
                    while let Ok(event) = received.recv_timeout(SAVE_SETTLES) {
                        if let Event::Saved(path) = event {
                            last = path;
                        }
                    }
                    if let Some(program) = program_of_file(&last) {
                        focus = program;
                    }
                    break;
                }
                Ok(Event::Key('h')) => screen.show_hints(focus),
                Ok(Event::Key('n')) => {
                    focus = next_after(focus, &exercises);
                    break;
                }
                Ok(Event::Key('q')) | Err(_) => return Ok(()),
                Ok(Event::Key(_)) => {}
            }
        }
    }
}

/// The program whose student file is `path`, if it is one.
fn program_of_file(path: &Path) -> Option<&'static str> {
    if path.extension()? != "rs" {
        return None;
    }
    let stem = path.file_stem()?.to_str()?;
    programs::find(stem).filter(|p| !p.tool).map(|p| p.name)
}

/// The exercise after `program`, in the handout's order (the first one after the last).
fn next_after(program: &str, exercises: &[&'static str]) -> &'static str {
    let here = exercises.iter().position(|p| *p == program).unwrap_or(0);
    exercises[(here + 1) % exercises.len()]
}

/// Reads the keys: single keys on a terminal, else the first letter of each line of standard
/// input; when standard input is closed, there are no keys, and the watch goes on.
fn read_keys(events: Sender<Event>) {
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    std::thread::spawn(move || {
        if terminal {
            let term = Term::stdout();
            while let Ok(key) = term.read_key() {
                let key = match key {
                    Key::Char(c) => c.to_ascii_lowercase(),
                    Key::CtrlC | Key::Escape => 'q',
                    _ => continue,
                };
                if events.send(Event::Key(key)).is_err() {
                    return;
                }
            }
        } else {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { return };
                let key = line.trim().chars().next().map(|c| c.to_ascii_lowercase());
                if let Some(key) = key
                    && events.send(Event::Key(key)).is_err()
                {
                    return;
                }
            }
        }
    });
}

/// Where the watch writes: a terminal is cleared before each check, anything else (a pipe, a
/// file) gets plain lines, without control codes.
struct Screen {
    term: Option<Term>,
}

/// The width of the progress bar, in characters.
const BAR: usize = 20;

impl Screen {
    fn new() -> Screen {
        let term = Term::stdout();
        Screen {
            term: term.is_term().then_some(term),
        }
    }

    fn start(&self) {
        match &self.term {
            Some(term) => {
                let _ = term.clear_screen();
            }
            None => println!("{}", "-".repeat(60)),
        }
    }

    /// Checks `focus` and shows where the student stands. On a terminal, "checking..." gives
    /// way to the result, and long lines are wrapped at word boundaries.
    fn show_check(
        &self,
        workspace: &Workspace,
        kit: &Path,
        focus: &'static str,
        exercises: &[&'static str],
    ) -> Result<(), Error> {
        self.start();
        let program =
            programs::find(focus).ok_or_else(|| Error::NoSuchProgram(focus.to_string()))?;
        let title = format!("exercises/{focus}.rs ({})", program.step);
        println!("{title}");
        println!("checking {focus}...");
        let result = check::run(workspace, kit, &[focus], &mut |_, _| {})
            .pop()
            .map(|(_, score)| score)
            .unwrap_or_default();
        let done = exercises
            .iter()
            .filter(|p| known_done(workspace, kit, p))
            .count();
        let filled = done * BAR / exercises.len().max(1);
        let mut lines = vec![
            format!(
                "[{}{}] {done}/{} programs done",
                "#".repeat(filled),
                "-".repeat(BAR - filled),
                exercises.len()
            ),
            String::new(),
        ];
        for test in &result.tests {
            let mark = if test.passed { "✓" } else { "✗" };
            lines.push(format!("{mark} {}", plain(&test.name)));
        }
        lines.push(String::new());
        if result.all_passed() {
            lines.push(format!(
                "✓ {focus}: all {} tests pass. Press n for the next exercise ({}).",
                result.total,
                next_after(focus, exercises)
            ));
        } else {
            for line in check::verdict(focus, &result).iter().skip(1) {
                lines.push(line.strip_prefix("    ").unwrap_or(line).to_string());
            }
            if let Some((line, text)) = next_todo(kit, focus) {
                lines.push(format!("next: exercises/{focus}.rs:{line}  {text}"));
            }
        }
        lines.push(String::new());
        lines.push(
            "h: hint   n: next exercise   q: quit   (saving a file in exercises/ checks again)"
                .to_string(),
        );
        match &self.term {
            Some(term) => {
                // The result takes the place of "checking...".
                self.start();
                let width = usize::from(term.size().1).max(40);
                for line in std::iter::once(&title).chain(&lines) {
                    for part in wrap(line, width) {
                        println!("{part}");
                    }
                }
            }
            None => lines.iter().for_each(|l| println!("{l}")),
        }
        Ok(())
    }

    fn show_hints(&self, focus: &str) {
        println!();
        for line in hints(focus).unwrap_or_default() {
            println!("{line}");
        }
    }
}

/// `line` in lines of at most `width` characters, broken at spaces where it can be (the next
/// lines indented by two spaces; a word longer than that stays whole); a line that fits, or a
/// drawing's line, is kept whole.
fn wrap(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width || line.contains(" ms |") {
        return vec![line.to_string()];
    }
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let room = width - if lines.is_empty() { 0 } else { 2 };
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > room {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { l } else { format!("  {l}") })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programs::PROGRAMS;

    #[test]
    fn a_saved_file_names_its_program_and_nothing_else_does() {
        assert_eq!(
            program_of_file(Path::new("/k/exercises/ex1_tcp_client.rs")),
            Some("ex1_tcp_client")
        );
        assert_eq!(
            program_of_file(Path::new("/k/exercises/.ex1_tcp_client.rs.swp")),
            None
        );
        assert_eq!(
            program_of_file(Path::new("/k/exercises/proj_bench.rs")),
            None
        );
        assert_eq!(program_of_file(Path::new("/k/exercises/notes.txt")), None);
    }

    #[test]
    fn long_lines_wrap_at_words() {
        let line = "next: exercises/ex1_tcp_server.rs:23  // TODO (step 4): create an IPv4 socket";
        let wrapped = wrap(line, 36);
        assert!(
            wrapped.iter().all(|l| l.chars().count() <= 36),
            "{wrapped:#?}"
        );
        assert_eq!(
            wrapped
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            line.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        assert!(wrapped[1].starts_with("  "));
        assert_eq!(wrap("short", 30), ["short"]);
    }

    #[test]
    fn next_goes_round_the_exercises() {
        let all: Vec<&'static str> = PROGRAMS
            .iter()
            .filter(|p| !p.tool)
            .map(|p| p.name)
            .collect();
        assert_eq!(next_after("ex1_tcp_server", &all), "ex1_tcp_client");
        assert_eq!(next_after(all[all.len() - 1], &all), all[0]);
    }
}
