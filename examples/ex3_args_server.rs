//! Launcher for `ex3_args_server`: runs solutions/ex3_args_server.rs, or exercises/ex3_args_server.rs with `--features exercises`
//! (`cargo ex ex3_args_server`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex3_args_server.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex3_args_server.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
