//! `keys`: its subcommands, the ways a secret is written, key types and export formats.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::*;

/// How a secret is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecretEncodingArg {
    Utf8,
    Base64,
    Base64url,
    Hex,
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
        #[arg(long, value_enum, default_value_t = KeyExportFormat::Pem)]
        format: KeyExportFormat,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyExportFormat {
    /// SubjectPublicKeyInfo PEM.
    Pem,
    /// One public JWK.
    Jwk,
    /// A JWKS holding the public JWK.
    Jwks,
}
