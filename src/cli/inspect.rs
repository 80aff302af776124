//! `inspect` and `diff`: the token, its format, and the options that evaluate it (keys,
//! profile, campaign, instant) both take.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::*;

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

    /// With --batch FILE: keep reading the log as it grows, as `tail -F` (rotation-safe),
    /// until Ctrl-C. With --json each token's line is written as soon as its line is; without,
    /// the summary when interrupted. With --batch -, standard input is read to its end, each
    /// record written as its line arrives.
    #[arg(long, requires = "batch")]
    pub follow: bool,

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
pub(crate) const DIFF_AFTER_HELP: &str = "\
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
