//! Launcher for `ex2_getsockname`: runs solutions/ex2_getsockname.rs, or exercises/ex2_getsockname.rs with `--features exercises`
//! (`cargo ex ex2_getsockname`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex2_getsockname.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex2_getsockname.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
