//! Why a download saved nothing, in the one line a client prints.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::image::limits::LimitError;
use crate::image::name::NameError;
use crate::net::shown;

/// Why a download saved nothing.
#[derive(Debug)]
pub enum SaveError {
    /// A name (typed, or sent by the server) that is not a plain file name.
    Name {
        /// The name, as received.
        name: String,
        /// Why it is refused.
        why: NameError,
    },
    /// The server has neither the picture nor a not-found picture.
    Nothing {
        /// The name asked for.
        name: String,
    },
    /// A size or a rate the client does not accept.
    Limit(LimitError),
    /// The destination exists, and `--force` was not given.
    Exists(PathBuf),
    /// The temporary file cannot be made in this folder.
    Folder {
        /// The folder.
        dir: PathBuf,
        /// What the OS said.
        error: io::Error,
    },
    /// The file cannot be written, or given its name.
    File {
        /// The destination.
        path: PathBuf,
        /// What the OS said.
        error: io::Error,
    },
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::Name { name, why } => {
                write!(f, "cannot save a picture named \"{}\": {why}", shown(name))
            }
            SaveError::Nothing { name } => write!(
                f,
                "the server has no picture named {} (and no not-found picture)",
                shown(name)
            ),
            SaveError::Limit(limit) => write!(f, "{limit}"),
            SaveError::Exists(path) => write!(
                f,
                "{} already exists; use --force to replace it, or --out to save elsewhere",
                path.display()
            ),
            SaveError::Folder { dir, error } => {
                write!(f, "cannot write in {}: {error}", dir.display())
            }
            SaveError::File { path, error } => {
                write!(f, "cannot save {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for SaveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SaveError::Name { why, .. } => Some(why),
            SaveError::Limit(e) => Some(e),
            SaveError::Folder { error, .. } | SaveError::File { error, .. } => Some(error),
            SaveError::Nothing { .. } | SaveError::Exists(_) => None,
        }
    }
}

impl From<LimitError> for SaveError {
    fn from(limit: LimitError) -> SaveError {
        SaveError::Limit(limit)
    }
}
