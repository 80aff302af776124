//! Text that holds no token, named when it can be: a placeholder the platform documents put
//! where a token goes, or a JWS or JWE in its JSON serialization.

use std::sync::LazyLock;

use regex::Regex;

use crate::token::TokenError;

/// Placeholders the platform documents put where a token goes: 000's `{YOUR_SECURE_TOKEN}`,
/// 002's `yourJWT`, and any `{YOUR_...}` or `<YOUR_...>`.
pub(super) fn placeholder(text: &str) -> Option<TokenError> {
    static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[{<]\s*YOUR_[A-Z_]*\s*[}>]|\byourJWT\b").expect("static regex")
    });
    let found = PLACEHOLDER.find(text)?;
    Some(TokenError::Placeholder {
        placeholder: found.as_str().to_string(),
    })
}

/// The JSON serializations of RFC 7515 and 7516 section 7.2, general or flattened: named, so
/// that the error says what the text is rather than "no token found".
pub(super) fn json_serialization(text: &str) -> Option<TokenError> {
    if !text.starts_with('{') {
        return None;
    }
    let value: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).ok()?;
    let has = |k: &str| value.contains_key(k);
    if has("ciphertext") && (has("protected") || has("recipients") || has("encrypted_key")) {
        return Some(TokenError::JsonSerialization {
            kind: "JWE",
            rfc: 7516,
            what: "recipient",
            parts: "protected, encrypted_key, iv, ciphertext and tag",
        });
    }
    if has("payload") && (has("signatures") || has("signature")) {
        return Some(TokenError::JsonSerialization {
            kind: "JWS",
            rfc: 7515,
            what: "signature",
            parts: "protected, payload and signature",
        });
    }
    None
}
