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

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use serde::{Deserialize, Deserializer};

use crate::cli::{ColorArg, GlobalArgs, LogLevel, ProfileArg, SignFormat, Switch, TimeDisplay};

/// Moves tokenscope's whole tree: config.toml, keys/, cache/, logs/ (as the key store reads it).
pub const HOME_ENV: &str = "TOKENSCOPE_HOME";
/// The configuration file's name in the config dir.
pub const FILE_NAME: &str = "config.toml";
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

/// The commands of the interactive view a `[keys]` entry can rebind, in the order the help
/// lists them. The file's schema owns the names; the interactive view's key map has one field
/// per name, in this order, and fails to compile when the two differ.
pub const KEY_COMMANDS: &[&str] = &[
    "quit",
    "help",
    "focus_next",
    "focus_prev",
    "up",
    "down",
    "page_up",
    "page_down",
    "top",
    "bottom",
    "select",
    "history_prev",
    "history_next",
    "clipboard",
    "open_file",
    "set_time",
    "hour_back",
    "hour_forward",
    "day_back",
    "day_forward",
    "time_now",
    "add_key",
    "delete_key",
    "generate_key",
    "add_key_file",
    "reveal_key",
    "toggle_mouse",
    "report",
    "edit",
    "fold",
    "skew",
    "cw",
    "label",
    "label_toggle",
    "can_play",
    "nb_up",
    "nb_down",
    "nb_absent",
    "limit_absent",
    "exp_hour",
    "exp_day",
    "exp_past",
    "campaign_id",
    "sub",
    "next_key",
    "next_alg",
    "jwe",
    "enc",
    "json_editor",
    "external_editor",
    "export",
];

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
    /// [`KEY_COMMANDS`]) -> key spec (`q`, `ctrl-c`, `shift-tab`, `pageup`, `f1`; several keys
    /// separated by spaces: `"j down"`). A command listed here loses its default keys.
    #[serde(default, deserialize_with = "key_table")]
    pub keys: BTreeMap<String, String>,
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

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
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

/// A clap value name as a config value: the same spellings as the flag.
fn value_enum<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: ValueEnum,
{
    let s = String::deserialize(d)?;
    parse_enum(&s).map(Some).map_err(serde::de::Error::custom)
}

fn parse_enum<T: ValueEnum>(s: &str) -> Result<T, String> {
    T::from_str(s, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        format!("unknown value '{s}', expected one of {}", names.join(", "))
    })
}

fn skew<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    // An integer past i64 fails inside the TOML reader, whose message speaks of i128.
    let Ok(value) = toml::Value::deserialize(d) else {
        return Err(serde::de::Error::custom(skew_range()));
    };
    match value {
        toml::Value::Integer(secs) => check_skew(secs).map(Some),
        other => Err(format!(
            "skew is a whole number of seconds, not {} {other}",
            other.type_str()
        )),
    }
    .map_err(serde::de::Error::custom)
}

/// The largest clock skew tokenscope takes: a year, far past any clock drift.
pub const MAX_SKEW: i64 = 365 * 24 * 3600;

fn skew_range() -> String {
    format!("skew is a whole number of seconds from 0 to {MAX_SKEW} (a year)")
}

fn check_skew(secs: i64) -> Result<i64, String> {
    if (0..=MAX_SKEW).contains(&secs) {
        Ok(secs)
    } else {
        Err(format!("{}, not {secs}", skew_range()))
    }
}

/// A skew written as text (`--skew`, `TOKENSCOPE_SKEW`): 0 to [`MAX_SKEW`] seconds. The
/// message quotes at most 24 characters of what was given.
pub fn parse_skew(text: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(secs) => check_skew(secs),
        Err(_) => {
            let shown: String = text.chars().take(24).collect();
            let more = if text.chars().count() > 24 { "…" } else { "" };
            Err(format!("{}, not '{shown}{more}'", skew_range()))
        }
    }
}

fn pbes2_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let max = crate::limits::PBES2_COUNT_CEILING;
    match toml::Value::deserialize(d)? {
        toml::Value::Integer(n) if (1..=max as i64).contains(&n) => Ok(Some(n as u64)),
        toml::Value::Integer(n) => Err(format!(
            "max_pbes2_count is {n}: PBES2 iterations are 1 to {max}"
        )),
        other => Err(format!(
            "max_pbes2_count is a whole number of PBES2 iterations, not {} {other}",
            other.type_str()
        )),
    }
    .map_err(serde::de::Error::custom)
}

fn theme<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let name = String::deserialize(d)?;
    check_theme(&name)
        .map(|()| Some(name))
        .map_err(serde::de::Error::custom)
}

fn check_theme(name: &str) -> Result<(), String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "theme '{name}' is not a theme name (letters, digits, - and _: dark, light, high-contrast, colorblind, or a file themes/NAME.toml in the config dir)"
        ));
    }
    Ok(())
}

/// A `[keys]` command name, checked while parsing so the error points at it.
struct CommandName(String);

impl<'de> Deserialize<'de> for CommandName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        if KEY_COMMANDS.contains(&name.as_str()) {
            Ok(CommandName(name))
        } else {
            Err(serde::de::Error::custom(format!(
                "unknown command '{name}' in [keys], expected one of {}",
                KEY_COMMANDS.join(", ")
            )))
        }
    }
}

/// A `[keys]` value, checked while parsing so the error points at it.
struct KeySpecs(String);

impl<'de> Deserialize<'de> for KeySpecs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spec = String::deserialize(d)?;
        parse_key_specs(&spec).map_err(serde::de::Error::custom)?;
        Ok(KeySpecs(spec))
    }
}

fn key_table<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let table = BTreeMap::<CommandNameKey, KeySpecs>::deserialize(d)?;
    Ok(table.into_iter().map(|(k, v)| (k.0, v.0)).collect())
}

/// `CommandName` ordered by its text, to key a map.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct CommandNameKey(String);

impl<'de> Deserialize<'de> for CommandNameKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        CommandName::deserialize(d).map(|c| CommandNameKey(c.0))
    }
}

/// One key as a binding names it: a key code and its modifiers (crossterm's types, as the
/// interactive view receives them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Parse one key spec: a character (`q`, `?`, `G`), a named key (`enter`, `esc`, `tab`,
/// `backtab`, `space`, `backspace`, `delete`, `insert`, `home`, `end`, `pageup`, `pagedown`,
/// `up`, `down`, `left`, `right`, `f1`..`f24`), with `ctrl-`, `alt-` and `shift-` prefixes
/// (`ctrl-c`, `alt-x`, `shift-tab`). Names and modifiers ignore letter case; characters do
/// not. Shift with a letter is the capital letter (`shift-g` is `G`), as terminals report it;
/// `shift-tab` is `backtab`.
pub fn parse_key_spec(spec: &str) -> Result<KeySpec, String> {
    let mut rest = spec;
    let mut modifiers = KeyModifiers::NONE;
    while let Some((m, tail)) = rest.split_once('-') {
        let flag = match m.to_ascii_lowercase().as_str() {
            "ctrl" | "control" => KeyModifiers::CONTROL,
            "alt" | "meta" => KeyModifiers::ALT,
            "shift" => KeyModifiers::SHIFT,
            _ => break,
        };
        if tail.is_empty() {
            return Err(format!(
                "bad key spec '{spec}': no key after '{m}-' (examples: q, ctrl-c, shift-tab, pageup, f1)"
            ));
        }
        modifiers |= flag;
        rest = tail;
    }
    let bad = |why: &str| {
        format!(
            "bad key spec '{spec}': {why} (examples: q, ctrl-c, shift-tab, pageup, f1; several keys separated by spaces)"
        )
    };
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (None, _) => return Err(bad("no key given")),
        (Some(c), None) if c.is_whitespace() || c.is_control() => {
            return Err(bad("write the key's name (space, tab)"));
        }
        (Some(c), None) => KeyCode::Char(c),
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            name => match name.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                Some(n @ 1..=24) => KeyCode::F(n),
                _ => return Err(bad(&format!("unknown key '{rest}'"))),
            },
        },
    };
    let code = match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        other => other,
    };
    // Terminals fold Shift into the character and report Shift-Tab as BackTab.
    let (code, modifiers) = match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => (
            KeyCode::Char(c.to_ascii_uppercase()),
            modifiers - KeyModifiers::SHIFT,
        ),
        KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
            (KeyCode::BackTab, modifiers - KeyModifiers::SHIFT)
        }
        other => (other, modifiers),
    };
    Ok(KeySpec { code, modifiers })
}

/// Parse a `[keys]` value: one key spec or several separated by spaces.
pub fn parse_key_specs(value: &str) -> Result<Vec<KeySpec>, String> {
    let specs: Vec<&str> = value.split_whitespace().collect();
    if specs.is_empty() {
        return Err("no key given (examples: q, ctrl-c, shift-tab, pageup, f1)".to_string());
    }
    specs.into_iter().map(parse_key_spec).collect()
}

/// Where the configuration file's path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSource {
    Flag,
    Env,
    Home,
    Platform,
}

impl PathSource {
    pub fn describe(self) -> &'static str {
        match self {
            PathSource::Flag => "--config",
            PathSource::Env => CONFIG_ENV,
            PathSource::Home => HOME_ENV,
            PathSource::Platform => "the platform config dir",
        }
    }
}

/// Where an effective value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, by name (`--skew`).
    Flag(&'static str),
    /// An environment variable, by name.
    Env(&'static str),
    /// The configuration file.
    File,
    /// The built-in default.
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(name) => write!(f, "flag {name}"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::File => f.write_str("config file"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// An effective value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// Per-command flags that have a config key (the global ones are in [`GlobalArgs`]).
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `inspect --profile`.
    pub profile: Option<ProfileArg>,
    /// `inspect --skew`.
    pub skew: Option<i64>,
    /// `--theme` (interactive view).
    pub theme: Option<String>,
    /// `sign --format`.
    pub export_format: Option<SignFormat>,
    /// `inspect --max-pbes2-count`.
    pub max_pbes2_count: Option<u64>,
}

/// The effective configuration: flags over environment over file over defaults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file in use (None when no config dir exists and none was named).
    pub path: Option<PathBuf>,
    pub path_source: PathSource,
    /// Whether that file exists (when it does not, every value is a flag, env or default).
    pub file_exists: bool,
    pub profile: Setting<ProfileArg>,
    pub skew: Setting<i64>,
    pub theme: Setting<String>,
    pub mouse: Setting<bool>,
    pub time_display: Setting<TimeDisplay>,
    pub export_format: Setting<SignFormat>,
    /// Campaign files, relative paths resolved against the configuration file's directory.
    pub campaigns: Setting<Vec<PathBuf>>,
    pub color: Setting<ColorArg>,
    pub log_level: Setting<LogLevel>,
    pub max_pbes2_count: Setting<u64>,
    /// Key-binding overrides (command name -> key specs), all from the file.
    pub keys: BTreeMap<String, String>,
}

/// An environment lookup (the process environment, or a map in tests).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<OsString>;

/// The process environment; empty values count as unset.
pub fn process_env(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// The configuration file's path and where it came from.
pub fn config_path(
    flag: Option<&Path>,
    env: Env<'_>,
) -> Result<(PathBuf, PathSource), ConfigError> {
    if let Some(p) = flag {
        return Ok((p.to_path_buf(), PathSource::Flag));
    }
    if let Some(p) = env(CONFIG_ENV) {
        return Ok((PathBuf::from(p), PathSource::Env));
    }
    if let Some(home) = env(HOME_ENV) {
        return Ok((PathBuf::from(home).join(FILE_NAME), PathSource::Home));
    }
    directories::ProjectDirs::from("", "", "tokenscope")
        .map(|d| (d.config_dir().join(FILE_NAME), PathSource::Platform))
        .ok_or(ConfigError::NoHome)
}

fn env_value<T>(
    env: Env<'_>,
    var: &'static str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, ConfigError> {
    let Some(raw) = env(var) else {
        return Ok(None);
    };
    let value = raw.to_string_lossy().into_owned();
    parse(value.trim())
        .map(Some)
        .map_err(|message| ConfigError::Env {
            var,
            // Quoted in the message: a value of any length is cut to 24 characters.
            value: match value.char_indices().nth(24) {
                Some((cut, _)) => format!("{}…", &value[..cut]),
                None => value,
            },
            message,
        })
}

fn pick<T>(
    flag: Option<(T, &'static str)>,
    env: Option<(T, &'static str)>,
    file: Option<T>,
    default: T,
) -> Setting<T> {
    if let Some((value, name)) = flag {
        return Setting {
            value,
            source: Source::Flag(name),
        };
    }
    if let Some((value, var)) = env {
        return Setting {
            value,
            source: Source::Env(var),
        };
    }
    match file {
        Some(value) => Setting {
            value,
            source: Source::File,
        },
        None => Setting {
            value: default,
            source: Source::Default,
        },
    }
}

impl Settings {
    /// Resolve with the process environment.
    pub fn load(global: &GlobalArgs, flags: &Flags) -> Result<Settings, ConfigError> {
        Settings::resolve(global, flags, &process_env)
    }

    /// Resolve every setting: flag, else environment variable, else file, else default.
    pub fn resolve(
        global: &GlobalArgs,
        flags: &Flags,
        env: Env<'_>,
    ) -> Result<Settings, ConfigError> {
        let located = config_path(global.config.as_deref(), env);
        let (path, path_source) = match located {
            Ok((p, s)) => (Some(p), s),
            Err(ConfigError::NoHome) => (None, PathSource::Platform),
            Err(e) => return Err(e),
        };
        let file = match &path {
            Some(p) => Config::load(p)?,
            None => None,
        };
        if file.is_none()
            && let Some(p) = &path
            && matches!(path_source, PathSource::Flag | PathSource::Env)
        {
            return Err(ConfigError::Missing {
                path: p.clone(),
                by: path_source.describe(),
            });
        }
        let file_exists = file.is_some();
        let file = file.unwrap_or_default();
        let base = path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();

        let env_profile = env_value(env, PROFILE_ENV, parse_enum::<ProfileArg>)?;
        let env_skew = env_value(env, SKEW_ENV, parse_skew)?;
        let env_theme = env_value(env, THEME_ENV, |s| check_theme(s).map(|()| s.to_string()))?;
        let env_color = env_value(env, COLOR_ENV, parse_enum::<ColorArg>)?;
        let env_log = env_value(env, LOG_ENV, parse_enum::<LogLevel>)?;

        Ok(Settings {
            profile: pick(
                flags.profile.map(|v| (v, "--profile")),
                env_profile.map(|v| (v, PROFILE_ENV)),
                file.profile,
                defaults::PROFILE,
            ),
            skew: pick(
                flags.skew.map(|v| (v, "--skew")),
                env_skew.map(|v| (v, SKEW_ENV)),
                file.skew,
                defaults::SKEW,
            ),
            theme: pick(
                flags.theme.clone().map(|v| (v, "--theme")),
                env_theme.map(|v| (v, THEME_ENV)),
                file.theme,
                defaults::THEME.to_string(),
            ),
            mouse: pick(
                global.mouse.map(|v| (v == Switch::On, "--mouse")),
                None,
                file.mouse,
                defaults::MOUSE,
            ),
            time_display: pick(
                global.time_display.map(|v| (v, "--time-display")),
                None,
                file.time_display,
                defaults::TIME_DISPLAY,
            ),
            export_format: pick(
                flags.export_format.map(|v| (v, "--format")),
                None,
                file.export_format,
                defaults::EXPORT_FORMAT,
            ),
            campaigns: pick(
                None,
                None,
                file.campaigns
                    .map(|list| list.into_iter().map(|p| base.join(p)).collect()),
                Vec::new(),
            ),
            color: pick(
                global.color.map(|v| (v, "--color")),
                env_color.map(|v| (v, COLOR_ENV)),
                file.color,
                defaults::COLOR,
            ),
            log_level: pick(
                global.log_level.map(|v| (v, "--log-level")),
                env_log.map(|v| (v, LOG_ENV)),
                file.log_level,
                defaults::LOG_LEVEL,
            ),
            max_pbes2_count: pick(
                flags.max_pbes2_count.map(|v| (v, "--max-pbes2-count")),
                None,
                file.max_pbes2_count,
                defaults::MAX_PBES2_COUNT,
            ),
            keys: file.keys,
            path,
            path_source,
            file_exists,
        })
    }

    /// The effective configuration as TOML, each value followed by where it came from.
    pub fn to_toml(&self) -> String {
        let mut out =
            String::from("# tokenscope: effective configuration (flag > env > file > default)\n");
        match &self.path {
            Some(p) => {
                let state = if self.file_exists {
                    ""
                } else {
                    ", missing: built-in defaults apply"
                };
                let _ = writeln!(
                    out,
                    "# file: {} (from {}{state})",
                    p.display(),
                    self.path_source.describe()
                );
            }
            None => out.push_str("# file: none (no config dir found)\n"),
        }
        out.push('\n');
        let line = |out: &mut String, key: &str, value: String, source: &Source| {
            let text = format!("{key} = {value}");
            let _ = writeln!(out, "{text:<40} # {source}");
        };
        let s = |v: &str| toml::Value::String(v.to_string()).to_string();
        line(
            &mut out,
            "profile",
            s(&name_of(self.profile.value)),
            &self.profile.source,
        );
        line(
            &mut out,
            "skew",
            self.skew.value.to_string(),
            &self.skew.source,
        );
        line(&mut out, "theme", s(&self.theme.value), &self.theme.source);
        line(
            &mut out,
            "mouse",
            self.mouse.value.to_string(),
            &self.mouse.source,
        );
        line(
            &mut out,
            "time_display",
            s(&name_of(self.time_display.value)),
            &self.time_display.source,
        );
        line(
            &mut out,
            "export_format",
            s(&name_of(self.export_format.value)),
            &self.export_format.source,
        );
        let campaigns: Vec<String> = self
            .campaigns
            .value
            .iter()
            .map(|p| s(&p.display().to_string()))
            .collect();
        line(
            &mut out,
            "campaigns",
            format!("[{}]", campaigns.join(", ")),
            &self.campaigns.source,
        );
        line(
            &mut out,
            "color",
            s(&name_of(self.color.value)),
            &self.color.source,
        );
        line(
            &mut out,
            "log_level",
            s(&name_of(self.log_level.value)),
            &self.log_level.source,
        );
        line(
            &mut out,
            "max_pbes2_count",
            self.max_pbes2_count.value.to_string(),
            &self.max_pbes2_count.source,
        );
        out.push_str("\n[keys]\n");
        if self.keys.is_empty() {
            out.push_str("# none: the interactive view's default bindings apply\n");
        }
        for (command, spec) in &self.keys {
            line(&mut out, command, s(spec), &Source::File);
        }
        out
    }
}

/// The flag spelling of a clap value (`qualifio-url`).
pub fn name_of<T: ValueEnum>(value: T) -> String {
    value
        .to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
