//! Launcher for `ex3_args_client`: runs solutions/ex3_args_client.rs, or exercises/ex3_args_client.rs with `--features exercises`
//! (`cargo ex ex3_args_client`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex3_args_client.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex3_args_client.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
