//! Launcher for `ex2_dynamic_client`: runs solutions/ex2_dynamic_client.rs, or exercises/ex2_dynamic_client.rs with `--features exercises`
//! (`cargo ex ex2_dynamic_client`).

#[cfg_attr(
    not(feature = "exercises"),
    path = "../solutions/ex2_dynamic_client.rs"
)]
#[cfg_attr(feature = "exercises", path = "../exercises/ex2_dynamic_client.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
