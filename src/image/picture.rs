//! What the clients say about a picture: its size, the parity of each side, and a preview.

use std::fmt::Write as _;
use std::io::{self, BufRead, Seek};
use std::path::Path;

use image::{ImageReader, imageops::FilterType};

/// Width and height of the picture `reader` holds, read from its header only (the pixels are
/// not decoded, so the colour type, grey or RGB or with alpha, does not matter).
pub fn dimensions(reader: impl BufRead + Seek) -> io::Result<(u32, u32)> {
    ImageReader::new(reader)
        .with_guessed_format()?
        .into_dimensions()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Width and height of the picture in the file `path`.
pub fn file_dimensions(path: &Path) -> io::Result<(u32, u32)> {
    dimensions(io::BufReader::new(std::fs::File::open(path)?))
}

/// `pair` for an even number, `impair` for an odd one, as the parity project answers.
pub fn parity(n: u32) -> &'static str {
    if n.is_multiple_of(2) {
        "pair"
    } else {
        "impair"
    }
}

/// The size and both parities in words: `640 × 427 pixels: width even (pair), height odd (impair)`.
pub fn describe(width: u32, height: u32) -> String {
    let word = |n: u32| if n.is_multiple_of(2) { "even" } else { "odd" };
    format!(
        "{width} × {height} pixels: width {} ({}), height {} ({})",
        word(width),
        parity(width),
        word(height),
        parity(height)
    )
}

/// What a client says about the picture it saved in `path`: its size and parities, or that it
/// is not a picture it can read; and, with `draw`, the picture itself ([`preview`]).
pub fn report(path: &Path, draw: bool) -> Result<(), String> {
    match file_dimensions(path) {
        Ok((width, height)) => println!("{}", describe(width, height)),
        Err(e) => println!(
            "{} is not a picture this client can read: {e}",
            path.display()
        ),
    }
    if draw {
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(80);
        let text = preview(path, columns).map_err(|e| format!("cannot draw the picture: {e}"))?;
        print!("{text}");
    }
    Ok(())
}

/// The picture in `path` drawn for a terminal at most `columns` wide: each character cell
/// shows two pixels, the upper half block `▀` in the top pixel's colour over a background in
/// the bottom pixel's colour (24-bit ANSI colours).
pub fn preview(path: &Path, columns: u32) -> io::Result<String> {
    let picture = ImageReader::open(path)?
        .with_guessed_format()?
        .decode()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let columns = columns.max(1).min(picture.width().max(1));
    let rows = (picture.height() as u64 * columns as u64 / picture.width().max(1) as u64).max(2);
    let small = picture
        .resize_exact(columns, rows as u32 & !1, FilterType::Triangle)
        .to_rgb8();
    let mut text = String::new();
    for y in (0..small.height()).step_by(2) {
        for x in 0..small.width() {
            let [r, g, b] = small.get_pixel(x, y).0;
            let [r2, g2, b2] = small.get_pixel(x, y + 1).0;
            let _ = write!(text, "\x1b[38;2;{r};{g};{b}m\x1b[48;2;{r2};{g2};{b2}m▀");
        }
        text.push_str("\x1b[0m\n");
    }
    Ok(text)
}
