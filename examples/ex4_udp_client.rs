//! Launcher for `ex4_udp_client`: runs solutions/ex4_udp_client.rs, or exercises/ex4_udp_client.rs with `--features exercises`
//! (`cargo ex ex4_udp_client`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex4_udp_client.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex4_udp_client.rs")]
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
