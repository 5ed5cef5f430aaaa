//! Why the grading workspace could not be made ready.

use crate::cargo::CompilerSaid;
use crate::compile::recipe::RecipeError;
use crate::files::FileError;

/// Why the workspace could not be made ready.
#[derive(Debug)]
pub enum WorkspaceError {
    /// A file of the workspace could not be read or written.
    File(FileError),
    /// The workspace cannot be written, and is not ready for these sources (a kit installed
    /// read only, never made ready by its owner).
    NotReady(FileError),
    /// cargo could not be started.
    Cargo(std::io::Error),
    /// The kit's tests do not build.
    Tests(CompilerSaid),
    /// A reference program of the kit does not build.
    Reference(String, CompilerSaid),
    /// The way to compile a student's file could not be prepared.
    Recipe(RecipeError),
}

impl std::fmt::Display for WorkspaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkspaceError::File(e) => {
                write!(f, "{e}")
            }
            WorkspaceError::NotReady(e) => write!(
                f,
                "the kit is not ready to grade with these sources and this compiler, and tp \
                 cannot make it ready: {e}; as the kit's owner, run `tp grade` once on a \
                 submission (grading/vpl/README.md says how)"
            ),
            WorkspaceError::Cargo(e) => write!(f, "cannot run cargo: {e}"),
            WorkspaceError::Tests(said) => write!(f, "the kit's tests do not build:\n{said}"),
            WorkspaceError::Reference(name, said) => {
                write!(f, "the kit's program {name} does not build:\n{said}")
            }
            WorkspaceError::Recipe(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for WorkspaceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WorkspaceError::File(e) | WorkspaceError::NotReady(e) => Some(e),
            WorkspaceError::Cargo(e) => Some(e),
            WorkspaceError::Tests(said) | WorkspaceError::Reference(_, said) => Some(said),
            WorkspaceError::Recipe(e) => Some(e),
        }
    }
}

impl From<FileError> for WorkspaceError {
    fn from(e: FileError) -> WorkspaceError {
        WorkspaceError::File(e)
    }
}

impl From<RecipeError> for WorkspaceError {
    fn from(e: RecipeError) -> WorkspaceError {
        WorkspaceError::Recipe(e)
    }
}
