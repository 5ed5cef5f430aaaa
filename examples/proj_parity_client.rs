//! Launcher for `proj_parity_client`: runs solutions/proj_parity_client.rs, or exercises/proj_parity_client.rs with `--features exercises`
//! (`cargo ex proj_parity_client`).

#[cfg_attr(
    not(feature = "exercises"),
    path = "../solutions/proj_parity_client.rs"
)]
#[cfg_attr(feature = "exercises", path = "../exercises/proj_parity_client.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
