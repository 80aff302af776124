//! The configuration file (`config.toml`) and the effective settings.
//!
//! Every setting can come from four places; the first that gives it wins:
//!
//! 1. a command-line flag (`--skew`, `--profile`, `--color`, ...);
//! 2. an environment variable (`TOKENSCOPE_SKEW`, `TOKENSCOPE_PROFILE`, ...);
//! 3. the configuration file;
//! 4. the built-in default.
//!
//! The file is `--config PATH`, else `$TOKENSCOPE_CONFIG`, else `$TOKENSCOPE_HOME/config.toml`,
//! else `config.toml` in the platform config dir (`~/.config/tokenscope/config.toml` on Linux).
//! A missing file at the default place is no error: the defaults apply. Unknown keys and bad
//! values are errors that name the file, the line and the key.

mod bindings;
mod file;
mod settings;
mod values;

use std::path::PathBuf;

pub use bindings::{KEY_COMMANDS, KeySpec, are_key_commands, parse_key_spec, parse_key_specs};
pub use file::Config;
pub use settings::{Flags, PathSource, Setting, Settings, Source, config_path};
pub use values::{MAX_SKEW, name_of, parse_skew};

/// Moves tokenscope's whole tree: config.toml, themes/, keys/, cache/, logs/ (see [`crate::dirs`]).
pub use crate::dirs::HOME_ENV;
/// Names the configuration file (below `--config`).
pub const CONFIG_ENV: &str = "TOKENSCOPE_CONFIG";
/// Default rule profile for `inspect` (below `--profile`).
pub const PROFILE_ENV: &str = "TOKENSCOPE_PROFILE";
/// Allowed clock skew in seconds (below `--skew`).
pub const SKEW_ENV: &str = "TOKENSCOPE_SKEW";
/// Theme of the interactive view (below `--theme`).
pub const THEME_ENV: &str = "TOKENSCOPE_THEME";
/// Colour: auto, always, never (below `--color`).
pub const COLOR_ENV: &str = "TOKENSCOPE_COLOR";
/// Log level: off, error, warn, info, debug, trace (below `--log-level`).
pub const LOG_ENV: &str = "TOKENSCOPE_LOG";

/// The documented example: every setting with its default, commented out. `config edit`
/// starts a missing file from it.
pub const EXAMPLE: &str = include_str!("../examples/config.toml");

/// Built-in defaults.
pub mod defaults {
    use crate::cli::{ColorArg, LogLevel, ProfileArg, SignFormat, TimeDisplay};

    pub const PROFILE: ProfileArg = ProfileArg::Auto;
    pub const SKEW: i64 = 60;
    pub const THEME: &str = "dark";
    pub const MOUSE: bool = true;
    pub const TIME_DISPLAY: TimeDisplay = TimeDisplay::Utc;
    pub const EXPORT_FORMAT: SignFormat = SignFormat::Raw;
    pub const COLOR: ColorArg = ColorArg::Auto;
    pub const LOG_LEVEL: LogLevel = LogLevel::Off;
    pub const MAX_PBES2_COUNT: u64 = crate::limits::MAX_PBES2_COUNT;
}

/// A configuration problem: the file and where in it, or the environment variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file '{}': {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file '{}' does not exist (named by {by})", path.display())]
    Missing { path: PathBuf, by: &'static str },
    #[error(
        "config file '{}', line {line}{}: {message}",
        path.display(),
        key.as_ref().map(|k| format!(", key '{k}'")).unwrap_or_default()
    )]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        key: Option<String>,
        message: String,
    },
    #[error("environment variable {var}='{value}': {message}")]
    Env {
        var: &'static str,
        value: String,
        message: String,
    },
    #[error("cannot find a config directory: set {HOME_ENV} or pass --config PATH")]
    NoHome,
}

#[cfg(test)]
mod tests;
