//! Launcher for `ex2_netstat`: runs solutions/ex2_netstat.rs, or exercises/ex2_netstat.rs with `--features exercises`
//! (`cargo ex ex2_netstat`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex2_netstat.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex2_netstat.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
