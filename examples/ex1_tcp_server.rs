//! Launcher for `ex1_tcp_server`: runs solutions/ex1_tcp_server.rs, or exercises/ex1_tcp_server.rs with `--features exercises`
//! (`cargo ex ex1_tcp_server`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex1_tcp_server.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex1_tcp_server.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
