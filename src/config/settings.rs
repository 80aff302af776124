//! The effective settings: each from a flag, else an environment variable, else the file,
//! else the built-in default, with where it came from; and the configuration file's path.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::values::{check_theme, name_of, parse_enum, parse_skew};
use super::{
    COLOR_ENV, CONFIG_ENV, Config, ConfigError, HOME_ENV, LOG_ENV, PROFILE_ENV, SKEW_ENV,
    THEME_ENV, defaults,
};
use crate::cli::{ColorArg, GlobalArgs, LogLevel, ProfileArg, SignFormat, Switch, TimeDisplay};
use crate::dirs::{Dirs, Env, process_env};

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

/// The configuration file's path and where it came from: `--config`, else `$TOKENSCOPE_CONFIG`
/// in `env`, else the file in `dirs`.
pub fn config_path(
    flag: Option<&Path>,
    env: Env<'_>,
    dirs: &Dirs,
) -> Result<(PathBuf, PathSource), ConfigError> {
    if let Some(p) = flag {
        return Ok((p.to_path_buf(), PathSource::Flag));
    }
    if let Some(p) = env(CONFIG_ENV) {
        return Ok((PathBuf::from(p), PathSource::Env));
    }
    let source = match dirs.home() {
        Some(_) => PathSource::Home,
        None => PathSource::Platform,
    };
    dirs.config_file()
        .map(|p| (p, source))
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
    /// Resolve with the process environment and the directories it names.
    pub fn load(global: &GlobalArgs, flags: &Flags, dirs: &Dirs) -> Result<Settings, ConfigError> {
        Settings::resolve_in(global, flags, &process_env, dirs)
    }

    /// Resolve with `env` and the directories it names.
    pub fn resolve(
        global: &GlobalArgs,
        flags: &Flags,
        env: Env<'_>,
    ) -> Result<Settings, ConfigError> {
        Settings::resolve_in(global, flags, env, &Dirs::from_env(env))
    }

    /// Resolve every setting: flag, else environment variable, else file, else default.
    fn resolve_in(
        global: &GlobalArgs,
        flags: &Flags,
        env: Env<'_>,
        dirs: &Dirs,
    ) -> Result<Settings, ConfigError> {
        let located = config_path(global.config.as_deref(), env, dirs);
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
