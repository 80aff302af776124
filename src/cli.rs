//! Command-line definitions: the single source of help, completions and man page.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A terminal debugger for signed and encrypted tokens (JWS, JWE, JWT) that knows the
/// platforms' claim rules (Qualifio, Adictiz, Xtremepush).
#[derive(Debug, Parser)]
#[command(name = "tokenscope", version, about, long_about = None)]
pub struct Cli {
    /// Key store directory (default: the platform config dir, or $TOKENSCOPE_HOME/keys).
    #[arg(long, global = true, value_name = "DIR")]
    pub store: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub tui: TuiArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode, verify/decrypt and check one token; print a report or `--json`.
    Inspect(InspectArgs),
    /// Manage the key store.
    #[command(subcommand)]
    Keys(KeysCommand),
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

    /// Rule profile.
    #[arg(long, value_enum, default_value_t = ProfileArg::Auto)]
    pub profile: ProfileArg,

    /// Evaluate the token as of this instant: RFC 3339 or unix seconds (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,

    /// Allowed clock skew in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub skew: i64,

    /// Campaign file (TOML or JSON) to check the claims against.
    #[arg(long, value_name = "FILE")]
    pub campaign: Option<PathBuf>,

    /// Detached payload for a JWS whose payload segment is empty: @FILE or the value.
    #[arg(long, value_name = "DATA")]
    pub payload: Option<String>,

    /// Print one JSON object instead of the human report.
    #[arg(long)]
    pub json: bool,

    /// Colour: auto (only on a terminal, NO_COLOR honoured), always or never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

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
        name: String,
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
    },
    /// Remove a stored key.
    Remove { name: String },
    /// Generate a key pair or secret and store it.
    Gen(KeysGenArgs),
    /// Print the public half of a key, ready to upload to a platform.
    Export {
        name: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Pem)]
        format: ExportFormat,
    },
    /// Refetch a stored JWKS endpoint now.
    Refresh { name: Option<String> },
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
    #[arg(long)]
    pub kid: Option<String>,
    #[arg(long, value_enum)]
    pub profile: Option<ProfileTag>,
    #[arg(long = "alg", value_delimiter = ',')]
    pub algs: Vec<String>,
    /// HMAC secret length in bytes.
    #[arg(long, default_value_t = 32)]
    pub bytes: usize,
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenType {
    Rsa2048,
    Rsa3072,
    Rsa4096,
    P256,
    P384,
    P521,
    Ed25519,
    Hmac,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// SubjectPublicKeyInfo PEM.
    Pem,
    /// One public JWK.
    Jwk,
    /// A JWKS holding the public JWK.
    Jwks,
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

    /// Colour theme: dark (default), light, high-contrast, colorblind.
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
}
