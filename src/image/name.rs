//! The rule every picture name follows, on both sides of the network: a plain file name.
//!
//! A server that opens whatever name a client sends serves `../../etc/passwd` too; a client
//! that saves whatever name a server sends writes `/home/you/.bashrc`. A [`PictureName`] is a
//! name that passed the rule: letters, digits, `.`, `_`, `-`; no leading dot, no `..`, no
//! path, at most [`MAX_NAME`] bytes. Servers check the names clients ask for, clients the names
//! servers send them.

use std::fmt;

/// The longest name a client may ask for.
pub const MAX_NAME: usize = 255;

/// The name of the picture that unknown names get.
pub const NOT_FOUND_NAME: &str = "not-found.png";

/// A name that follows the rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PictureName(String);

/// Why a name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    /// No name at all.
    Empty,
    /// Longer than [`MAX_NAME`] bytes.
    TooLong,
    /// A `/`, `\` or `:`: a path, not a name.
    Path,
    /// A leading dot (a hidden file) or `..` (the folder above).
    Dots,
    /// Something else than letters, digits, `.`, `_` and `-`.
    Characters,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameError::Empty => "empty name",
            NameError::TooLong => "name longer than 255 bytes",
            NameError::Path => "a name may not contain /, \\ or : (no paths)",
            NameError::Dots => "a name may not start with a dot or contain ..",
            NameError::Characters => "a name uses only letters, digits, '.', '_' and '-'",
        })
    }
}

impl std::error::Error for NameError {}

impl PictureName {
    /// `name`, if it follows the rule; why not otherwise.
    pub fn new(name: &str) -> Result<PictureName, NameError> {
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.len() > MAX_NAME {
            return Err(NameError::TooLong);
        }
        if name.contains(['/', '\\', ':']) {
            return Err(NameError::Path);
        }
        if name.starts_with('.') || name.contains("..") {
            return Err(NameError::Dots);
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(NameError::Characters);
        }
        Ok(PictureName(name.to_string()))
    }

    /// The name, as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PictureName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<std::path::Path> for PictureName {
    fn as_ref(&self) -> &std::path::Path {
        self.0.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_pass_and_paths_do_not() {
        for good in ["car.png", "my-picture_2.jpeg", "a.b.c", "x"] {
            assert_eq!(
                PictureName::new(good).map(|n| n.to_string()),
                Ok(good.into())
            );
        }
        for (bad, why) in [
            ("", NameError::Empty),
            ("../secret", NameError::Path),
            ("..", NameError::Dots),
            ("a/../b", NameError::Path),
            ("/etc/passwd", NameError::Path),
            ("C:\\Windows\\win.ini", NameError::Path),
            ("dir\\x.png", NameError::Path),
            (".hidden", NameError::Dots),
            ("C:x", NameError::Path),
            ("with space.png", NameError::Characters),
            ("tab\there", NameError::Characters),
            ("new\nline", NameError::Characters),
            ("esc\x1b[2J", NameError::Characters),
            ("caf\u{e9}.png", NameError::Characters),
        ] {
            assert_eq!(PictureName::new(bad), Err(why), "{bad:?}");
        }
        assert_eq!(PictureName::new(&"a".repeat(256)), Err(NameError::TooLong));
    }
}
