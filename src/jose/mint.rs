//! Minting tokens: signing a JWS and wrapping it in a JWE `dir`. What `tokenscope sign`,
//! `scenarios` and the TUI's edit mode call, so each produces the same bytes for the same input
//! (the `sign` command's templates, claims and scenarios are `crate::sign`).
//!
//! Every JWS signature is computed with OpenSSL: HMAC so that short secrets work (as
//! verification accepts them, RULES.md 2 makes them a warning), RSASSA-PSS so that an ordinary
//! RSA key (rsaEncryption) can sign PS* (josekit only signs PS* with RSA-PSS-typed keys), and
//! the rest for uniformity. The compact serialisation is assembled here so that the header's
//! member order is exactly the one documented on `sign_jws`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Signer};
use serde_json::{Map, Value};
use thiserror::Error;

use super::{JWE_ENCS, JWS_ALGS, b64_flag, describe, hmac};
use crate::keys::{Curve, Key, KeyType, Material, OkpCurve};

/// Why a token could not be signed or encrypted.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SignError {
    #[error(
        "alg '{0}' (unsecured JWS) is never produced: tokenscope signs every token it makes (RFC 8725 3.1)"
    )]
    AlgNone(String),
    #[error("alg '{alg}' is not a JWS algorithm tokenscope signs (supported: {supported}){hint}")]
    UnknownAlg {
        alg: String,
        supported: String,
        hint: String,
    },
    #[error("the header's 'alg' is {0}: it must be a string such as \"RS256\"")]
    AlgNotString(String),
    #[error("key '{key}' allows only {allowed}: it may not sign {alg}")]
    AlgNotAllowed {
        key: String,
        alg: String,
        allowed: String,
    },
    #[error("key '{key}' allows no JWS algorithm ({allowed}): it cannot sign")]
    NoSigningAlg { key: String, allowed: String },
    #[error(
        "{alg} needs a shared secret; key '{key}' is {what}, and an asymmetric key is never used as an HMAC secret (algorithm confusion, RFC 8725 3.1)"
    )]
    HmacWithAsymmetricKey {
        key: String,
        alg: String,
        what: String,
    },
    #[error("key '{key}' is {what}: it cannot sign {alg}{hint}")]
    WrongKeyType {
        key: String,
        alg: String,
        what: String,
        hint: String,
    },
    #[error(
        "key '{key}' is {what}: signing needs the private key (a public key only verifies); store the private key, or pass it with --key-file"
    )]
    PublicKey { key: String, what: String },
    #[error("the header {0}")]
    Header(String),
    #[error("signing with key '{key}' failed: {reason}")]
    Crypto { key: String, reason: String },
    #[error("JWE enc '{enc}' is not supported (supported: {supported})")]
    UnknownEnc { enc: String, supported: String },
    #[error("JWE dir with {enc} needs a {need}-byte secret, key '{key}' has {got} bytes{hint}")]
    DirKeyLength {
        key: String,
        enc: String,
        need: usize,
        got: usize,
        hint: String,
    },
    #[error("JWE dir needs a shared secret; key '{key}' is {what}")]
    DirNeedsSecret { key: String, what: String },
    #[error("key '{key}' allows only {allowed}: it may not encrypt with dir/{enc}")]
    EncNotAllowed {
        key: String,
        enc: String,
        allowed: String,
    },
    #[error("encryption with key '{key}' failed: {reason}")]
    Encrypt { key: String, reason: String },
}

/// How to sign, beyond the header and the claims.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignOptions<'a> {
    /// The JWS alg; default: the header's `alg`, else the key's first allowed JWS alg, else
    /// the key's natural alg (see `default_alg`).
    pub alg: Option<&'a str>,
    /// The `kid`; default: the key's `kid`, else the header's.
    pub kid: Option<&'a str>,
}

/// The alg a key signs with when nothing asks for another: secret -> HS256, RSA -> RS256,
/// P-256 -> ES256, P-384 -> ES384, P-521 -> ES512, secp256k1 -> ES256K, Ed25519/Ed448 ->
/// EdDSA; None for a key that cannot sign (X25519, X448).
pub fn default_alg(key_type: KeyType) -> Option<&'static str> {
    match key_type {
        KeyType::Secret => Some("HS256"),
        KeyType::Rsa { .. } => Some("RS256"),
        KeyType::Ec(Curve::P256) => Some("ES256"),
        KeyType::Ec(Curve::P384) => Some("ES384"),
        KeyType::Ec(Curve::P521) => Some("ES512"),
        KeyType::Ec(Curve::Secp256k1) => Some("ES256K"),
        KeyType::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448) => Some("EdDSA"),
        KeyType::Okp(OkpCurve::X25519 | OkpCurve::X448) => None,
    }
}

/// Whether a key of `key_type` can sign `alg` (a JWS alg).
pub fn fits(alg: &str, key_type: KeyType) -> bool {
    match key_type {
        KeyType::Secret => alg.starts_with("HS"),
        KeyType::Rsa { .. } => alg.starts_with("RS") || alg.starts_with("PS"),
        KeyType::Ec(c) => matches!(
            (c, alg),
            (Curve::P256, "ES256")
                | (Curve::P384, "ES384")
                | (Curve::P521, "ES512")
                | (Curve::Secp256k1, "ES256K")
        ),
        KeyType::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448) => alg == "EdDSA",
        KeyType::Okp(_) => false,
    }
}

/// The JWS algs `key` may sign with, in preference order: its allowed list (JWS algs that fit
/// it), else every alg that fits it, the natural default first.
pub fn signing_algs(key: &Key) -> Vec<&'static str> {
    let fitting = JWS_ALGS.iter().copied().filter(|a| fits(a, key.key_type));
    if key.algs.is_empty() {
        let default = default_alg(key.key_type);
        default
            .into_iter()
            .chain(fitting.filter(|a| Some(*a) != default))
            .collect()
    } else {
        key.algs
            .iter()
            .filter_map(|a| JWS_ALGS.iter().copied().find(|j| j == a))
            .filter(|a| fits(a, key.key_type))
            .collect()
    }
}

/// Choose the alg: the requested one, checked against the key, or the key's first.
pub fn choose_alg(key: &Key, requested: Option<&str>) -> Result<&'static str, SignError> {
    let Some(alg) = requested else {
        if let Some(first) = signing_algs(key).first() {
            return Ok(first);
        }
        if !key.algs.is_empty() {
            return Err(SignError::NoSigningAlg {
                key: key.name.clone(),
                allowed: key.algs.join(", "),
            });
        }
        return Err(SignError::WrongKeyType {
            key: key.name.clone(),
            alg: "any JWS alg".to_string(),
            what: describe(key),
            hint: " (X25519 and X448 keys only agree on keys, with ECDH-ES)".to_string(),
        });
    };
    if alg.eq_ignore_ascii_case("none") {
        return Err(SignError::AlgNone(alg.to_string()));
    }
    let Some(known) = JWS_ALGS.iter().copied().find(|a| *a == alg) else {
        let hint = JWS_ALGS
            .iter()
            .find(|a| a.eq_ignore_ascii_case(alg))
            .map(|a| format!(" (did you mean '{a}'? algs are case-sensitive)"))
            .unwrap_or_default();
        return Err(SignError::UnknownAlg {
            alg: alg.to_string(),
            supported: JWS_ALGS.join(", "),
            hint,
        });
    };
    if known.starts_with("HS") && key.key_type != KeyType::Secret {
        return Err(SignError::HmacWithAsymmetricKey {
            key: key.name.clone(),
            alg: known.to_string(),
            what: describe(key),
        });
    }
    // RULES.md section 2, Keys: a "secret" whose bytes are a key would sign the classic
    // algorithm-confusion forgery.
    if let Some(what) = &key.not_a_secret {
        return Err(SignError::HmacWithAsymmetricKey {
            key: key.name.clone(),
            alg: known.to_string(),
            what: format!("a secret whose bytes are {what}"),
        });
    }
    if !key.allows(known) {
        return Err(SignError::AlgNotAllowed {
            key: key.name.clone(),
            alg: known.to_string(),
            allowed: key.algs.join(", "),
        });
    }
    if !fits(known, key.key_type) {
        let hint = default_alg(key.key_type)
            .map(|d| format!(" (this key signs {d}; leave --alg out to use it)"))
            .unwrap_or_default();
        return Err(SignError::WrongKeyType {
            key: key.name.clone(),
            alg: known.to_string(),
            what: describe(key),
            hint,
        });
    }
    Ok(known)
}

/// Build the protected header: `alg` first, then `typ` (the header's, else "JWT"; a `typ`
/// of null in the header leaves it out), then `kid` (the override, else the key's, else the
/// header's), then the header's other members in their order.
pub fn build_header(
    header: &Map<String, Value>,
    alg: &str,
    key: &Key,
    kid: Option<&str>,
) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("alg".into(), Value::String(alg.to_string()));
    match header.get("typ") {
        None => {
            out.insert("typ".into(), Value::String("JWT".into()));
        }
        Some(Value::Null) => {}
        Some(v) => {
            out.insert("typ".into(), v.clone());
        }
    }
    let kid = kid
        .map(|k| Value::String(k.to_string()))
        .or_else(|| key.kid.clone().map(Value::String))
        .or_else(|| header.get("kid").filter(|v| !v.is_null()).cloned());
    if let Some(kid) = kid {
        out.insert("kid".into(), kid);
    }
    for (name, value) in header {
        if !matches!(name.as_str(), "alg" | "typ" | "kid") {
            out.insert(name.clone(), value.clone());
        }
    }
    out
}

/// Sign `claims` (the payload bytes, as they are) into a compact JWS.
///
/// `header` holds the members to carry besides `alg` (see `build_header` for the order and
/// for `typ` and `kid`). Refused: `alg: none` in any letter case, an alg the key does not allow
/// or fit, an HS* alg with an asymmetric key, a public key, `b64: false` (RFC 7797).
pub fn sign_jws(
    header: &Map<String, Value>,
    claims: &[u8],
    key: &Key,
    opts: &SignOptions<'_>,
) -> Result<String, SignError> {
    let requested = match opts.alg {
        Some(a) => Some(a),
        None => match header.get("alg") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => return Err(SignError::AlgNotString(other.to_string())),
        },
    };
    // A header file saying `"alg": "none"` is refused even when --alg overrides it: the
    // user asked for an unsecured token somewhere.
    if let Some(Value::String(h)) = header.get("alg")
        && h.eq_ignore_ascii_case("none")
    {
        return Err(SignError::AlgNone(h.clone()));
    }
    let alg = choose_alg(key, requested)?;
    if let Err(problem) = b64_flag(header) {
        return Err(SignError::Header(problem));
    }
    if header.get("b64") == Some(&Value::Bool(false)) {
        return Err(SignError::Header(
            "asks for an unencoded payload ('b64': false, RFC 7797), which tokenscope does not sign"
                .to_string(),
        ));
    }
    let header = build_header(header, alg, key, opts.kid);
    let header_json = serde_json::to_vec(&header).map_err(|e| SignError::Crypto {
        key: key.name.clone(),
        reason: e.to_string(),
    })?;
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header_json),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let signature = signature(alg, key, signing_input.as_bytes())?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

fn digest(alg: &str) -> MessageDigest {
    match &alg[2..] {
        "384" => MessageDigest::sha384(),
        "512" => MessageDigest::sha512(),
        _ => MessageDigest::sha256(),
    }
}

/// The signature of `message` with `key` under `alg` (already checked to fit the key).
fn signature(alg: &str, key: &Key, message: &[u8]) -> Result<Vec<u8>, SignError> {
    let crypto = |reason: String| SignError::Crypto {
        key: key.name.clone(),
        reason,
    };
    let pkcs8 = match &key.material {
        Material::Secret(secret) => return hmac::sign(alg, secret, message).map_err(crypto),
        Material::Public { .. } => {
            return Err(SignError::PublicKey {
                key: key.name.clone(),
                what: describe(key),
            });
        }
        Material::Private { pkcs8_der, .. } => pkcs8_der,
    };
    let pkey: PKey<Private> = crate::keys::pkcs8_pkey(pkcs8)
        .map_err(|e| crypto(format!("the private key does not load: {e}")))?;
    let ssl = |e: openssl::error::ErrorStack| crypto(crate::keys::openssl_text(&e.to_string()));
    match alg {
        "EdDSA" => {
            let mut signer = Signer::new_without_digest(&pkey).map_err(ssl)?;
            signer.sign_oneshot_to_vec(message).map_err(ssl)
        }
        a if a.starts_with("RS") => {
            let mut signer = Signer::new(digest(a), &pkey).map_err(ssl)?;
            signer.set_rsa_padding(Padding::PKCS1).map_err(ssl)?;
            signer.sign_oneshot_to_vec(message).map_err(ssl)
        }
        a if a.starts_with("PS") => {
            // RFC 7518 3.5: MGF1 with the same hash, salt as long as the hash output.
            let md = digest(a);
            let mut signer = Signer::new(md, &pkey).map_err(ssl)?;
            signer.set_rsa_padding(Padding::PKCS1_PSS).map_err(ssl)?;
            signer.set_rsa_mgf1_md(md).map_err(ssl)?;
            signer
                .set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)
                .map_err(ssl)?;
            signer.sign_oneshot_to_vec(message).map_err(ssl)
        }
        a => {
            // RFC 7518 3.4: ECDSA signatures are R || S, each the curve's size, not DER.
            let (md, size) = match a {
                "ES384" => (MessageDigest::sha384(), 48),
                "ES512" => (MessageDigest::sha512(), 66),
                _ => (MessageDigest::sha256(), 32),
            };
            let ec = pkey.ec_key().map_err(ssl)?;
            let hash = openssl::hash::hash(md, message).map_err(ssl)?;
            let sig = EcdsaSig::sign(&hash, &ec).map_err(ssl)?;
            let mut out = sig.r().to_vec_padded(size).map_err(ssl)?;
            out.extend(sig.s().to_vec_padded(size).map_err(ssl)?);
            Ok(out)
        }
    }
}

/// The enc a `dir` key encrypts with when none is named: the first content-encryption alg
/// the key allows, else the one its length fits (32 bytes: A256GCM).
pub fn default_enc(key: &Key) -> Option<&'static str> {
    let allowed = JWE_ENCS
        .iter()
        .find(|(e, _)| key.algs.iter().any(|a| a == e))
        .map(|(e, _)| *e);
    if allowed.is_some() {
        return allowed;
    }
    let Material::Secret(secret) = &key.material else {
        return None;
    };
    match secret.len() {
        16 => Some("A128GCM"),
        24 => Some("A192GCM"),
        32 => Some("A256GCM"),
        48 => Some("A192CBC-HS384"),
        64 => Some("A256CBC-HS512"),
        _ => None,
    }
}

/// Wrap a compact JWS in a compact JWE `dir` (000 "Token encryption") with `cty: "JWT"`: the
/// header is `alg`, `enc`, `cty`, then the key's `kid` when it has one.
pub fn encrypt_dir(jws: &str, key: &Key, enc: &str) -> Result<String, SignError> {
    let Some(&(enc, need)) = JWE_ENCS.iter().find(|(e, _)| *e == enc) else {
        return Err(SignError::UnknownEnc {
            enc: enc.to_string(),
            supported: JWE_ENCS
                .iter()
                .map(|(e, _)| *e)
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let Material::Secret(secret) = &key.material else {
        return Err(SignError::DirNeedsSecret {
            key: key.name.clone(),
            what: describe(key),
        });
    };
    // Decryption accepts a key that allows either `dir` or the enc; so does encryption.
    if !key.allows("dir") && !key.allows(enc) {
        return Err(SignError::EncNotAllowed {
            key: key.name.clone(),
            enc: enc.to_string(),
            allowed: key.algs.join(", "),
        });
    }
    if secret.len() != need {
        let fitting = JWE_ENCS
            .iter()
            .filter(|(_, n)| *n == secret.len())
            .map(|(e, _)| *e)
            .collect::<Vec<_>>();
        let hint = if fitting.is_empty() {
            String::new()
        } else {
            format!(" (this secret fits {})", fitting.join(", "))
        };
        return Err(SignError::DirKeyLength {
            key: key.name.clone(),
            enc: enc.to_string(),
            need,
            got: secret.len(),
            hint,
        });
    }
    let fail = |e: josekit::JoseError| SignError::Encrypt {
        key: key.name.clone(),
        reason: super::josekit_reason(&e),
    };
    let mut map = Map::new();
    map.insert("alg".into(), Value::String("dir".into()));
    map.insert("enc".into(), Value::String(enc.into()));
    map.insert("cty".into(), Value::String("JWT".into()));
    if let Some(kid) = &key.kid {
        map.insert("kid".into(), Value::String(kid.clone()));
    }
    let header = josekit::jwe::JweHeader::from_map(map).map_err(fail)?;
    let encrypter = josekit::jwe::Dir
        .encrypter_from_bytes(secret.as_slice())
        .map_err(fail)?;
    josekit::jwe::serialize_compact(jws.as_bytes(), &header, &encrypter).map_err(fail)
}

#[cfg(test)]
mod tests;
