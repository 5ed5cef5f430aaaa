//! Launcher for `ex2_dynamic_server`: runs solutions/ex2_dynamic_server.rs, or exercises/ex2_dynamic_server.rs with `--features exercises`
//! (`cargo ex ex2_dynamic_server`).

#[cfg_attr(
    not(feature = "exercises"),
    path = "../solutions/ex2_dynamic_server.rs"
)]
#[cfg_attr(feature = "exercises", path = "../exercises/ex2_dynamic_server.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
