//! Launcher for `ex5_ipv6_server`: runs solutions/ex5_ipv6_server.rs, or exercises/ex5_ipv6_server.rs with `--features exercises`
//! (`cargo ex ex5_ipv6_server`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex5_ipv6_server.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex5_ipv6_server.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
