//! What the clients say about a picture: its size, the parity of each side, and a preview.

use std::fmt::Write as _;
use std::io::{self, BufRead, Seek};
use std::path::Path;

use image::{ImageReader, imageops::FilterType};

use crate::image::parity;

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

/// The size and both parities in words: `640 × 427 pixels: width even (pair), height odd (impair)`.
pub fn describe(width: u32, height: u32) -> String {
    let word = |n: u32| if n.is_multiple_of(2) { "even" } else { "odd" };
    format!(
        "{width} × {height} pixels: width {} ({}), height {} ({})",
        word(width),
        parity::of(width),
        word(height),
        parity::of(height)
    )
}

/// What a client says about the picture it saved in `path`: its size and parities, or that it
/// is not a picture it can read; and, with `draw`, the picture itself ([`preview`]), fitted to
/// the terminal, in plain characters when `NO_COLOR` is set, and only on a terminal (in a pipe
/// or a file, the drawing would be a wall of codes).
pub fn report(path: &Path, draw: bool) -> Result<(), DrawError> {
    match file_dimensions(path) {
        Ok((width, height)) => println!("{}", describe(width, height)),
        Err(e) => println!(
            "{} is not a picture this client can read: {e}",
            path.display()
        ),
    }
    if !draw {
        return Ok(());
    }
    let terminal = console::Term::stdout();
    if !terminal.is_term() {
        eprintln!("note: --preview draws only on a terminal; the output here is a pipe or a file");
        return Ok(());
    }
    // The real size, asked of the terminal (COLUMNS is not exported by most shells); a few
    // lines are left for what was printed above.
    let (lines, columns) = terminal.size();
    let style = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        Style::Plain
    } else {
        Style::Colour
    };
    let text = preview(
        path,
        columns.into(),
        u32::from(lines).saturating_sub(4),
        style,
    )
    .map_err(DrawError)?;
    print!("{text}");
    Ok(())
}

/// A picture that could not be drawn: what the decoder said.
#[derive(Debug)]
pub struct DrawError(pub io::Error);

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot draw the picture: {}", self.0)
    }
}

impl std::error::Error for DrawError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// How [`preview`] draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Two pixels per character cell: the upper half block `▀` in the top pixel's colour over
    /// a background in the bottom pixel's colour (24-bit ANSI colours).
    Colour,
    /// One grey level per character cell, from ` ` (dark) to `@` (light), with no control code
    /// at all (for `NO_COLOR`, <https://no-color.org>).
    Plain,
}

/// Characters from dark to light, for [`Style::Plain`].
const GREYS: &[u8] = b" .:-=+*#%@";

/// The picture in `path` drawn in `style` to fit `columns` × `lines` character cells, its
/// proportions kept (a cell is about twice as tall as it is wide).
pub fn preview(path: &Path, columns: u32, lines: u32, style: Style) -> io::Result<String> {
    let picture = ImageReader::open(path)?
        .with_guessed_format()?
        .decode()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let (width, height) = (
        picture.width().max(1) as u64,
        picture.height().max(1) as u64,
    );
    let mut across = (columns.max(1) as u64).min(width);
    let mut down = (height * across / width / 2).max(1);
    if down > lines.max(1) as u64 {
        down = lines.max(1) as u64;
        across = (width * down * 2 / height).clamp(1, across);
    }
    let mut text = String::new();
    match style {
        Style::Colour => {
            let small = picture
                .resize_exact(across as u32, down as u32 * 2, FilterType::Triangle)
                .to_rgb8();
            for y in (0..small.height()).step_by(2) {
                for x in 0..small.width() {
                    let [r, g, b] = small.get_pixel(x, y).0;
                    let [r2, g2, b2] = small.get_pixel(x, y + 1).0;
                    let _ = write!(text, "\x1b[38;2;{r};{g};{b}m\x1b[48;2;{r2};{g2};{b2}m▀");
                }
                text.push_str("\x1b[0m\n");
            }
        }
        Style::Plain => {
            let small = picture
                .resize_exact(across as u32, down as u32, FilterType::Triangle)
                .to_luma8();
            for row in small.rows() {
                for pixel in row {
                    let level = pixel.0[0] as usize * (GREYS.len() - 1) / 255;
                    text.push(char::from(GREYS[level]));
                }
                text.push('\n');
            }
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn car() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("images/car.png")
    }

    #[test]
    fn a_colour_preview_fits_the_width_and_keeps_the_proportions() {
        let text = preview(&car(), 40, 100, Style::Colour).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        // 640 × 427 drawn 40 columns wide: 26 pixel rows, two per line of text.
        assert_eq!(rows.len(), 13, "{text}");
        assert!(rows.iter().all(|r| r.matches('▀').count() == 40));
        // The car's red body is in there.
        assert!(text.contains("\u{1b}[38;2;200;30;40m"), "{text}");
    }

    #[test]
    fn a_short_terminal_gets_a_smaller_picture_not_a_cut_one() {
        let text = preview(&car(), 200, 10, Style::Colour).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 10, "{text}");
        // 20 pixel rows of 427: 29 pixel columns of 640.
        assert!(rows.iter().all(|r| r.matches('▀').count() == 29), "{text}");
    }

    #[test]
    fn without_colour_it_draws_grey_levels_with_no_control_code() {
        let text = preview(&car(), 40, 100, Style::Plain).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 13, "{text}");
        assert!(rows.iter().all(|r| r.chars().count() == 40), "{text}");
        assert!(
            text.bytes().all(|b| b == b'\n' || GREYS.contains(&b)),
            "{text}"
        );
        // Not one flat grey: the picture shows.
        let levels: std::collections::BTreeSet<char> = text.chars().collect();
        assert!(levels.len() >= 4, "{text}");
    }
}
