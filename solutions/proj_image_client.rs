//! Project: download a picture by name, or choose it from the server's menu.
//!
//! Follows Exercise 3. The download is checked (size and Fletcher-32) and saved under its name
//! only once complete: an interrupted or damaged transfer leaves no file behind.
//!
//! Terminal 1: `cargo run --example proj_image_server`
//! Terminal 2: `cargo run --example proj_image_client` (menu), or `-- car.png --preview`

use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use tp_sockets::image::catalog::NOT_FOUND_NAME;
use tp_sockets::image::download::{self, PartFile};
use tp_sockets::image::fletcher::Fletcher32;
use tp_sockets::image::picture::{describe, dimensions, preview};
use tp_sockets::image::tcp::{self as protocol, DEFAULT_PORT, Header, Line};
use tp_sockets::net::{finish, prompt, sock};

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
    /// The folder to save the picture in
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// Replace a file that has the same name
    #[arg(long)]
    force: bool,
    /// Draw the picture in the terminal
    #[arg(long)]
    preview: bool,
    /// Seconds without any data from the server before giving up
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

pub fn main() -> ExitCode {
    finish(run(&Args::parse()))
}

fn run(args: &Args) -> Result<(), String> {
    let stream = sock::connect(&args.host, args.port, "proj_image_server")?;
    let timeout = Some(Duration::from_secs(args.timeout.max(1)));
    stream
        .set_read_timeout(timeout)
        .and_then(|()| stream.set_write_timeout(timeout))
        .map_err(|e| format!("cannot set timeouts: {e}"))?;
    let mut replies = BufReader::new(
        stream
            .try_clone()
            .map_err(|e| format!("cannot use the connection: {e}"))?,
    );
    let mut requests = stream;

    let name = match &args.name {
        Some(name) => name.clone(),
        None => choose(&mut requests, &mut replies)?,
    };
    let wanted = args.out.join(&name);
    if !args.force && wanted.exists() {
        return Err(download::already_there(&wanted));
    }

    writeln!(requests, "GET {name}").map_err(|e| lost(&e))?;
    let saved = match read_header(&mut replies)? {
        Header::Ok { bytes, checksum } => {
            receive(&mut replies, bytes, checksum, &wanted, args)?;
            println!(
                "saved {} ({bytes} bytes, checksum {checksum:08x} verified)",
                wanted.display()
            );
            wanted
        }
        Header::NotFound { bytes, checksum } => {
            let path = args.out.join(NOT_FOUND_NAME);
            receive(&mut replies, bytes, checksum, &path, args)?;
            println!(
                "the server has no picture named {name}; it sent its not-found picture, saved as {}",
                path.display()
            );
            path
        }
        Header::Err(reason) => return Err(format!("the server refused {name:?}: {reason}")),
    };

    match dimensions(&saved) {
        Ok((width, height)) => println!("{}", describe(width, height)),
        Err(e) => println!(
            "{} is not a picture this client can read: {e}",
            saved.display()
        ),
    }
    if args.preview {
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(80);
        let text = preview(&saved, columns).map_err(|e| format!("cannot draw the picture: {e}"))?;
        print!("{text}");
    }
    Ok(())
}

/// Shows the server's menu (`LIST`) and asks for a number. A choice that is not on the menu is
/// asked for as it is, and the server answers with its not-found picture.
fn choose(requests: &mut TcpStream, replies: &mut impl BufRead) -> Result<String, String> {
    writeln!(requests, "LIST").map_err(|e| lost(&e))?;
    let count = match read_line(replies)?
        .strip_prefix("OK ")
        .map(str::parse::<usize>)
    {
        Some(Ok(count)) if count <= 10_000 => count,
        _ => return Err("the server's menu is not in the expected form (OK <n>)".to_string()),
    };
    if count == 0 {
        return Err("the server has no pictures to offer".to_string());
    }
    let mut names = Vec::new();
    println!("What picture do you want?");
    for number in 1..=count {
        let line = read_line(replies)?;
        let fields: Vec<&str> = line.split(' ').collect();
        let [name, width, height, bytes] = fields[..] else {
            return Err(format!(
                "the server sent a menu line this client cannot read: {line:?}"
            ));
        };
        println!("{number}. {name} {width}×{height} ({bytes} bytes)");
        names.push(name.to_string());
    }
    let choice = prompt::ask(&mut io::stdin().lock(), "Number of choice: ", |text| {
        if text.is_empty() {
            Err("type the number of a picture".to_string())
        } else {
            Ok(text.to_string())
        }
    })?;
    Ok(match choice.parse::<usize>() {
        Ok(number) if (1..=count).contains(&number) => names[number - 1].clone(),
        _ => choice,
    })
}

/// Receives exactly `bytes` bytes into a temporary file, checks them, then names the file
/// `destination`. Any failure deletes the temporary file.
fn receive(
    replies: &mut impl Read,
    bytes: u64,
    checksum: u32,
    destination: &Path,
    args: &Args,
) -> Result<(), String> {
    let folder = destination.parent().unwrap_or(Path::new("."));
    let file_name = destination
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("download");
    let mut part = PartFile::create(folder, file_name)
        .map_err(|e| format!("cannot write in {}: {e}", folder.display()))?;
    let bar = download::progress_bar(bytes);
    let mut sum = Fletcher32::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut received = 0u64;
    while received < bytes {
        let want = buffer.len().min((bytes - received) as usize);
        let n = match replies.read(&mut buffer[..want]) {
            Ok(0) => {
                return Err(format!(
                    "the server closed the connection after {received} of {bytes} bytes; \
                     nothing was saved"
                ));
            }
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(format!(
                    "no data from the server for {} s after {received} of {bytes} bytes; \
                     nothing was saved",
                    args.timeout
                ));
            }
            Err(e) => return Err(format!("{}; nothing was saved", lost(&e))),
        };
        sum.update(&buffer[..n]);
        part.file()
            .write_all(&buffer[..n])
            .map_err(|e| format!("cannot write {}: {e}", destination.display()))?;
        received += n as u64;
        if let Some(bar) = &bar {
            bar.set_position(received);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if sum.finish() != checksum {
        return Err(format!(
            "the file arrived damaged: checksum {:08x}, expected {checksum:08x}; nothing was saved",
            sum.finish()
        ));
    }
    part.commit(destination, args.force)
}

/// Reads and parses the header line of a reply.
fn read_header(replies: &mut impl BufRead) -> Result<Header, String> {
    protocol::parse_header(&read_line(replies)?).map_err(|e| format!("the server sent {e}"))
}

/// Reads one line of a reply.
fn read_line(replies: &mut impl BufRead) -> Result<String, String> {
    match protocol::read_line(replies) {
        Ok(Line::Text(line)) => Ok(line),
        Ok(Line::End) => Err("the server closed the connection without answering".to_string()),
        Ok(Line::TooLong) => Err("the server sent a line longer than 1024 bytes".to_string()),
        Err(e) => Err(lost(&e)),
    }
}

fn lost(err: &io::Error) -> String {
    match err.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            "the server did not answer in time".to_string()
        }
        _ => format!("lost the connection with the server: {err}"),
    }
}
