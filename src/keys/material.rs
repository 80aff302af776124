//! Reading key material in whatever form a user has it: PEM (SPKI, PKCS#1, PKCS#8, SEC1,
//! certificates), DER, a JWK, a JWKS, or a shared secret in one of four encodings.
//!
//! Everything is normalised to the DER forms josekit takes (`Material`): SPKI for a public
//! half, PKCS#8 for a private key, so the jose glue never cares which format the user gave.
//! EC keys are rebuilt on their named curve because josekit only accepts an SPKI/PKCS#8 that
//! carries the curve OID, and OpenSSL would otherwise keep explicit parameters if given them.
//!
//! This file tells the formats apart and hands each to its reader: `der` (PEM and DER, and
//! the normalisation every format ends in), `jwk` (JWK and JWKS), `secret` (shared secrets and
//! `--secret` arguments); `curves` holds the curve tables they share.

use std::path::Path;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use zeroize::Zeroizing;

use super::Key;
use super::error::KeyError;

mod curves;
mod der;
mod describe;
mod jwk;
mod secret;

use der::{parse_der, parse_pem};
use jwk::parse_json;

pub(crate) use curves::{curve_bytes, curve_jwk_name, nid_of_curve, okp_jwk_name};
pub(crate) use der::{pkcs8_pkey, public_pkey, spki_pkey};
pub use describe::{Description, describe};
pub(crate) use secret::read_secret_raw;
pub use secret::{
    SecretEncoding, parse_secret, read_secret_arg, secret_as_key, secret_file_warning, secret_key,
};

/// base64url as JOSE writes it; padding tolerated because some tools add it.
pub(crate) const B64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard base64, padding optional on input.
pub(crate) const B64STD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Read a key file: see `parse_key_bytes`.
pub fn read_key_file(path: &Path) -> Result<Vec<Key>, KeyError> {
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)
        .and_then(|f| crate::limits::read_capped_into(f, crate::limits::KEY_FILE, &mut bytes))
        .map_err(|e| KeyError::io(path, "read the key file", e))?;
    parse_key_bytes(&path.display().to_string(), &bytes)
}

/// Parse key material of any supported format into usable keys.
///
/// The format is detected from the content:
/// - PEM: `PUBLIC KEY` (SPKI), `RSA PUBLIC KEY` (PKCS#1, `pkcs1` set), `PRIVATE KEY`
///   (PKCS#8), `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1), `CERTIFICATE` (its public
///   key). A file may hold several blocks; blocks that are not keys (`EC PARAMETERS`...) are
///   skipped. With several keys they are named `name#0`, `name#1`...
/// - DER: PKCS#8, SPKI, PKCS#1 private or public, SEC1, or an X.509 certificate.
/// - A JWK (`kty` RSA, EC incl. secp256k1, OKP Ed25519/Ed448/X25519/X448, oct): private
///   members make a private key, `oct` a secret; its `kid` and `alg` are kept.
/// - A JWKS (`{"keys": [...]}`): one key per member, `from_jwks` set, named `name#kid` or
///   `name#index` (0-based) when the member has no `kid`. Strict: one bad member fails it
///   all; `parse_key_bytes_lenient` skips it with a warning instead.
pub fn parse_key_bytes(name: &str, bytes: &[u8]) -> Result<Vec<Key>, KeyError> {
    let (keys, skipped) = parse_inner(name, bytes, true)?;
    debug_assert!(skipped.is_empty());
    Ok(keys)
}

/// Like `parse_key_bytes`, but a JWKS member that cannot be used (unknown `kty`, a broken
/// member) is skipped with a warning, as long as one member is usable: a JWKS endpoint
/// publishing one key tokenscope cannot read should not hide the others.
pub fn parse_key_bytes_lenient(
    name: &str,
    bytes: &[u8],
) -> Result<(Vec<Key>, Vec<String>), KeyError> {
    parse_inner(name, bytes, false)
}

fn parse_inner(
    name: &str,
    bytes: &[u8],
    strict: bool,
) -> Result<(Vec<Key>, Vec<String>), KeyError> {
    let text_start = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let trimmed = text_start.trim_ascii_start();
    if trimmed.is_empty() {
        return Err(KeyError::Unrecognised {
            name: name.to_string(),
            reason: "the key is empty".to_string(),
        });
    }
    if trimmed.starts_with(b"{") {
        return parse_json(name, trimmed, strict);
    }
    if contains(trimmed, b"-----BEGIN ") {
        return parse_pem(name, trimmed).map(|k| (k, Vec::new()));
    }
    if bytes.first() == Some(&0x30) {
        return parse_der(name, bytes).map(|k| (vec![k], Vec::new()));
    }
    let reason = if std::str::from_utf8(trimmed).is_ok() {
        "text that is neither PEM (no '-----BEGIN' line) nor JSON"
    } else {
        "binary data that is not DER (no ASN.1 SEQUENCE at the start)"
    };
    Err(KeyError::Unrecognised {
        name: name.to_string(),
        reason: reason.to_string(),
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests;
