//! josekit and OpenSSL glue: verify a JWS layer, decrypt a JWE layer, with every key that fits;
//! sign a JWS and wrap it in a JWE `dir`.
//!
//! Layout: `kid` orders the keys a layer tries (by kid first, then every stored key compatible
//! with the alg) and says whether `kid` selects the key, `header` checks `crit` and `b64`,
//! `jws` verifies a JWS layer, `jwe` decrypts a JWE layer, `mint` signs and encrypts tokens, `verify`
//! checks an asymmetric signature with a context kept per key, `cbc_hmac` and `zip` replace
//! josekit's AES-CBC-HMAC and DEF. The alg lists and the keyed HMAC state belong to the keys.

pub mod cbc_hmac;
mod header;
mod jwe;
mod jws;
mod kid;
pub mod mint;
pub mod verify;
pub mod zip;

use serde_json::{Map, Value};

// The alg lists and the keyed HMAC state belong to the keys (which algs a key can serve, the
// parsed form of a secret); jose verifies, decrypts and signs with them under their old paths.
pub use crate::keys::hmac;
pub use crate::keys::{JWE_ALGS, JWE_ENCS, JWS_ALGS};
pub use header::{UNDERSTOOD_CRIT, b64_flag, crit_problem, understood_crit};
pub use jwe::decrypt_jwe;
pub use jws::{verify_jws, verify_jws_with};
pub use kid::KidPolicy;

use crate::keys::Key;
use crate::report::{Layer, LayerStatus, TokenKind};
use crate::token::header_str;

/// True when a JWE key-management `alg` needs a shared secret to produce a token (`dir`, AES
/// key wrap, AES-GCM key wrap, PBES2), as opposed to a public key (RSA, ECDH-ES): only the
/// former authenticates its content (RULES.md section 2, Acceptance fails closed).
pub fn needs_secret(alg: &str) -> bool {
    alg == "dir" || alg.starts_with("PBES2-") || (alg.starts_with('A') && alg.ends_with("KW"))
}

fn describe(key: &Key) -> String {
    crate::keys::describe(key).in_sentence()
}

/// A layer before verification; `with_header` copies the protected header into it.
fn layer(kind: TokenKind, header: &Map<String, Value>, with_header: bool) -> Layer {
    Layer {
        kind,
        alg: header_str(header, "alg").map(str::to_string),
        enc: header_str(header, "enc").map(str::to_string),
        kid: header_str(header, "kid").map(str::to_string),
        status: LayerStatus::Unverified,
        key: None,
        key_facts: None,
        attempts: Vec::new(),
        detail: String::new(),
        header: match with_header {
            true => header.clone(),
            false => Map::new(),
        },
        content: None,
        kid_mismatch: false,
    }
}

/// josekit's error text, without its anyhow chain noise.
fn josekit_reason(e: &josekit::JoseError) -> String {
    let text = match e {
        josekit::JoseError::InvalidKeyFormat(inner)
        | josekit::JoseError::InvalidJweFormat(inner)
        | josekit::JoseError::InvalidSignature(inner)
        | josekit::JoseError::InvalidJwsFormat(inner) => inner.to_string(),
        other => other.to_string(),
    };
    crate::keys::openssl_text(&text)
        .trim_end_matches('.')
        .to_string()
}
