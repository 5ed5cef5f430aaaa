//! Launcher for `proj_image_server`: runs solutions/proj_image_server.rs, or exercises/proj_image_server.rs with `--features exercises`
//! (`cargo ex proj_image_server`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/proj_image_server.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/proj_image_server.rs")]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::kit::launcher::run(program::main)
}
