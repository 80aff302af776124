//! Verifying one JWS layer: every key that fits is tried, in `kid` order, and each attempt
//! says why it did or did not verify. HS* tags are checked in constant time with the key's
//! keyed HMAC state; a public key offered as an HMAC secret is refused (algorithm confusion).

use serde_json::{Map, Value};

use super::kid::{KidPolicy, KidRelation, kid_note, ordered, shown};
use super::{JWS_ALGS, b64_flag, crit_problem, describe, hmac, layer, verify};
use crate::keys::{Curve, Key, KeyRing, KeyType, Material, OkpCurve};
use crate::report::{Attempt, AttemptResult, Layer, LayerStatus, TokenKind};
use crate::token::header_str;

/// Verify one JWS layer. `signing_input` is `ASCII(header_b64 '.' payload)` as RFC 7515 (or
/// RFC 7797 for `b64: false`) defines it.
pub fn verify_jws(
    header: &Map<String, Value>,
    signing_input: &[u8],
    signature: &[u8],
    ring: &KeyRing,
) -> Layer {
    verify_jws_with(
        header,
        signing_input,
        signature,
        ring,
        true,
        &KidPolicy::default(),
    )
}

/// [`verify_jws`], leaving the layer's `header` empty unless `with_header`: a batch summary
/// reads an outer JWS's header from the inspection, not from a copy in its layer.
pub fn verify_jws_with(
    header: &Map<String, Value>,
    signing_input: &[u8],
    signature: &[u8],
    ring: &KeyRing,
    with_header: bool,
    kids: &KidPolicy<'_>,
) -> Layer {
    let mut out = layer(TokenKind::Jws, header, with_header);
    let Some(alg) = header_str(header, "alg") else {
        out.status = LayerStatus::Invalid;
        out.detail = "the header has no 'alg' string (RFC 7515 4.1.1)".to_string();
        return out;
    };
    if alg.eq_ignore_ascii_case("none") {
        out.status = LayerStatus::Invalid;
        out.detail = format!("alg '{alg}' (unsecured JWS) is never accepted");
        return out;
    }
    if let Some(problem) = crit_problem(header) {
        out.status = LayerStatus::Invalid;
        out.detail = problem;
        return out;
    }
    if let Err(problem) = b64_flag(header) {
        out.status = LayerStatus::Invalid;
        out.detail = problem;
        return out;
    }
    if !JWS_ALGS.contains(&alg) {
        out.status = LayerStatus::Unsupported;
        out.detail = format!(
            "alg '{alg}' is not a JWS algorithm tokenscope verifies (supported: {})",
            JWS_ALGS.join(", ")
        );
        return out;
    }

    let token_kid = header_str(header, "kid");
    let mut refused = false;
    let mut mismatch = false;
    let mut kid_matched_elsewhere = false;
    for (key, rel) in ordered(ring, token_kid, kids) {
        let attempt = |result, detail: String| Attempt {
            key: key.name.clone(),
            result,
            detail,
        };
        if !key.allows(alg) {
            out.attempts.push(attempt(
                AttemptResult::AlgNotAllowed,
                format!("the key allows only {}", key.algs.join(", ")),
            ));
            continue;
        }
        if !key.usage.signatures {
            out.attempts.push(attempt(
                AttemptResult::AlgNotAllowed,
                format!(
                    "the JWK's {} does not allow signatures",
                    key.usage.stated.as_deref().unwrap_or("use")
                ),
            ));
            continue;
        }
        if let (Some(what), true) = (&key.not_a_secret, alg.starts_with("HS")) {
            refused = true;
            out.attempts.push(attempt(
                AttemptResult::SecretIsKey,
                format!(
                    "this secret is {what}: key material is never used as an HMAC secret (algorithm confusion)"
                ),
            ));
            continue;
        }
        let outcome = if alg.starts_with("HS") {
            match &key.material {
                Material::Secret(_) => key
                    .hmac_state(alg)
                    .map(|state| state.verify(signing_input, signature))
                    .ok_or_else(|| format!("{alg}: the secret could not be keyed")),
                _ => {
                    // RFC 8725 3.1: a public key used as an HMAC secret is the classic
                    // algorithm-confusion forgery. Flag it when the token names this key by
                    // kid, or when its tag was computed with one of the key's public encodings.
                    let forged = forged_with_public_key(alg, key, signing_input, signature);
                    if rel == KidRelation::Match || forged.is_some() {
                        refused = true;
                        let how = forged
                            .map(|enc| format!(" (the tag was computed with this key's {enc} as the secret: a forgery)"))
                            .unwrap_or_default();
                        out.attempts.push(attempt(
                            AttemptResult::PublicKeyAsHmacRefused,
                            format!(
                                "{alg} needs a shared secret; {} is never used as an HMAC secret (algorithm confusion){how}",
                                describe(key)
                            ),
                        ));
                        continue;
                    }
                    Err(format!("{alg} needs a shared secret, this is {}", describe(key)))
                }
            }
            .map_err(|e| (AttemptResult::WrongType, e))
        } else {
            asym_verify(alg, key, signing_input, signature)
        };
        match (outcome, rel) {
            (Ok(true), KidRelation::Differs) => {
                kid_matched_elsewhere = true;
                out.attempts.push(attempt(
                    AttemptResult::KidMismatch,
                    format!(
                        "the signature matches this key, but its kid is '{}' while the token names '{}'",
                        key.kid.as_deref().unwrap_or_default(),
                        shown(token_kid.unwrap_or_default())
                    ),
                ));
            }
            (Ok(true), _) => {
                out.attempts.push(attempt(
                    AttemptResult::Verified,
                    "signature verified".into(),
                ));
                out.status = LayerStatus::Valid;
                out.key = Some(key.name.clone());
                out.key_facts = Some(key.facts());
                out.detail = format!("signature verified with key '{}'", key.name);
                return out;
            }
            (Ok(false), KidRelation::Differs) => out.attempts.push(attempt(
                AttemptResult::KidMismatch,
                format!(
                    "kid '{}' differs from the token's '{}' (and the signature does not match)",
                    key.kid.as_deref().unwrap_or_default(),
                    shown(token_kid.unwrap_or_default())
                ),
            )),
            (Ok(false), _) => {
                mismatch = true;
                out.attempts.push(attempt(
                    AttemptResult::Mismatch,
                    "signature does not match this key".into(),
                ));
            }
            (Err((result, detail)), _) => out.attempts.push(attempt(result, detail)),
        }
    }

    if refused {
        out.status = LayerStatus::Invalid;
        out.detail = format!(
            "{alg} token offered against key material: refused (a public or private key is never an HMAC secret)"
        );
    } else if kid_matched_elsewhere {
        out.status = LayerStatus::Invalid;
        out.kid_mismatch = true;
        out.detail = format!(
            "the signature matches a key whose kid differs from the token's '{}'",
            shown(token_kid.unwrap_or_default())
        );
    } else if mismatch {
        out.status = LayerStatus::Invalid;
        out.detail =
            "signature does not match any key that fits (wrong key, or the token was altered)"
                .to_string();
    } else {
        out.status = LayerStatus::Unverified;
        out.detail = if ring.keys.is_empty() {
            format!(
                "no key given: add one with `tokenscope keys add` or pass --key-file/--secret to verify {alg}"
            )
        } else {
            format!("no key fits {alg}{}", kid_note(token_kid))
        };
    }
    out
}

/// Which public encoding of `key`, used as an HMAC secret, produces `tag`, if any: the SPKI
/// PEM with and without its trailing newline, the PKCS#1 PEM, the DER and the JWK JSON.
fn forged_with_public_key(
    alg: &str,
    key: &Key,
    signing_input: &[u8],
    tag: &[u8],
) -> Option<&'static str> {
    let der = spki(key);
    let pkey = openssl::pkey::PKey::public_key_from_der(der).ok()?;
    let mut candidates: Vec<(&'static str, Vec<u8>)> = vec![("DER", der.to_vec())];
    if let Ok(pem) = pkey.public_key_to_pem() {
        let trimmed = pem.strip_suffix(b"\n").unwrap_or(&pem).to_vec();
        candidates.push(("PEM", pem));
        candidates.push(("PEM without its trailing newline", trimmed));
    }
    if let Ok(pem) = pkey.rsa().and_then(|rsa| rsa.public_key_to_pem_pkcs1()) {
        candidates.push(("PKCS#1 PEM", pem));
    }
    if let Ok(jwk) = crate::keys::public_jwk(key) {
        // RFC 7638: the required members only, in lexicographic order, no whitespace.
        let required: std::collections::BTreeMap<&String, &Value> = jwk
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "crv" | "e" | "kty" | "n" | "x" | "y"))
            .collect();
        if let Ok(text) = serde_json::to_vec(&required) {
            candidates.push(("JWK (RFC 7638 members)", text));
        }
        let jwk = serde_json::Value::Object(jwk);
        if let Ok(text) = serde_json::to_vec_pretty(&jwk) {
            candidates.push(("pretty-printed JWK", text));
        }
        candidates.push(("JWK", jwk.to_string().into_bytes()));
    }
    candidates
        .into_iter()
        .find(|(_, secret)| hmac::verify(alg, secret, signing_input, tag).unwrap_or(false))
        .map(|(name, _)| name)
}

fn spki(key: &Key) -> &[u8] {
    match &key.material {
        Material::Public { spki_der } | Material::Private { spki_der, .. } => spki_der,
        Material::Secret(_) => &[],
    }
}

/// Ok(true) verified, Ok(false) mismatch, Err(why the key does not fit).
fn asym_verify(
    alg: &str,
    key: &Key,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool, (AttemptResult, String)> {
    let fits = match (alg, key.key_type) {
        (a, KeyType::Rsa { .. }) if a.starts_with("RS") || a.starts_with("PS") => true,
        ("ES256", KeyType::Ec(Curve::P256))
        | ("ES384", KeyType::Ec(Curve::P384))
        | ("ES512", KeyType::Ec(Curve::P521))
        | ("ES256K", KeyType::Ec(Curve::Secp256k1))
        | ("EdDSA", KeyType::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448)) => true,
        _ => false,
    };
    if !fits {
        return Err((
            AttemptResult::WrongType,
            format!("{} cannot verify {alg}", describe(key)),
        ));
    }
    let Some(public) = key.public_pkey() else {
        return Err((
            AttemptResult::Error,
            format!("OpenSSL could not read {} for {alg}", describe(key)),
        ));
    };
    verify::verify(alg, key.cache.id(), public, signing_input, signature)
        .map_err(|e| (AttemptResult::WrongType, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HS* path goes through `hmac::Keyed::verify` (constant time): a tag differing only
    /// in its last byte, a truncated tag and an empty one are all a mismatch.
    #[test]
    fn hs_tags_are_checked_by_the_constant_time_path() {
        let secret = b"0123456789abcdef0123456789abcdef".to_vec();
        let ring = KeyRing {
            keys: crate::keys::parse_key_bytes(
                "k",
                format!(
                    r#"{{"kty":"oct","k":"{}"}}"#,
                    base64::Engine::encode(
                        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                        &secret
                    )
                )
                .as_bytes(),
            )
            .unwrap(),
        };
        let mut header = Map::new();
        header.insert("alg".into(), Value::String("HS256".into()));
        let input = b"eyJhbGciOiJIUzI1NiJ9.e30";
        let keyed = ring.keys[0].hmac_state("HS256").unwrap();
        let tag = keyed.sign(input);
        assert_eq!(tag, hmac::sign("HS256", &secret, input).unwrap());
        assert_eq!(
            verify_jws(&header, input, &tag, &ring).status,
            LayerStatus::Valid
        );
        let mut last = tag.clone();
        last[31] ^= 0x01;
        for bad in [&last[..], &tag[..31], &tag[..16], &[][..]] {
            assert!(!keyed.verify(input, bad));
            let layer = verify_jws(&header, input, bad, &ring);
            assert_eq!(layer.status, LayerStatus::Invalid);
            assert_eq!(layer.attempts[0].result, AttemptResult::Mismatch);
        }
    }
}
