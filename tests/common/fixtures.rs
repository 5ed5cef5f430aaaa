//! What tests work in and with: scratch folders, a folder of pictures to serve (with a secret
//! next to it and a link pointing out), the sample pictures, and PROTOCOL.md's examples.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use tp_sockets::kit::process::{Finished, run_to_end_unless};

use super::process::Running;
use super::verdict::explain_exit;

/// A scratch folder, deleted when dropped.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    /// A new empty folder under the system's temporary folder.
    pub fn new(label: &str) -> Scratch {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("tp-sockets-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch { path }
    }

    /// The folder, as a program's command line takes it (`--out DIR`).
    pub fn arg(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    /// The files in the folder, by name (hidden temporary files included).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Panics unless the folder is empty: `program` left nothing behind after `what`.
    #[track_caller]
    pub fn assert_empty(&self, program: &str, what: &str) {
        let names = self.names();
        assert!(
            names.is_empty(),
            "expected {program} to leave nothing behind after {what}, but the folder holds {names:?}"
        );
    }
}

/// Panics unless `got`, what `program` answered to `asked`, is `expected`.
#[track_caller]
pub fn assert_answer(program: &str, asked: &str, got: &str, expected: &str) {
    assert!(
        got == expected,
        "expected {program} to answer {asked} with {expected:?}, but it answered {got:?}"
    );
}

/// Panics unless `program` saved the file `path` with exactly the bytes `expected` (`what`
/// they are, for the message).
#[track_caller]
pub fn assert_file(program: &str, path: &Path, expected: &[u8], what: &str) {
    let saved = std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "expected {program} to save {what} as {}, but there is no such file ({e})",
            path.display()
        )
    });
    if saved != expected {
        let first = saved.iter().zip(expected).position(|(a, b)| a != b);
        let at = first.map_or_else(String::new, |i| {
            format!(", the first difference at byte {i}")
        });
        panic!(
            "expected {program} to save {what} ({} bytes) as {}, but the file holds {} bytes that \
             differ{at}",
            expected.len(),
            path.display(),
            saved.len()
        );
    }
}

/// What the file a planted link leads to holds: a file of the user's, outside `--out`.
pub const USERS_OWN: &[u8] = b"the user's own file";

/// A symbolic link planted at `out/name` by someone who may write to `--out` (`--out /tmp`),
/// leading to a file of the user's in a folder of its own (returned: it lives as long as it).
#[cfg(unix)]
pub fn plant_link(out: &Scratch, name: &str) -> Scratch {
    let users = Scratch::new("users-own");
    std::fs::write(users.path.join("own.txt"), USERS_OWN).unwrap();
    std::os::unix::fs::symlink(users.path.join("own.txt"), out.path.join(name)).unwrap();
    users
}

/// Panics unless `program` left the file behind the planted link alone and replaced the link
/// at `out/name` with the download, `body`.
#[track_caller]
pub fn assert_link_replaced(
    program: &str,
    out: &Scratch,
    name: &str,
    body: &[u8],
    users: &Scratch,
) {
    let own = users.path.join("own.txt");
    assert_file(
        program,
        &own,
        USERS_OWN,
        "nothing: the file the planted link led to",
    );
    let kind = std::fs::symlink_metadata(out.path.join(name)).map(|m| m.file_type());
    assert!(
        kind.as_ref().is_ok_and(|k| k.is_file()),
        "expected {program} to replace the link planted at {name} with the download, but it is \
         {kind:?}"
    );
    assert_file(program, &out.path.join(name), body, name);
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A folder to serve, in `root/served`: the kit's three sample pictures, and `gray.png`, a
/// 101 × 50 grayscale picture (the kind that crashed the students' original project). Next to it,
/// `root/secret.txt`, which no server may ever send; on Unix, `served/link-out.png` is a
/// symlink to that secret.
pub struct PictureFolder {
    pub root: Scratch,
    pub served: PathBuf,
}

pub fn picture_folder() -> PictureFolder {
    let root = Scratch::new("pictures");
    let served = root.path.join("served");
    std::fs::create_dir_all(&served).unwrap();
    let images = tp::kit_root().join("images");
    for name in ["car.png", "house.jpg", "dog.jpg"] {
        std::fs::copy(images.join(name), served.join(name)).unwrap();
    }
    image::GrayImage::from_fn(101, 50, |x, y| image::Luma([(x * 2 + y) as u8]))
        .save(served.join("gray.png"))
        .unwrap();
    std::fs::write(root.path.join("secret.txt"), b"never served").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.path.join("secret.txt"), served.join("link-out.png")).unwrap();
    PictureFolder { root, served }
}

impl PictureFolder {
    /// `--dir <served>` as arguments.
    pub fn dir_arg(&self) -> String {
        self.served.to_string_lossy().into_owned()
    }
}

/// The kit's sample pictures (images/).
pub fn images() -> PathBuf {
    tp::kit_root().join("images")
}

/// The Python example of PROTOCOL.md's section `section` (a `## ` heading), with the default
/// port `port` of that section replaced by `actual`: a client written from the document alone.
pub fn protocol_example(section: &str, port: u16, actual: u16) -> String {
    let text = std::fs::read_to_string(tp::kit_root().join("PROTOCOL.md")).unwrap();
    let start = text
        .find(&format!("## {section}"))
        .unwrap_or_else(|| panic!("PROTOCOL.md has no section {section}"));
    let rest = &text[start..];
    let code = rest.find("```python\n").expect("a Python example") + "```python\n".len();
    let end = code + rest[code..].find("```").expect("the end of the example");
    rest[code..end].replace(&port.to_string(), &actual.to_string())
}

/// Runs `code` with python3 for at most 10 s, stopped sooner when `server` has ended (None if
/// this machine has no python3), and returns how it ended and what it printed.
pub fn run_python(code: &str, server: &Running) -> Option<Finished> {
    let mut python = Command::new("python3");
    python.args(["-c", code]);
    let ended = server.ended();
    match run_to_end_unless(&mut python, b"", Duration::from_secs(10), ended.as_ref()) {
        Ok(finished) => Some(finished),
        Err(e) => {
            println!(
                "{}",
                tp::told::skipped(&format!("python3 cannot be run here ({e})"))
            );
            None
        }
    }
}

/// Runs the Python example of PROTOCOL.md's `section` against the server `server`, on its port
/// `actual` (in place of the section's default port `port`), and checks what it printed
/// (skipped without python3).
#[track_caller]
pub fn assert_python_example_prints(
    section: &str,
    (port, actual): (u16, u16),
    server: &Running,
    expected: &str,
) {
    let Some(out) = run_python(&protocol_example(section, port, actual), server) else {
        return;
    };
    let (stdout, stderr) = (out.stdout, out.stderr);
    let ended = match out.status {
        None if server.ended()() => format!("was stopped: {} had ended", server.name()),
        status => explain_exit(status, &stderr, Duration::from_secs(10)),
    };
    assert!(
        out.status.is_some_and(|s| s.success()),
        "expected PROTOCOL.md's Python example to download from {}, but it {ended}\n{stdout}{stderr}",
        server.name()
    );
    assert_eq!(stdout.trim(), expected, "{stderr}");
}
