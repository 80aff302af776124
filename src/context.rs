//! What a command runs with, gathered once by `commands::run`: the effective settings,
//! tokenscope's directories, the key store they lead to, and the clock.

use std::path::PathBuf;

use anyhow::{Result, anyhow};

use crate::config::Settings;
use crate::dirs::{Dirs, HOME_ENV};
use crate::keys::Store;
use crate::time::Clock;

/// The settings, the directories, the key store and the clock of one run.
#[derive(Debug, Clone)]
pub struct Context {
    /// The effective configuration (flag > env > file > default).
    pub settings: Settings,
    /// Where tokenscope's files are.
    pub dirs: Dirs,
    /// `--store DIR`, over the key store in `dirs`.
    store_flag: Option<PathBuf>,
    /// The wall clock, unix seconds.
    pub clock: Clock,
}

impl Context {
    /// A run with these settings and directories, the store at `store_flag` when given, and
    /// the system clock.
    pub fn new(settings: Settings, dirs: Dirs, store_flag: Option<PathBuf>) -> Context {
        Context {
            settings,
            dirs,
            store_flag,
            clock: Clock::System,
        }
    }

    /// The instant now, unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// The key store: `--store DIR`, else `$TOKENSCOPE_HOME/keys`, else `keys` in the platform
    /// config dir. Nothing is read until it is used.
    pub fn store(&self) -> Result<Store> {
        let dir = match &self.store_flag {
            Some(dir) => dir.clone(),
            None => self.dirs.key_store().ok_or_else(|| {
                anyhow!(
                    "cannot find a home directory for the key store: set {HOME_ENV} or pass --store DIR"
                )
            })?,
        };
        Ok(Store::open(dir))
    }

    /// Where fetched JWKS are cached: `$TOKENSCOPE_HOME/cache`, else the platform cache dir.
    pub fn cache_dir(&self) -> Result<PathBuf> {
        self.dirs
            .cache()
            .ok_or_else(|| anyhow!("cannot find a cache directory: set {HOME_ENV}"))
    }
}
