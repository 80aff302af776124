//! `config.toml` as written, read and parsed; a parse error names the line and the dotted
//! key it is on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ConfigError;
use super::bindings::key_table;
use super::values::{pbes2_count, skew, theme, value_enum};
use crate::cli::{ColorArg, LogLevel, ProfileArg, SignFormat, TimeDisplay};
use crate::text::line_col;

/// `config.toml` as written: every key is optional, and an absent key leaves the setting to
/// its default. Unknown keys are errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Rule profile for `inspect`: auto, generic, qualifio, adictiz, xtremepush.
    #[serde(default, deserialize_with = "value_enum")]
    pub profile: Option<ProfileArg>,
    /// Allowed clock skew in seconds (0 or more).
    #[serde(default, deserialize_with = "skew")]
    pub skew: Option<i64>,
    /// Interactive view theme: a shipped theme (dark, light, high-contrast, colorblind) or
    /// one of the user's `themes/NAME.toml` in the config dir.
    #[serde(default, deserialize_with = "theme")]
    pub theme: Option<String>,
    /// Interactive view: capture the mouse (true), or leave it to the terminal (false).
    pub mouse: Option<bool>,
    /// Interactive view: time claims in utc, local or both.
    #[serde(default, deserialize_with = "value_enum")]
    pub time_display: Option<TimeDisplay>,
    /// Default `sign --format` and interactive export format: raw, qualifio-url,
    /// qualifio-js, qualifio-setmetadata, adictiz-url, bearer, curl.
    #[serde(default, deserialize_with = "value_enum")]
    pub export_format: Option<SignFormat>,
    /// Campaign files (TOML or JSON) the interactive view loads; relative paths are relative
    /// to the configuration file's directory.
    pub campaigns: Option<Vec<PathBuf>>,
    /// Colour of the human output: auto (only on a terminal, NO_COLOR honoured), always,
    /// never.
    #[serde(default, deserialize_with = "value_enum")]
    pub color: Option<ColorArg>,
    /// Log file level: off, error, warn, info, debug, trace.
    #[serde(default, deserialize_with = "value_enum")]
    pub log_level: Option<LogLevel>,
    /// PBES2 iterations (a JWE's `p2c`) tried at most, 1 to 1,000,000.
    #[serde(default, deserialize_with = "pbes2_count")]
    pub max_pbes2_count: Option<u64>,
    /// Key-binding overrides for the interactive view: command name (one of
    /// [`KEY_COMMANDS`](super::KEY_COMMANDS)) -> key spec (`q`, `ctrl-c`, `shift-tab`,
    /// `pageup`, `f1`; several keys separated by spaces: `"j down"`). A command listed here
    /// loses its default keys.
    #[serde(default, deserialize_with = "key_table")]
    pub keys: BTreeMap<String, String>,
}

impl Config {
    /// Parse a configuration file's text; errors name `path`, the line and the key.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let start = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
            let (line, column) = line_col(text, start);
            let message = e
                .message()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                key: key_at(text, start),
                message,
            }
        })
    }

    /// Read and parse a file; `Ok(None)` when it does not exist.
    pub fn load(path: &Path) -> Result<Option<Config>, ConfigError> {
        match crate::limits::read_file_to_string(path, crate::limits::CONFIG_FILE) {
            Ok(text) => Config::parse(&text, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }
}

/// The dotted key an error offset belongs to: the `key = value` line it is on (or the
/// nearest one above, for values spread over lines), under the table header above it.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut lines: Vec<&str> = text[..line_start].lines().collect();
    lines.push(&text[line_start..line_end]);
    let mut key = None;
    let mut table = None;
    for line in lines.iter().rev() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            let name = header.trim_start_matches('[');
            let name = name.split(']').next().unwrap_or_default().trim();
            table = Some(unquote(name));
            break;
        }
        if key.is_none()
            && !line.starts_with('#')
            && let Some((k, _)) = line.split_once('=')
        {
            key = Some(unquote(k.trim()));
        }
    }
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (Some(t), None) => Some(t),
        (None, k) => k,
    }
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches(|c| c == '"' || c == '\'').to_string()
}
