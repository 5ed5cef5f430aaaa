//! Launcher for `ex1_tcp_client`: runs solutions/ex1_tcp_client.rs, or exercises/ex1_tcp_client.rs with `--features exercises`
//! (`cargo ex ex1_tcp_client`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex1_tcp_client.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex1_tcp_client.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
