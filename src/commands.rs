//! The subcommands: argument handling around the core, and exit codes.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cli::{Cli, ColorArg, Command, InspectArgs, ProfileArg, SecretEncodingArg};
use crate::inspect::{InspectError, Options, inspect_text};
use crate::keys::{self, KeyRing, SecretEncoding, Store};
use crate::profile::{Profile, ProfileChoice};
use crate::render;
use crate::report::{Inspection, Overall};
use crate::rules::Campaign;

/// Largest input read (RFC-sized tokens are tiny; 16 MiB leaves room for huge test payloads).
pub const MAX_INPUT: u64 = 16 * 1024 * 1024;

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
    match cli.command {
        Some(Command::Inspect(args)) => inspect(&args, cli.store.as_deref()),
        Some(Command::Keys(cmd)) => {
            let store = open_store(cli.store.as_deref())?;
            let cache = keys::default_cache_dir()?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            keys::run(&cmd, &store, &cache, &mut out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        None => crate::tui::run(&cli.tui, cli.store.as_deref()),
    }
}

/// The key store: `--store DIR`, else `$TOKENSCOPE_HOME/keys`, else the platform config dir.
pub fn open_store(flag: Option<&Path>) -> Result<Store> {
    let dir = match flag {
        Some(d) => d.to_path_buf(),
        None => Store::default_dir()?,
    };
    Ok(Store::open(dir))
}

fn encoding(arg: SecretEncodingArg) -> SecretEncoding {
    match arg {
        SecretEncodingArg::Utf8 => SecretEncoding::Utf8,
        SecretEncodingArg::Base64 => SecretEncoding::Base64,
        SecretEncodingArg::Base64url => SecretEncoding::Base64url,
        SecretEncodingArg::Hex => SecretEncoding::Hex,
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

/// Read at most MAX_INPUT bytes; more is an error before anything is decoded.
fn read_capped(mut reader: impl Read, what: &str) -> Result<String> {
    let mut buf = Vec::new();
    reader
        .by_ref()
        .take(MAX_INPUT + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {what}"))?;
    if buf.len() as u64 > MAX_INPUT {
        bail!(
            "{what} is larger than {} MiB: tokenscope reads tokens up to that size",
            MAX_INPUT / (1024 * 1024)
        );
    }
    String::from_utf8(buf).map_err(|e| {
        anyhow::anyhow!(
            "{what} is not UTF-8 text (invalid byte at offset {}): a compact token is ASCII",
            e.utf8_error().valid_up_to()
        )
    })
}

fn read_input(args: &InspectArgs) -> Result<String> {
    if let Some(path) = &args.file {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open token file '{}'", path.display()))?;
        return read_capped(file, &format!("token file '{}'", path.display()));
    }
    match args.token.as_deref() {
        Some("-") => read_capped(std::io::stdin().lock(), "standard input"),
        Some(t) => Ok(t.to_string()),
        None if !std::io::stdin().is_terminal() => {
            read_capped(std::io::stdin().lock(), "standard input")
        }
        None => bail!(
            "no token given: pass it as an argument, with --file PATH, or on standard input with -"
        ),
    }
}

/// Build the key ring for `inspect`: one-off keys (--key-file, --secret) replace the store
/// unless stored keys are named with --key.
pub fn key_ring(args: &InspectArgs, store_flag: Option<&Path>) -> Result<(KeyRing, Vec<String>)> {
    let mut ring = KeyRing::default();
    let mut warnings = Vec::new();
    for path in &args.key_files {
        let keys = keys::read_key_file(path)?;
        ring.keys.extend(keys);
    }
    if let Some(secret) = &args.secret {
        let bytes = keys::read_secret_arg(secret, encoding(args.secret_encoding))?;
        let name = if secret.starts_with('@') {
            secret.clone()
        } else {
            "--secret".to_string()
        };
        ring.keys.push(keys::secret_key(&name, bytes));
    }
    let one_off = !args.key_files.is_empty() || args.secret.is_some();
    if !one_off || !args.keys.is_empty() {
        let store = open_store(store_flag)?;
        let cache = keys::default_cache_dir()?;
        let (stored, w) = keys::load_ring(&store, &args.keys, &cache)?;
        ring.keys.extend(stored.keys);
        warnings.extend(w);
    }
    Ok((ring, warnings))
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

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn detached_payload(arg: &str) -> Result<Vec<u8>> {
    match arg.strip_prefix('@') {
        Some(path) => std::fs::read(PathBuf::from(path))
            .with_context(|| format!("cannot read payload file '{path}'")),
        None => Ok(arg.as_bytes().to_vec()),
    }
}

fn inspect(args: &InspectArgs, store_flag: Option<&Path>) -> Result<ExitCode> {
    let text = read_input(args)?;
    let at = match &args.at {
        Some(t) => crate::time::parse_instant(t).map_err(anyhow::Error::msg)?,
        None => now(),
    };
    let campaign = match &args.campaign {
        Some(path) => Some(Campaign::from_path(path)?),
        None => None,
    };
    let (ring, warnings) = key_ring(args, store_flag)?;
    for w in warnings {
        eprintln!("tokenscope: warning: {w}");
    }
    let opts = Options {
        profile: profile_choice(args.profile),
        at,
        skew: args.skew,
        campaign,
        detached_payload: args.payload.as_deref().map(detached_payload).transpose()?,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match inspect_text(&text, &ring, &opts) {
        Ok(insp) => {
            print_inspection(&mut out, &insp, args)?;
            Ok(ExitCode::from(exit_code(&insp)))
        }
        Err(InspectError::Intake(e)) => Err(anyhow::Error::new(e)),
        Err(InspectError::Malformed { error, partial }) => {
            if args.json {
                let mut value = serde_json::to_value(&*partial)?;
                if let Some(obj) = value.as_object_mut() {
                    obj.insert("error".into(), serde_json::Value::String(error.to_string()));
                }
                serde_json::to_writer_pretty(&mut out, &value)?;
                writeln!(out)?;
            } else {
                let style = render::Style {
                    color: use_color(args.color),
                };
                write!(out, "{}", render::report(&partial, style))?;
            }
            out.flush()?;
            eprintln!("tokenscope: {error}");
            Err(Exit(exit::USAGE).into())
        }
    }
}

fn print_inspection(out: &mut impl Write, insp: &Inspection, args: &InspectArgs) -> Result<()> {
    if args.json {
        serde_json::to_writer_pretty(&mut *out, insp)?;
        writeln!(out)?;
    } else {
        let style = render::Style {
            color: use_color(args.color),
        };
        write!(out, "{}", render::report(insp, style))?;
    }
    out.flush()?;
    Ok(())
}

/// 0 accepted; 1 rejected (a layer invalid/failed or an error finding); 3 not verified.
pub fn exit_code(insp: &Inspection) -> u8 {
    match insp.overall() {
        Overall::Accepted => exit::ACCEPTED,
        Overall::Rejected => exit::REJECTED,
        Overall::NotVerified => exit::NOT_VERIFIED,
    }
}
