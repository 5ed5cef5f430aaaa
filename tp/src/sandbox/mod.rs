//! Running strangers' code: each submission's programs are compiled and tested in a sandbox
//! of their own, on Linux with bubblewrap (`bwrap`, the unprivileged sandbox Flatpak uses).
//!
//! A sandboxed command sees a root of its own, built from nothing: the system's programs and
//! libraries (read only), a few files of `/etc` (name resolution, the dynamic linker), the
//! paths its [`Cell`] names (read only, or writable), its own `/tmp`, `/proc` and `/dev`. It
//! has its own network (a loopback of its own, IPv4 and IPv6: the handout's fixed ports are
//! its own), its own process tree (when the command ends, everything it started is killed),
//! no environment but what the cell gives, and, as root, no capability. Inside, `prlimit`
//! bounds its processes, file sizes and core dumps.
//!
//! What it does not protect against: a bug of the kernel or of bubblewrap itself (a sandbox
//! is not a security boundary against kernel exploits), the CPU time it burns until its
//! deadline, and, run as root, a flood of processes (Linux exempts root from `RLIMIT_NPROC`;
//! the process tree still dies with its test).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::cgroup::Group;

mod mode;

pub use mode::{Mode, NoSandbox, Unavailable, UnknownMode};

/// How commands are run: in bubblewrap, or as they are (and why).
#[derive(Debug, Clone)]
pub struct Sandbox {
    bwrap: Option<PathBuf>,
    /// Running as root: bubblewrap then drops every capability explicitly.
    root: bool,
    /// Util-linux's `prlimit`, to bound processes and files inside.
    prlimit: Option<PathBuf>,
    /// Util-linux's `unshare`, for a network of its own inside the sandbox (not as root).
    unshare: Option<PathBuf>,
    /// One line: which sandbox, or why there is none and how to get one.
    line: String,
}

/// What a sandboxed command may see and use.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// Paths it may read (files or folders), at the same place as outside.
    pub read_only: Vec<PathBuf>,
    /// Paths it may write, at the same place as outside.
    pub writable: Vec<PathBuf>,
    /// Its `/tmp`, which is also its home and its working folder (outside: a folder of the
    /// grader's, emptied by the grader).
    pub tmp: PathBuf,
    /// Its environment, besides PATH, HOME, TMPDIR and LANG.
    pub env: Vec<(String, OsString)>,
    /// Bounds on what it may start and write.
    pub limits: Limits,
    /// It may record its own network's packets: CAP_NET_RAW there (as root, the one capability
    /// kept; otherwise a network and user namespace of its own, in the sandbox).
    pub record: bool,
}

/// Bounds on a sandboxed command, per sandbox (processes, memory) or per process (files).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Processes and threads at once: a control group's `pids.max` where one can be made,
    /// and RLIMIT_NPROC, counted in the sandbox's user namespace (root is exempt from it).
    pub tasks: u32,
    /// Memory of the whole sandbox, where a control group can be made.
    pub memory: u64,
    /// The largest file it may write, in bytes (RLIMIT_FSIZE).
    pub file_size: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            tasks: 512,
            memory: 1 << 30,
            file_size: 1 << 30,
        }
    }
}

/// A command ready to run in its sandbox, with the control group that bounds it (removed
/// when this is dropped, once the command has ended).
#[derive(Debug)]
pub struct Sandboxed {
    command: Command,
    _group: Option<Group>,
}

impl std::ops::Deref for Sandboxed {
    type Target = Command;
    fn deref(&self) -> &Command {
        &self.command
    }
}

impl std::ops::DerefMut for Sandboxed {
    fn deref_mut(&mut self) -> &mut Command {
        &mut self.command
    }
}

/// The system folders every sandbox sees, read only (or as the symlinks they are).
const SYSTEM: &[&str] = &[
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
];
/// The files of /etc a program needs: name resolution (`localhost`), the dynamic linker, the
/// system's choice of C compiler (`cc`), user names.
const ETC: &[&str] = &[
    "/etc/hosts",
    "/etc/host.conf",
    "/etc/nsswitch.conf",
    "/etc/gai.conf",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/alternatives",
    "/etc/localtime",
    "/etc/passwd",
    "/etc/group",
    "/etc/services",
    "/etc/protocols",
];

impl Sandbox {
    /// The sandbox `mode` asks for, on this machine: bubblewrap if it is installed and works
    /// here (tried once, with the options used for real), else none, with the reason. With
    /// [`Mode::Required`], no sandbox is an error.
    pub fn choose(mode: Mode) -> Result<Sandbox, NoSandbox> {
        let mut sandbox = Sandbox {
            bwrap: None,
            root: is_root(),
            prlimit: find_program("prlimit"),
            unshare: find_program("unshare"),
            line: String::new(),
        };
        let why = match mode {
            Mode::Off => Some(Unavailable::Off),
            Mode::Auto | Mode::Required => sandbox.try_bubblewrap().err(),
        };
        match why {
            None => {
                let bounded = if crate::cgroup::available() || !sandbox.root {
                    ""
                } else {
                    " (as root without a control group of its own, its processes are not counted)"
                };
                sandbox.line = format!(
                    "sandbox: bubblewrap; each submission sees only its own files, has its own \
                     network and /tmp, and nothing it starts outlives its tests{bounded}"
                );
                Ok(sandbox)
            }
            Some(why) if mode == Mode::Required => Err(NoSandbox { why }),
            Some(why) => {
                let contained = if tp_sockets::kit::contain::adopt_orphans() {
                    "nothing they start outlives their tests"
                } else {
                    "what they start in a session of its own may outlive their tests here"
                };
                sandbox.line = format!(
                    "no sandbox ({why}): submissions run with your rights, on your network; \
                     {contained}"
                );
                Ok(sandbox)
            }
        }
    }

    /// Finds bubblewrap and checks that it can make its namespaces here; the reason, in
    /// words, and how to get it, when it cannot.
    fn try_bubblewrap(&mut self) -> Result<(), Unavailable> {
        if !cfg!(target_os = "linux") {
            return Err(Unavailable::NotLinux(std::env::consts::OS));
        }
        if crate::netns::namespaces_forbidden() {
            return Err(Unavailable::Forbidden);
        }
        let bwrap = find_program("bwrap").ok_or(Unavailable::NotInstalled)?;
        self.bwrap = Some(bwrap);
        let probe = Cell {
            tmp: std::env::temp_dir(),
            ..Cell::default()
        };
        let mut probe = self.command(&probe, Path::new("/bin/sh"));
        let tried = probe
            .args(["-c", "exit 0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output();
        let why = match tried {
            Ok(out) if out.status.success() => return Ok(()),
            Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_string(),
            Err(e) => e.to_string(),
        };
        self.bwrap = None;
        Err(Unavailable::Restricted(why))
    }

    /// Whether commands run in a sandbox.
    pub fn is_on(&self) -> bool {
        self.bwrap.is_some()
    }

    /// One line for the instructor: the sandbox used, or why there is none.
    pub fn line(&self) -> &str {
        &self.line
    }

    /// A command that runs `program` in `cell` (its arguments are added to it by the caller).
    /// Without a sandbox, `program` runs as it is, in `cell.tmp`, with the cell's environment
    /// added to the grader's.
    pub fn command(&self, cell: &Cell, program: &Path) -> Sandboxed {
        let Some(bwrap) = &self.bwrap else {
            let mut command = Command::new(program);
            command
                .current_dir(&cell.tmp)
                .envs(cell.env.iter().cloned());
            return Sandboxed {
                command,
                _group: None,
            };
        };
        // Where a control group can be made, the sandbox enters it before it starts: a
        // shell writes its own number in the group, then becomes bubblewrap.
        let group = Group::new(cell.limits.tasks, cell.limits.memory);
        let mut command = match &group {
            Some(group) => {
                let procs: Vec<String> = group
                    .procs()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                let mut shell = Command::new("/bin/sh");
                shell
                    .args([
                        "-c",
                        "for f in $TP_CGROUP; do echo $$ > $f || exit 125; done; exec \"$@\"",
                        "sh",
                    ])
                    .arg(bwrap)
                    .env("TP_CGROUP", procs.join(" "));
                shell
            }
            None => Command::new(bwrap),
        };
        command.args(["--unshare-all", "--die-with-parent", "--new-session"]);
        if self.root {
            command.args(["--cap-drop", "ALL"]);
            if cell.record {
                command.args(["--cap-add", "CAP_NET_RAW"]);
            }
        }
        for path in SYSTEM.iter().map(Path::new) {
            match std::fs::read_link(path) {
                Ok(target) => {
                    command.arg("--symlink").arg(target).arg(path);
                }
                Err(_) if path.is_dir() => {
                    command.arg("--ro-bind").arg(path).arg(path);
                }
                Err(_) => {}
            }
        }
        for path in ETC {
            command.args(["--ro-bind-try", path, path]);
        }
        command.args(["--proc", "/proc", "--dev", "/dev"]);
        command.arg("--bind").arg(&cell.tmp).arg("/tmp");
        for path in &cell.read_only {
            command.arg("--ro-bind").arg(path).arg(path);
        }
        for path in &cell.writable {
            command.arg("--bind").arg(path).arg(path);
        }
        command.args(["--chdir", "/tmp", "--clearenv"]);
        for (key, value) in [
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
            ("HOME", "/tmp"),
            ("TMPDIR", "/tmp"),
            ("LANG", "C.UTF-8"),
        ] {
            command.args(["--setenv", key, value]);
        }
        for (key, value) in &cell.env {
            command.arg("--setenv").arg(key).arg(value);
        }
        command.arg("--");
        if let Some(prlimit) = &self.prlimit {
            command
                .arg(prlimit)
                .arg(format!("--nproc={}", cell.limits.tasks))
                .arg(format!("--fsize={}", cell.limits.file_size))
                .args(["--core=0", "--"]);
        }
        if cell.record
            && !self.root
            && let Some(unshare) = &self.unshare
        {
            command
                .arg(unshare)
                .args(["--user", "--map-root-user", "--net", "--"]);
        }
        command.arg(program);
        Sandboxed {
            command,
            _group: group,
        }
    }
}

/// Whether this process runs as root.
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().next())
            == Some("0")
    })
}

/// `name` in the system's folders of programs, where a sandbox sees it too.
fn find_program(name: &str) -> Option<PathBuf> {
    ["/usr/bin", "/bin", "/usr/sbin", "/usr/local/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.is_file())
}
