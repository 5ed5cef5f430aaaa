//! Launcher for `proj_image_client`: runs solutions/proj_image_client.rs, or exercises/proj_image_client.rs with `--features exercises`
//! (`cargo ex proj_image_client`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/proj_image_client.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/proj_image_client.rs")]
// A skeleton compiles with its steps undone: `todo!()` makes the code after it unreachable and
// leaves variables and imports unused until the student writes the step.
#[cfg_attr(
    feature = "exercises",
    allow(
        unreachable_code,
        unused_variables,
        unused_mut,
        unused_imports,
        dead_code,
        clippy::diverging_sub_expression
    )
)]
mod program;

fn main() -> std::process::ExitCode {
    tp_sockets::launch!(program::main)
}
