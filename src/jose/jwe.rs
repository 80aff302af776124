//! Decrypting one JWE layer: the header is checked first (alg, enc, zip, the GCM IV and tag
//! lengths, the wrapped key's length, the PBES2 count), then every key that fits is tried in
//! `kid` order, and each attempt says why it did or did not decrypt.

use josekit::jwe::{self, JweContext, JweDecrypter};
use serde_json::{Map, Value};

use super::kid::{KidPolicy, KidRelation, kid_note, ordered, shown};
use super::{
    JWE_ALGS, JWE_ENCS, cbc_hmac, crit_problem, describe, josekit_reason, layer, needs_secret, zip,
};
use crate::keys::{Curve, Key, KeyRing, KeyType, Material, OkpCurve};
use crate::report::{Attempt, AttemptResult, Layer, LayerStatus, TokenKind};
use crate::token::{header_member, header_str};

/// Why a key of the right kind and size did not decrypt, as a support person reads it: with
/// a shared secret, the integrity check failed, which means the wrong secret or an altered
/// token (OpenSSL's own words say nothing more).
fn decryption_failure(alg: &str, e: &josekit::JoseError) -> String {
    let reason = josekit_reason(e);
    // Only the integrity failures are put in words; anything else (a decompression limit,
    // a malformed header) keeps its own reason.
    let lower = reason.to_ascii_lowercase();
    let integrity = lower.contains("openssl")
        || lower.contains("tag")
        || lower.contains("bad decrypt")
        || lower.contains("unwrap");
    if !integrity {
        return reason;
    }
    match alg {
        "dir" => "the authentication tag does not match: wrong secret, or the token was altered".to_string(),
        a if a.starts_with("PBES2-") => {
            "the content key does not unwrap: wrong password, or the token was altered".to_string()
        }
        a if a.starts_with('A') && a.ends_with("KW") => {
            "the content key does not unwrap (its integrity check fails): wrong secret, or the token was altered".to_string()
        }
        _ => reason,
    }
}

/// Decrypt one JWE layer. Returns the layer and, when decrypted, the plaintext. A PBES2 token
/// whose `p2c` is above `max_pbes2_count` fails before any key is tried.
pub fn decrypt_jwe(
    token: &str,
    header: &Map<String, Value>,
    ring: &KeyRing,
    kids: &KidPolicy<'_>,
    max_pbes2_count: u64,
) -> (Layer, Option<Vec<u8>>) {
    let mut out = layer(TokenKind::Jwe, header, true);
    let Some(alg) = header_str(header, "alg") else {
        out.status = LayerStatus::Failed;
        out.detail = "the header has no 'alg' string (RFC 7516 4.1.1)".to_string();
        return (out, None);
    };
    let Some(enc) = header_str(header, "enc") else {
        out.status = LayerStatus::Failed;
        out.detail = "the header has no 'enc' string (RFC 7516 4.1.2)".to_string();
        return (out, None);
    };
    if let Some(problem) = crit_problem(header) {
        out.status = LayerStatus::Failed;
        out.detail = problem;
        return (out, None);
    }
    if !JWE_ALGS.contains(&alg) {
        out.status = LayerStatus::Unsupported;
        out.detail = format!(
            "JWE alg '{alg}' is not supported (supported: {})",
            JWE_ALGS.join(", ")
        );
        return (out, None);
    }
    let Some(&(_, cek_len)) = JWE_ENCS.iter().find(|(e, _)| *e == enc) else {
        out.status = LayerStatus::Unsupported;
        out.detail = format!(
            "JWE enc '{enc}' is not supported (supported: {})",
            JWE_ENCS
                .iter()
                .map(|(e, _)| *e)
                .collect::<Vec<_>>()
                .join(", ")
        );
        return (out, None);
    };
    if let Some(zip) = header.get("zip")
        && zip != "DEF"
    {
        out.status = LayerStatus::Unsupported;
        out.detail = format!("JWE zip {zip} is not supported (only \"DEF\")");
        return (out, None);
    }

    if let Some(problem) = gcm_shape(token, alg, enc, header) {
        out.status = LayerStatus::Failed;
        out.detail = problem;
        return (out, None);
    }

    if let Some(problem) = wrapped_key_problem(alg, token) {
        out.status = LayerStatus::Failed;
        out.detail = problem;
        return (out, None);
    }

    let pbes2 = alg.starts_with("PBES2-");
    if pbes2 && let Some(p2c) = header_member(header, "p2c").and_then(Value::as_u64) {
        let max = max_pbes2_count.min(crate::limits::PBES2_COUNT_CEILING);
        if p2c > max {
            out.status = LayerStatus::Failed;
            out.detail = format!(
                "p2c asks for {p2c} PBES2 iterations, more than the {max} tokenscope runs (each key tried would derive a key with that many HMACs): no key was tried; raise the limit with --max-pbes2-count N or max_pbes2_count in the config file (up to {})",
                crate::limits::PBES2_COUNT_CEILING
            );
            return (out, None);
        }
    }

    let token_kid = header_str(header, "kid");
    let mut context = JweContext::new();
    context.add_compression(Box::new(zip::BoundedDeflate::default()));
    for enc in cbc_hmac::CbcHmac::ALL {
        context.add_content_encryption(Box::new(enc));
    }
    let mut tried = false;
    for (key, rel) in ordered(ring, token_kid, kids) {
        let attempt = |result, detail: String| Attempt {
            key: key.name.clone(),
            result,
            detail,
        };
        // A PBES2 password is a key-encryption key: an alg list naming only an enc (a `dir`
        // content key) does not allow it, and every key tried costs p2c HMACs.
        if !key.allows(alg) && (pbes2 || !key.allows(enc)) {
            out.attempts.push(attempt(
                AttemptResult::AlgNotAllowed,
                format!("the key allows only {}", key.algs.join(", ")),
            ));
            continue;
        }
        if pbes2 && rel == KidRelation::Differs {
            out.attempts.push(attempt(
                AttemptResult::KidMismatch,
                format!(
                    "not tried: its kid is '{}' while the token names '{}', and a PBES2 key derivation is costly",
                    key.kid.as_deref().unwrap_or_default(),
                    shown(token_kid.unwrap_or_default())
                ),
            ));
            continue;
        }
        if !key.usage.encryption {
            out.attempts.push(attempt(
                AttemptResult::AlgNotAllowed,
                format!(
                    "the JWK's {} does not allow decryption",
                    key.usage.stated.as_deref().unwrap_or("use")
                ),
            ));
            continue;
        }
        if let (Some(what), true) = (&key.not_a_secret, needs_secret(alg)) {
            tried = true;
            out.attempts.push(attempt(
                AttemptResult::SecretIsKey,
                format!("this secret is {what}: key material is never used as a shared secret"),
            ));
            continue;
        }
        let decrypter = match decrypter_for(alg, enc, cek_len, key) {
            Ok(d) => d,
            Err((result, detail)) => {
                out.attempts.push(attempt(result, detail));
                continue;
            }
        };
        match context.deserialize_compact(token, decrypter.as_ref()) {
            Ok((plaintext, _)) if rel == KidRelation::Differs => {
                out.attempts.push(attempt(
                    AttemptResult::KidMismatch,
                    format!(
                        "this key decrypts the token, but its kid is '{}' while the token names '{}'",
                        key.kid.as_deref().unwrap_or_default(),
                        shown(token_kid.unwrap_or_default())
                    ),
                ));
                tried = true;
                out.kid_mismatch = true;
                drop(plaintext);
            }
            Ok((plaintext, _)) => {
                out.attempts
                    .push(attempt(AttemptResult::Verified, "decrypted".into()));
                out.status = LayerStatus::Decrypted;
                out.key = Some(key.name.clone());
                out.key_facts = Some(key.facts());
                out.detail = format!("decrypted with key '{}'", key.name);
                return (out, Some(plaintext));
            }
            Err(e) => {
                if rel != KidRelation::Differs {
                    tried = true;
                }
                out.attempts.push(attempt(
                    if rel == KidRelation::Differs {
                        AttemptResult::KidMismatch
                    } else {
                        AttemptResult::Mismatch
                    },
                    format!("decryption failed: {}", decryption_failure(alg, &e)),
                ));
            }
        }
    }
    if out.kid_mismatch {
        out.status = LayerStatus::Failed;
        out.detail = format!(
            "only a key whose kid differs from the token's '{}' decrypts it",
            shown(token_kid.unwrap_or_default())
        );
    } else if tried {
        out.status = LayerStatus::Failed;
        out.detail =
            "no key that fits decrypts the token (wrong key, or the token was altered)".to_string();
    } else {
        out.status = LayerStatus::NoKey;
        out.detail = if ring.keys.is_empty() {
            format!(
                "no key given: add one with `tokenscope keys add` or pass --key-file/--secret to decrypt {alg}/{enc}"
            )
        } else {
            format!("no key fits {alg}/{enc}{}", kid_note(token_kid))
        };
    }
    (out, None)
}

/// RFC 7518 5.3 and 4.7: AES-GCM takes a 96-bit IV and a 128-bit tag. OpenSSL checks a
/// shorter tag on its own length only, so a tag cut to one byte would be forged in 256
/// tries: any other length is refused before decrypting.
fn gcm_shape(token: &str, alg: &str, enc: &str, header: &Map<String, Value>) -> Option<String> {
    use base64::Engine;
    let len = |s: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .map(|b| b.len())
            .ok()
    };
    let segments: Vec<&str> = token.split('.').collect();
    if enc.ends_with("GCM") && segments.len() == 5 {
        for (what, segment, want) in [
            ("IV", segments[2], 12),
            ("authentication tag", segments[4], 16),
        ] {
            if let Some(n) = len(segment).filter(|n| *n != want) {
                return Some(format!(
                    "the {what} is {n} bytes; {enc} needs {want} (RFC 7518 5.3): refused before decrypting"
                ));
            }
        }
    }
    if alg.ends_with("GCMKW") {
        for (member, want) in [("iv", 12), ("tag", 16)] {
            if let Some(n) = header_str(header, member)
                .and_then(len)
                .filter(|n| *n != want)
            {
                return Some(format!(
                    "the header's '{member}' is {n} bytes; {alg} needs {want} (RFC 7518 4.7): refused before decrypting"
                ));
            }
        }
    }
    None
}

/// AES key wrap (RFC 3394 2.2.2) outputs at least 24 bytes, in 64-bit blocks. josekit 0.10
/// subtracts 8 from the encrypted key's length before checking it, so a shorter one would
/// panic: refuse it here, with the reason.
fn wrapped_key_problem(alg: &str, token: &str) -> Option<String> {
    let wraps = alg.ends_with("KW") && !alg.ends_with("GCMKW");
    let segment = token.split('.').nth(1)?;
    let len = crate::token::decode_segment("encrypted key", segment)
        .ok()?
        .len();
    if wraps && (len < 24 || len % 8 != 0) {
        return Some(format!(
            "the encrypted key is {len} bytes: {alg} (AES key wrap, RFC 3394) gives a multiple of 8, at least 24 (the token was altered or truncated)"
        ));
    }
    if alg == "dir" && len != 0 {
        return Some(format!(
            "alg 'dir' carries no encrypted key (RFC 7516 section 5.1), but this one has {len} bytes"
        ));
    }
    None
}

type DecrypterResult = Result<Box<dyn JweDecrypter>, (AttemptResult, String)>;

// RSA1_5 is deprecated (RFC 8725 3.2) but a debugger must still open RFC 7516/7519/7520 tokens.
#[allow(deprecated)]
fn decrypter_for(alg: &str, enc: &str, cek_len: usize, key: &Key) -> DecrypterResult {
    let wrong = || {
        Err((
            AttemptResult::WrongType,
            format!("{} cannot decrypt {alg}", describe(key)),
        ))
    };
    let refused = |e: josekit::JoseError| {
        (
            AttemptResult::Error,
            format!("the key was refused for {alg}: {}", josekit_reason(&e)),
        )
    };
    match (&key.material, alg) {
        (Material::Secret(secret), "dir") => {
            if secret.len() != cek_len {
                return Err((
                    AttemptResult::WrongType,
                    format!(
                        "dir with {enc} needs a {cek_len}-byte key, this secret has {} bytes",
                        secret.len()
                    ),
                ));
            }
            jwe::Dir
                .decrypter_from_bytes(secret.as_slice())
                .map(|d| Box::new(d) as _)
                .map_err(refused)
        }
        (
            Material::Secret(secret),
            "A128KW" | "A192KW" | "A256KW" | "A128GCMKW" | "A192GCMKW" | "A256GCMKW",
        ) => {
            let need = match &alg[1..4] {
                "128" => 16,
                "192" => 24,
                _ => 32,
            };
            if secret.len() != need {
                return Err((
                    AttemptResult::WrongType,
                    format!(
                        "{alg} needs a {need}-byte key, this secret has {} bytes",
                        secret.len()
                    ),
                ));
            }
            let d: Result<Box<dyn JweDecrypter>, _> = match alg {
                "A128KW" => jwe::A128KW
                    .decrypter_from_bytes(secret.as_slice())
                    .map(|d| Box::new(d) as _),
                "A192KW" => jwe::A192KW
                    .decrypter_from_bytes(secret.as_slice())
                    .map(|d| Box::new(d) as _),
                "A256KW" => jwe::A256KW
                    .decrypter_from_bytes(secret.as_slice())
                    .map(|d| Box::new(d) as _),
                "A128GCMKW" => jwe::A128GCMKW
                    .decrypter_from_bytes(secret.as_slice())
                    .map(|d| Box::new(d) as _),
                "A192GCMKW" => jwe::A192GCMKW
                    .decrypter_from_bytes(secret.as_slice())
                    .map(|d| Box::new(d) as _),
                _ => jwe::A256GCMKW
                    .decrypter_from_bytes(secret.as_slice())
                    .map(|d| Box::new(d) as _),
            };
            d.map_err(refused)
        }
        (Material::Secret(secret), "PBES2-HS256+A128KW") => jwe::PBES2_HS256_A128KW
            .decrypter_from_bytes(secret.as_slice())
            .map(|d| Box::new(d) as _)
            .map_err(refused),
        (Material::Secret(secret), "PBES2-HS384+A192KW") => jwe::PBES2_HS384_A192KW
            .decrypter_from_bytes(secret.as_slice())
            .map(|d| Box::new(d) as _)
            .map_err(refused),
        (Material::Secret(secret), "PBES2-HS512+A256KW") => jwe::PBES2_HS512_A256KW
            .decrypter_from_bytes(secret.as_slice())
            .map(|d| Box::new(d) as _)
            .map_err(refused),
        (Material::Private { pkcs8_der, .. }, a) if a.starts_with("RSA") => {
            if !matches!(key.key_type, KeyType::Rsa { .. }) {
                return wrong();
            }
            let d: Result<Box<dyn JweDecrypter>, _> = match a {
                "RSA1_5" => jwe::RSA1_5
                    .decrypter_from_der(pkcs8_der.as_slice())
                    .map(|d| Box::new(d) as _),
                "RSA-OAEP" => jwe::RSA_OAEP
                    .decrypter_from_der(pkcs8_der.as_slice())
                    .map(|d| Box::new(d) as _),
                "RSA-OAEP-256" => jwe::RSA_OAEP_256
                    .decrypter_from_der(pkcs8_der.as_slice())
                    .map(|d| Box::new(d) as _),
                "RSA-OAEP-384" => jwe::RSA_OAEP_384
                    .decrypter_from_der(pkcs8_der.as_slice())
                    .map(|d| Box::new(d) as _),
                _ => jwe::RSA_OAEP_512
                    .decrypter_from_der(pkcs8_der.as_slice())
                    .map(|d| Box::new(d) as _),
            };
            d.map_err(refused)
        }
        (Material::Private { pkcs8_der, .. }, a) if a.starts_with("ECDH-ES") => {
            if !matches!(
                key.key_type,
                KeyType::Ec(Curve::P256 | Curve::P384 | Curve::P521)
                    | KeyType::Okp(OkpCurve::X25519 | OkpCurve::X448)
            ) {
                return wrong();
            }
            let d: Result<Box<dyn JweDecrypter>, _> = match a {
                "ECDH-ES" => jwe::ECDH_ES
                    .decrypter_from_der(pkcs8_der.as_slice())
                    .map(|d| Box::new(d) as _),
                "ECDH-ES+A128KW" => jwe::ECDH_ES_A128KW
                    .decrypter_from_der(pkcs8_der.as_slice())
                    .map(|d| Box::new(d) as _),
                "ECDH-ES+A192KW" => jwe::ECDH_ES_A192KW
                    .decrypter_from_der(pkcs8_der.as_slice())
                    .map(|d| Box::new(d) as _),
                _ => jwe::ECDH_ES_A256KW
                    .decrypter_from_der(pkcs8_der.as_slice())
                    .map(|d| Box::new(d) as _),
            };
            d.map_err(refused)
        }
        (Material::Public { .. }, a) if a.starts_with("RSA") || a.starts_with("ECDH") => Err((
            AttemptResult::WrongType,
            format!("{alg} needs the private key; this is {}", describe(key)),
        )),
        _ => wrong(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the inspect fuzz target: a key-wrapped JWE whose encrypted key is shorter than
    /// 8 bytes made josekit subtract with overflow (a panic). Every AES-key-wrap alg, and `dir`
    /// with an encrypted key, now fails cleanly before josekit sees the token.
    #[test]
    fn short_or_unexpected_encrypted_keys_fail_cleanly() {
        use base64::Engine;
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let ring = KeyRing {
            keys: crate::keys::parse_key_bytes(
                "k",
                format!(r#"{{"kty":"oct","k":"{}"}}"#, b64(&[7u8; 16])).as_bytes(),
            )
            .unwrap(),
        };
        for (alg, ek) in [
            ("PBES2-HS256+A128KW", &b"abc"[..]),
            ("A128KW", &b""[..]),
            ("A128KW", &[0u8; 20][..]),
            ("ECDH-ES+A128KW", &b"abcd"[..]),
            ("dir", &[1u8; 16][..]),
        ] {
            let header: Map<String, Value> = serde_json::from_value(serde_json::json!({
                "alg": alg, "enc": "A128GCM", "p2s": "c2FsdHNhbHQ", "p2c": 1000,
                "epk": {"kty": "EC", "crv": "P-256",
                        "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                        "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
            }))
            .unwrap();
            let token = format!(
                "{}.{}.{}.{}.{}",
                b64(serde_json::to_string(&header).unwrap().as_bytes()),
                b64(ek),
                b64(&[0u8; 12]),
                b64(b"ciphertext"),
                b64(&[0u8; 16])
            );
            let (layer, plaintext) = decrypt_jwe(&token, &header, &ring, &Default::default(), 1000);
            assert_eq!(layer.status, LayerStatus::Failed, "{alg}: {}", layer.detail);
            assert!(plaintext.is_none());
            assert!(
                layer.detail.contains("encrypted key"),
                "{alg}: {}",
                layer.detail
            );
        }
    }
}
