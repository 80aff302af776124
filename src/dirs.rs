//! Where tokenscope keeps its files: `$TOKENSCOPE_HOME` when set, else the platform's
//! directories for "tokenscope" (`~/.config/tokenscope`, `~/.cache/tokenscope`,
//! `~/.local/state/tokenscope` on Linux, from `$HOME` and the `XDG_*` variables), and every
//! path under them: the configuration file, user themes, the key store, the JWKS cache and
//! the log file. Nothing is read or created here: these are names.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;

/// Moves tokenscope's whole tree: config.toml, themes/, keys/, cache/, logs/.
pub const HOME_ENV: &str = "TOKENSCOPE_HOME";
/// The configuration file's name in the config dir.
pub const CONFIG_FILE: &str = "config.toml";

/// An environment lookup (the process environment, or a map in tests).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<OsString>;

/// The process environment; empty values count as unset.
pub fn process_env(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// tokenscope's directories, found once from the environment.
#[derive(Debug, Clone)]
pub struct Dirs {
    /// `$TOKENSCOPE_HOME`: when set, every file lives under it.
    home: Option<PathBuf>,
    /// The platform's directories; None when no home directory can be found.
    platform: Option<ProjectDirs>,
}

impl Dirs {
    /// The directories `env` names.
    pub fn from_env(env: Env<'_>) -> Dirs {
        Dirs {
            home: env(HOME_ENV).map(PathBuf::from),
            platform: ProjectDirs::from("", "", "tokenscope"),
        }
    }

    /// The directories the process environment names.
    pub fn from_process_env() -> Dirs {
        Dirs::from_env(&process_env)
    }

    /// `$TOKENSCOPE_HOME`, when set.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// `name` under `$TOKENSCOPE_HOME`, else the platform's path.
    fn under_home_or(
        &self,
        name: &str,
        platform: impl FnOnce(&ProjectDirs) -> PathBuf,
    ) -> Option<PathBuf> {
        match &self.home {
            Some(home) => Some(home.join(name)),
            None => self.platform.as_ref().map(platform),
        }
    }

    /// `$TOKENSCOPE_HOME/config.toml`, else `config.toml` in the platform config dir
    /// (`~/.config/tokenscope/config.toml` on Linux).
    pub fn config_file(&self) -> Option<PathBuf> {
        self.under_home_or(CONFIG_FILE, |p| p.config_dir().join(CONFIG_FILE))
    }

    /// Where user themes (`NAME.toml`) are looked for, in order: `$TOKENSCOPE_HOME/themes`,
    /// then the platform config dir's `themes/` (both, when both exist).
    pub fn theme_dirs(&self) -> Vec<PathBuf> {
        let home = self.home.iter().map(|h| h.join("themes"));
        let platform = self.platform.iter().map(|p| p.config_dir().join("themes"));
        home.chain(platform).collect()
    }

    /// `$TOKENSCOPE_HOME/keys`, else `keys` in the platform config dir
    /// (`~/.config/tokenscope/keys` on Linux).
    pub fn key_store(&self) -> Option<PathBuf> {
        self.under_home_or("keys", |p| p.config_dir().join("keys"))
    }

    /// `$TOKENSCOPE_HOME/cache`, else the platform cache dir (`~/.cache/tokenscope` on Linux).
    pub fn cache(&self) -> Option<PathBuf> {
        self.under_home_or("cache", |p| p.cache_dir().to_path_buf())
    }

    /// `$TOKENSCOPE_HOME/logs/tokenscope.log`, else `logs/tokenscope.log` in the platform
    /// state dir (`~/.local/state/tokenscope` on Linux), else in the local data dir.
    pub fn log_file(&self) -> Option<PathBuf> {
        let logs = self.under_home_or("logs", |p| {
            p.state_dir()
                .unwrap_or_else(|| p.data_local_dir())
                .join("logs")
        });
        logs.map(|dir| dir.join("tokenscope.log"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_home(home: &str) -> Dirs {
        let home = OsString::from(home);
        Dirs::from_env(&move |name: &str| (name == HOME_ENV).then(|| home.clone()))
    }

    #[test]
    fn tokenscope_home_holds_every_file() {
        let dirs = with_home("/th");
        assert_eq!(dirs.home(), Some(Path::new("/th")));
        assert_eq!(dirs.config_file().unwrap(), Path::new("/th/config.toml"));
        assert_eq!(dirs.key_store().unwrap(), Path::new("/th/keys"));
        assert_eq!(dirs.cache().unwrap(), Path::new("/th/cache"));
        assert_eq!(
            dirs.log_file().unwrap(),
            Path::new("/th/logs/tokenscope.log")
        );
        assert_eq!(dirs.theme_dirs()[0], Path::new("/th/themes"));
    }

    #[test]
    fn default_dirs_follow_tokenscope_home() {
        // Only read here: the variable is set by the test runner's environment if at all.
        let dirs = Dirs::from_process_env();
        if let Some(home) = process_env(HOME_ENV) {
            assert_eq!(dirs.key_store().unwrap(), PathBuf::from(&home).join("keys"));
            assert_eq!(dirs.cache().unwrap(), PathBuf::from(home).join("cache"));
        } else {
            assert!(dirs.key_store().unwrap().ends_with("keys"));
        }
    }
}
