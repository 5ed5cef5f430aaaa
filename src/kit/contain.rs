//! Nothing a supervised program starts outlives it, with or without namespaces.
//!
//! A program under test may start others: a server that forks, or a hostile submission that
//! starts a daemon (a double fork, `setsid`) to rewrite the grades after its test. Three
//! mechanisms, each where the OS has it:
//!
//! - **a process group per program** (Unix): [`Supervised`](super::process::Supervised) starts
//!   each program as the leader of a group of its own; when the program is stopped, its whole
//!   group is killed, whatever it started that stayed in it;
//! - **a child subreaper** (Linux, `prctl(PR_SET_CHILD_SUBREAPER)`): a process whose parent
//!   dies is adopted by the nearest subreaper among its ancestors instead of by `init`,
//!   whatever session or group it moved to. A supervising process becomes one
//!   ([`adopt_orphans`]); what it adopted is a stray, killed and reaped ([`kill_strays`]) each
//!   time a supervised program is stopped, and before `tp` writes any result;
//! - **namespaces** (Linux, where they can be made): `tp grade`'s sandbox gives each job a
//!   PID namespace of its own, whose processes all die with its first one (tp/src/sandbox.rs).
//!
//! macOS has process groups but no subreaper: a daemon that calls `setsid` escapes there.
//! Windows has neither here (a job object needs code the kit does not carry): a program's
//! children outlive it. Grading strangers' code is for Linux (the README says so).

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

/// The programs started by [`Supervised`](super::process::Supervised) that still run: they are
/// this process's own children, never strays.
static SUPERVISED: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// The list of supervised programs, locked: held while a program is started and recorded, and
/// while strays are looked for, so that a program just started is never taken for a stray.
pub(super) fn supervised() -> MutexGuard<'static, BTreeSet<u32>> {
    super::lock(&SUPERVISED)
}

/// Which of the processes this one adopted [`kill_strays`] kills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strays {
    /// Those that left this process's group: while programs run, a child in this process's
    /// own group may be a command it ran itself (`cargo`, `ss`).
    Adopted,
    /// Every child that is not a supervised program: when nothing else should be running
    /// (before results are written).
    All,
}

/// Makes this process adopt the orphans among its descendants (Linux: a child subreaper);
/// whether it does. Asked once per process; elsewhere, `false`.
pub fn adopt_orphans() -> bool {
    static ADOPTS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ADOPTS.get_or_init(|| {
        #[cfg(target_os = "linux")]
        {
            nix::sys::prctl::set_child_subreaper(true).is_ok()
        }
        #[cfg(not(target_os = "linux"))]
        {
            false
        }
    })
}

/// Makes `command` start its program as the leader of a process group of its own (Unix), so
/// that [`kill_group`] reaches what it starts.
pub(super) fn own_group(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    #[cfg(not(unix))]
    let _ = command;
}

/// Kills, with SIGKILL, the process group `leader` made (Unix). While the leader is not reaped,
/// the group's number is its own, and one `killpg` reaches every member (the kernel lets no
/// fork escape a signal to its group). Once it is reaped, the number could be given again when
/// the group is empty: on Linux, each member still in this process's session is killed by its
/// own number; elsewhere, nothing is sent.
pub(super) fn kill_group(leader: u32, leader_reaped: bool) {
    #[cfg(unix)]
    {
        let Ok(pgid) = i32::try_from(leader) else {
            return;
        };
        if !leader_reaped {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(pgid),
                nix::sys::signal::Signal::SIGKILL,
            );
            return;
        }
        #[cfg(target_os = "linux")]
        {
            let session = own().session;
            // Members may fork while they are killed: a few rounds, until the group is empty.
            for _ in 0..20 {
                let members: Vec<i32> = processes()
                    .filter(|p| p.group == pgid && p.session == session && !p.zombie)
                    .map(|p| p.pid)
                    .collect();
                if members.is_empty() {
                    break;
                }
                members.into_iter().for_each(sigkill);
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (leader, leader_reaped);
}

/// Kills and reaps the strays this process adopted ([`adopt_orphans`]), as `which` says, until
/// none is left; how many there were. Only Linux adopts: elsewhere, 0.
pub fn kill_strays(which: Strays) -> usize {
    #[cfg(target_os = "linux")]
    {
        let me = own();
        let mut killed = 0;
        // Each round kills the strays found; what they started in the meantime is adopted in
        // turn and found by the next round.
        for _ in 0..100 {
            let found: Vec<Process> = {
                let supervised = supervised();
                let found: Vec<Process> = processes()
                    .filter(|p| p.parent == me.pid && !supervised.contains(&(p.pid as u32)))
                    .filter(|p| which == Strays::All || p.group != me.group)
                    .collect();
                found
                    .iter()
                    .filter(|p| !p.zombie)
                    .for_each(|p| sigkill(p.pid));
                found
            };
            if found.is_empty() {
                break;
            }
            killed += found.iter().filter(|p| !p.zombie).count();
            found.iter().for_each(|p| reap(p.pid));
        }
        killed
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = which;
        0
    }
}

/// A process, as `/proc/PID/stat` shows it.
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, Copy)]
struct Process {
    pid: i32,
    parent: i32,
    group: i32,
    session: i32,
    zombie: bool,
}

/// This process.
#[cfg(target_os = "linux")]
fn own() -> Process {
    let pid = std::process::id() as i32;
    read_process(pid).unwrap_or(Process {
        pid,
        parent: 0,
        group: 0,
        session: 0,
        zombie: false,
    })
}

/// Every process this process can see.
#[cfg(target_os = "linux")]
fn processes() -> impl Iterator<Item = Process> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
        .filter_map(read_process)
}

/// The process `pid`, if it exists: `PID (NAME) STATE PPID PGRP SESSION ...`, where NAME may
/// hold spaces and parentheses (it ends at the last `)`).
#[cfg(target_os = "linux")]
fn read_process(pid: i32) -> Option<Process> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let state = fields.next()?;
    let mut number = || fields.next()?.parse::<i32>().ok();
    Some(Process {
        pid,
        parent: number()?,
        group: number()?,
        session: number()?,
        zombie: state == "Z" || state == "X",
    })
}

#[cfg(target_os = "linux")]
fn sigkill(pid: i32) {
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    );
}

/// Waits (at most 2 s) for the killed child `pid` to end, and reaps it.
#[cfg(target_os = "linux")]
fn reap(pid: i32) {
    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while let Ok(WaitStatus::StillAlive) =
        waitpid(nix::unistd::Pid::from_raw(pid), Some(WaitPidFlag::WNOHANG))
    {
        if std::time::Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// The tests of this process that stop programs take turns: stopping one kills every stray
/// this process adopted, another test's daemon included.
#[cfg(all(test, unix))]
pub(super) fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    super::lock(&TURN)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Whether the process `pid` is alive (not a zombie).
    fn alive(pid: i32) -> bool {
        read_process(pid).is_some_and(|p| !p.zombie)
    }

    #[test]
    fn a_child_in_the_programs_group_dies_when_the_program_is_stopped() {
        let _turn = one_at_a_time();
        // The program starts a child in its own group, says its number, and keeps running.
        let mut program = super::super::process::Supervised::start(
            Command::new("sh").args(["-c", "sleep 2347 & echo $!; wait"]),
        )
        .unwrap();
        let line = program.wait_for_stdout(|_| true, Duration::from_secs(5));
        let child: i32 = line.unwrap().trim().parse().unwrap();
        assert!(alive(child));
        program.stop();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while alive(child) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            !alive(child),
            "the child still runs: {:?}",
            read_process(child)
        );
    }

    #[test]
    fn a_daemon_left_by_a_supervised_program_is_killed_when_it_is_stopped() {
        let _turn = one_at_a_time();
        assert!(adopt_orphans(), "Linux lets a process be a subreaper");
        // A program that starts a daemon (a fork, then a session of its own), prints its
        // number and ends at once: the daemon is an orphan, adopted by this process.
        let daemon = {
            let mut program = super::super::process::Supervised::start(
                Command::new("sh")
                    .args(["-c", "setsid sh -c 'sleep 2346' >/dev/null 2>&1 & echo $!"]),
            )
            .unwrap();
            let line = program.wait_for_stdout(|_| true, Duration::from_secs(5));
            assert!(program.wait(Duration::from_secs(5)).is_some());
            let daemon: i32 = line.unwrap().trim().parse().unwrap();
            assert!(
                alive(daemon),
                "the daemon runs until its program is stopped"
            );
            daemon
        };
        assert!(
            !alive(daemon),
            "the daemon still runs: {:?}",
            read_process(daemon)
        );
        assert!(read_process(daemon).is_none(), "the daemon was not reaped");
    }
}
