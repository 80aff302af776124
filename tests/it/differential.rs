//! Differential soundness of ACCEPTED: whenever tokenscope accepts a token, an independent
//! verifier accepts exactly the same bytes with the same key. The oracle is the
//! `jsonwebtoken` crate (ring) for the algs it implements and OpenSSL, driven directly, for
//! the two it lacks (ES512, ES256K). Each alg's valid token is mutated (every position of
//! every segment, segment swaps, header and payload re-encodings, truncations, padding,
//! foreign signatures, re-signing with other algs and keys) and every mutant goes through the
//! real binary, one `inspect --batch - --json` process per alg; a second test mutates bytes at
//! random through the library API.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::Sandbox;
use common::crypto::{b64url, hmac_token, key_for, rsa, rsa_other, sign, signer};
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private, Public};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Signer, Verifier};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const FAR: i64 = 4_102_444_800; // 2100-01-01
const AT: &str = "2026-01-01T00:00:00Z";
const AT_UNIX: i64 = 1_767_225_600;
/// 64 bytes: long enough for HS512.
const SECRET: &[u8] = b"differential-secret-0123456789abcdef-0123456789abcdef-0123456789";
const OTHER_SECRET: &[u8] = b"another-secret-of-64-bytes-0123456789abcdef-0123456789abcdef-xyz";

const ALGS: [&str; 14] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "ES256K", "EdDSA",
];
const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Replacements tried at each position of the token, besides every alternative for the last
/// character of each segment.
const PER_POSITION: usize = 3;

/// The key an alg group is verified with: an HMAC secret or an asymmetric key pair.
#[derive(Clone)]
enum GroupKey {
    Secret(Vec<u8>),
    Pair(PKey<Private>),
}

impl GroupKey {
    fn for_alg(alg: &str) -> GroupKey {
        if alg.starts_with("HS") {
            GroupKey::Secret(SECRET.to_vec())
        } else {
            GroupKey::Pair(key_for(alg))
        }
    }

    /// Another key of the same type and size (the attacker's).
    fn other(&self) -> GroupKey {
        match self {
            GroupKey::Secret(_) => GroupKey::Secret(OTHER_SECRET.to_vec()),
            GroupKey::Pair(k) => GroupKey::Pair(match k.id() {
                Id::RSA => rsa_other().clone(),
                Id::EC => {
                    let group =
                        EcGroup::from_curve_name(k.ec_key().unwrap().group().curve_name().unwrap())
                            .unwrap();
                    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
                }
                _ => PKey::generate_ed25519().unwrap(),
            }),
        }
    }

    fn public(&self) -> Option<PKey<Public>> {
        match self {
            GroupKey::Secret(_) => None,
            GroupKey::Pair(k) => {
                Some(PKey::public_key_from_pem(&k.public_key_to_pem().unwrap()).unwrap())
            }
        }
    }

    fn spki_pem(&self) -> Vec<u8> {
        match self {
            GroupKey::Secret(s) => s.clone(),
            GroupKey::Pair(k) => k.public_key_to_pem().unwrap(),
        }
    }

    /// The public JWK (or the `oct` JWK of a secret), as an attacker embeds it in a header.
    fn jwk(&self) -> Value {
        let k = match self {
            GroupKey::Secret(s) => return json!({"kty": "oct", "k": b64url(s)}),
            GroupKey::Pair(k) => k,
        };
        match k.id() {
            Id::RSA => {
                let r = k.rsa().unwrap();
                json!({"kty": "RSA", "n": b64url(&r.n().to_vec()), "e": b64url(&r.e().to_vec())})
            }
            Id::EC => {
                let e = k.ec_key().unwrap();
                let group = e.group();
                let n = (group.degree() as i32 + 7) / 8;
                let (mut x, mut y) = (BigNum::new().unwrap(), BigNum::new().unwrap());
                let mut ctx = BigNumContext::new().unwrap();
                e.public_key()
                    .affine_coordinates(group, &mut x, &mut y, &mut ctx)
                    .unwrap();
                let crv = match group.curve_name().unwrap() {
                    Nid::X9_62_PRIME256V1 => "P-256",
                    Nid::SECP384R1 => "P-384",
                    Nid::SECP521R1 => "P-521",
                    _ => "secp256k1",
                };
                json!({
                    "kty": "EC",
                    "crv": crv,
                    "x": b64url(&x.to_vec_padded(n).unwrap()),
                    "y": b64url(&y.to_vec_padded(n).unwrap()),
                })
            }
            _ => json!({"kty": "OKP", "crv": "Ed25519", "x": b64url(&k.raw_public_key().unwrap())}),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The oracle: signature checks that share no code with tokenscope.

/// What the oracle says about a token it verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verified {
    /// `jsonwebtoken::decode` (or the OpenSSL check) accepts the token as it is.
    Fully,
    /// The signature over these exact bytes holds with this key under the header's alg, but
    /// a registered header member has another JSON type than RFC 7515 gives it (`"kid": 1`),
    /// so `jsonwebtoken` refuses to read the header: a header-validation difference, not a
    /// signature one.
    HeaderTyping(String),
}

/// Verify `token` with `key` independently: `jsonwebtoken` for the algs it implements,
/// OpenSSL for ES512 and ES256K. The alg is the one the header names, and only that alg is
/// allowed; no claim is validated, but the payload must be a JSON object of claims.
fn oracle(key: &GroupKey, token: &str) -> Result<Verified, String> {
    let alg = header_alg(token)?;
    match alg.as_str() {
        "ES512" | "ES256K" => {
            openssl_ecdsa(key, &alg, token)?;
            match registered_header_members(token) {
                Ok(()) => Ok(Verified::Fully),
                Err(e) => Ok(Verified::HeaderTyping(e)),
            }
        }
        _ => match jwt_decode(key, &alg, token) {
            Ok(()) => Ok(Verified::Fully),
            Err(e) => {
                // jsonwebtoken could not read the header, but the alg is readable: check
                // the signature alone, with jsonwebtoken's own primitive, over the same bytes.
                let Err(header_error) = jsonwebtoken::decode_header(token) else {
                    return Err(e);
                };
                let jalg: jsonwebtoken::Algorithm = alg.parse().map_err(|_| e.clone())?;
                let (message, signature) = token.rsplit_once('.').ok_or(e.clone())?;
                let claims = message.split_once('.').map(|(_, p)| p).unwrap_or_default();
                let object = URL_SAFE_NO_PAD
                    .decode(claims)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok());
                let holds = jsonwebtoken::crypto::verify(
                    signature,
                    message.as_bytes(),
                    &decoding_key(key).map_err(|_| e.clone())?,
                    jalg,
                )
                .unwrap_or(false);
                if holds && object.is_some() && message.matches('.').count() == 1 {
                    Ok(Verified::HeaderTyping(format!(
                        "jsonwebtoken: {header_error:?}"
                    )))
                } else {
                    Err(e)
                }
            }
        },
    }
}

/// The header's `alg`: strict base64url, a JSON object, `alg` a string named once.
fn header_alg(token: &str) -> Result<String, String> {
    #[derive(serde::Deserialize)]
    struct Header {
        alg: String,
    }
    let header = token.split('.').next().unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|e| format!("oracle: header base64url: {e}"))?;
    serde_json::from_slice::<Map<String, Value>>(&bytes)
        .map_err(|e| format!("oracle: header is not a JSON object: {e}"))?;
    // A struct (not a map) so that a duplicate `alg` is an error.
    let h: Header =
        serde_json::from_slice(&bytes).map_err(|e| format!("oracle: header JSON: {e}"))?;
    Ok(h.alg)
}

/// The registered header members `jsonwebtoken` reads, with the types RFC 7515 gives them,
/// each at most once (what `jsonwebtoken::Header` requires, for the OpenSSL-checked algs).
fn registered_header_members(token: &str) -> Result<(), String> {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Header {
        alg: String,
        typ: Option<String>,
        cty: Option<String>,
        jku: Option<String>,
        jwk: Option<Map<String, Value>>,
        kid: Option<String>,
        x5u: Option<String>,
        x5c: Option<Vec<String>>,
        x5t: Option<String>,
        #[serde(rename = "x5t#S256")]
        x5t_s256: Option<String>,
    }
    let header = token.split('.').next().unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD.decode(header).map_err(|e| e.to_string())?;
    serde_json::from_slice::<Header>(&bytes)
        .map(|_| ())
        .map_err(|e| format!("registered header member: {e}"))
}

fn decoding_key(key: &GroupKey) -> Result<jsonwebtoken::DecodingKey, String> {
    use jsonwebtoken::DecodingKey;
    match key {
        GroupKey::Secret(s) => Ok(DecodingKey::from_secret(s)),
        GroupKey::Pair(k) => {
            let pem = k.public_key_to_pem().unwrap();
            match k.id() {
                Id::RSA => DecodingKey::from_rsa_pem(&pem),
                Id::EC => DecodingKey::from_ec_pem(&pem),
                _ => DecodingKey::from_ed_pem(&pem),
            }
            .map_err(|e| format!("jsonwebtoken: key: {e}"))
        }
    }
}

fn jwt_decode(key: &GroupKey, alg: &str, token: &str) -> Result<(), String> {
    use jsonwebtoken::{Algorithm, Validation};
    let alg: Algorithm = alg
        .parse()
        .map_err(|e| format!("jsonwebtoken: alg {alg:?}: {e}"))?;
    let dk = decoding_key(key)?;
    let mut validation = Validation::new(alg);
    validation.algorithms = vec![alg];
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    jsonwebtoken::decode::<Map<String, Value>>(token, &dk, &validation)
        .map(|_| ())
        .map_err(|e| format!("jsonwebtoken: {e:?}"))
}

/// ES512 / ES256K with OpenSSL: three segments, strict base64url, a JSON payload (as
/// `jsonwebtoken` requires), the key on the alg's curve, R||S of the curve's size.
fn openssl_ecdsa(key: &GroupKey, alg: &str, token: &str) -> Result<(), String> {
    let public = key.public().ok_or("openssl: an ECDSA alg with a secret")?;
    let ec_key = public.ec_key().map_err(|_| "openssl: not an EC key")?;
    let (nid, md, n) = match alg {
        "ES512" => (Nid::SECP521R1, MessageDigest::sha512(), 66),
        _ => (Nid::SECP256K1, MessageDigest::sha256(), 32),
    };
    if ec_key.group().curve_name() != Some(nid) {
        return Err(format!("openssl: {alg} with a key on another curve"));
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err(format!("openssl: {} segments", parts.len()));
    };
    let payload = URL_SAFE_NO_PAD
        .decode(p)
        .map_err(|e| format!("openssl: payload base64url: {e}"))?;
    serde_json::from_slice::<Map<String, Value>>(&payload)
        .map_err(|e| format!("openssl: payload is not a JSON object: {e}"))?;
    // Each registered claim jsonwebtoken reads at most once, as jsonwebtoken requires.
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Registered {
        exp: Option<Value>,
        nbf: Option<Value>,
        sub: Option<Value>,
        iss: Option<Value>,
        aud: Option<Value>,
    }
    serde_json::from_slice::<Registered>(&payload).map_err(|e| format!("openssl: payload: {e}"))?;
    let sig = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|e| format!("openssl: signature base64url: {e}"))?;
    if sig.len() != 2 * n {
        return Err(format!("openssl: signature of {} bytes", sig.len()));
    }
    let r = BigNum::from_slice(&sig[..n]).unwrap();
    let s = BigNum::from_slice(&sig[n..]).unwrap();
    let der = EcdsaSig::from_private_components(r, s)
        .and_then(|e| e.to_der())
        .map_err(|e| format!("openssl: {e}"))?;
    let mut verifier = Verifier::new(md, &public).unwrap();
    match verifier.verify_oneshot(&der, format!("{h}.{p}").as_bytes()) {
        Ok(true) => Ok(()),
        Ok(false) => Err("openssl: signature mismatch".into()),
        Err(e) => Err(format!("openssl: {e}")),
    }
}

// ---------------------------------------------------------------------------------------
// Signing (OpenSSL), for the re-signed mutants.

/// The base64url signature of `input` under `alg` with `key`, when the key can produce one
/// (`None` when it cannot: an EC key for RS256...). HS* with a key pair signs with the public
/// key PEM as the HMAC secret (algorithm confusion); `none` has an empty signature.
fn raw_sign(alg: &str, key: &GroupKey, input: &str) -> Option<String> {
    let msg = input.as_bytes();
    let sig = match (alg, key) {
        ("HS256" | "HS384" | "HS512", _) => {
            let md = match alg {
                "HS256" => MessageDigest::sha256(),
                "HS384" => MessageDigest::sha384(),
                _ => MessageDigest::sha512(),
            };
            let hkey = PKey::hmac(&key.spki_pem()).unwrap();
            Signer::new(md, &hkey)
                .unwrap()
                .sign_oneshot_to_vec(msg)
                .unwrap()
        }
        (a, _) if a.eq_ignore_ascii_case("none") || a.is_empty() => Vec::new(),
        (_, GroupKey::Secret(_)) => return None,
        (a, GroupKey::Pair(k)) if a.starts_with("RS") || a.starts_with("PS") => {
            k.rsa().ok()?;
            let md = match &a[2..] {
                "256" => MessageDigest::sha256(),
                "384" => MessageDigest::sha384(),
                "512" => MessageDigest::sha512(),
                _ => return None,
            };
            let mut s = Signer::new(md, k).unwrap();
            if a.starts_with("PS") {
                s.set_rsa_padding(Padding::PKCS1_PSS).unwrap();
                s.set_rsa_mgf1_md(md).unwrap();
                s.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH).unwrap();
            } else {
                s.set_rsa_padding(Padding::PKCS1).unwrap();
            }
            s.sign_oneshot_to_vec(msg).unwrap()
        }
        ("ES256" | "ES384" | "ES512" | "ES256K", GroupKey::Pair(k)) => {
            let e = k.ec_key().ok()?;
            let md = match alg {
                "ES384" => MessageDigest::sha384(),
                "ES512" => MessageDigest::sha512(),
                _ => MessageDigest::sha256(),
            };
            let n = (e.group().degree() as i32 + 7) / 8;
            let der = Signer::new(md, k)
                .unwrap()
                .sign_oneshot_to_vec(msg)
                .unwrap();
            let sig = EcdsaSig::from_der(&der).unwrap();
            let mut raw = sig.r().to_vec_padded(n).unwrap();
            raw.extend(sig.s().to_vec_padded(n).unwrap());
            raw
        }
        ("EdDSA", GroupKey::Pair(k)) if k.id() == Id::ED25519 => Signer::new_without_digest(k)
            .unwrap()
            .sign_oneshot_to_vec(msg)
            .unwrap(),
        _ => return None,
    };
    Some(b64url(&sig))
}

// ---------------------------------------------------------------------------------------
// Valid tokens.

fn claims(alg: &str, sub: &str) -> Value {
    json!({"sub": format!("{sub}-{alg}"), "exp": FAR, "iat": 1_700_000_000})
}

/// A valid token: `jsonwebtoken::encode` where it implements the alg, josekit otherwise.
fn valid_token(alg: &str, key: &GroupKey, claims: &Value) -> String {
    use jsonwebtoken::{EncodingKey, Header};
    let Ok(jalg) = alg.parse::<jsonwebtoken::Algorithm>() else {
        return sign(&*signer(alg, &[]), json!({"typ": "JWT"}), claims);
    };
    let ek = match key {
        GroupKey::Secret(s) => EncodingKey::from_secret(s),
        GroupKey::Pair(k) => {
            let pem = k.private_key_to_pem_pkcs8().unwrap();
            match k.id() {
                Id::RSA => EncodingKey::from_rsa_pem(&pem),
                Id::EC => EncodingKey::from_ec_pem(&pem),
                _ => EncodingKey::from_ed_pem(&pem),
            }
            .unwrap()
        }
    };
    jsonwebtoken::encode(&Header::new(jalg), claims, &ek).unwrap()
}

// ---------------------------------------------------------------------------------------
// Mutants.

/// Mutants of one token, each with a label saying how it was made.
struct Mutants {
    list: Vec<(String, String)>,
    seen: HashSet<String>,
}

impl Mutants {
    fn new(originals: &[&str]) -> Mutants {
        Mutants {
            list: Vec::new(),
            seen: originals.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn add(&mut self, label: impl Into<String>, token: String) {
        // One token per input line: a mutant never spans lines.
        if token.contains('\n') || token.contains('\r') {
            return;
        }
        if self.seen.insert(token.clone()) {
            self.list.push((label.into(), token));
        }
    }
}

fn b64json(s: &str) -> String {
    b64url(s.as_bytes())
}

/// The header variants of a token whose header is `h0` (compact JSON text).
fn header_variants(alg: &str, h0: &Map<String, Value>, other: &GroupKey) -> Vec<(String, String)> {
    let compact = serde_json::to_string(h0).unwrap();
    let with = |k: &str, v: Value| {
        let mut m = h0.clone();
        m.insert(k.to_string(), v);
        serde_json::to_string(&m).unwrap()
    };
    let without = |k: &str| {
        let mut m = h0.clone();
        m.remove(k);
        serde_json::to_string(&m).unwrap()
    };
    let mut v: Vec<(String, String)> = Vec::new();
    let mut push = |label: &str, s: String| v.push((label.to_string(), s));
    let reversed: Map<String, Value> = h0
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    push(
        "header reordered",
        serde_json::to_string(&reversed).unwrap(),
    );
    push("header pretty", serde_json::to_string_pretty(h0).unwrap());
    push("header surrounding spaces", format!(" {compact} "));
    push(
        "header inner whitespace",
        compact.replace(',', " ,\t").replace(':', ": "),
    );
    push("header trailing newline", format!("{compact}\n"));
    push("header BOM", format!("\u{feff}{compact}"));
    push("header trailing garbage", format!("{compact}x"));
    push("header two objects", format!("{compact}{{}}"));
    for a in ALGS
        .iter()
        .copied()
        .chain(["none", "None", "NONE", "nOnE", "", "HS1", "RS1", "ES256 "])
    {
        if a != alg {
            push(&format!("alg -> {a:?}"), with("alg", json!(a)));
        }
    }
    push("alg lowercase", with("alg", json!(alg.to_lowercase())));
    let escaped = alg
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect::<String>();
    push(
        "alg unicode-escaped",
        compact.replace(&format!("\"{alg}\""), &format!("\"{escaped}\"")),
    );
    push("alg null", with("alg", Value::Null));
    push("alg array", with("alg", json!([alg])));
    push("alg removed", without("alg"));
    push("ALG member name", compact.replace("\"alg\"", "\"ALG\""));
    // The duplicate-member headers are written out by hand: serde_json maps cannot hold them.
    push(
        "duplicate alg, none second",
        format!("{{\"alg\":\"{alg}\",\"alg\":\"none\"}}"),
    );
    push(
        "duplicate alg, none first",
        format!("{{\"alg\":\"none\",\"alg\":\"{alg}\"}}"),
    );
    push(
        "duplicate alg, HS256 second",
        format!("{{\"alg\":\"{alg}\",\"alg\":\"HS256\"}}"),
    );
    push(
        "duplicate typ",
        format!("{{\"alg\":\"{alg}\",\"typ\":\"JWT\",\"typ\":\"JWS\"}}"),
    );
    push("kid added", with("kid", json!("k1")));
    push("kid other", with("kid", json!("another-key")));
    push("kid path", with("kid", json!("../../../dev/null")));
    push("kid number", with("kid", json!(1)));
    push("kid empty", with("kid", json!("")));
    push("typ JWS", with("typ", json!("JWS")));
    push("typ at+jwt", with("typ", json!("at+jwt")));
    push("typ lowercase", with("typ", json!("jwt")));
    push("typ number", with("typ", json!(1)));
    push("typ null", with("typ", Value::Null));
    push("typ removed", without("typ"));
    push("cty JWT", with("cty", json!("JWT")));
    push("zip DEF", with("zip", json!("DEF")));
    push("crit [exp]", with("crit", json!(["exp"])));
    push("crit [b64] without b64", with("crit", json!(["b64"])));
    push("crit []", with("crit", json!([])));
    push("crit string", with("crit", json!("b64")));
    push("crit [zzz]", {
        let mut m = h0.clone();
        m.insert("crit".into(), json!(["zzz"]));
        m.insert("zzz".into(), json!(1));
        serde_json::to_string(&m).unwrap()
    });
    push("crit [b64] b64 true", {
        let mut m = h0.clone();
        m.insert("crit".into(), json!(["b64"]));
        m.insert("b64".into(), json!(true));
        serde_json::to_string(&m).unwrap()
    });
    push("crit [b64] b64 false", {
        let mut m = h0.clone();
        m.insert("crit".into(), json!(["b64"]));
        m.insert("b64".into(), json!(false));
        serde_json::to_string(&m).unwrap()
    });
    push("b64 false without crit", with("b64", json!(false)));
    push(
        "x5u",
        with("x5u", json!("https://attacker.invalid/cert.pem")),
    );
    push("jwk of another key", with("jwk", other.jwk()));
    push("header empty object", "{}".to_string());
    push("header null", "null".to_string());
    push("header array", format!("[\"{alg}\"]"));
    push("header string", format!("\"{alg}\""));
    push("header empty", String::new());
    v
}

fn payload_variants(claims: &Value) -> Vec<(String, String)> {
    let compact = serde_json::to_string(claims).unwrap();
    let map = claims.as_object().unwrap();
    let reversed: Map<String, Value> = map
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let with = |k: &str, v: Value| {
        let mut m = map.clone();
        m.insert(k.to_string(), v);
        serde_json::to_string(&m).unwrap()
    };
    let sub = map["sub"].as_str().unwrap();
    let escaped_sub: String = sub
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    vec![
        (
            "payload pretty".into(),
            serde_json::to_string_pretty(claims).unwrap(),
        ),
        (
            "payload reordered".into(),
            serde_json::to_string(&reversed).unwrap(),
        ),
        ("payload surrounding spaces".into(), format!(" {compact} ")),
        (
            "payload inner whitespace".into(),
            compact.replace(',', ", "),
        ),
        (
            "payload sub unicode-escaped".into(),
            compact.replace(&format!("\"{sub}\""), &format!("\"{escaped_sub}\"")),
        ),
        ("payload exp float".into(), with("exp", json!(FAR as f64))),
        (
            "payload exp exponent".into(),
            compact.replace(&FAR.to_string(), "4.1024448e9"),
        ),
        (
            "payload exp string".into(),
            with("exp", json!(FAR.to_string())),
        ),
        ("payload sub changed".into(), with("sub", json!("admin"))),
        ("payload exp changed".into(), with("exp", json!(FAR + 1))),
        (
            "payload duplicate sub".into(),
            compact.replacen('{', "{\"sub\":\"admin\",", 1),
        ),
        ("payload trailing garbage".into(), format!("{compact}x")),
        ("payload BOM".into(), format!("\u{feff}{compact}")),
        ("payload not JSON".into(), "not json".into()),
        ("payload null".into(), "null".into()),
        ("payload array".into(), "[]".into()),
        ("payload empty".into(), String::new()),
    ]
}

/// Every mutant of `token` (a valid `alg` token verified by `key`). `second` is another valid
/// token of the same key; `foreign` are the valid tokens of the other algs.
fn mutants(
    alg: &str,
    token: &str,
    second: &str,
    foreign: &[&str],
    key: &GroupKey,
    other: &GroupKey,
    jku: &str,
) -> Vec<(String, String)> {
    let mut out = Mutants::new(&[token, second]);
    let seg: Vec<&str> = token.split('.').collect();
    let (h, p, s) = (seg[0], seg[1], seg[2]);
    let seg2: Vec<&str> = second.split('.').collect();
    let bytes = token.as_bytes();

    // Every position: PER_POSITION other base64url characters, and a few non-base64url ones.
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'.' {
            continue;
        }
        let o = B64URL.iter().position(|&c| c == b).unwrap();
        for k in 1..=PER_POSITION {
            let off = 1 + (i * 7 + k * 13) % 63;
            let mut m = bytes.to_vec();
            m[i] = B64URL[(o + off) % 64];
            out.add(
                format!("position {i} replaced"),
                String::from_utf8(m).unwrap(),
            );
        }
        if i % 9 == 0 {
            for c in [b'+', b'/', b'=', b'.', b'%', b' '] {
                let mut m = bytes.to_vec();
                m[i] = c;
                out.add(
                    format!("position {i} -> {:?}", c as char),
                    String::from_utf8(m).unwrap(),
                );
            }
        }
    }
    // The last character of each segment: every alternative (its low bits may be unused).
    let mut end = 0;
    for part in &seg {
        end += part.len();
        if !part.is_empty() {
            for &c in B64URL {
                let mut m = bytes.to_vec();
                m[end - 1] = c;
                out.add(
                    format!(
                        "last character of segment ending at {end} -> {:?}",
                        c as char
                    ),
                    String::from_utf8(m).unwrap(),
                );
            }
        }
        end += 1;
    }

    // Segment swaps and counts.
    for (label, parts) in [
        ("swap header/payload", vec![p, h, s]),
        ("swap payload/signature", vec![h, s, p]),
        ("swap header/signature", vec![s, p, h]),
        ("rotate left", vec![p, s, h]),
        ("rotate right", vec![s, h, p]),
        ("header twice", vec![h, h, s]),
        ("payload twice", vec![p, p, s]),
        ("signature from another token", vec![h, p, seg2[2]]),
        ("payload from another token", vec![h, seg2[1], s]),
        (
            "header+payload from another token",
            vec![seg2[0], seg2[1], s],
        ),
        ("no signature", vec![h, p]),
        ("empty signature", vec![h, p, ""]),
        ("empty payload", vec![h, "", s]),
        ("empty header", vec!["", p, s]),
        ("signature twice", vec![h, p, s, s]),
        ("extra segment", vec![h, p, s, ""]),
        ("five segments", vec![h, p, s, p, s]),
        ("signature doubled", vec![h, p, &format!("{s}{s}")]),
        ("signature halved", vec![h, p, &s[..s.len() / 2]]),
    ] {
        out.add(label, parts.join("."));
    }
    for f in foreign {
        out.add("token of another alg", f.to_string());
        let fs: Vec<&str> = f.split('.').collect();
        out.add(
            "signature of another alg's token",
            format!("{h}.{p}.{}", fs[2]),
        );
        out.add(
            "header of another alg's token",
            format!("{}.{p}.{s}", fs[0]),
        );
    }

    // Header re-encodings: with the original signature (which no longer matches), and
    // re-signed with the group key under the alg the new header names.
    let h0: Map<String, Value> =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap();
    for (label, text) in header_variants(alg, &h0, other) {
        let hb = b64json(&text);
        out.add(
            format!("{label} (original signature)"),
            format!("{hb}.{p}.{s}"),
        );
        let named = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("alg").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| alg.to_string());
        let input = format!("{hb}.{p}");
        if let Some(sig) = raw_sign(&named, key, &input) {
            out.add(
                format!("{label} (re-signed {named})"),
                format!("{input}.{sig}"),
            );
        }
        if label == "jwk of another key" {
            let sig = raw_sign(alg, other, &input).unwrap();
            out.add(
                format!("{label} (signed by that key)"),
                format!("{input}.{sig}"),
            );
        }
    }
    // A JWKS URL serving the attacker's key, and the token signed by that key.
    {
        let text = serde_json::to_string(&{
            let mut m = h0.clone();
            m.insert("jku".into(), json!(jku));
            m
        })
        .unwrap();
        let input = format!("{}.{p}", b64json(&text));
        let sig = raw_sign(alg, other, &input).unwrap();
        out.add(
            "jku to the attacker's JWKS (signed by that key)",
            format!("{input}.{sig}"),
        );
    }
    // Signed by another key, and the HMAC of the public key (algorithm confusion).
    let input = format!("{h}.{p}");
    out.add(
        "signed by another key",
        format!("{input}.{}", raw_sign(alg, other, &input).unwrap()),
    );
    if let GroupKey::Pair(k) = key {
        let pem = k.public_key_to_pem().unwrap();
        let der = k.public_key_to_der().unwrap();
        for (what, secret) in [
            ("PEM", pem.clone()),
            ("PEM without newline", pem.trim_ascii_end().to_vec()),
            ("DER", der),
        ] {
            for hs in ["HS256", "HS384", "HS512"] {
                let mut m = h0.clone();
                m.insert("alg".into(), json!(hs));
                let text = serde_json::to_string(&m).unwrap();
                let forged = hmac_token(
                    hs,
                    &secret,
                    &serde_json::from_str(&text).unwrap(),
                    &serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap(),
                );
                out.add(format!("{hs} keyed with the public key {what}"), forged);
            }
        }
    }

    // Payload re-encodings: original signature, and re-signed.
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
    for (label, text) in payload_variants(&claims) {
        let pb = b64json(&text);
        out.add(
            format!("{label} (original signature)"),
            format!("{h}.{pb}.{s}"),
        );
        let input = format!("{h}.{pb}");
        if let Some(sig) = raw_sign(alg, key, &input) {
            out.add(format!("{label} (re-signed)"), format!("{input}.{sig}"));
        }
    }

    // Truncations: every prefix, and each segment cut at either end.
    for n in 1..token.len() {
        out.add(format!("truncated to {n}"), token[..n].to_string());
    }
    for (i, part) in seg.iter().enumerate() {
        for cut in 1..=4.min(part.len()) {
            let mut parts = seg.clone();
            let shorter = &part[..part.len() - cut];
            parts[i] = shorter;
            out.add(format!("segment {i} loses its last {cut}"), parts.join("."));
            let shorter = &part[cut..];
            parts[i] = shorter;
            out.add(
                format!("segment {i} loses its first {cut}"),
                parts.join("."),
            );
        }
    }

    // Padding.
    for (i, _) in seg.iter().enumerate() {
        for pad in ["=", "==", "==="] {
            let mut parts: Vec<String> = seg.iter().map(|s| s.to_string()).collect();
            parts[i].push_str(pad);
            out.add(format!("segment {i} padded {pad:?}"), parts.join("."));
        }
    }
    // The canonical padding of each segment, as standard base64 would write it.
    let padded: Vec<String> = seg
        .iter()
        .map(|s| format!("{s}{}", "=".repeat((4 - s.len() % 4) % 4)))
        .collect();
    out.add("every segment padded", padded.join("."));
    out.add("trailing dot", format!("{token}."));
    out.add("leading dot", format!(".{token}"));
    out.list
}

// ---------------------------------------------------------------------------------------
// The batch run.

struct Outcome {
    /// The token tokenscope inspected.
    token: String,
    accepted: bool,
}

/// `tokenscope inspect --batch - --json` over `lines`: the outcomes by line (1-based).
fn batch(sb: &Sandbox, key_args: &[String], lines: &[&str]) -> BTreeMap<usize, Vec<Outcome>> {
    let mut input = lines.join("\n");
    input.push('\n');
    let out = sb
        .cmd()
        .args(["inspect", "--batch", "-", "--json", "--profile", "generic"])
        .args(["--at", AT])
        .args(key_args)
        .write_stdin(input)
        .output()
        .expect("run tokenscope");
    assert!(
        matches!(out.status.code(), Some(0 | 1 | 3)),
        "tokenscope exited {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut by_line: BTreeMap<usize, Vec<Outcome>> = BTreeMap::new();
    for row in String::from_utf8(out.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(row).unwrap_or_else(|e| panic!("{e}: {row}"));
        let line = v["line"].as_u64().expect("a line number") as usize;
        by_line.entry(line).or_default().push(Outcome {
            token: v["token"].as_str().unwrap_or_default().to_string(),
            accepted: v["accepted"] == json!(true),
        });
    }
    by_line
}

fn key_args(sb: &Sandbox, alg: &str, key: &GroupKey) -> Vec<String> {
    match key {
        GroupKey::Secret(s) => {
            let path = sb.write("secret.bin", s);
            restrict(&path);
            vec!["--secret".into(), format!("@{}", path.display())]
        }
        GroupKey::Pair(_) => {
            let path = sb.write(&format!("{alg}.pub.pem"), key.spki_pem());
            vec!["--key-file".into(), path.display().to_string()]
        }
    }
}

fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Every mutant of every alg's token through `inspect --batch - --json`, one process per alg.
///
/// Fails on a disagreement: an accepted token the oracle does not verify in full (its
/// signature and a header it reads: `"kid": 1` is one), or a line accepted through a token
/// found inside it (`.TOKEN`, `TOKEN=`: the token accepted is not the line). Reported on stderr
/// without failing: tokens the oracle verifies and tokenscope refuses (or batch intake does
/// not find): tokenscope may be stricter, never looser.
#[test]
fn accepted_implies_the_oracle_verifies_the_same_bytes() {
    let started = std::time::Instant::now();
    let sb = Sandbox::new();
    let keys: Vec<GroupKey> = ALGS.iter().map(|a| GroupKey::for_alg(a)).collect();
    let originals: Vec<String> = ALGS
        .iter()
        .zip(&keys)
        .map(|(a, k)| valid_token(a, k, &claims(a, "differential")))
        .collect();
    let seconds: Vec<String> = ALGS
        .iter()
        .zip(&keys)
        .map(|(a, k)| valid_token(a, k, &claims(a, "second")))
        .collect();

    let mut total = 0usize;
    let mut total_accepted = 0usize;
    // Accepted by tokenscope, refused by the oracle, or a reported token that is not in its line.
    let mut disagreements: Vec<String> = Vec::new();
    // Accepted by tokenscope; the signature holds, but jsonwebtoken will not read the header.
    let mut header_typing: BTreeMap<String, Family> = BTreeMap::new();
    // Accepted by tokenscope as a token found inside a longer line (batch intake).
    let mut embedded: BTreeMap<String, Family> = BTreeMap::new();
    // What tokenscope accepted, and what only the oracle verifies, by kind of mutant.
    let mut accepted_families: BTreeMap<String, Family> = BTreeMap::new();
    let mut oracle_only: BTreeMap<String, Family> = BTreeMap::new();
    let mut per_alg: Vec<String> = Vec::new();

    for (i, alg) in ALGS.iter().enumerate() {
        let key = &keys[i];
        let other = key.other();
        let jwks = json!({"keys": [other.jwk()]}).to_string();
        let (jku, hits) = common::serve(jwks);
        let foreign: Vec<&str> = originals
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, t)| t.as_str())
            .collect();
        let list = mutants(
            alg,
            &originals[i],
            &seconds[i],
            &foreign,
            key,
            &other,
            &format!("{jku}/jwks.json"),
        );
        let mut lines: Vec<&str> = vec![&originals[i], &seconds[i]];
        lines.extend(list.iter().map(|(_, t)| t.as_str()));
        let args = key_args(&sb, alg, key);
        let outcomes = batch(&sb, &args, &lines);

        for (n, original) in [&originals[i], &seconds[i]].into_iter().enumerate() {
            let o = outcomes
                .get(&(n + 1))
                .map(Vec::as_slice)
                .unwrap_or_default();
            assert!(
                o.len() == 1 && o[0].accepted && o[0].token == *original,
                "{alg}: the unmutated token is not accepted: {original}"
            );
            assert_eq!(
                oracle(key, original),
                Ok(Verified::Fully),
                "{alg}: the oracle refuses the unmutated token {original}"
            );
        }

        let mut accepted = 0;
        for (n, (label, token)) in list.iter().enumerate() {
            let outs = outcomes
                .get(&(n + 3))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut any = false;
            for o in outs.iter().filter(|o| o.accepted) {
                any = true;
                match oracle(key, &o.token) {
                    Ok(Verified::Fully) => {}
                    Ok(Verified::HeaderTyping(e)) => {
                        header_typing
                            .entry(family(label))
                            .or_default()
                            .add(alg, &format!("{} ({e})", o.token));
                        disagreements.push(format!(
                            "{alg} [{label}]: tokenscope accepted {:?}, whose header jsonwebtoken refuses: {e}",
                            o.token
                        ));
                    }
                    Err(e) => disagreements.push(format!(
                        "{alg} [{label}]: tokenscope accepted {:?} (line {token:?}); oracle: {e}",
                        o.token
                    )),
                }
                if o.token != *token {
                    if !token.contains(o.token.as_str()) {
                        disagreements.push(format!(
                            "{alg} [{label}]: accepted {:?}, which is not in its line {token:?}",
                            o.token
                        ));
                    }
                    disagreements.push(format!(
                        "{alg} [{label}]: the line {token:?} was accepted as the token {:?} found inside it",
                        o.token
                    ));
                    let on_line = oracle(key, token).err().unwrap_or_else(|| "ok".into());
                    embedded.entry(family(label)).or_default().add(
                        alg,
                        &format!(
                            "line {token} accepted as {}; oracle on the line: {on_line}",
                            o.token
                        ),
                    );
                }
            }
            if any {
                accepted += 1;
                accepted_families
                    .entry(family(label))
                    .or_default()
                    .add(alg, token);
            } else if let Ok(verdict) = oracle(key, token) {
                let mut f = family(label);
                if outs.is_empty() {
                    f.push_str(" [not found by batch intake]");
                }
                if verdict != Verified::Fully {
                    f.push_str(" [jsonwebtoken cannot read the header; the signature holds]");
                }
                oracle_only.entry(f).or_default().add(alg, token);
            }
        }
        assert_eq!(
            hits.load(std::sync::atomic::Ordering::SeqCst),
            0,
            "{alg}: tokenscope fetched the jku URL"
        );
        per_alg.push(format!("{alg} {}/{accepted}", list.len()));
        total += list.len();
        total_accepted += accepted;
    }

    eprintln!(
        "differential: mutants/accepted per alg: {}",
        per_alg.join(", ")
    );
    eprintln!(
        "differential: {total} mutated tokens over {} algs, {total_accepted} accepted by tokenscope, {} disagreements with the oracle, {:.1?}",
        ALGS.len(),
        disagreements.len(),
        started.elapsed()
    );
    let names = |m: &BTreeMap<String, Family>| {
        m.iter()
            .map(|(f, fam)| format!("{f} x{}", fam.count))
            .collect::<Vec<_>>()
            .join("; ")
    };
    eprintln!(
        "differential: accepted by tokenscope and verified by the oracle: {}",
        names(&accepted_families)
    );
    eprintln!(
        "differential: verified by the oracle, refused by tokenscope: {}",
        names(&oracle_only)
    );
    for (f, fam) in &embedded {
        eprintln!(
            "differential: batch intake found an accepted token inside a longer line: {f}: {fam}"
        );
    }
    for (f, fam) in &header_typing {
        eprintln!(
            "differential: accepted; the signature holds, but jsonwebtoken refuses the header: {f}: {fam}"
        );
    }
    for d in &disagreements {
        eprintln!("differential: DISAGREEMENT: {d}");
    }
    assert!(total >= 10_000, "only {total} mutated tokens");
    assert!(
        disagreements.is_empty(),
        "{} disagreements (see above)",
        disagreements.len()
    );
}

/// Mutants of one kind, over the algs.
#[derive(Default)]
struct Family {
    count: usize,
    algs: BTreeSet<&'static str>,
    example: String,
}

impl Family {
    fn add(&mut self, alg: &'static str, token: &str) {
        self.count += 1;
        self.algs.insert(alg);
        if self.example.is_empty() {
            self.example = token.to_string();
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let algs: Vec<&str> = self.algs.iter().copied().collect();
        write!(
            f,
            "x{} ({}), e.g. {}",
            self.count,
            algs.join(" "),
            self.example
        )
    }
}

/// The kind of a mutant, from its label: positions, lengths and algs folded away.
fn family(label: &str) -> String {
    let label = match label.split_once(" -> ") {
        Some((head, _)) if head.starts_with("last character") => head,
        _ => label,
    };
    let mut out = String::new();
    let mut number = false;
    for c in label.chars() {
        if c.is_ascii_digit() && (number || out.ends_with(' ')) {
            if !number {
                out.push('N');
            }
            number = true;
        } else {
            number = false;
            out.push(c);
        }
    }
    for alg in ALGS {
        out = out.replace(&format!("re-signed {alg})"), "re-signed)");
    }
    out
}

// ---------------------------------------------------------------------------------------
// Random mutations through the library API.

mod api {
    use super::*;
    use tokenscope::keys::{KeyRing, parse_key_bytes};
    use tokenscope::{Options, Profile, ProfileChoice, inspect_text};

    pub fn ring() -> &'static KeyRing {
        static RING: OnceLock<KeyRing> = OnceLock::new();
        RING.get_or_init(|| {
            let mut ring = KeyRing::default();
            let hs = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64url(SECRET));
            ring.keys
                .extend(parse_key_bytes("hs", hs.as_bytes()).unwrap());
            let pem = rsa().public_key_to_pem().unwrap();
            ring.keys.extend(parse_key_bytes("rsa", &pem).unwrap());
            ring
        })
    }

    pub fn opts() -> Options {
        Options {
            profile: ProfileChoice::Fixed(Profile::Generic),
            at: AT_UNIX,
            skew: 60,
            ..Options::default()
        }
    }

    /// The valid HS256 and RS256 tokens, checked once to be accepted by both sides.
    pub fn tokens() -> &'static [String; 2] {
        static T: OnceLock<[String; 2]> = OnceLock::new();
        T.get_or_init(|| {
            let hs = GroupKey::Secret(SECRET.to_vec());
            let rs = GroupKey::Pair(rsa().clone());
            let t = [
                valid_token("HS256", &hs, &claims("HS256", "proptest")),
                valid_token("RS256", &rs, &claims("RS256", "proptest")),
            ];
            for (token, key) in t.iter().zip([&hs, &rs]) {
                let insp = inspect_text(token, ring(), &opts()).unwrap();
                assert!(
                    insp.accepted,
                    "the unmutated token is not accepted: {token}"
                );
                oracle(key, token).unwrap();
            }
            t
        })
    }

    pub fn key_named(name: &str) -> GroupKey {
        match name {
            "hs" => GroupKey::Secret(SECRET.to_vec()),
            "rsa" => GroupKey::Pair(rsa().clone()),
            other => panic!("accepted with an unexpected key {other:?}"),
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Replace(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Delete(prop::sample::Index),
}

fn mutation_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => prop::sample::select(B64URL.to_vec()),
        1 => prop::sample::select(b".=+/ \n\t%\"'".to_vec()),
        1 => any::<u8>(),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<prop::sample::Index>(), mutation_byte()).prop_map(|(i, b)| Op::Replace(i, b)),
        1 => (any::<prop::sample::Index>(), mutation_byte()).prop_map(|(i, b)| Op::Insert(i, b)),
        1 => any::<prop::sample::Index>().prop_map(Op::Delete),
    ]
}

fn apply(token: &str, ops: &[Op]) -> Vec<u8> {
    let mut b = token.as_bytes().to_vec();
    for op in ops {
        match op {
            Op::Replace(i, c) if !b.is_empty() => {
                let i = i.index(b.len());
                b[i] = *c;
            }
            Op::Insert(i, c) => {
                let i = i.index(b.len() + 1);
                b.insert(i, *c);
            }
            Op::Delete(i) if !b.is_empty() => {
                let i = i.index(b.len());
                b.remove(i);
            }
            _ => {}
        }
    }
    b
}

/// Random byte mutations (replacements, insertions, deletions) of a valid HS256 and a valid
/// RS256 token through `inspect_text`: whenever tokenscope accepts, the oracle verifies the
/// token tokenscope reports, and that token is the input (trimmed) unless intake says what it
/// removed.
#[test]
fn random_mutations_accepted_only_when_the_oracle_verifies() {
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (cases, accepted, normalised) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        ..Config::default()
    });
    let strategy = (any::<bool>(), prop::collection::vec(op(), 1..5));
    let result = runner.run(&strategy, |(rs256, ops)| {
        cases.fetch_add(1, Ordering::Relaxed);
        let token = &api::tokens()[usize::from(rs256)];
        let text = String::from_utf8_lossy(&apply(token, &ops)).into_owned();
        let Ok(insp) = tokenscope::inspect_text(&text, api::ring(), &api::opts()) else {
            return Ok(());
        };
        if !insp.accepted {
            return Ok(());
        }
        accepted.fetch_add(1, Ordering::Relaxed);
        let name = insp.layers[0].key.clone().unwrap_or_default();
        let verdict = oracle(&api::key_named(&name), &insp.token);
        if verdict.is_err() {
            return Err(TestCaseError::fail(format!(
                "tokenscope accepted {:?} (input {text:?}) with key {name}; oracle: {verdict:?}",
                insp.token
            )));
        }
        if insp.token != text {
            normalised.fetch_add(1, Ordering::Relaxed);
            if insp.token != text.trim() && insp.stripped.is_empty() {
                return Err(TestCaseError::fail(format!(
                    "accepted {:?} for the input {text:?} without saying what it removed",
                    insp.token
                )));
            }
        }
        Ok(())
    });
    eprintln!(
        "differential (library API): {} random mutants of an HS256 and an RS256 token, {} accepted (each verified by the oracle), {} of them after intake removed something",
        cases.load(Ordering::Relaxed),
        accepted.load(Ordering::Relaxed),
        normalised.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The mutants cover every alg, and the oracle itself refuses what it must (a sanity check
/// of the oracle, so that agreement means something).
#[test]
fn the_oracle_refuses_tampering() {
    let mut seen = BTreeSet::new();
    for alg in ALGS {
        let key = GroupKey::for_alg(alg);
        let token = valid_token(alg, &key, &claims(alg, "oracle"));
        oracle(&key, &token).unwrap_or_else(|e| panic!("{alg}: {e}"));
        let (input, sig) = token.rsplit_once('.').unwrap();
        let mut tag = URL_SAFE_NO_PAD.decode(sig).unwrap();
        tag[0] ^= 1;
        assert!(
            oracle(&key, &format!("{input}.{}", b64url(&tag))).is_err(),
            "{alg}"
        );
        assert!(oracle(&key.other(), &token).is_err(), "{alg}");
        let none = format!(
            "{}.{}.",
            b64json(r#"{"alg":"none"}"#),
            token.split('.').nth(1).unwrap()
        );
        assert!(oracle(&key, &none).is_err(), "{alg}");
        seen.insert(alg);
    }
    assert_eq!(seen.len(), ALGS.len());
}
