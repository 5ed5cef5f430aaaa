//! Launcher for `ex2_dynamic_client`: runs solutions/ex2_dynamic_client.rs, or exercises/ex2_dynamic_client.rs with `--features exercises`
//! (`cargo ex ex2_dynamic_client`).

#[cfg_attr(
    not(feature = "exercises"),
    path = "../solutions/ex2_dynamic_client.rs"
)]
#[cfg_attr(feature = "exercises", path = "../exercises/ex2_dynamic_client.rs")]
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
