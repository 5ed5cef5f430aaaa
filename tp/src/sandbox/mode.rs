//! What the instructor asks of the sandbox (`--sandbox`), and the error when none can be made.

/// What the instructor asked for (`--sandbox`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A sandbox where one can be made; otherwise say so in one line and run without (the
    /// student's own code in `tp check`, or a platform whose jail isolates each submission).
    Auto,
    /// Refuse to grade without a sandbox: `tp grade`'s default, it fails closed.
    Required,
    /// No sandbox, and say so: the instructor grades with their own rights.
    Off,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(text: &str) -> Result<Mode, String> {
        match text {
            "auto" => Ok(Mode::Auto),
            "required" => Ok(Mode::Required),
            "off" => Ok(Mode::Off),
            _ => Err(format!("`{text}`: the sandbox is required, auto or off")),
        }
    }
}

/// Why no sandbox can be made, when `--sandbox required` asks for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSandbox {
    /// Why, in words.
    pub why: String,
}

impl std::fmt::Display for NoSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no sandbox can be made here ({}), and tp grade runs strangers' code only in one: \
             install bubblewrap (apt-get install bubblewrap), or grade with your own rights \
             with --sandbox off",
            self.why
        )
    }
}

impl std::error::Error for NoSandbox {}

/// The text of the error, where tp's commands still carry theirs as text.
impl From<NoSandbox> for String {
    fn from(error: NoSandbox) -> String {
        error.to_string()
    }
}
