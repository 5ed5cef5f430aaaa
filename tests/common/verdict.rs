//! What a failing test tells a student: in words, never a raw `ExitStatus(...)` or `Os { .. }`.
//!
//! Every program a test starts is noted here. When the test fails and a program under test
//! stopped at a `todo!()`, the failure says first which step is not done yet: that is the
//! cause, whatever timeout or missing line followed from it.

use std::process::ExitStatus;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use tp_sockets::kit::launcher::Stopped;

use super::build::Role;
use tp_sockets::kit::lock;

/// How a program's stderr is read when a test fails.
type StderrReader = Arc<dyn Fn() -> String + Send + Sync>;

/// A program started by a test: the test (its thread's name), the program's name, and its
/// stderr. Only programs under test are kept.
type Started = (String, String, StderrReader);

/// The programs under test started by the tests of this binary.
static STARTED: Mutex<Vec<Started>> = Mutex::new(Vec::new());

/// The test the current thread runs (libtest names each test's thread after the test); a
/// thread the test started itself has no name.
fn current_test() -> Option<String> {
    std::thread::current()
        .name()
        .filter(|n| *n != "main")
        .map(str::to_string)
}

/// Notes that the current test started `name` in `role`, whose stderr `stderr` reads.
pub fn note_started(name: &str, role: Role, stderr: StderrReader) {
    explain_unfinished_steps_first();
    if role == Role::UnderTest {
        let test = current_test().unwrap_or_default();
        let mut started = lock(&STARTED);
        started.push((test, name.to_string(), stderr));
    }
}

/// The programs under test that the current test started, by name.
pub fn under_test_in_this_test() -> Vec<String> {
    let Some(test) = current_test() else {
        return Vec::new();
    };
    let started = lock(&STARTED);
    let mut names: Vec<String> = Vec::new();
    for (_, name, _) in started.iter().filter(|(t, _, _)| *t == test) {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

/// The step not done yet of a program the current test started, if one stopped at a todo!().
pub fn unfinished_in_this_test() -> Option<String> {
    // A program that just stopped may not have had its last words read yet.
    unfinished_now().or_else(|| {
        std::thread::sleep(Duration::from_millis(300));
        unfinished_now()
    })
}

/// The step not done yet of a program the current test started, if one is known to have
/// stopped at a todo!() by now.
pub fn unfinished_now() -> Option<String> {
    let test = current_test()?;
    let started = lock(&STARTED);
    started
        .iter()
        .filter(|(t, _, _)| *t == test)
        .find_map(|(_, name, stderr)| unfinished_step(name, &stderr()))
}

/// From now on, a test that fails after a program under test stopped at a `todo!()` reports
/// that step, in one sentence, instead of what followed from it; any other failure says the
/// kit's sentence and where, without a backtrace (`TP_SOCKETS_BACKTRACE=1` brings it back).
pub fn explain_unfinished_steps_first() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            match unfinished_in_this_test() {
                Some(sentence) => eprintln!("{sentence}"),
                // A developer of the kit may want the backtrace of the test itself.
                None if std::env::var_os("TP_SOCKETS_BACKTRACE").is_some() => default(info),
                // The kit's sentence and where the test said it: a backtrace of the test says
                // nothing of the student's program, whatever RUST_BACKTRACE asks.
                None => {
                    let thread = std::thread::current();
                    let place = info.location().map_or_else(String::new, |at| {
                        format!(" at {}:{}:{}", at.file(), at.line(), at.column())
                    });
                    let payload = info.payload();
                    let message = payload
                        .downcast_ref::<&str>()
                        .copied()
                        .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
                    eprintln!(
                        "thread '{}' panicked{place}:\n{}",
                        thread.name().unwrap_or("<unnamed>"),
                        message.unwrap_or("(no message)")
                    );
                }
            }
            // What crossed the wire, where it was recorded: tp draws it after the failure.
            if let Some(conversation) = super::wire::told() {
                eprintln!("{conversation}");
            }
        }));
    });
}

/// The line a program's panic hook printed on `stderr`, if it stopped on a panic.
pub fn stopped(stderr: &str) -> Option<Stopped> {
    stderr.lines().find_map(Stopped::parse)
}

/// The sentence for the program `name` that stopped at a `todo!()`, from its stderr:
/// `ex1_tcp_server: step 4 is not done yet (create the socket), at exercises/ex1_tcp_server.rs:31`.
pub fn unfinished_step(name: &str, stderr: &str) -> Option<String> {
    let stop = stopped(stderr)?;
    let step = stop.unfinished?;
    Some(format!(
        "{name}: {step}, at {} (the todo!() is still there)",
        stop.place
    ))
}

/// How a program ended, in words: "exited normally", "exited with code 1", "panicked: …",
/// "was still running after 5 s", "was stopped by signal 9".
pub fn explain_exit(status: Option<ExitStatus>, stderr: &str, deadline: Duration) -> String {
    let Some(status) = status else {
        return format!(
            "was still running after {} s, and was stopped",
            deadline.as_secs_f64()
        );
    };
    match status.code() {
        Some(0) => "exited normally (code 0)".to_string(),
        Some(101) => match stopped(stderr) {
            Some(Stopped {
                unfinished: Some(step),
                place,
                ..
            }) => format!("stopped at {place}: {step}"),
            Some(stop) => format!("panicked at {}: {}", stop.place, stop.message),
            None => "exited with code 101 (a panic)".to_string(),
        },
        Some(2) => {
            let why = stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message");
            format!("exited with code 2: it refused its command line ({why})")
        }
        Some(code) => format!("exited with code {code}"),
        None => signal(status),
    }
}

#[cfg(unix)]
fn signal(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(signal) => format!("was stopped by signal {signal}"),
        None => "ended in a way this OS does not say".to_string(),
    }
}

#[cfg(not(unix))]
fn signal(_status: ExitStatus) -> String {
    "ended without an exit code".to_string()
}

/// The result of a step of the conversation with `name` (connecting, reading its answer…),
/// or a failure that says in words what `name` did: refused the connection, sent nothing in
/// time, closed the connection. `doing` says what the test was doing ("reading its answer").
#[track_caller]
pub fn said<T>(result: std::io::Result<T>, name: &str, doing: &str) -> T {
    use std::io::ErrorKind::*;
    result.unwrap_or_else(|e| match e.kind() {
        ConnectionRefused => panic!(
            "{name} refused the connection while the test was {doing}: it is not listening \
             (it may have stopped)"
        ),
        WouldBlock | TimedOut => panic!("{name} sent nothing in time while the test was {doing}"),
        ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => {
            panic!("{name} closed the connection while the test was {doing}")
        }
        _ => panic!("while the test was {doing}, with {name}: {e}"),
    })
}
