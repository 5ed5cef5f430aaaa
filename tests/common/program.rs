//! The one way a test starts a program of the kit: [`under_test`] or [`reference`], then its
//! arguments, input, deadline and environment, then [`Program::run`] (to its end),
//! [`Program::start`] (in the background, under the kit's supervisor), or
//! [`Program::serve`] (in the background, once it says where it listens).

use std::ffi::{OsStr, OsString};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use tp_sockets::kit::launcher::EXPECT_VAR;
use tp_sockets::kit::process::{Supervised, announced, run_to_end_unless};

use super::build::{Role, executable};
use super::outcome::Outcome;
use super::process::{RUN_DEADLINE, Running};
use super::verdict::{explain_exit, note_started};

/// A program to start: its name and role, and how it is started.
#[derive(Debug, Clone)]
pub struct Program {
    name: String,
    role: Role,
    args: Vec<OsString>,
    stdin: Vec<u8>,
    deadline: Duration,
    env: Vec<(OsString, Option<OsString>)>,
    dir: Option<PathBuf>,
    without_ipv6: bool,
}

/// The program `name` under test: the student's under `cargo grade`, the reference under
/// `cargo test`.
pub fn under_test(name: &str) -> Program {
    program(name, Role::UnderTest)
}

/// The reference program `name`: the peer of a program under test, or a tool of the kit.
pub fn reference(name: &str) -> Program {
    program(name, Role::Reference)
}

/// The program `name` in `role`.
pub fn program(name: &str, role: Role) -> Program {
    super::verdict::explain_unfinished_steps_first();
    Program {
        name: name.to_string(),
        role,
        args: Vec::new(),
        stdin: Vec::new(),
        deadline: RUN_DEADLINE,
        env: Vec::new(),
        dir: None,
        without_ipv6: false,
    }
}

impl Program {
    /// Its command-line arguments, added to those given before.
    pub fn args<I, S>(mut self, args: I) -> Program
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// What it reads on its standard input (then closed), as if typed.
    pub fn stdin(mut self, text: &str) -> Program {
        self.stdin = text.as_bytes().to_vec();
        self
    }

    /// How long [`Program::run`] lets it run before it is stopped ([`RUN_DEADLINE`] unless
    /// told).
    pub fn deadline(mut self, deadline: Duration) -> Program {
        self.deadline = deadline;
        self
    }

    /// A variable of its environment.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Program {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// A variable its environment does not have, even if the test's has it.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Program {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// The folder it runs in.
    pub fn current_dir(mut self, dir: &Path) -> Program {
        self.dir = Some(dir.to_path_buf());
        self
    }

    /// Runs it on a machine without IPv6 (Linux: a network of its own, with IPv6 off).
    pub fn without_ipv6(mut self) -> Program {
        self.without_ipv6 = true;
        self
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The command that starts it, told which build the tests expect, with no backtrace in
    /// what it prints: for the few runs no other method makes (in a terminal, with its output
    /// closed).
    #[track_caller]
    pub fn command(&self) -> Command {
        let program = executable(&self.name, self.role);
        let mut command = if self.without_ipv6 {
            tp::netns::without_ipv6(&program)
        } else {
            Command::new(program)
        };
        command
            .args(&self.args)
            .env(EXPECT_VAR, self.role.build())
            .env("RUST_BACKTRACE", "0");
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        command
    }

    /// Runs it to its end, or to its deadline, with its input, under the kit's supervisor:
    /// what it printed and how it ended. At its end, or at its deadline, the program and
    /// everything it started in its group are stopped: a program that leaves another running
    /// with its output never holds the test. A reference is stopped early when a program
    /// under test of the same test stopped at a todo!(): it waits for a peer that is gone, and
    /// the test fails for that step anyway.
    #[track_caller]
    pub fn run(self) -> Outcome {
        let peer_stopped =
            || self.role == Role::Reference && super::verdict::unfinished_now().is_some();
        let finished = run_to_end_unless(
            &mut self.command(),
            &self.stdin,
            self.deadline,
            &peer_stopped,
        )
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.name));
        let (status, stdout, stderr) = (finished.status, finished.stdout, finished.stderr);
        let timed_out = status.is_none();
        let said = stderr.clone();
        note_started(&self.name, self.role, Arc::new(move || said.clone()));
        if !is_server(&self.name) {
            super::wire::client_ran(&self.name);
        }
        let outcome = Outcome {
            name: self.name.clone(),
            role: self.role,
            code: status.and_then(|s| s.code()),
            timed_out,
            ended: explain_exit(status, &stderr, self.deadline),
            stdout,
            stderr,
        };
        outcome.refuse_wrong_build();
        outcome
    }

    /// Starts it in the background, under the kit's supervisor (killed when dropped); its
    /// stdin is a pipe the test writes to.
    #[track_caller]
    pub fn start(self) -> Running {
        let program = Supervised::start(&mut self.command())
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.name));
        note_started(&self.name, self.role, Arc::new(program.stderr_reader()));
        if !is_server(&self.name) {
            super::wire::client_ran(&self.name);
        }
        let mut running = Running::new(&self.name, program);
        if !self.stdin.is_empty() {
            running.type_in(&String::from_utf8_lossy(&self.stdin));
        }
        running
    }

    /// Starts it in the background and waits (at most [`START_DEADLINE`]) for its
    /// `listening on <address>` (TCP) or `receiving on <address>` (UDP) line.
    #[track_caller]
    pub fn serve(self) -> Running {
        let name = self.name.clone();
        let mut server = self.start();
        server.expect_to_announce(&name);
        let line = server.wait_for_stdout(|l| announced(l).is_some(), Duration::ZERO);
        if let Some(address) = line.and_then(|l| announced(&l)?.parse::<SocketAddr>().ok()) {
            super::wire::server_on(address.port(), &name);
        }
        server
    }
}

/// Whether the program `name` is a server (its peers come to it), as the kit's list says.
fn is_server(name: &str) -> bool {
    tp::programs::find(name).is_some_and(|p| p.kind == tp::programs::Kind::Server)
}
