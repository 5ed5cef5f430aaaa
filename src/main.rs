//! `tp`: the kit's own command. `cargo run -- images` draws the sample pictures again.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tp_sockets::{finish, samples};

/// The tp-sockets lab kit.
#[derive(Parser)]
#[command(name = "tp")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Draw the sample pictures of the image project (byte for byte the files in images/)
    Images {
        /// The folder to write them to
        #[arg(long, default_value = "images")]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Images { dir } => finish(draw_images(&dir)),
    }
}

fn draw_images(dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for sample in samples::draw().map_err(|e| format!("cannot draw the pictures: {e}"))? {
        let path = dir.join(sample.name);
        std::fs::write(&path, &sample.bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("{} ({} bytes)", path.display(), sample.bytes.len());
    }
    Ok(())
}
