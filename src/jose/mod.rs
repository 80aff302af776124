//! josekit and OpenSSL glue: verify a JWS layer, decrypt a JWE layer, with every key that fits.
//!
//! Key selection (issue: "by kid first, then every stored key compatible with the alg"): keys
//! whose `kid` equals the token's come first, then keys without a `kid`, then keys with another
//! `kid` (tried only to explain a wrong `kid`: a match there is reported, never accepted).

pub mod cbc_hmac;
pub mod verify;
pub mod zip;

use josekit::jwe::{self, JweContext, JweDecrypter};
use serde_json::{Map, Value};

// The alg lists and the keyed HMAC state belong to the keys (which algs a key can serve, the
// parsed form of a secret); jose verifies, decrypts and signs with them under their old paths.
pub use crate::keys::hmac;
pub use crate::keys::{JWE_ALGS, JWE_ENCS, JWS_ALGS};

use crate::keys::{Curve, Key, KeyRing, KeyType, Material, OkpCurve};
use crate::profile::Profile;
use crate::report::{Attempt, AttemptResult, Layer, LayerStatus, TokenKind};
use crate::token::{header_member, header_str};

// Signing and JWE `dir` wrapping (tokenscope sign, scenarios, the TUI's edit mode).
pub mod sign;

/// True when a JWE key-management `alg` needs a shared secret to produce a token (`dir`, AES
/// key wrap, AES-GCM key wrap, PBES2), as opposed to a public key (RSA, ECDH-ES): only the
/// former authenticates its content (RULES.md section 2, Acceptance fails closed).
pub fn needs_secret(alg: &str) -> bool {
    alg == "dir" || alg.starts_with("PBES2-") || (alg.starts_with('A') && alg.ends_with("KW"))
}

/// How a key's `kid` relates to the token's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum KidRelation {
    Match,
    Unnamed,
    Differs,
}

fn kid_relation(token_kid: Option<&str>, key: &Key, kids: &KidPolicy<'_>) -> KidRelation {
    match (token_kid, key.kid.as_deref()) {
        (Some(t), Some(k)) if t == k => KidRelation::Match,
        (Some(_), Some(_)) if kids.ignored_for(key) => KidRelation::Unnamed,
        (Some(_), Some(_)) => KidRelation::Differs,
        _ => KidRelation::Unnamed,
    }
}

fn ordered<'a>(
    ring: &'a KeyRing,
    token_kid: Option<&str>,
    kids: &KidPolicy<'_>,
) -> Vec<(&'a Key, KidRelation)> {
    let mut keys: Vec<_> = ring
        .keys
        .iter()
        .map(|k| (k, kid_relation(token_kid, k, kids)))
        .collect();
    keys.sort_by_key(|(_, rel)| *rel);
    keys
}

/// Whether `kid` selects the key (RULES.md section 2, Keys): it does for generic JOSE, JWKS
/// keys and Xtremepush rotation; Qualifio (without a JWKS) and Adictiz ignore it, so there a
/// key that verifies is used whatever its `kid`.
#[derive(Debug)]
pub struct KidPolicy<'a> {
    /// The profile the user stated (`--profile`, a campaign file), if any.
    pub stated: Option<Profile>,
    /// The payload, read only when a key's kid differs from the token's, to detect the
    /// profile from its members as the rules will.
    pub payload: &'a [u8],
    /// How the rules detect the profile from the payload's members (`rules::detect_profile`):
    /// the rules sit above this glue, so the caller hands it in.
    pub detect_profile: fn(&[u8]) -> Option<Profile>,
    detected: std::cell::OnceCell<Option<Profile>>,
}

impl Default for KidPolicy<'_> {
    /// No stated profile and no payload: no profile is detected.
    fn default() -> Self {
        KidPolicy::new(None, &[], |_| None)
    }
}

impl<'a> KidPolicy<'a> {
    pub fn new(
        stated: Option<Profile>,
        payload: &'a [u8],
        detect_profile: fn(&[u8]) -> Option<Profile>,
    ) -> Self {
        KidPolicy {
            stated,
            payload,
            detect_profile,
            detected: std::cell::OnceCell::new(),
        }
    }

    /// True when the platform of `key` ignores `kid`: a key from a JWKS never; else the key's
    /// own profile tag, then the stated profile, then the one the payload's members select.
    pub fn ignored_for(&self, key: &Key) -> bool {
        if key.from_jwks {
            return false;
        }
        let profile = key.profile.or(self.stated).or_else(|| {
            *self
                .detected
                .get_or_init(|| (self.detect_profile)(self.payload))
        });
        matches!(profile, Some(Profile::Qualifio | Profile::Adictiz))
    }
}

fn describe(key: &Key) -> String {
    let vis = match key.material {
        Material::Secret(_) => "secret",
        Material::Public { .. } => "public key",
        Material::Private { .. } => "private key",
    };
    match key.key_type {
        KeyType::Secret => "a shared secret".to_string(),
        KeyType::Rsa { bits } => format!("an RSA-{bits} {vis}"),
        KeyType::Ec(c) => format!("an EC {} {vis}", curve_name(c)),
        KeyType::Okp(c) => format!("an {c:?} {vis}"),
    }
}

fn curve_name(c: Curve) -> &'static str {
    match c {
        Curve::P256 => "P-256",
        Curve::P384 => "P-384",
        Curve::P521 => "P-521",
        Curve::Secp256k1 => "secp256k1",
    }
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

/// `crit` extensions tokenscope understands (RFC 7515 4.1.11): anything else listed in `crit`
/// makes the JWS invalid. `b64` is RFC 7797 (unencoded payload), which the jose glue implements.
pub const UNDERSTOOD_CRIT: &[&str] = &["b64"];

/// The `crit` extensions understood in `header`: RFC 7797's `b64` is a JWS extension, so a
/// JWE header (one with `enc`) understands none.
pub fn understood_crit(header: &Map<String, Value>) -> &'static [&'static str] {
    match header.contains_key("enc") {
        true => &[],
        false => UNDERSTOOD_CRIT,
    }
}

/// Check `crit` (RFC 7515 4.1.11, RFC 7516 4.1.13): every listed extension must be understood
/// and present; an empty or malformed list is invalid.
pub fn crit_problem(header: &Map<String, Value>) -> Option<String> {
    let crit = header_member(header, "crit")?;
    let Some(list) = crit.as_array() else {
        return Some("'crit' must be an array of header member names".to_string());
    };
    if list.is_empty() {
        return Some("'crit' is an empty list, which RFC 7515 4.1.11 forbids".to_string());
    }
    for item in list {
        let Some(name) = item.as_str() else {
            return Some(format!("'crit' lists {item}, which is not a member name"));
        };
        if !understood_crit(header).contains(&name) {
            return Some(format!(
                "'crit' lists '{name}', an extension tokenscope does not understand, so the token must be rejected"
            ));
        }
        if !header.contains_key(name) {
            return Some(format!(
                "'crit' lists '{name}', which the header does not carry"
            ));
        }
    }
    None
}

/// The RFC 7797 `b64` header: Ok(true) for a base64url payload (the default).
pub fn b64_flag(header: &Map<String, Value>) -> Result<bool, String> {
    match header_member(header, "b64") {
        None => Ok(true),
        Some(Value::Bool(b)) => {
            let listed = header_member(header, "crit")
                .and_then(Value::as_array)
                .is_some_and(|c| c.iter().any(|v| v == "b64"));
            if !b && !listed {
                // RFC 7797 section 6: b64 must be understood, so it must be listed in crit.
                Err(
                    "'b64': false is only valid when 'crit' lists \"b64\" (RFC 7797 section 6)"
                        .to_string(),
                )
            } else {
                Ok(*b)
            }
        }
        Some(other) => Err(format!("'b64' must be a boolean, found {other}")),
    }
}

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

fn kid_note(kid: Option<&str>) -> String {
    kid.map(|k| format!(" with kid '{}'", shown(k)))
        .unwrap_or_default()
}

/// A token's `kid` as messages quote it: at most 64 characters (a hostile kid can be 64 KiB).
fn shown(kid: &str) -> String {
    const MAX: usize = 64;
    match kid.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}… ({} characters)", &kid[..cut], kid.chars().count()),
        None => kid.to_string(),
    }
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
