//! Launcher for `ex4_udp_server`: runs solutions/ex4_udp_server.rs, or exercises/ex4_udp_server.rs with `--features exercises`
//! (`cargo ex ex4_udp_server`).

#[cfg_attr(not(feature = "exercises"), path = "../solutions/ex4_udp_server.rs")]
#[cfg_attr(feature = "exercises", path = "../exercises/ex4_udp_server.rs")]
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
