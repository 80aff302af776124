//! Shared secrets: the four encodings a secret is written in, `--secret` arguments (a value,
//! `@FILE`, `-` for stdin), and the check that a "secret" is not really a key.

use base64::Engine as _;
use base64::engine::GeneralPurpose;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::describe::describe;
use super::{B64STD, B64URL, contains, parse_key_bytes};
use crate::keys::error::KeyError;
use crate::keys::{Key, KeyType, Material};

/// How a secret is written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretEncoding {
    /// The UTF-8 bytes of the text itself.
    Utf8,
    /// Standard base64 (RFC 4648 section 4), padding optional.
    Base64,
    /// base64url (RFC 4648 section 5), padding optional.
    Base64url,
    /// Hexadecimal, either case.
    Hex,
}

impl SecretEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretEncoding::Utf8 => "utf8",
            SecretEncoding::Base64 => "base64",
            SecretEncoding::Base64url => "base64url",
            SecretEncoding::Hex => "hex",
        }
    }
}

/// Decode a secret written in `encoding`.
///
/// Errors say where the value stopped decoding but never quote it.
pub fn parse_secret(value: &str, encoding: SecretEncoding) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let bytes = match encoding {
        SecretEncoding::Utf8 => Zeroizing::new(value.as_bytes().to_vec()),
        SecretEncoding::Base64 => decode_b64(value, &B64STD, "base64")?,
        SecretEncoding::Base64url => decode_b64(value, &B64URL, "base64url")?,
        SecretEncoding::Hex => decode_hex(value)?,
    };
    if bytes.is_empty() {
        return Err(KeyError::Secret {
            reason: "the secret is empty".to_string(),
        });
    }
    Ok(bytes)
}

fn decode_b64(
    value: &str,
    engine: &GeneralPurpose,
    what: &str,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use base64::DecodeError as D;
    engine
        .decode(value.trim())
        .map(Zeroizing::new)
        .map_err(|err| {
            let mut reason = match err {
                D::InvalidByte(offset, _) => {
                    format!("invalid {what}: character at offset {offset} is not in the alphabet")
                }
                D::InvalidLength(len) => {
                    format!("invalid {what}: {len} symbols cannot be whole bytes")
                }
                D::InvalidLastSymbol(offset, _) => {
                    format!(
                        "invalid {what}: the last symbol (offset {offset}) has trailing bits set"
                    )
                }
                D::InvalidPadding => format!("invalid {what}: bad padding"),
            };
            // The two alphabets differ in two characters; say which one the value looks like.
            if what == "base64" && value.contains(['-', '_']) {
                reason.push_str(" (it contains '-' or '_': try --encoding base64url)");
            } else if what == "base64url" && value.contains(['+', '/']) {
                reason.push_str(" (it contains '+' or '/': try --encoding base64)");
            }
            KeyError::Secret { reason }
        })
}

fn decode_hex(value: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let digits = value.trim().as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err(KeyError::Secret {
            reason: format!("invalid hex: odd number of digits ({})", digits.len()),
        });
    }
    let nibble = |offset: usize| {
        (digits[offset] as char)
            .to_digit(16)
            .ok_or_else(|| KeyError::Secret {
                reason: format!("invalid hex: character at offset {offset} is not a hex digit"),
            })
    };
    let mut out = Zeroizing::new(Vec::with_capacity(digits.len() / 2));
    for i in (0..digits.len()).step_by(2) {
        out.push((nibble(i)? * 16 + nibble(i + 1)?) as u8);
    }
    Ok(out)
}

/// A warning about where a secret argument came from: a value written on the command line
/// (every user sees it in the process list), or an `@FILE` that its group or others can read
/// (a shared secret should be `chmod 600`).
pub fn secret_file_warning(arg: &str) -> Option<String> {
    if arg.starts_with("@@") || (arg != "-" && !arg.starts_with('@')) {
        return Some(
            "a secret written on the command line is visible to every user of this machine in the process list: pass it as --secret @FILE, on standard input with --secret -, or store it once with `tokenscope keys add`".to_string(),
        );
    }
    let path = arg.strip_prefix('@')?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        let who = match (mode & 0o040 != 0, mode & 0o004 != 0) {
            (true, true) => "its group and by others",
            (true, false) => "its group",
            (false, true) => "others",
            (false, false) => return None,
        };
        Some(format!(
            "the secret file '{path}' is readable by {who} (mode {mode:03o}): restrict it with `chmod 600 {path}`"
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Read the raw text of a secret argument: the value itself, `@FILE` for a file's bytes,
/// `-` for stdin, or `@@...` for a literal value that starts with `@`.
///
/// Exactly one trailing newline (`\n` or `\r\n`) of a file or stdin is dropped, because
/// `echo secret > file` adds one that is not part of the secret.
pub(crate) fn read_secret_raw(arg: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut bytes = if arg == "-" {
        let mut buf = Zeroizing::new(Vec::new());
        crate::limits::read_capped_into(std::io::stdin(), crate::limits::SECRET_FILE, &mut buf)
            .map_err(|e| KeyError::io("<stdin>", "read the secret from", e))?;
        buf
    } else if let Some(literal) = arg.strip_prefix("@@") {
        return Ok(Zeroizing::new(format!("@{literal}").into_bytes()));
    } else if let Some(path) = arg.strip_prefix('@') {
        let mut buf = Zeroizing::new(Vec::new());
        std::fs::File::open(path)
            .and_then(|f| crate::limits::read_capped_into(f, crate::limits::SECRET_FILE, &mut buf))
            .map_err(|e| KeyError::io(path, "read the secret file", e))?;
        buf
    } else {
        return Ok(Zeroizing::new(arg.as_bytes().to_vec()));
    };
    let keep = if bytes.ends_with(b"\r\n") {
        bytes.len() - 2
    } else if bytes.ends_with(b"\n") {
        bytes.len() - 1
    } else {
        bytes.len()
    };
    bytes.truncate(keep);
    Ok(bytes)
}

/// Decode a `--secret` argument: the value, `@FILE` (the file's bytes, one trailing newline
/// ignored), `-` (stdin, likewise) or `@@VALUE` (the literal `@VALUE`), written in `encoding`.
///
/// With `utf8` a file's bytes are taken as they are, even when they are not UTF-8.
pub fn read_secret_arg(
    arg: &str,
    encoding: SecretEncoding,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let raw = read_secret_raw(arg)?;
    if encoding == SecretEncoding::Utf8 {
        if raw.is_empty() {
            return Err(KeyError::Secret {
                reason: "the secret is empty".to_string(),
            });
        }
        return Ok(raw);
    }
    let text = std::str::from_utf8(&raw).map_err(|_| KeyError::Secret {
        reason: format!(
            "a {} secret must be text, the input is binary",
            encoding.as_str()
        ),
    })?;
    parse_secret(text, encoding)
}

/// A `Key` holding a shared secret (HMAC, `dir`, AES key wrap or PBES2 password). Bytes
/// that parse as a public or private key are kept but marked, and never used
/// ([`secret_as_key`]).
pub fn secret_key(name: &str, secret: Zeroizing<Vec<u8>>) -> Key {
    let not_a_secret = secret_as_key(&secret);
    Key {
        name: name.to_string(),
        kid: None,
        profile: None,
        algs: Vec::new(),
        key_type: KeyType::Secret,
        material: Material::Secret(secret),
        from_jwks: false,
        pkcs1: false,
        usage: Default::default(),
        not_a_secret,
        cache: Default::default(),
    }
}

/// What `bytes` given as a secret really are when they are key material: PEM armour, DER
/// that parses as a key, or a JWK with `kty` RSA, EC or OKP (RULES.md section 2, Keys: such
/// material is never an HMAC secret). None for an ordinary secret.
pub fn secret_as_key(bytes: &[u8]) -> Option<String> {
    let text = bytes.trim_ascii();
    if contains(text, b"-----BEGIN ") {
        let label = std::str::from_utf8(text)
            .ok()
            .and_then(|t| t.split("-----BEGIN ").nth(1))
            .and_then(|rest| rest.split("-----").next())
            .filter(|l| l.len() <= 40 && l.bytes().all(|b| b.is_ascii_uppercase() || b == b' '))
            .unwrap_or("PEM");
        return Some(format!("a PEM block ('{label}')"));
    }
    if text.starts_with(b"{") || text.first() == Some(&0x30) {
        let keys = parse_key_bytes("secret", text).ok()?;
        let key = keys.iter().find(|k| k.key_type != KeyType::Secret)?;
        let form = if text.starts_with(b"{") { "JWK" } else { "DER" };
        return Some(format!("{} ({form})", describe(key).in_sentence()));
    }
    None
}
