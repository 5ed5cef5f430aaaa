//! Launcher for `ex5_ipv6_client`: runs solutions/ex5_ipv6_client.rs, or exercises/ex5_ipv6_client.rs with `--features exercises`
//! (`cargo ex ex5_ipv6_client`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex5_ipv6_client.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex5_ipv6_client.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
