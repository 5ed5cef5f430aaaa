//! Project: download a picture by name, or choose it from the server's menu.
//!
//! Follows Exercise 3. The download is checked (size and Fletcher-32) and saved under its name
//! only once complete: an interrupted or damaged transfer leaves no file behind. Nothing the
//! server sends is trusted: names, sizes and texts are checked before they are used.
//!
//! Terminal 1: `cargo run --example proj_image_server`
//! Terminal 2: `cargo ex proj_image_client` (menu), or `-- car.png --preview`
//! Check your work: `cargo run -- check proj_image_client`

use std::io;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use tp_sockets::image::fletcher::Fletcher32;
use tp_sockets::image::picture;
use tp_sockets::image::save::{self, Download, SaveOptions};
use tp_sockets::image::tcp::client::{ClientError, Connection};
use tp_sockets::image::tcp::{DEFAULT_PORT, Header};
use tp_sockets::net::io::is_timeout;
use tp_sockets::net::{finish, prompt, shown};

/// Download a picture from the image server.
#[derive(Parser)]
struct Args {
    /// The picture to download; without it, choose from the server's menu
    name: Option<String>,
    /// The server's address or name
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// The server's port
    #[arg(long, default_value_t = DEFAULT_PORT)]
    port: u16,
    #[command(flatten)]
    save: SaveOptions,
    /// Draw the picture in the terminal
    #[arg(long)]
    preview: bool,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    let mut server = Connection::open(&args.host, args.port)?;
    let wait = args.save.stall_window();
    let name = match &args.name {
        Some(name) => name.clone(),
        None => choose(&mut server, &args.save)?,
    };
    // The name becomes a file name: it must be a plain one (no `../`, no `/`).
    args.save.destination(&name)?;
    server.send(&format!("GET {name}"))?;
    let (not_found, bytes, checksum) = match server.header(wait)? {
        Header::Ok { bytes, checksum } => (false, bytes, checksum),
        Header::NotFound { bytes, checksum } => (true, bytes, checksum),
        Header::Err(reason) => {
            return Err(format!("the server refused {name:?}: {}", shown(reason)));
        }
    };
    let path = args.save.path_for(&name, not_found, bytes)?;
    receive(&mut server, (bytes, checksum), &path, &args.save)?;
    save::say_saved(&name, &path, (bytes, checksum), not_found);
    Ok(picture::report(&path, args.preview)?)
}

/// Shows the server's menu (`LIST`) and asks for a number. A choice that is not on the menu is
/// asked for as it is, and the server answers with its not-found picture.
fn choose(server: &mut Connection, save: &SaveOptions) -> Result<String, String> {
    let entries = server.menu(save.stall_window())?;
    if entries.is_empty() {
        return Err("the server has no pictures to offer".to_string());
    }
    println!("What picture do you want?");
    for (number, e) in entries.iter().enumerate() {
        println!(
            "{}. {} {}×{} ({} bytes)",
            number + 1,
            e.name,
            e.width,
            e.height,
            e.bytes
        );
    }
    let choice = prompt::ask(
        &mut io::stdin().lock(),
        "Number of choice: ",
        prompt::parse_message,
    )?;
    Ok(match choice.parse::<usize>() {
        Ok(number) if (1..=entries.len()).contains(&number) => entries[number - 1].name.clone(),
        _ => choice,
    })
}

/// Receives exactly `bytes` bytes into a temporary file, checks them, then names the file
/// `destination`. Any failure drops `download`, which deletes the temporary file.
fn receive(
    server: &mut Connection,
    (bytes, checksum): (u64, u32),
    destination: &Path,
    save: &SaveOptions,
) -> Result<(), String> {
    // The size is checked (--max-size) before anything is written for it.
    let mut download = Download::start(destination, bytes, save)?;
    let mut sum = Fletcher32::new();
    let mut buffer = vec![0u8; 1 << 20];

    // TODO (project): receive exactly `bytes` bytes, never more: what follows belongs to the
    // next reply. In a loop, while download.received() < bytes:
    // - read into &mut buffer[..want], want being the smaller of buffer.len() and what is left,
    //   with server.read_until(&mut buffer[..want], download.deadline()): it waits at most
    //   until the end of the rate check's window;
    // - Ok(0) before the end means the server closed: return Err("the server closed the
    //   connection after <received> of <bytes> bytes; nothing was saved");
    // - Ok(n): n bytes came; an error e with is_timeout(&e): 0 bytes came; any other error:
    //   return Err(format!("{}; nothing was saved", ClientError::Lost(e)));
    // - give the bytes to sum.update(...) and to download.write(...)? (which says when the
    //   transfer is too slow).
    // Then compare sum.finish() with `checksum`: different means the file arrived damaged;
    // return this error (one line; both checksums in 8 lowercase hex digits):
    // Err(format!("the file arrived damaged: checksum {:08x}, expected {checksum:08x}; nothing was saved", sum.finish()))
    // Returning Err drops `download`, which deletes the temporary file.
    todo!("project: receive and check the file");
    Ok(download.commit(save.force)?)
}
