//! `tp images [--dir DIR]`: the sample pictures of the image project, drawn again (byte for
//! byte the files in images/).

use std::path::Path;

use super::Error;
use crate::{files, samples};

/// Draws the pictures into `dir`, and says what it wrote.
pub fn command(dir: &Path) -> Result<(), Error> {
    for sample in samples::draw().map_err(Error::Pictures)? {
        let path = dir.join(sample.name);
        files::write(&path, &sample.bytes)?;
        println!("{} ({} bytes)", path.display(), sample.bytes.len());
    }
    Ok(())
}
