//! Launcher for `proj_image_udp_client`: runs solutions/proj_image_udp_client.rs, or exercises/proj_image_udp_client.rs with `--features exercises`
//! (`cargo ex proj_image_udp_client`).

#[cfg_attr(
    not(feature = "exercises"),
    path = "../solutions/proj_image_udp_client.rs"
)]
#[cfg_attr(feature = "exercises", path = "../exercises/proj_image_udp_client.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
