//! The capture of `tp trace` needs no root: an ordinary user records the packets of a network
//! of its own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use tp_sockets::kit::process::run_to_end;

use super::trace::traces_here;
use crate::common::fixtures::Scratch;

/// The capture needs no root: an ordinary user records the packets of a network of its own
/// (as root, this test runs it as the user `nobody`, from a copy of this test binary that
/// `nobody` can reach: the kit may be in a folder only its owner can enter, as a home of mode
/// 700 is).
#[test]
fn an_ordinary_user_records_the_packets_of_a_network_of_its_own() {
    const CHILD: &str = "TP_SOCKETS_CAPTURE_CHILD";
    if std::env::var_os(CHILD).is_some() {
        record_an_exchange();
        return;
    }
    if !traces_here() {
        return;
    }
    let root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    });
    let scratch = Scratch::new("capture-binary");
    let mut binary = std::env::current_exe().unwrap();
    let mut command = if root {
        binary = reachable_copy(&binary, &scratch.path);
        if let Some(closed) = closed_to_others(&binary) {
            println!(
                "skipped: the user nobody cannot reach {} here (the temporary folder is \
                 closed to others)",
                closed.display()
            );
            return;
        }
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "unshare",
        ]);
        c
    } else {
        Command::new("unshare")
    };
    command
        .args(["--user", "--map-root-user", "--net", "--"])
        .arg(&binary)
        .args([
            "capture::an_ordinary_user_records_the_packets_of_a_network_of_its_own",
            "--exact",
            "--nocapture",
        ])
        .current_dir(&scratch.path)
        .env(CHILD, "1");
    let ran = run_to_end(&mut command, b"", Duration::from_secs(60)).unwrap();
    assert!(
        ran.status.is_some_and(|s| s.success()) && ran.stdout.contains("recorded: SYN, SYN-ACK"),
        "{}\n{}",
        ran.stdout,
        ran.stderr
    );
}

/// A copy of the executable `binary` in `folder`, both open to every user (mode 755).
fn reachable_copy(binary: &Path, folder: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let copy = folder.join("capture-test");
    std::fs::copy(binary, &copy).unwrap();
    for path in [folder, &copy] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    copy
}

/// The first folder above `path` that other users cannot enter, if there is one.
fn closed_to_others(path: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    path.ancestors().skip(1).find_map(|folder| {
        let mode = std::fs::metadata(folder).ok()?.permissions().mode();
        (mode & 0o001 == 0).then(|| folder.to_path_buf())
    })
}

/// In a network of its own: an exchange on its loopback, recorded.
fn record_an_exchange() {
    use std::io::{Read, Write};
    use tp::wire::{Capture, Transport, about};
    tp::netns::loopback_up().expect("bring the loopback up");
    let capture = Capture::start().expect("an ordinary user records its own network");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (mut served, _) = listener.accept().unwrap();
    client.write_all(b"hi").unwrap();
    let mut buffer = [0; 2];
    served.read_exact(&mut buffer).unwrap();
    drop((client, served));
    let heard = capture.finish();
    let packets = about(&heard, Duration::ZERO, &[port].into());
    let flags: Vec<String> = packets
        .iter()
        .map(|(_, p)| match &p.transport {
            Transport::Tcp { flags, .. } if *flags == 0x02 => "SYN".to_string(),
            Transport::Tcp { flags, .. } if *flags == 0x12 => "SYN-ACK".to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    println!("recorded: {}", flags.join(", "));
}
