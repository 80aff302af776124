//! The subcommands: argument handling around the core, and exit codes.

mod batch;
mod config_cmd;
mod diff;
mod inspect;
pub mod keys_cmd;
mod meta;
mod sign;

pub use inspect::exit_code;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};

use crate::cli::{Cli, ColorArg, Command, EvaluationArgs, ProfileArg, SecretEncodingArg};
use crate::config::{self, Settings};
use crate::context::Context;
use crate::dirs::Dirs;
use crate::escape;
use crate::inspect::{InspectError, Options};
use crate::keys::{self, KeyRing, SecretEncoding};
use crate::limits;
use crate::logging::token_fingerprint;
use crate::profile::{Profile, ProfileChoice};
use crate::render;
use crate::report::{Inspection, Overall};
use crate::rules::Campaign;

pub use crate::limits::MAX_INPUT;

/// Exit statuses (README "Exit codes").
pub mod exit {
    pub const ACCEPTED: u8 = 0;
    pub const REJECTED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const NOT_VERIFIED: u8 = 3;
}

/// An error that maps to a specific exit status, already reported.
#[derive(Debug)]
pub struct Exit(pub u8);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}", self.0)
    }
}

impl std::error::Error for Exit {}

/// Run the parsed command line; the returned code is the process exit status.
pub fn run(cli: Cli) -> Result<ExitCode> {
    // Flags over environment over config file over defaults (README "Configuration").
    let mut flags = config_flags(cli.command.as_ref())?;
    flags.theme = cli.tui.theme.clone();
    let dirs = Dirs::from_process_env();
    let settings = Settings::load(&cli.global, &flags, &dirs);
    start_logging(&cli, settings.as_ref().ok(), &dirs);
    // The commands that need the settings get them in the run's context: a broken config file
    // is reported before any work (and before the interactive view takes the terminal).
    let context = |settings: Result<Settings, config::ConfigError>, dirs: Dirs| {
        settings.map(|s| Context::new(s, dirs, cli.store.clone()))
    };
    match cli.command {
        Some(Command::Inspect(args)) => inspect::inspect(&args, &context(settings, dirs)?),
        Some(Command::Diff(args)) => diff::diff(&args, &context(settings, dirs)?),
        Some(Command::Sign(args)) => sign::sign(&args, &context(settings, dirs)?),
        Some(Command::Scenarios(args)) => sign::scenarios(&args, &context(settings, dirs)?),
        Some(Command::Config(cmd)) => {
            config_cmd::config_command(&cmd, &cli.global, &dirs, settings)
        }
        Some(Command::Completions(args)) => meta::completions(args.shell),
        Some(Command::Man(args)) => meta::man(&args),
        Some(Command::Keys(cmd)) => {
            let ctx = context(settings, dirs)?;
            let store = ctx.store()?;
            let cache = ctx.cache_dir()?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            keys_cmd::run(&cmd, &store, &cache, &mut out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        None => crate::tui::run(&cli.tui, &context(settings, dirs)?),
    }
}

fn profile_choice(arg: ProfileArg) -> ProfileChoice {
    match arg {
        ProfileArg::Auto => ProfileChoice::Auto,
        ProfileArg::Generic => ProfileChoice::Fixed(Profile::Generic),
        ProfileArg::Qualifio => ProfileChoice::Fixed(Profile::Qualifio),
        ProfileArg::Adictiz => ProfileChoice::Fixed(Profile::Adictiz),
        ProfileArg::Xtremepush => ProfileChoice::Fixed(Profile::Xtremepush),
    }
}

/// Read at most `kind.max` bytes of text; more is an error before anything is decoded.
fn read_capped(reader: impl Read, what: &str, kind: limits::FileKind) -> Result<String> {
    let buf = limits::read_capped(reader, kind).with_context(|| format!("cannot read {what}"))?;
    String::from_utf8(buf).map_err(|e| {
        anyhow::anyhow!(
            "{what} is not UTF-8 text (invalid byte at offset {}): a compact token is ASCII",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The one-off key of `--secret VALUE|@FILE`, named after its file (or `--secret`), and a
/// warning when that file is readable by group or others.
fn secret_arg_key(secret: &str, enc: SecretEncodingArg) -> Result<(keys::Key, Option<String>)> {
    let warning = keys::secret_file_warning(secret);
    let bytes = keys::read_secret_arg(secret, SecretEncoding::from(enc))?;
    let name = if secret.starts_with('@') {
        secret
    } else {
        "--secret"
    };
    Ok((keys::secret_key(name, bytes), warning))
}

/// Build the key ring for `inspect` and `diff`: one-off keys (--key-file, --secret) replace the store
/// unless stored keys are named with --key. Stored JWKS endpoints with no cached copy are
/// not fetched yet: they come back in the `Deferred`, for [`fetch_deferred`].
pub fn key_ring(
    args: &EvaluationArgs,
    ctx: &Context,
) -> Result<(KeyRing, Vec<String>, keys::Deferred)> {
    let mut ring = KeyRing::default();
    let mut warnings = Vec::new();
    for path in &args.key_files {
        let keys = keys::read_key_file(path)?;
        ring.keys.extend(keys);
    }
    if let Some(secret) = &args.secret {
        let (key, warning) = secret_arg_key(secret, args.secret_encoding)?;
        warnings.extend(warning);
        ring.keys.push(key);
    }
    let one_off = !args.key_files.is_empty() || args.secret.is_some();
    let mut deferred = keys::Deferred::default();
    if !one_off || !args.keys.is_empty() {
        let store = ctx.store()?;
        let cache = ctx.cache_dir()?;
        let (stored, w, d) = keys::load_ring_offline(&store, &args.keys, &cache)?;
        ring.keys.extend(stored.keys);
        warnings.extend(w);
        deferred = d;
    }
    tracing::info!(
        keys = ring.keys.len(),
        names = ?ring.keys.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(),
        not_fetched = ?deferred.names(),
        "key ring loaded"
    );
    Ok((ring, warnings, deferred))
}

/// Fetch the JWKS endpoints [`key_ring`] left out into `ring`, printing their warnings.
fn fetch_deferred(ring: &mut KeyRing, deferred: keys::Deferred, ctx: &Context) -> Result<()> {
    if deferred.is_empty() {
        return Ok(());
    }
    tracing::info!(endpoints = ?deferred.names(), "fetching JWKS endpoints");
    let (keys, warnings) = deferred.fetch(&ctx.cache_dir()?)?;
    for w in warnings {
        escape::warn(&w);
    }
    ring.keys.extend(keys);
    Ok(())
}

/// The per-command flags that have a config key.
fn config_flags(command: Option<&Command>) -> Result<config::Flags> {
    Ok(match command {
        Some(Command::Inspect(args)) => evaluation_flags(&args.eval)?,
        Some(Command::Diff(args)) => evaluation_flags(&args.eval)?,
        Some(Command::Sign(args)) => config::Flags {
            export_format: args.format,
            ..config::Flags::default()
        },
        _ => config::Flags::default(),
    })
}

/// The config-backed flags of the evaluation options (`inspect`, `diff`).
fn evaluation_flags(args: &EvaluationArgs) -> Result<config::Flags> {
    Ok(config::Flags {
        profile: args.profile,
        skew: args
            .skew
            .as_deref()
            .map(config::parse_skew)
            .transpose()
            .map_err(|e| anyhow::anyhow!("invalid value for --skew: {e}"))?,
        max_pbes2_count: args.max_pbes2_count,
        ..config::Flags::default()
    })
}

fn command_name(command: Option<&Command>) -> &'static str {
    match command {
        Some(Command::Inspect(args)) if args.batch.is_some() => "inspect --batch",
        Some(Command::Inspect(_)) => "inspect",
        Some(Command::Diff(_)) => "diff",
        Some(Command::Keys(_)) => "keys",
        Some(Command::Sign(_)) => "sign",
        Some(Command::Scenarios(_)) => "scenarios",
        Some(Command::Config(_)) => "config",
        Some(Command::Completions(_)) => "completions",
        Some(Command::Man(_)) => "man",
        None => "interactive view",
    }
}

/// Open the log file at the effective level. With a config file that does not parse, the
/// flag or TOKENSCOPE_LOG still apply (the command then reports the config error).
fn start_logging(cli: &Cli, settings: Option<&Settings>, dirs: &Dirs) {
    let level = match settings {
        Some(s) => s.log_level.value,
        None => cli
            .global
            .log_level
            .or_else(|| {
                crate::dirs::process_env(config::LOG_ENV)
                    .and_then(|v| clap::ValueEnum::from_str(&v.to_string_lossy(), false).ok())
            })
            .unwrap_or(config::defaults::LOG_LEVEL),
    };
    if let Some(warning) = crate::logging::init(level, dirs) {
        escape::warn(&warning);
    }
    tracing::info!(
        command = command_name(cli.command.as_ref()),
        version = %crate::cli::version(),
        "start"
    );
    match settings {
        Some(s) => tracing::debug!(
            config = ?s.path,
            exists = s.file_exists,
            profile = ?s.profile.value,
            skew = s.skew.value,
            "settings"
        ),
        None => tracing::warn!("the configuration file has an error"),
    }
}

fn use_color(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Exactly one key from a list read for one name or file.
fn one_key(keys: Vec<keys::Key>, what: &str) -> Result<keys::Key> {
    let mut keys = keys;
    match keys.len() {
        0 => bail!("{what} holds no usable key"),
        1 => Ok(keys.remove(0)),
        _ => {
            let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
            let hint = if what.starts_with("stored") {
                "name one with --key NAME#kid"
            } else {
                "keep only the signing key in the file"
            };
            bail!(
                "{what} holds {} keys ({}): {hint}",
                keys.len(),
                names.join(", ")
            )
        }
    }
}

/// The key `sign` and `scenarios` sign with: `--key`, `--key-file` or `--secret`; None when
/// none is given.
fn signing_key(args: &crate::cli::SigningKeyArgs, ctx: &Context) -> Result<Option<keys::Key>> {
    if let Some(path) = &args.key_file {
        let keys = keys::read_key_file(path)?;
        return one_key(keys, &format!("key file '{}'", path.display())).map(Some);
    }
    if let Some(secret) = &args.secret {
        let (key, warning) = secret_arg_key(secret, args.secret_encoding)?;
        if let Some(w) = warning {
            escape::warn(&w);
        }
        return Ok(Some(key));
    }
    match &args.key {
        Some(name) => {
            let key = stored_key(name, ctx)?;
            // RULES.md section 2, Keys: a JWKS member with its private part signs, but whoever
            // serves that JWKS can sign just as well.
            if key.from_jwks {
                keys_cmd::jwks_key_warnings(std::slice::from_ref(&key))
                    .iter()
                    .for_each(|w| escape::warn(w));
            }
            Ok(Some(key))
        }
        None => Ok(None),
    }
}

fn stored_key(name: &str, ctx: &Context) -> Result<keys::Key> {
    let store = ctx.store()?;
    let cache = ctx.cache_dir()?;
    let (ring, warnings) = keys::load_ring(&store, &[name.to_string()], &cache)?;
    for w in warnings {
        escape::warn(&w);
    }
    one_key(ring.keys, &format!("stored key '{name}'"))
}
