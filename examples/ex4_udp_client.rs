//! Launcher for `ex4_udp_client`: runs solutions/ex4_udp_client.rs, or exercises/ex4_udp_client.rs with `--features exercises`
//! (`cargo ex ex4_udp_client`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex4_udp_client.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex4_udp_client.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
