//! Launcher for `ex4_udp_server`: runs solutions/ex4_udp_server.rs, or exercises/ex4_udp_server.rs with `--features exercises`
//! (`cargo ex ex4_udp_server`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex4_udp_server.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex4_udp_server.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
