//! The subcommands: argument handling around the core, and exit codes.

pub mod keys_cmd;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cli::{Cli, ColorArg, Command, InspectArgs, ProfileArg, SecretEncodingArg};
use crate::config::{self, Settings};
use crate::escape;
use crate::inspect::{InspectError, Options};
use crate::keys::{self, KeyRing, SecretEncoding, Store};
use crate::limits;
use crate::logging::fingerprint;
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
    let settings = Settings::load(&cli.global, &flags);
    start_logging(&cli, settings.as_ref().ok());
    match cli.command {
        Some(Command::Inspect(args)) => inspect(&args, cli.store.as_deref(), &settings?),
        Some(Command::Sign(args)) => sign(&args, cli.store.as_deref(), &settings?),
        Some(Command::Scenarios(args)) => {
            settings?;
            scenarios(&args, cli.store.as_deref())
        }
        Some(Command::Config(cmd)) => config_command(&cmd, &cli.global, settings),
        Some(Command::Completions(args)) => completions(args.shell),
        Some(Command::Man(args)) => man(&args),
        Some(Command::Keys(cmd)) => {
            settings?;
            let store = open_store(cli.store.as_deref())?;
            let cache = keys::default_cache_dir()?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            keys_cmd::run(&cmd, &store, &cache, &mut out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            // A broken config file is reported before the terminal is taken over.
            crate::tui::run(&cli.tui, cli.store.as_deref(), &settings?)
        }
    }
}

/// The key store: `--store DIR`, else `$TOKENSCOPE_HOME/keys`, else the platform config dir.
pub fn open_store(flag: Option<&Path>) -> Result<Store> {
    Ok(Store::at(flag)?)
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

fn read_input(args: &InspectArgs) -> Result<String> {
    if let Some(path) = &args.file {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open token file '{}'", path.display()))?;
        return read_capped(
            file,
            &format!("token file '{}'", path.display()),
            limits::TOKEN_FILE,
        );
    }
    match args.token.as_deref() {
        Some("-") => read_capped(
            std::io::stdin().lock(),
            "standard input",
            limits::TOKEN_FILE,
        ),
        Some(t) => Ok(t.to_string()),
        None if !std::io::stdin().is_terminal() => read_capped(
            std::io::stdin().lock(),
            "standard input",
            limits::TOKEN_FILE,
        ),
        None => bail!(
            "no token given: pass it as an argument, with --file PATH, or on standard input with -"
        ),
    }
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

/// Build the key ring for `inspect`: one-off keys (--key-file, --secret) replace the store
/// unless stored keys are named with --key. Stored JWKS endpoints with no cached copy are
/// not fetched yet: they come back in the `Deferred`, for [`fetch_deferred`].
pub fn key_ring(
    args: &InspectArgs,
    store_flag: Option<&Path>,
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
        let store = open_store(store_flag)?;
        let cache = keys::default_cache_dir()?;
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
fn fetch_deferred(ring: &mut KeyRing, deferred: keys::Deferred) -> Result<()> {
    if deferred.is_empty() {
        return Ok(());
    }
    tracing::info!(endpoints = ?deferred.names(), "fetching JWKS endpoints");
    let (keys, warnings) = deferred.fetch(&keys::default_cache_dir()?)?;
    for w in warnings {
        escape::warn(&w);
    }
    ring.keys.extend(keys);
    Ok(())
}

/// Whether a JWKS endpoint's keys could change the inspection: a JWS layer with a public-key
/// alg (RS*, PS*, ES*, EdDSA) that did not verify. An endpoint publishes public keys, which
/// verify no HS* token and decrypt no JWE.
fn needs_public_keys(result: &Result<Inspection, InspectError>) -> bool {
    let layers = match result {
        Ok(insp) => &insp.layers,
        Err(InspectError::Malformed { partial, .. }) => &partial.layers,
        Err(InspectError::Intake(_)) => return false,
    };
    layers.iter().any(|l| {
        l.kind == crate::report::TokenKind::Jws
            && l.status != crate::report::LayerStatus::Valid
            && l.alg
                .as_deref()
                .is_some_and(|a| crate::jose::JWS_ALGS.contains(&a) && !a.starts_with("HS"))
    })
}

/// The per-command flags that have a config key.
fn config_flags(command: Option<&Command>) -> Result<config::Flags> {
    Ok(match command {
        Some(Command::Inspect(args)) => config::Flags {
            profile: args.profile,
            skew: args
                .skew
                .as_deref()
                .map(config::parse_skew)
                .transpose()
                .map_err(|e| anyhow::anyhow!("invalid value for --skew: {e}"))?,
            max_pbes2_count: args.max_pbes2_count,
            ..config::Flags::default()
        },
        Some(Command::Sign(args)) => config::Flags {
            export_format: args.format,
            ..config::Flags::default()
        },
        _ => config::Flags::default(),
    })
}

fn command_name(command: Option<&Command>) -> &'static str {
    match command {
        Some(Command::Inspect(args)) if args.batch.is_some() => "inspect --batch",
        Some(Command::Inspect(_)) => "inspect",
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
fn start_logging(cli: &Cli, settings: Option<&Settings>) {
    let level = match settings {
        Some(s) => s.log_level.value,
        None => cli
            .global
            .log_level
            .or_else(|| {
                config::process_env(config::LOG_ENV)
                    .and_then(|v| clap::ValueEnum::from_str(&v.to_string_lossy(), false).ok())
            })
            .unwrap_or(config::defaults::LOG_LEVEL),
    };
    if let Some(warning) = crate::logging::init(level) {
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

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn detached_payload(arg: &str) -> Result<Vec<u8>> {
    match arg.strip_prefix('@') {
        Some(path) => limits::read_file(&PathBuf::from(path), limits::PAYLOAD_FILE)
            .with_context(|| format!("cannot read payload file '{path}'")),
        None => Ok(arg.as_bytes().to_vec()),
    }
}

fn inspect(args: &InspectArgs, store_flag: Option<&Path>, settings: &Settings) -> Result<ExitCode> {
    if args.batch.is_some() && args.format == Some(crate::cli::InspectFormat::Markdown) {
        bail!(
            "--format markdown reports on one token; --batch prints a summary or JSON Lines (--json)"
        );
    }
    if let Some(source) = &args.batch {
        return batch(args, source, store_flag, settings);
    }
    let text = read_input(args)?;
    let opts = options(args, settings)?;
    let (mut ring, warnings, deferred) = key_ring(args, store_flag)?;
    for w in warnings {
        escape::warn(&w);
    }
    let nth = args.index.map_or(0, |i| i as usize - 1);
    let inspect_nth = |ring: &KeyRing| crate::inspect::inspect_text_nth(&text, nth, ring, &opts);
    let mut result = inspect_nth(&ring);
    // A stored JWKS endpoint not cached yet is fetched only for a token it could verify: a
    // dead endpoint never holds up an HS* token or a JWE.
    if !deferred.is_empty() && needs_public_keys(&result) {
        let before = ring.keys.len();
        fetch_deferred(&mut ring, deferred)?;
        if ring.keys.len() > before {
            result = inspect_nth(&ring);
        }
    }
    let color = use_color(settings.color.value);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match result {
        Ok(insp) => {
            tracing::info!(
                fingerprint = %fingerprint(&insp.token),
                token_len = insp.token.len(),
                layers = insp.layers.len(),
                profile = insp.verdict.profile.as_str(),
                findings = insp.findings.len(),
                outcome = ?insp.overall(),
                "inspected"
            );
            if args.format == Some(crate::cli::InspectFormat::Markdown) {
                let report =
                    crate::ticket::render(&insp, args.redact.into(), &reproduce(args, &insp));
                out.write_all(report.as_bytes())?;
                out.flush()?;
            } else {
                print_inspection(&mut out, &insp, args.json, color)?;
            }
            Ok(ExitCode::from(exit_code(&insp)))
        }
        // `--json` promises a JSON object on stdout: one with only `error` when no token
        // was found.
        Err(InspectError::Intake(e)) if args.json => {
            let value = serde_json::json!({ "error": e.to_string() });
            escape::write_json_pretty(&mut out, &value)?;
            writeln!(out)?;
            out.flush()?;
            escape::stderr(&format!("{e}{}", file_hint(args)));
            Err(Exit(exit::USAGE).into())
        }
        Err(InspectError::Intake(e)) => Err(anyhow::anyhow!("{e}{}", file_hint(args))),
        Err(InspectError::Malformed { error, partial }) => {
            if args.json {
                let mut value = serde_json::to_value(&*partial)?;
                if let Some(obj) = value.as_object_mut() {
                    obj.insert("error".into(), serde_json::Value::String(error.to_string()));
                }
                escape::write_json_pretty(&mut out, &value)?;
                writeln!(out)?;
            } else {
                tracing::info!(input_len = text.len(), "malformed token");
                let style = render::Style { color };
                write!(
                    out,
                    "{}",
                    render::malformed(&partial, &error.to_string(), style)
                )?;
            }
            out.flush()?;
            escape::stderr(&format!("{error}{}", file_hint(args)));
            Err(Exit(exit::USAGE).into())
        }
    }
}

/// The `tokenscope inspect` line that reproduces `insp` with the token in `token.txt`: the
/// instant, skew and profile pinned, the same keys by name or file. A secret given on the
/// command line is never repeated: it becomes `--secret @SECRET_FILE`.
fn reproduce(args: &InspectArgs, insp: &Inspection) -> String {
    let quote = |s: &str| {
        if s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@:#".contains(c))
        {
            s.to_string()
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let mut parts = vec![
        "tokenscope inspect".to_string(),
        format!("--at {}", insp.evaluated_at_rfc3339),
        format!("--skew {}", insp.skew),
        format!("--profile {}", insp.verdict.profile),
    ];
    for k in &args.keys {
        parts.push(format!("--key {}", quote(k)));
    }
    for f in &args.key_files {
        parts.push(format!("--key-file {}", quote(&f.display().to_string())));
    }
    match args.secret.as_deref() {
        Some(s) if s.starts_with('@') && !s.starts_with("@@") => {
            parts.push(format!("--secret {}", quote(s)))
        }
        Some(_) => parts.push("--secret @SECRET_FILE".to_string()),
        None => {}
    }
    if let Some(c) = &args.campaign {
        parts.push(format!("--campaign {}", quote(&c.display().to_string())));
    }
    parts.push("--file token.txt".to_string());
    parts.join(" ")
}

/// When the TOKEN argument that did not inspect names an existing file (`inspect
/// blocked.jwt`), the hint to pass it with `--file`.
fn file_hint(args: &InspectArgs) -> String {
    match args.token.as_deref() {
        Some(t) if t != "-" && Path::new(t).is_file() => format!(
            "; '{}' is a file: read it with `tokenscope inspect --file {}`",
            escape::line(t),
            escape::line(t)
        ),
        _ => String::new(),
    }
}

/// Options shared by one-shot and batch inspection.
fn options(args: &InspectArgs, settings: &Settings) -> Result<Options> {
    let at = match &args.at {
        Some(t) => crate::time::parse_instant(t).map_err(anyhow::Error::msg)?,
        None => now(),
    };
    let campaign = match &args.campaign {
        Some(path) => Some(Campaign::from_path(path)?),
        None => None,
    };
    // Campaign files listed in config.toml apply when --campaign is not given.
    let campaigns = if campaign.is_none() {
        settings
            .campaigns
            .value
            .iter()
            .map(|p| Campaign::from_path(p))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        Vec::new()
    };
    Ok(Options {
        profile: profile_choice(settings.profile.value),
        at,
        skew: settings.skew.value,
        campaign,
        campaigns,
        detached_payload: args.payload.as_deref().map(detached_payload).transpose()?,
        summary_only: false,
        max_pbes2_count: settings.max_pbes2_count.value,
    })
}

/// `inspect --batch`: JSON Lines (one inspection per token, with its line number) or a
/// summary. Exit 0 when every token was accepted, 1 when any was rejected or malformed, 3
/// when none was rejected but some were not verified.
fn batch(
    args: &InspectArgs,
    source: &str,
    store_flag: Option<&Path>,
    settings: &Settings,
) -> Result<ExitCode> {
    use std::io::BufReader;
    let opts = Options {
        // The summary reads only outcomes, findings and tallies.
        summary_only: !args.json,
        ..options(args, settings)?
    };
    let (mut ring, warnings, deferred) = key_ring(args, store_flag)?;
    for w in warnings {
        escape::warn(&w);
    }
    // A batch holds tokens of every kind: its endpoints are fetched before it starts.
    fetch_deferred(&mut ring, deferred)?;
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(limits::MAX_THREADS)
    });
    let mut progress = None;
    let input: Box<dyn std::io::BufRead> = if source == "-" {
        Box::new(BufReader::with_capacity(1 << 16, std::io::stdin().lock()))
    } else {
        if Path::new(source).is_dir() {
            bail!(
                "batch input '{source}' is a directory: give a log file, or - for standard input"
            );
        }
        let file = std::fs::File::open(source)
            .with_context(|| format!("cannot open batch input '{source}'"))?;
        if std::io::stderr().is_terminal() {
            let bar = batch_progress(file.metadata().map(|m| m.len()).unwrap_or(0));
            let reader = BufReader::with_capacity(1 << 16, bar.wrap_read(file));
            progress = Some(bar);
            Box::new(reader)
        } else {
            Box::new(BufReader::with_capacity(1 << 16, file))
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut summary = crate::batch::Summary::default();
    if let Some(c) = opts.campaign.as_ref().filter(|c| c.prizes.is_some()) {
        summary.track(&c.id);
    }
    let json = args.json;
    // Each worker tallies its part of the input (and writes its JSON lines); the calling
    // thread only merges the parts, in input order.
    #[derive(Default)]
    struct Part {
        summary: crate::batch::Summary,
        lines: Vec<String>,
    }
    let json_line = |item: &crate::batch::Item| -> String {
        let mut value = match &item.result {
            Ok(insp) => serde_json::to_value(insp),
            Err(InspectError::Malformed { error, partial }) => serde_json::to_value(&**partial)
                .map(|mut v| {
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert("error".into(), error.to_string().into());
                    }
                    v
                }),
            Err(e) => Ok(serde_json::json!({ "error": e.to_string() })),
        }
        .unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }));
        if let Some(obj) = value.as_object_mut() {
            obj.insert("line".into(), item.line.into());
        }
        // Writing a Value to memory does not fail.
        escape::json(&value).unwrap_or_default()
    };
    let process = |part: &mut Part, item: crate::batch::Item| {
        part.summary.add(&crate::batch::Stats::of(&item));
        if json {
            part.lines.push(json_line(&item));
        }
    };
    crate::batch::run(input, &ring, &opts, threads, process, |part: Part| {
        summary.merge(part.summary);
        if let Some(bar) = &progress {
            bar.set_message(format!("{} tokens", summary.tokens));
        }
        for line in part.lines {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    })?;
    if let Some(bar) = progress {
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "inspected {msg} ({total_bytes}) in {elapsed_precise}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.finish_with_message(format!("{} token(s)", summary.tokens));
    }
    if !args.json {
        let prizes = opts
            .campaign
            .as_ref()
            .and_then(|c| c.prizes.map(|p| (c.id.as_str(), p)));
        write!(out, "{}", summary.render(prizes))?;
    }
    out.flush()?;
    tracing::info!(
        tokens = summary.tokens,
        accepted = summary.accepted,
        rejected = summary.rejected,
        not_verified = summary.not_verified,
        malformed = summary.malformed,
        threads,
        "batch done"
    );
    let code = if summary.rejected + summary.malformed > 0 {
        exit::REJECTED
    } else if summary.not_verified > 0 {
        exit::NOT_VERIFIED
    } else {
        exit::ACCEPTED
    };
    Ok(ExitCode::from(code))
}

/// A progress bar on stderr for a batch read from a file of `len` bytes.
fn batch_progress(len: u64) -> indicatif::ProgressBar {
    let style = indicatif::ProgressStyle::with_template(
        "{bar:30} {percent:>3}% {bytes}/{total_bytes} · {msg} · {eta} left",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("█▉▊▋▌▍▎▏ ");
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(style);
    bar.set_message("0 tokens");
    bar
}

fn print_inspection(
    out: &mut impl Write,
    insp: &Inspection,
    json: bool,
    color: bool,
) -> Result<()> {
    if json {
        // Serialized first so that a closed pipe surfaces as the io::Error it is.
        let text = escape::json_pretty(insp)?;
        writeln!(out, "{text}")?;
    } else {
        let style = render::Style { color };
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
fn signing_key(
    args: &crate::cli::SigningKeyArgs,
    store_flag: Option<&Path>,
) -> Result<Option<keys::Key>> {
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
            let key = stored_key(name, store_flag)?;
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

fn stored_key(name: &str, store_flag: Option<&Path>) -> Result<keys::Key> {
    let store = open_store(store_flag)?;
    let cache = keys::default_cache_dir()?;
    let (ring, warnings) = keys::load_ring(&store, &[name.to_string()], &cache)?;
    for w in warnings {
        escape::warn(&w);
    }
    one_key(ring.keys, &format!("stored key '{name}'"))
}

fn template(arg: crate::cli::TemplateArg) -> crate::sign::Template {
    use crate::cli::TemplateArg as A;
    use crate::sign::Template as T;
    match arg {
        A::QualifioWinner => T::QualifioWinner,
        A::QualifioBlocked => T::QualifioBlocked,
        A::QualifioLimited => T::QualifioLimited,
        A::Adictiz => T::Adictiz,
        A::Xtremepush => T::Xtremepush,
    }
}

fn export_format(arg: crate::cli::SignFormat) -> crate::export::ExportFormat {
    use crate::cli::SignFormat as A;
    use crate::export::ExportFormat as F;
    match arg {
        A::Raw => F::Raw,
        A::QualifioUrl => F::QualifioUrl,
        A::QualifioJs => F::QualifioJs,
        A::QualifioSetmetadata => F::QualifioSetMetaData,
        A::AdictizUrl => F::AdictizUrl,
        A::Bearer => F::Bearer,
        A::Curl => F::Curl,
    }
}

/// Read a JSON file (or stdin for `-`), reporting where it is invalid and warning about
/// duplicate member names.
fn read_json(arg: &str, what: &str) -> Result<serde_json::Value> {
    let (text, label) = if arg == "-" {
        (
            read_capped(std::io::stdin().lock(), "standard input", limits::JSON_FILE)?,
            format!("{what} on standard input"),
        )
    } else {
        let file =
            std::fs::File::open(arg).with_context(|| format!("cannot open {what} file '{arg}'"))?;
        (
            read_capped(file, &format!("{what} file '{arg}'"), limits::JSON_FILE)?,
            format!("{what} file '{arg}'"),
        )
    };
    let decoded = crate::token::json::parse(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("{label} is not valid JSON: {e}"))?;
    for dup in &decoded.duplicates {
        escape::warn(&format!(
            "{label} repeats the member '{dup}': only one value is signed"
        ));
    }
    Ok(decoded.value)
}

fn sign(
    args: &crate::cli::SignArgs,
    store_flag: Option<&Path>,
    settings: &Settings,
) -> Result<ExitCode> {
    use crate::export::{self, ExportFormat};
    use crate::jose::sign::{SignOptions, default_enc, encrypt_dir, sign_jws};
    use crate::sign::{claims_bytes, edit_claims, parse_exp, parse_path, parse_set};

    let now = now();
    let template = args.template.map(template);
    let mut claims = match (&args.claims, template) {
        (Some(arg), _) => read_json(arg, "claims")?,
        (None, Some(t)) => t.claims(now),
        (None, None) => bail!(
            "nothing to sign: give the claims with --claims FILE (or - for standard input), or start from --template"
        ),
    };
    let sets = args
        .sets
        .iter()
        .map(|s| parse_set(s))
        .collect::<Result<Vec<_>, _>>()?;
    let unsets = args
        .unsets
        .iter()
        .map(|p| parse_path(p))
        .collect::<Result<Vec<_>, _>>()?;
    let exp = args.exp.as_deref().map(|e| parse_exp(e, now)).transpose()?;
    edit_claims(&mut claims, &sets, &unsets, exp)?;

    let Some(key) = signing_key(&args.signing, store_flag)? else {
        if template.is_some() {
            // `sign --template T` alone prints the starting claims.
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            escape::write_json_pretty(&mut out, &claims)?;
            writeln!(out)?;
            out.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        bail!("sign needs a key: --key NAME (stored), --key-file PATH or --secret S");
    };

    let header = match &args.header {
        Some(path) => match read_json(&path.display().to_string(), "header")? {
            serde_json::Value::Object(map) => map,
            other => bail!(
                "header file '{}' holds {}, not a JSON object",
                path.display(),
                crate::token::json_type(&other)
            ),
        },
        None => serde_json::Map::new(),
    };
    // A template's platform alg rule (RULES.md 3, 4, 5) applies to what is signed.
    let requested = match (&args.signing.alg, header.get("alg")) {
        (Some(alg), _) => Some(Some((alg.as_str(), "--alg"))),
        (None, None | Some(serde_json::Value::Null)) => Some(None),
        (None, Some(serde_json::Value::String(alg))) => {
            Some(Some((alg.as_str(), "the header file's alg")))
        }
        // A header alg that is not a string: sign_jws refuses it.
        (None, Some(_)) => None,
    };
    let template_alg = match (template, requested) {
        (Some(t), Some(requested)) => Some(crate::sign::template_alg(t, &key, requested)?),
        _ => None,
    };
    let opts = SignOptions {
        alg: args
            .signing
            .alg
            .as_deref()
            .or(template_alg.as_ref().and_then(|t| t.alg)),
        kid: args.kid.as_deref(),
    };
    let mut token = sign_jws(&header, &claims_bytes(&claims), &key, &opts)?;
    if let Some(t) = &template_alg {
        if let Some(w) = &t.warning {
            escape::warn(w);
        }
        if let Some(n) = &t.note {
            escape::stderr(&format!("note: {n}"));
        }
    }

    let encrypt_key = match (&args.encrypt_key, &args.encrypt_key_file) {
        (Some(name), _) => Some(stored_key(name, store_flag)?),
        (None, Some(path)) => Some(one_key(
            keys::read_key_file(path)?,
            &format!("key file '{}'", path.display()),
        )?),
        (None, None) => None,
    };
    match (encrypt_key, &args.enc) {
        (Some(ek), enc) => {
            let enc = match enc.as_deref() {
                Some(e) => e,
                None => default_enc(&ek).with_context(|| {
                    format!(
                        "key '{}' fits no JWE enc by its length: name one with --enc (A128GCM, A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384, A256CBC-HS512)",
                        ek.name
                    )
                })?,
            };
            token = encrypt_dir(&token, &ek, enc)?;
        }
        (None, Some(_)) => {
            bail!(
                "--enc needs a key to encrypt with: --encrypt-key NAME or --encrypt-key-file PATH"
            )
        }
        (None, None) => {}
    }

    let fmt = export_format(settings.export_format.value);
    if args.base_url.is_some() && !fmt.uses_base_url() {
        let users: Vec<&str> = ExportFormat::ALL
            .iter()
            .filter(|f| f.uses_base_url())
            .map(|f| f.name())
            .collect();
        bail!(
            "--base-url is not used by --format {} (only by {})",
            fmt.name(),
            users.join(", ")
        );
    }
    let text = export::format(&token, fmt, args.base_url.as_deref())?;
    tracing::info!(
        key = %key.name,
        fingerprint = %fingerprint(&token),
        token_len = token.len(),
        format = fmt.name(),
        "signed"
    );
    if let Some(note) = export::placeholder_note(fmt, args.base_url.as_deref()) {
        escape::stderr(&format!("note: {note}"));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn scenarios(args: &crate::cli::ScenariosArgs, store_flag: Option<&Path>) -> Result<ExitCode> {
    use crate::cli::ScenarioFormat;
    use crate::sign::scenarios::{index_tsv, jsonl, qualifio_matrix, run, table};

    let crate::cli::ScenarioProfile::Qualifio = args.profile;
    let Some(key) = signing_key(&args.signing, store_flag)? else {
        bail!("scenarios needs a key: --key NAME (stored), --key-file PATH or --secret S");
    };
    let results = run(&qualifio_matrix(), key, args.signing.alg.as_deref(), now())?;
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory '{}'", dir.display()))?;
        for r in &results {
            let path = dir.join(r.scenario.file_name());
            std::fs::write(&path, format!("{}\n", r.token))
                .with_context(|| format!("cannot write '{}'", path.display()))?;
        }
        for (name, text) in [
            ("index.tsv", index_tsv(&results)),
            ("index.jsonl", jsonl(&results)),
        ] {
            let index = dir.join(name);
            std::fs::write(&index, text)
                .with_context(|| format!("cannot write '{}'", index.display()))?;
        }
        escape::stderr(&format!(
            "wrote {} tokens, index.tsv and index.jsonl to '{}'",
            results.len(),
            dir.display()
        ));
    }
    let text = match args.format {
        ScenarioFormat::Table => table(&results),
        ScenarioFormat::Tsv => index_tsv(&results),
        ScenarioFormat::Jsonl => jsonl(&results),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `tokenscope config path | show | edit`. `path` and `edit` work with a broken file (edit is
/// how it gets fixed); `show` reports the error.
fn config_command(
    cmd: &crate::cli::ConfigCommand,
    global: &crate::cli::GlobalArgs,
    settings: Result<Settings, config::ConfigError>,
) -> Result<ExitCode> {
    use crate::cli::ConfigCommand;
    let (path, _) = config::config_path(global.config.as_deref(), &config::process_env)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cmd {
        ConfigCommand::Path => writeln!(out, "{}", path.display())?,
        ConfigCommand::Show => {
            let settings = settings?;
            check_bindings(&path, &settings.keys)?;
            out.write_all(settings.to_toml().as_bytes())?
        }
        ConfigCommand::Edit => {
            drop(out);
            edit_config(&path)?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The `[keys]` table must lay over the default bindings without two commands sharing a key:
/// the interactive view refuses such a file, so `config show` and `config edit` say so too.
fn check_bindings(path: &Path, keys: &std::collections::BTreeMap<String, String>) -> Result<()> {
    crate::tui::keymap::KeyMap::with_overrides(keys)
        .map(|_| ())
        .map_err(|e| anyhow::anyhow!("config file '{}': {e}", path.display()))
}

/// Open the config file in $VISUAL, else $EDITOR, else vi (creating it from the documented
/// example when missing), then check what was saved. The file is kept as edited either way.
fn edit_config(path: &Path) -> Result<()> {
    if !path.exists() {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory '{}'", dir.display()))?;
        }
        std::fs::write(path, config::EXAMPLE)
            .with_context(|| format!("cannot write '{}'", path.display()))?;
        escape::stderr(&format!(
            "created '{}' from the documented example",
            path.display()
        ));
    }
    let editor = config::process_env("VISUAL")
        .or_else(|| config::process_env("EDITOR"))
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vi".to_string());
    tracing::info!(editor = %editor, "editing the config file");
    let status = editor_command(&editor, path)
        .status()
        .with_context(|| format!("cannot start the editor '{editor}' (set VISUAL or EDITOR)"))?;
    if !status.success() {
        bail!(
            "the editor '{editor}' exited with {status}; '{}' is kept as it is",
            path.display()
        );
    }
    match config::Config::load(path)
        .map_err(anyhow::Error::from)
        .and_then(|cfg| {
            if let Some(cfg) = &cfg {
                check_bindings(path, &cfg.keys)?;
            }
            Ok(cfg)
        }) {
        Ok(_) => {
            escape::stderr(&format!("'{}' is valid", path.display()));
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!(
            "{e} (the file is kept as edited: run `tokenscope config edit` again to fix it)"
        )),
    }
}

/// The editor runs through the shell, as git runs it, so that `EDITOR="code --wait"` and
/// quoted arguments work.
#[cfg(unix)]
fn editor_command(editor: &str, path: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path);
    cmd
}

#[cfg(not(unix))]
fn editor_command(editor: &str, path: &Path) -> std::process::Command {
    let mut words = editor.split_whitespace();
    let mut cmd = std::process::Command::new(words.next().unwrap_or("notepad"));
    cmd.args(words).arg(path);
    cmd
}

/// `tokenscope completions SHELL`: generated from the same clap definitions as the help.
/// Generated into memory first: clap_complete panics on a failed write, and a closed pipe
/// must end quietly.
fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "tokenscope", &mut script);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `tokenscope man`: tokenscope.1 as roff on stdout, or every page into `--out-dir`.
fn man(args: &crate::cli::ManArgs) -> Result<ExitCode> {
    // Without the generated `help` subcommands: the pages would list a tokenscope-help(1)
    // that `--out-dir` never writes (every page documents --help instead).
    fn without_help(cmd: clap::Command) -> clap::Command {
        cmd.disable_help_subcommand(true)
            .mut_subcommands(without_help)
    }
    let cmd = without_help(crate::cli::command());
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory '{}'", dir.display()))?;
        clap_mangen::generate_to(cmd, dir)
            .with_context(|| format!("cannot write man pages to '{}'", dir.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut page)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
