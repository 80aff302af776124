//! `sign` and `scenarios`: the signing key, the claims and templates, and what they print.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::*;

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
