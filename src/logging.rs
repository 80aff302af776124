//! The log file: off by default, `--log-level` / `TOKENSCOPE_LOG` / `log_level` turn it on.
//!
//! Events go to a file only, never to the terminal (the interactive view owns it). They carry
//! counts, key names, token lengths and fingerprints: never a secret, key material or a whole
//! token.

use std::fs::OpenOptions;
use std::sync::Mutex;

use tracing::level_filters::LevelFilter;

use crate::cli::LogLevel;
use crate::dirs::{Dirs, HOME_ENV};

fn filter(level: LogLevel) -> LevelFilter {
    match level {
        LogLevel::Off => LevelFilter::OFF,
        LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Trace => LevelFilter::TRACE,
    }
}

/// Start logging to the log file in `dirs` ([`Dirs::log_file`]) at `level` (nothing at
/// `off`). A log file that cannot be opened is reported as a warning, never an error: logging
/// must not stop a command.
pub fn init(level: LogLevel, dirs: &Dirs) -> Option<String> {
    if level == LogLevel::Off {
        return None;
    }
    let Some(path) = dirs.log_file() else {
        return Some(format!(
            "cannot find a directory for the log file: set {HOME_ENV}; logging is off"
        ));
    };
    if let Some(dir) = path.parent()
        && let Err(e) = crate::keys::create_private_dir(dir)
    {
        return Some(format!("{e}; logging is off"));
    }
    let file = match open_log(&path) {
        Ok(f) => f,
        Err(e) => {
            return Some(format!(
                "cannot open log file '{}': {e}; logging is off",
                path.display()
            ));
        }
    };
    let installed = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_max_level(filter(level))
        .try_init();
    // Already installed (a second call in one process) is fine: the first one logs.
    drop(installed);
    None
}

/// Open the log for appending: created 0600 whatever the umask, and never through a symbolic
/// link (a planted link would make tokenscope append to another file).
fn open_log(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path)?;
    // A log created before, or by hand, with a wider mode is narrowed.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// A token's fingerprint for the log (the core's, see [`crate::report::token_fingerprint`]).
pub use crate::report::token_fingerprint;
