//! Command-line definitions: the single source of help, completions and man page.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A terminal debugger for signed and encrypted tokens (JWS, JWE, JWT) that knows the
/// platforms' claim rules (Qualifio, Adictiz, Xtremepush).
#[derive(Debug, Parser)]
#[command(
    name = "tokenscope",
    version,
    about,
    long_about = None,
    override_usage = "tokenscope [OPTIONS] [TOKEN]\n       tokenscope [OPTIONS] <COMMAND>"
)]
pub struct Cli {
    /// Key store directory (default: the platform config dir, or $TOKENSCOPE_HOME/keys).
    #[arg(long, global = true, value_name = "DIR")]
    pub store: Option<PathBuf>,

    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub tui: TuiArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode, verify/decrypt and check one token; print a report or `--json`.
    Inspect(InspectArgs),
    /// Compare two tokens evaluated at one instant: claims, layers, time, verdicts, findings.
    #[command(after_long_help = DIFF_AFTER_HELP)]
    Diff(DiffArgs),
    /// Manage the key store.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Sign claims (a file or a template) into a token; optionally encrypt it and package it.
    Sign(SignArgs),
    /// Sign one Qualifio token per combination of limit and gift claims and tabulate outcomes.
    Scenarios(ScenariosArgs),
    /// Show or edit the configuration file (config.toml).
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout, or write one page per command to a directory.
    Man(ManArgs),
}

/// `inspect --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// The human report.
    Human,
    /// One JSON object (as --json).
    Json,
    /// A ticket-ready Markdown report.
    Markdown,
}

/// `inspect --redact`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RedactArg {
    /// Mask personal data: first and last character kept.
    Personal,
    /// Keep everything.
    None,
}

impl From<RedactArg> for crate::ticket::Redact {
    fn from(r: RedactArg) -> Self {
        match r {
            RedactArg::Personal => crate::ticket::Redact::Personal,
            RedactArg::None => crate::ticket::Redact::None,
        }
    }
}

/// `--profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    Auto,
    Generic,
    Qualifio,
    Adictiz,
    Xtremepush,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The token, or text containing it (URL, `Bearer ...`, JS snippet); `-` reads stdin.
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,

    /// Read the token (or text containing it) from a file.
    #[arg(long, short = 'f', value_name = "PATH", conflicts_with = "token")]
    pub file: Option<PathBuf>,

    /// When the text holds several tokens, inspect the Nth (1 is the first).
    #[arg(long, value_name = "N", conflicts_with = "batch", value_parser = clap::value_parser!(u32).range(1..))]
    pub index: Option<u32>,

    /// Inspect every token in a log or export (FILE, or - for stdin): a summary, or JSON Lines
    /// with --json.
    #[arg(long, value_name = "FILE|-", conflicts_with_all = ["token", "file"])]
    pub batch: Option<String>,

    /// Worker threads for --batch, 1 to 1024 (default: every core, at most 1024).
    #[arg(
        long,
        value_name = "N",
        requires = "batch",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new()
            .range(1..=crate::limits::MAX_THREADS as u64)
    )]
    pub threads: Option<usize>,

    // Keys, profile, campaign and instant: shared with `diff`.
    #[command(flatten)]
    pub eval: EvaluationArgs,

    /// Detached payload for a JWS whose payload segment is empty: @FILE or the value.
    #[arg(long, value_name = "DATA")]
    pub payload: Option<String>,

    /// Print one JSON object instead of the human report.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    /// Output: the human report, one JSON object (as --json), or a ticket-ready Markdown
    /// report (personal data masked, the token elided, the command that reproduces it).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<InspectFormat>,

    /// With --format markdown: mask personal data (`personal`, the default) or keep
    /// everything (`none`).
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = RedactArg::Personal)]
    pub redact: RedactArg,
}

/// How a token is evaluated: the keys, the rule profile, the campaign and the instant.
/// `inspect` and `diff` take the same ones.
#[derive(Debug, Args)]
pub struct EvaluationArgs {
    /// Use only these stored keys (repeatable); default: every stored key.
    #[arg(long = "key", short = 'k', value_name = "NAME")]
    pub keys: Vec<String>,

    /// A one-off key file: PEM, DER, JWK or JWKS (repeatable). Not stored.
    #[arg(long = "key-file", value_name = "PATH")]
    pub key_files: Vec<PathBuf>,

    /// A one-off HMAC or `dir` secret: the value, or @FILE for a file's bytes.
    #[arg(long, value_name = "S")]
    pub secret: Option<String>,

    /// How --secret is encoded.
    #[arg(long, value_enum, default_value_t = SecretEncodingArg::Utf8, requires = "secret")]
    pub secret_encoding: SecretEncodingArg,

    /// Rule profile [default: auto; env: TOKENSCOPE_PROFILE; config: profile].
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,

    /// Evaluate the token as of this instant: RFC 3339 or unix seconds (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    /// Allowed clock skew in seconds [default: 60; env: TOKENSCOPE_SKEW; config: skew].
    /// (Read as text and checked with the other settings, so that an error quotes at most
    /// a few characters of a hostile value.)
    #[arg(long, value_name = "SECS")]
    pub skew: Option<String>,

    /// Campaign file (TOML or JSON) to check the claims against.
    #[arg(long, value_name = "FILE")]
    pub campaign: Option<PathBuf>,

    /// Most PBES2 iterations (a JWE's p2c) tried, 1 to 1000000; a token asking for more
    /// fails before any key is tried [default: 100000; config: max_pbes2_count].
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<u64>::new()
            .range(1..=crate::limits::PBES2_COUNT_CEILING)
    )]
    pub max_pbes2_count: Option<u64>,
}

/// `tokenscope diff A B`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first token (A): the token or text containing it, a file holding it, or - for
    /// stdin.
    #[arg(value_name = "A")]
    pub a: String,

    /// The second token (B): the token or text containing it, a file holding it, or - for
    /// stdin (only one side can read stdin).
    #[arg(value_name = "B")]
    pub b: String,

    // Both tokens are evaluated with the same keys and options, at the same instant.
    #[command(flatten)]
    pub eval: EvaluationArgs,

    /// Print one JSON object (shape in the help's last section) instead of the report.
    #[arg(long)]
    pub json: bool,
}

/// The end of `tokenscope diff --help`: the `--json` shape and the exit codes.
const DIFF_AFTER_HELP: &str = "\
Both tokens are evaluated with the same keys and options at one instant (--at, default now).

--json prints one object:
  evaluated_at, evaluated_at_rfc3339, skew   the instant and skew both were evaluated at
  same_verdict    true when overall, profile, participation and win outcomes all match
  a, b            each side's {overall, profile, participation, win}
  header          [{layer, path, change, a, b}]  header members that differ, per layer (1 is
                  the outermost); path a JSON pointer, change one of added, removed, changed,
                  type_changed (true vs \"true\"); a or b absent when added or removed
  payload         [{path, change, a, b}]  the claims that differ, as for header
  time            [{claim, a, b, a_relative, b_relative}]  exp, nbf, iat when they differ,
                  each relative to the instant (\"5 minutes ago\", \"in 2 hours\")
  layers          [{layer, field, a, b}]  kind, alg, enc, kid, key, status that differ
  verdict         {overall, profile, participation, win}: each null when the same, else
                  {a, b}
  findings        {only_in_a, only_in_b}: [{id, severity, claim, message}], matched by id
                  and claim

Exit status: 0 the verdicts are the same, 1 they differ, 2 usage error or a token that
could not be read (no token found, malformed: as inspect).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// How a secret is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecretEncodingArg {
    Utf8,
    Base64,
    Base64url,
    Hex,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List stored keys (secrets masked).
    List {
        /// Show secret material.
        #[arg(long)]
        reveal: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Store a key under a name.
    Add(KeysAddArgs),
    /// Show one key (secrets masked unless --reveal).
    Show {
        /// The stored key's name (`NAME#kid` for one member of a JWKS entry).
        name: String,
        /// Print secrets and private keys too.
        #[arg(long)]
        reveal: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a stored key.
    Remove {
        /// The stored key's name.
        name: String,
    },
    /// Generate a key pair or secret and store it.
    Gen(KeysGenArgs),
    /// Print the public half of a key, ready to upload to a platform.
    Export {
        /// The stored key's name.
        name: String,
        /// How to print the public half.
        #[arg(long, value_enum, default_value_t = ExportFormat::Pem)]
        format: ExportFormat,
    },
    /// Refetch a stored JWKS endpoint now.
    Refresh {
        /// The stored JWKS endpoint to refetch (default: every one).
        name: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct KeysAddArgs {
    /// Name to store the key under.
    pub name: String,
    /// Key file: PEM, DER, JWK or JWKS.
    #[arg(long, value_name = "PATH", group = "material")]
    pub file: Option<PathBuf>,
    /// HMAC or `dir` secret: the value, or @FILE, or - for stdin.
    #[arg(long, value_name = "S", group = "material")]
    pub secret: Option<String>,
    /// How --secret is encoded.
    #[arg(long, value_enum, default_value_t = SecretEncodingArg::Utf8)]
    pub encoding: SecretEncodingArg,
    /// JWKS endpoint (https URL) to fetch keys from.
    #[arg(long, value_name = "URL", group = "material")]
    pub jwks_url: Option<String>,
    /// Key id.
    #[arg(long)]
    pub kid: Option<String>,
    /// Profile tag.
    #[arg(long, value_enum)]
    pub profile: Option<ProfileTag>,
    /// Allowed algs (repeatable or comma separated); default: any the key fits.
    #[arg(long = "alg", value_delimiter = ',')]
    pub algs: Vec<String>,
    /// Replace an existing key of the same name.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileTag {
    Qualifio,
    Adictiz,
    Xtremepush,
}

#[derive(Debug, Args)]
pub struct KeysGenArgs {
    /// Name to store the key under.
    pub name: String,
    /// What to generate.
    #[arg(long = "type", value_enum, default_value_t = GenType::Rsa2048)]
    pub key_type: GenType,
    /// Key id to store with the key (the `kid` a token names it by).
    #[arg(long)]
    pub kid: Option<String>,
    /// Profile tag: the platform the key is for (selects that platform's rules).
    #[arg(long, value_enum)]
    pub profile: Option<ProfileTag>,
    /// Allowed algs (repeatable or comma separated); default: the algs the type fits.
    #[arg(long = "alg", value_delimiter = ',')]
    pub algs: Vec<String>,
    /// HMAC secret length in bytes.
    #[arg(long, default_value_t = 32)]
    pub bytes: usize,
    /// With `--type dir`: the JWE content encryption the secret is for; its size follows
    /// (A128GCM 16 bytes ... A256CBC-HS512 64 bytes) [default: A256GCM].
    #[arg(long, value_name = "ENC")]
    pub enc: Option<String>,
    /// Replace an existing key of the same name.
    #[arg(long)]
    pub force: bool,
}

/// What `keys gen` makes: defined with the key generator (core), a value of the CLI too.
pub use crate::keys::GenType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// SubjectPublicKeyInfo PEM.
    Pem,
    /// One public JWK.
    Jwk,
    /// A JWKS holding the public JWK.
    Jwks,
}

/// The key that signs: a stored key, a key file or a secret.
#[derive(Debug, Args)]
pub struct SigningKeyArgs {
    /// Stored key to sign with (`NAME#kid` picks one member of a JWKS entry).
    #[arg(long, short = 'k', value_name = "NAME")]
    pub key: Option<String>,

    /// A one-off private key or secret file: PEM, DER, JWK or JWKS. Not stored.
    #[arg(long = "key-file", value_name = "PATH", conflicts_with = "key")]
    pub key_file: Option<PathBuf>,

    /// A one-off HMAC secret: the value, or @FILE for a file's bytes.
    #[arg(long, value_name = "S", conflicts_with_all = ["key", "key_file"])]
    pub secret: Option<String>,

    /// How --secret is encoded.
    #[arg(long, value_enum, default_value_t = SecretEncodingArg::Utf8, requires = "secret")]
    pub secret_encoding: SecretEncodingArg,

    /// JWS alg (default: the key's first allowed alg, else its natural one: HS256, RS256,
    /// ES256/384/512, ES256K, EdDSA). `none` is never accepted.
    #[arg(long, value_name = "ALG")]
    pub alg: Option<String>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Claims: a JSON file, or - for standard input.
    #[arg(long, value_name = "FILE", conflicts_with = "template")]
    pub claims: Option<String>,

    /// Start from a template that passes its profile; without a key, print its claims.
    #[arg(long, value_enum)]
    pub template: Option<TemplateArg>,

    /// Header members to carry (JSON object: x5t, cty, custom...); `alg`, `typ`, `kid` go first.
    #[arg(long, value_name = "FILE")]
    pub header: Option<PathBuf>,

    #[command(flatten)]
    pub signing: SigningKeyArgs,

    /// Header `kid` (default: the key's kid, else the header file's).
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,

    /// Set a claim by dotted path; VALUE is JSON when it parses, else a string (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,

    /// Remove a claim by dotted path (repeatable; applied after --set).
    #[arg(long = "unset", value_name = "PATH")]
    pub unsets: Vec<String>,

    /// Expiry: +30m, +2h, +1d, -1m (relative to now), RFC 3339 or unix seconds.
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    pub exp: Option<String>,

    /// Wrap the signed token in a JWE `dir` with this stored shared secret (cty "JWT").
    #[arg(long, value_name = "NAME")]
    pub encrypt_key: Option<String>,

    /// A one-off `dir` secret file (an `oct` JWK, for instance) to encrypt with.
    #[arg(long, value_name = "PATH", conflicts_with = "encrypt_key")]
    pub encrypt_key_file: Option<PathBuf>,

    /// JWE content encryption (default: the key's allowed enc, else the one its length fits).
    #[arg(long, value_name = "ENC")]
    pub enc: Option<String>,

    /// How to print the token [default: raw; config: export_format].
    #[arg(long, value_enum)]
    pub format: Option<SignFormat>,

    /// URL for --format qualifio-url, adictiz-url and curl (default: an obvious placeholder).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// `sign --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignFormat {
    /// The compact token.
    Raw,
    /// A Qualifio campaign URL with `qual_token=`.
    QualifioUrl,
    /// The Qualifio JS tag (000): createIframe with `qual_token=`.
    QualifioJs,
    /// The Qualifio setMetaData call (002), on its own: `_qual_async.push(['setMetaData',
    /// 'JWT', TOKEN, divId])`.
    #[value(name = "qualifio-setmetadata")]
    QualifioSetmetadata,
    /// An Adictiz Box URL with `?jwt=`.
    AdictizUrl,
    /// `Authorization: Bearer TOKEN`.
    Bearer,
    /// A curl command sending the token as a Bearer header.
    Curl,
}

/// `sign --template`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateArg {
    QualifioWinner,
    QualifioBlocked,
    QualifioLimited,
    Adictiz,
    Xtremepush,
}

#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// Platform whose outcome tables the matrix walks.
    #[arg(long, value_enum, default_value_t = ScenarioProfile::Qualifio)]
    pub profile: ScenarioProfile,

    #[command(flatten)]
    pub signing: SigningKeyArgs,

    /// Write each token to DIR/NNN-<slug>.jwt, and the index to DIR/index.tsv (every cell
    /// JSON) and DIR/index.jsonl.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = ScenarioFormat::Table)]
    pub format: ScenarioFormat,
}

/// `scenarios --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioFormat {
    /// Aligned columns for people.
    Table,
    /// index.tsv: tab-separated, every cell JSON (a string quoted, absent as null).
    Tsv,
    /// index.jsonl: one JSON object per scenario (claims, verdict, findings, token).
    Jsonl,
}

/// `scenarios --profile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioProfile {
    Qualifio,
}

/// Without a subcommand tokenscope opens the interactive view.
#[derive(Debug, Args, Default)]
pub struct TuiArgs {
    /// Open the interactive view on this token (or text containing it: a URL, a ticket).
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,

    /// Open the interactive view on a file holding a token (or text around one).
    #[arg(long, value_name = "PATH", conflicts_with = "token")]
    pub file: Option<PathBuf>,

    /// Open the interactive view on sample tokens and in-memory demo keys (nothing stored).
    #[arg(long)]
    pub demo: bool,

    /// Colour theme: dark (default), light, high-contrast, colorblind, or a user theme
    /// (themes/NAME.toml beside config.toml).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
}

/// Options every command takes. Each has a key in config.toml too; precedence is flag, then
/// environment variable, then config file, then built-in default (`tokenscope config show`).
#[derive(Debug, Args, Default)]
pub struct GlobalArgs {
    /// Configuration file [default: config.toml in the config dir, or $TOKENSCOPE_HOME;
    /// env: TOKENSCOPE_CONFIG].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,

    /// Colour: auto (only on a terminal, NO_COLOR honoured), always or never [default: auto;
    /// env: TOKENSCOPE_COLOR; config: color].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "WHEN"
    )]
    pub color: Option<ColorArg>,

    /// Write a log file at this level (never secrets or whole tokens) [default: off; env:
    /// TOKENSCOPE_LOG; config: log_level].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "LEVEL"
    )]
    pub log_level: Option<LogLevel>,

    /// Capture the mouse (on), or leave it to the terminal so text can be
    /// selected (off) [default: on; config: mouse].
    #[arg(
        long,
        help_heading = "Interactive view",
        value_enum,
        value_name = "on|off"
    )]
    pub mouse: Option<Switch>,

    /// Show time claims in UTC, local time or both [default: utc; config:
    /// time_display].
    #[arg(
        long,
        help_heading = "Interactive view",
        value_enum,
        value_name = "ZONE"
    )]
    pub time_display: Option<TimeDisplay>,
}

/// `--log-level`, `TOKENSCOPE_LOG`, `log_level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

/// `--mouse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// `--time-display`, `time_display`: how the interactive view writes instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimeDisplay {
    Utc,
    Local,
    Both,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of the configuration file in use (it need not exist).
    Path,
    /// Print the effective configuration as TOML, each value with where it came from.
    Show,
    /// Open the configuration file in $VISUAL or $EDITOR (created from the documented example
    /// when missing), then check it.
    Edit,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write tokenscope.1 and one page per subcommand (tokenscope-inspect.1, ...) into DIR
    /// instead of printing tokenscope.1.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// The version line: tokenscope's version and the OpenSSL library it runs with.
pub fn version() -> String {
    format!(
        "{} ({})",
        env!("CARGO_PKG_VERSION"),
        openssl::version::version()
    )
}

/// The clap command, with the long version line (`tokenscope 0.1.0 (OpenSSL 3.0.13 ...)`).
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().version(version())
}

/// Parse the process arguments. A usage error is printed as every tokenscope error is
/// (`tokenscope: ...` on stderr) and exits with status 2; help and version print as clap
/// prints them.
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let matches = command()
        .try_get_matches()
        .unwrap_or_else(|e| usage_exit(e));
    let mut cli =
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| usage_exit(e.format(&mut command())));
    // `--format json` is `--json`.
    if let Some(Command::Inspect(args)) = &mut cli.command
        && args.format == Some(InspectFormat::Json)
    {
        args.json = true;
    }
    if let Some(e) =
        view_args_with_a_command(&cli, matches.subcommand_name()).or_else(|| misspelt_command(&cli))
    {
        usage_exit(e)
    }
    cli
}

/// Print a clap error the tokenscope way and exit: help and version to stdout (status 0),
/// a usage error to stderr as `tokenscope: ...` (status 2).
fn usage_exit(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit()
    }
    let text = e.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    // clap quotes what was typed: never raw to the terminal.
    eprint!("tokenscope: {}", crate::escape::text(text));
    std::process::exit(2)
}

/// A bare word close to a command name (`tokenscope inspct`) would open the interactive view
/// on a "token" that is a typo: a usage error with "did you mean".
fn misspelt_command(cli: &Cli) -> Option<clap::Error> {
    let word = cli.tui.token.as_deref()?;
    if cli.command.is_some()
        || !(2..=16).contains(&word.len())
        || !word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
    {
        return None;
    }
    let names: Vec<String> = command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let best = names
        .iter()
        .map(|n| (strsim::jaro_winkler(word, n), n))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(command().error(
        clap::error::ErrorKind::InvalidSubcommand,
        format!(
            "unrecognized command '{word}': did you mean '{}'? (a token is base64url with dots; \
             a file goes with --file)",
            best.1
        ),
    ))
}

/// `--demo`, `--file` and a TOKEN open the interactive view: given with a command, they would
/// be silently ignored, so they are a usage error.
fn view_args_with_a_command(cli: &Cli, command_name: Option<&str>) -> Option<clap::Error> {
    let name = command_name?;
    let arg = match &cli.tui {
        TuiArgs { demo: true, .. } => "--demo",
        TuiArgs { file: Some(_), .. } => "--file",
        TuiArgs { token: Some(_), .. } => "TOKEN",
        _ => return None,
    };
    Some(command().error(
        clap::error::ErrorKind::ArgumentConflict,
        format!(
            "{arg} opens the interactive view and cannot be used with the '{name}' command: \
             drop it, or run tokenscope without a command"
        ),
    ))
}

impl From<SecretEncodingArg> for crate::keys::SecretEncoding {
    fn from(arg: SecretEncodingArg) -> Self {
        use crate::keys::SecretEncoding as E;
        match arg {
            SecretEncodingArg::Utf8 => E::Utf8,
            SecretEncodingArg::Base64 => E::Base64,
            SecretEncodingArg::Base64url => E::Base64url,
            SecretEncodingArg::Hex => E::Hex,
        }
    }
}
