//! Launcher for `ex2_static_bind`: runs solutions/ex2_static_bind.rs, or exercises/ex2_static_bind.rs with `--features exercises`
//! (`cargo ex ex2_static_bind`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex2_static_bind.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex2_static_bind.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
