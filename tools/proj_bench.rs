//! Tool: measures the image transfers on this machine, over loopback, and checks the targets.
//!
//! `cargo run --release --example proj_bench` (default 256 MiB; `-- --size 1GiB` for more).
//! It builds and runs the shipped servers, clients and proxy, on a generated file, and prints
//! MB/s for: a plain TCP stream from memory (the ceiling here), the TCP image transfer, the UDP
//! image transfer (direct, and through the proxy at 0 % and 5 % loss), and Fletcher-32 alone;
//! then each transfer against the plain stream, and how much the servers' memory grew.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use tp_sockets::image::fletcher::fletcher32;
use tp_sockets::image::limits::parse_size;
use tp_sockets::kit::process::{Supervised, announced, rss_kib, run_to_end};
use tp_sockets::net::finish;

/// Measure the kit's transfers on this machine.
#[derive(Parser)]
struct Args {
    /// Size of the generated file: bytes, or with KiB, MiB, GiB
    #[arg(long, default_value = "256MiB", value_parser = parse_size)]
    size: u64,
    /// Runs of each measure; the best is kept
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    runs: u32,
}

fn main() -> ExitCode {
    tp_sockets::kit::launcher::end_quietly_on_closed_output();
    finish(run(&Args::parse()))
}

/// A program of the kit, run under supervision (killed when dropped).
struct Program(Supervised);

impl Program {
    /// Starts example `name` and waits for its `listening on` (or `receiving on`) line; returns it
    /// and the port.
    fn server(dir: &Path, name: &str, args: &[&str]) -> Result<(Program, u16), String> {
        let program = Supervised::start(Command::new(dir.join(exe(name))).args(args))
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        let first = program
            .wait_for_stdout(|l| announced(l).is_some(), Duration::from_secs(10))
            .ok_or_else(|| format!("{name} did not start: {}", program.stderr().trim()))?;
        let port = announced(&first)
            .and_then(|a| a.rsplit(':').next())
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("{name} said {first:?}"))?;
        Ok((Program(program), port))
    }

    fn rss_kib(&self) -> Option<u64> {
        rss_kib(self.0.pid())
    }
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

fn run(args: &Args) -> Result<(), String> {
    let dir = std::env::current_exe()
        .map_err(|e| format!("cannot find this program: {e}"))?
        .parent()
        .ok_or("no folder")?
        .to_path_buf();
    let release = dir.parent().and_then(|p| p.file_name()) == Some("release".as_ref());
    if !release {
        eprintln!("warning: not a release build; run `cargo run --release --example proj_bench`");
    }
    build_programs(release)?;

    let work = std::env::temp_dir().join(format!("tp-bench-{}", std::process::id()));
    let (served, out) = (work.join("served"), work.join("out"));
    std::fs::create_dir_all(&served).map_err(|e| format!("{}: {e}", served.display()))?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let result = measure(args, &dir, &served, &out);
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// Builds the programs measured next to this one (cargo's own messages on the terminal).
fn build_programs(release: bool) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let mut build = Command::new(cargo);
    build
        .args(["build", "--quiet", "--manifest-path"])
        .arg(manifest);
    if release {
        build.arg("--release");
    }
    for name in [
        "proj_image_server",
        "proj_image_client",
        "proj_image_udp_server",
        "proj_image_udp_client",
        "proj_lossy_proxy",
    ] {
        build.args(["--example", name]);
    }
    match build.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err("the programs to measure do not build (cargo said why above)".to_string()),
        Err(e) => Err(format!("cannot run cargo: {e}")),
    }
}

/// MB/s (10⁶ bytes per second) for `bytes` moved in `time`.
fn rate(bytes: u64, time: Duration) -> f64 {
    bytes as f64 / time.as_secs_f64() / 1e6
}

fn best(runs: u32, mut once: impl FnMut() -> Result<Duration, String>) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        best = best.min(once()?);
    }
    Ok(best)
}

fn measure(args: &Args, dir: &Path, served: &Path, out: &Path) -> Result<(), String> {
    let size = args.size;
    let data = generate(size as usize);
    std::fs::write(served.join("bench.bin"), &data).map_err(|e| format!("cannot write: {e}"))?;
    let served_arg = served.to_string_lossy().into_owned();
    let out_arg = out.to_string_lossy().into_owned();

    let plain = best(args.runs, || plain_tcp(&data))?;
    let fletcher = best(args.runs, || {
        let started = Instant::now();
        std::hint::black_box(fletcher32(std::hint::black_box(&data)));
        Ok(started.elapsed())
    })?;

    // The TCP image server and client, as shipped.
    let (tcp_server, tcp_port) =
        Program::server(dir, "proj_image_server", &["0", "--dir", &served_arg])?;
    let tcp_rss_before = tcp_server.rss_kib();
    let tcp_port = tcp_port.to_string();
    let tcp = best(args.runs, || {
        client(
            dir,
            "proj_image_client",
            &[
                "--port",
                &tcp_port,
                "--out",
                &out_arg,
                "--force",
                "bench.bin",
            ],
            out,
        )
    })?;
    let tcp_rss_growth = tcp_server
        .rss_kib()
        .zip(tcp_rss_before)
        .map(|(a, b)| a.saturating_sub(b));
    drop(tcp_server);

    // The UDP image server and client, direct and through the proxy.
    let (udp_server, udp_port) =
        Program::server(dir, "proj_image_udp_server", &["0", "--dir", &served_arg])?;
    let udp_rss_before = udp_server.rss_kib();
    let udp = |port: &str| {
        best(args.runs, || {
            client(
                dir,
                "proj_image_udp_client",
                &["--port", port, "--out", &out_arg, "--force", "bench.bin"],
                out,
            )
        })
    };
    let udp_direct = udp(&udp_port.to_string())?;
    let target = format!("127.0.0.1:{udp_port}");
    let mut through = Vec::new();
    for drop in ["0", "0.05"] {
        let (proxy, proxy_port) = Program::server(
            dir,
            "proj_lossy_proxy",
            &[
                "--listen", "0", "--server", &target, "--drop", drop, "--seed", "1",
            ],
        )?;
        through.push(udp(&proxy_port.to_string())?);
        std::mem::drop(proxy);
    }
    let udp_rss_growth = udp_server
        .rss_kib()
        .zip(udp_rss_before)
        .map(|(a, b)| a.saturating_sub(b));

    report(
        size,
        plain,
        tcp,
        udp_direct,
        (through[0], through[1]),
        fletcher,
        (tcp_rss_growth, udp_rss_growth),
        args.runs,
    );
    Ok(())
}

/// The ceiling: `data` from memory to memory over one loopback TCP connection.
fn plain_tcp(data: &[u8]) -> Result<Duration, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let size = data.len();
    let reader = thread::spawn(move || -> std::io::Result<Duration> {
        let (mut stream, _) = listener.accept()?;
        let mut buffer = vec![0u8; 256 * 1024];
        let started = Instant::now();
        let mut left = size;
        while left > 0 {
            match stream.read(&mut buffer)? {
                0 => break,
                n => left -= n.min(left),
            }
        }
        Ok(started.elapsed())
    });
    let mut stream = TcpStream::connect(address).map_err(|e| e.to_string())?;
    stream.write_all(data).map_err(|e| e.to_string())?;
    drop(stream);
    reader
        .join()
        .map_err(|_| "the reader failed".to_string())?
        .map_err(|e| e.to_string())
}

/// Runs a client to completion and times it; checks that the file arrived whole.
fn client(dir: &Path, name: &str, args: &[&str], out: &Path) -> Result<Duration, String> {
    let started = Instant::now();
    let finished = run_to_end(
        Command::new(dir.join(exe(name))).args(args),
        b"",
        Duration::from_secs(600),
    )
    .map_err(|e| format!("cannot run {name}: {e}"))?;
    let took = started.elapsed();
    if !finished.status.is_some_and(|s| s.success()) {
        return Err(format!("{name} failed: {}", finished.stderr.trim()));
    }
    let _ = std::fs::remove_file(out.join("bench.bin"));
    Ok(took)
}

/// Bytes that do not compress and differ everywhere.
fn generate(size: usize) -> Vec<u8> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut data = Vec::with_capacity(size + 8);
    while data.len() < size {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data.extend_from_slice(&state.to_le_bytes());
    }
    data.truncate(size);
    data
}

#[allow(clippy::too_many_arguments)]
fn report(
    size: u64,
    plain: Duration,
    tcp: Duration,
    udp_direct: Duration,
    (udp0, udp5): (Duration, Duration),
    fletcher: Duration,
    (tcp_rss, udp_rss): (Option<u64>, Option<u64>),
    runs: u32,
) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "proj_bench: {} MiB over loopback, best of {runs}, on {cpu}, {cores} cores, {}",
        size >> 20,
        std::env::consts::OS
    );
    let ceiling = rate(size, plain);
    println!("| transfer | MB/s | vs plain TCP |");
    println!("| --- | ---: | ---: |");
    for (what, time) in [
        ("plain TCP stream, memory to memory", plain),
        ("TCP image transfer (server + client)", tcp),
        ("UDP image transfer, direct", udp_direct),
        ("UDP image transfer, proxy, 0 % loss", udp0),
        ("UDP image transfer, proxy, 5 % loss", udp5),
        ("Fletcher-32 alone, in memory", fletcher),
    ] {
        let mbs = rate(size, time);
        println!("| {what} | {mbs:.0} | {:.0} % |", 100.0 * mbs / ceiling);
    }
    let show = |kib: Option<u64>| {
        kib.map_or("n/a (Linux only)".to_string(), |k| {
            format!("{:.1} MiB", k as f64 / 1024.0)
        })
    };
    println!(
        "server memory growth during the transfers: TCP {}, UDP {}",
        show(tcp_rss),
        show(udp_rss)
    );
    let (tcp_mbs, udp0_mbs, udp5_mbs) = (rate(size, tcp), rate(size, udp0), rate(size, udp5));
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!("targets:");
    println!(
        "- TCP image >= 90 % of the plain stream: {:.0} %, {}",
        100.0 * tcp_mbs / ceiling,
        verdict(tcp_mbs >= 0.9 * ceiling)
    );
    println!(
        "- UDP at 0 % loss >= 50 % of TCP image: {:.0} %, {}",
        100.0 * udp0_mbs / tcp_mbs,
        verdict(udp0_mbs >= 0.5 * tcp_mbs)
    );
    println!(
        "- UDP at 5 % loss >= 20 % of TCP image: {:.0} %, {}",
        100.0 * udp5_mbs / tcp_mbs,
        verdict(udp5_mbs >= 0.2 * tcp_mbs)
    );
    println!(
        "- Fletcher-32 faster than the plain stream: {:.0} vs {ceiling:.0} MB/s, {}",
        rate(size, fletcher),
        verdict(rate(size, fletcher) > ceiling)
    );
    let flat = |kib: Option<u64>| kib.is_none_or(|k| k < 8 * 1024);
    println!(
        "- servers' memory flat (under 8 MiB of growth): {}",
        verdict(flat(tcp_rss) && flat(udp_rss))
    );
}
