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
    type Err = UnknownMode;
    fn from_str(text: &str) -> Result<Mode, UnknownMode> {
        match text {
            "auto" => Ok(Mode::Auto),
            "required" => Ok(Mode::Required),
            "off" => Ok(Mode::Off),
            _ => Err(UnknownMode(text.to_string())),
        }
    }
}

/// A `--sandbox` that is none of the modes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMode(pub String);

impl std::fmt::Display for UnknownMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`: the sandbox is required, auto or off", self.0)
    }
}

impl std::error::Error for UnknownMode {}

/// Why no sandbox can be made here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// `--sandbox off`.
    Off,
    /// Not on Linux: the OS's name.
    NotLinux(&'static str),
    /// `TP_SOCKETS_NO_NAMESPACES` is set.
    Forbidden,
    /// No `bwrap` on the PATH.
    NotInstalled,
    /// bubblewrap cannot make its namespaces here; what it said.
    Restricted(String),
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::Off => write!(f, "--sandbox off"),
            Unavailable::NotLinux(os) => {
                write!(
                    f,
                    "there is none on {os}: grade on Linux with bubblewrap for one"
                )
            }
            Unavailable::Forbidden => write!(f, "TP_SOCKETS_NO_NAMESPACES forbids namespaces"),
            Unavailable::NotInstalled => write!(
                f,
                "bubblewrap is not installed: apt-get install bubblewrap, or dnf install bubblewrap"
            ),
            Unavailable::Restricted(said) => write!(
                f,
                "bubblewrap cannot make its namespaces here ({said}); Ubuntu 24.04 and later \
                 restrict them: see the README"
            ),
        }
    }
}

impl std::error::Error for Unavailable {}

/// Why no sandbox can be made, when `--sandbox required` asks for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSandbox {
    /// Why.
    pub why: Unavailable,
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

impl std::error::Error for NoSandbox {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.why)
    }
}
