//! Bounds on a whole sandbox (Linux control groups): how many processes and threads it may
//! have at once (`pids`), how much memory (`memory`). `RLIMIT_NPROC` does the first for an
//! ordinary user, counted in the sandbox's own user namespace; root is exempt from it, so a
//! grader run as root (Gradescope, CI) needs a control group, where it may make one: a
//! folder of its own in the `pids` (and `memory`) hierarchy, cgroup v1 or v2.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A control group made for one sandboxed command; removed when dropped (once its
/// processes are gone).
#[derive(Debug)]
pub struct Group {
    dirs: Vec<PathBuf>,
}

/// The folders under which this process may make control groups: `(pids, memory)`, found
/// once.
fn parents() -> &'static (Option<PathBuf>, Option<PathBuf>) {
    static PARENTS: OnceLock<(Option<PathBuf>, Option<PathBuf>)> = OnceLock::new();
    PARENTS.get_or_init(|| {
        let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
        let place = |controller: &str| -> Option<PathBuf> {
            // cgroup v1: `N:pids:/path`, under /sys/fs/cgroup/pids.
            let v1 = own.lines().find_map(|l| {
                let mut parts = l.splitn(3, ':');
                let _ = parts.next();
                let list = parts.next()?;
                let path = parts.next()?;
                list.split(',').any(|c| c == controller).then(|| {
                    Path::new("/sys/fs/cgroup")
                        .join(controller)
                        .join(path.trim_start_matches('/'))
                })
            });
            // cgroup v2: `0::/path`, with the controller enabled for the children.
            let v2 = || {
                let path = own.lines().find_map(|l| l.strip_prefix("0::"))?;
                let dir = Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/'));
                let control = dir.join("cgroup.subtree_control");
                let enabled = std::fs::read_to_string(&control).ok()?;
                if !enabled.split_whitespace().any(|c| c == controller) {
                    std::fs::write(&control, format!("+{controller}")).ok()?;
                }
                Some(dir)
            };
            let dir = v1.filter(|d| d.is_dir()).or_else(v2)?;
            // Writable here: a folder can be made and removed.
            let probe = dir.join(format!("tp-probe-{}", std::process::id()));
            std::fs::create_dir(&probe).ok()?;
            std::fs::remove_dir(&probe).ok()?;
            Some(dir)
        };
        (place("pids"), place("memory"))
    })
}

/// Whether sandboxes get a control group of their own here.
pub fn available() -> bool {
    parents().0.is_some()
}

impl Group {
    /// A new control group that allows `tasks` processes and threads and `memory` bytes;
    /// `None` where none can be made.
    pub fn new(tasks: u32, memory: u64) -> Option<Group> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "tp-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let (pids, mem) = parents();
        let mut group = Group { dirs: Vec::new() };
        let pids = pids.as_ref()?.join(&name);
        std::fs::create_dir(&pids).ok()?;
        group.dirs.push(pids.clone());
        std::fs::write(pids.join("pids.max"), tasks.to_string()).ok()?;
        if let Some(mem) = mem {
            let dir = mem.join(&name);
            if std::fs::create_dir(&dir).is_ok() {
                group.dirs.push(dir.clone());
                // v2 names it memory.max, v1 memory.limit_in_bytes.
                let _ = std::fs::write(dir.join("memory.max"), memory.to_string()).or_else(|_| {
                    std::fs::write(dir.join("memory.limit_in_bytes"), memory.to_string())
                });
            }
        }
        Some(group)
    }

    /// The `cgroup.procs` files a process writes its number to, to enter the group.
    pub fn procs(&self) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("cgroup.procs")).collect()
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        for dir in &self.dirs {
            // The last processes may take a moment to be gone after their sandbox ends.
            for _ in 0..50 {
                if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
    }
}
