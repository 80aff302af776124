//! The independent verifier: jsonwebtoken (ring) for the algs it implements, OpenSSL driven directly for ES512 and ES256K.

use super::*;

/// What the oracle says about a token it verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verified {
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
pub(super) fn oracle(key: &GroupKey, token: &str) -> Result<Verified, String> {
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
pub(super) fn header_alg(token: &str) -> Result<String, String> {
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
pub(super) fn registered_header_members(token: &str) -> Result<(), String> {
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

pub(super) fn decoding_key(key: &GroupKey) -> Result<jsonwebtoken::DecodingKey, String> {
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

pub(super) fn jwt_decode(key: &GroupKey, alg: &str, token: &str) -> Result<(), String> {
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
pub(super) fn openssl_ecdsa(key: &GroupKey, alg: &str, token: &str) -> Result<(), String> {
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
