//! Launcher for `ex2_tcp_loop`: runs solutions/ex2_tcp_loop.rs, or exercises/ex2_tcp_loop.rs with `--features exercises`
//! (`cargo ex ex2_tcp_loop`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex2_tcp_loop.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex2_tcp_loop.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
