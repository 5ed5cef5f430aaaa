//! `tp`: the programs, in the handout's order, how to run each reference, and the student's file.

use crate::programs::PROGRAMS;

/// Prints the list.
pub fn command() {
    println!("The programs, in the handout's order. Run yours with `cargo ex NAME`, get hints");
    println!("with `cargo run -- hint NAME`, see where you stand with `cargo run -- check`.");
    for program in PROGRAMS {
        println!("\n{}", program.step);
        let run = if program.release {
            format!("cargo run --release --example {}", program.name)
        } else {
            format!("cargo run --example {}", program.name)
        };
        if program.tool {
            println!("    {run}");
        } else {
            println!("    reference: {run}");
            println!("    yours:     exercises/{}.rs", program.name);
        }
    }
}
