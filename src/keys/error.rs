//! The one error type of the key module.
//!
//! Messages are lowercase, name the key (store name or file) and say what was wrong and, where
//! it helps, what to do. They never carry key material: a secret, a private key or a store
//! line that may hold one is never echoed, which is why parser messages from serde, toml and
//! base64 are rewritten here rather than passed through.

use std::path::PathBuf;

/// What can go wrong reading, storing, fetching, generating or exporting keys.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The bytes are not in any format tokenscope reads.
    #[error("key '{name}': {reason} (expected PEM, DER, JWK or JWKS)")]
    Unrecognised { name: String, reason: String },

    /// The format was recognised but the content is broken.
    #[error("key '{name}': {format}: {reason}")]
    Invalid {
        name: String,
        format: String,
        reason: String,
    },

    /// A well-formed key that tokenscope cannot use.
    #[error("key '{name}': {what} is not supported ({hint})")]
    Unsupported {
        name: String,
        what: String,
        hint: String,
    },

    /// A secret value that does not decode. Never holds the value.
    #[error("secret: {reason}")]
    Secret { reason: String },

    /// A file or directory could not be read or written.
    /// The OS error is said once, in the message: it is not chained as a source, so that
    /// `{:#}` does not repeat it.
    #[error("{}: cannot {action}: {cause}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        cause: std::io::Error,
    },

    /// The store file exists but does not parse; it is left untouched.
    #[error(
        "{}: line {line}, column {column}: the key store cannot be parsed: {message} (tokenscope never overwrites it: fix or move the file)",
        path.display()
    )]
    StoreCorrupt {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// A name that is not in the store.
    #[error("no stored key named '{name}' ({known})")]
    UnknownKey { name: String, known: String },

    /// `add`/`gen` without `--force` over an existing name.
    #[error("a key named '{name}' already exists (use --force to replace it)")]
    Exists { name: String },

    /// A key name the store cannot hold.
    #[error("invalid key name '{name}': {reason}")]
    BadName { name: String, reason: String },

    /// An allowed-alg entry that is unknown or does not fit the key.
    #[error("key '{name}': alg '{alg}' {reason}")]
    BadAlg {
        name: String,
        alg: String,
        reason: String,
    },

    /// A JWKS endpoint that could not be used.
    #[error("jwks endpoint '{url}': {reason}")]
    Jwks { url: String, reason: String },

    /// Exporting a shared secret.
    #[error(
        "key '{name}' is a shared secret: it has no public half to export (a secret is shared out of band; `tokenscope keys show {name} --reveal` prints it)"
    )]
    NoPublicHalf { name: String },

    /// Anything else the key module refuses, with its reason.
    #[error("{0}")]
    Other(String),
}

impl KeyError {
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        action: &'static str,
        source: std::io::Error,
    ) -> Self {
        // An error that already names its path (tempfile's do) is reduced to the OS error.
        let cause = match source.raw_os_error() {
            Some(code) => std::io::Error::from_raw_os_error(code),
            None => {
                let text = source.to_string();
                match text.split_once(" at path ") {
                    Some((head, _)) => std::io::Error::new(source.kind(), head.to_string()),
                    None => source,
                }
            }
        };
        KeyError::Io {
            path: path.into(),
            action,
            cause,
        }
    }

    pub(crate) fn invalid(name: &str, format: &str, reason: impl Into<String>) -> Self {
        KeyError::Invalid {
            name: name.to_string(),
            format: format.to_string(),
            reason: reason.into(),
        }
    }
}

/// The first reason in an OpenSSL error stack, lowercased: enough to say what was wrong
/// without OpenSSL's long `error:1E08010C:DECODER routines::...` lines.
pub(crate) fn ssl_reason(err: &openssl::error::ErrorStack) -> String {
    err.errors()
        .iter()
        .find_map(|e| e.reason())
        .map(|r| r.to_lowercase())
        .unwrap_or_else(|| "openssl rejected it".to_string())
}

/// OpenSSL error text as a user reads it: each `error:CODE:library:function:reason:file.c:
/// line:data` entry becomes its reason alone (source file paths and line numbers of the
/// OpenSSL build say nothing to a user).
pub fn openssl_text(text: &str) -> String {
    use std::sync::LazyLock;
    static ENTRY: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"error:[0-9A-Fa-f]+:[^:\n]*:[^:\n]*:([^:\n]*)(?::[^:\s]*\.c:\d+(?::[^\s,\]\)]*)?)?",
        )
        .expect("static regex")
    });
    ENTRY.replace_all(text, "$1").into_owned()
}

/// A serde message with any quoted value removed (`invalid type: string "hunter2", expected
/// u32` becomes `invalid type: string, expected u32`): such messages may quote key material.
/// Field names are kept, they are the useful part of `missing field `name``.
pub(crate) fn redact_serde_message(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or("").trim();
    if ["missing field", "unknown field", "duplicate field"]
        .iter()
        .any(|p| first_line.starts_with(p))
    {
        // `unknown field `x`, expected one of ...`: the field name is the user's typo, not a value.
        return first_line.to_string();
    }
    let (head, tail) = match first_line.find(", expected") {
        Some(pos) => first_line.split_at(pos),
        None => (first_line, ""),
    };
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in head.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '`' || c == '"' => quote = Some(c),
            None => out.push(c),
        }
    }
    format!("{}{tail}", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_lose_their_values() {
        assert_eq!(
            redact_serde_message("invalid type: string \"hunter2\", expected u32"),
            "invalid type: string, expected u32"
        );
        assert_eq!(
            redact_serde_message("unknown variant `hunter2`, expected one of `a`, `b`"),
            "unknown variant, expected one of `a`, `b`"
        );
        assert_eq!(
            redact_serde_message("missing field `name`"),
            "missing field `name`"
        );
        assert_eq!(
            redact_serde_message("invalid value: integer `5`\nmore"),
            "invalid value: integer"
        );
    }
}

#[cfg(test)]
mod openssl_text_tests {
    use super::openssl_text;

    #[test]
    fn source_paths_are_dropped() {
        let raw = "OpenSSL error: error:1C800064:Provider routines:ossl_cipher_unpadblock:bad decrypt:../providers/implementations/ciphers/ciphercommon.c:124:";
        assert_eq!(openssl_text(raw), "OpenSSL error: bad decrypt");
        let two = "[error:0480006C:PEM routines:get_name:no start line:crypto/pem/pem_lib.c:763:Expecting: PUBLIC KEY, error:1E08010C:DECODER routines:OSSL_DECODER_from_bio:unsupported:crypto/encode_decode/decoder_lib.c:102:No supported data to decode.]";
        let clean = openssl_text(two);
        assert!(!clean.contains(".c:"), "{clean}");
        assert!(
            clean.contains("no start line") && clean.contains("unsupported"),
            "{clean}"
        );
        assert_eq!(openssl_text("plain text"), "plain text");
    }
}
