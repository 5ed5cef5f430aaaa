//! Launcher for `proj_parity_server`: runs solutions/proj_parity_server.rs, or exercises/proj_parity_server.rs with `--features exercises`
//! (`cargo ex proj_parity_server`).

#[cfg_attr(
    not(feature = "exercises"),
    path = "../solutions/proj_parity_server.rs"
)]
#[cfg_attr(feature = "exercises", path = "../exercises/proj_parity_server.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
