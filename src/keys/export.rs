//! Public halves for platforms (SPKI PEM, JWK, JWKS) and key fingerprints (RFC 7638 JWK
//! thumbprints).

use base64::Engine as _;
use openssl::bn::{BigNum, BigNumContext};
use serde_json::{Map, Value};

use super::error::{KeyError, ssl_reason};
use super::material::{B64URL, curve_bytes, curve_jwk_name, okp_jwk_name, public_pkey};
use super::{Key, KeyType, Material, OkpCurve, algs};

/// The members that define a public key, as base64url strings, in RFC 7638 order
/// (lexicographic), `kty` included.
fn required_members(key: &Key) -> Result<Vec<(&'static str, String)>, KeyError> {
    let pkey = public_pkey(key)?;
    let fail =
        |e: openssl::error::ErrorStack| KeyError::invalid(&key.name, "public key", ssl_reason(&e));
    Ok(match key.key_type {
        KeyType::Rsa { .. } => {
            let rsa = pkey.rsa().map_err(fail)?;
            vec![
                ("e", B64URL.encode(rsa.e().to_vec())),
                ("kty", "RSA".to_string()),
                ("n", B64URL.encode(rsa.n().to_vec())),
            ]
        }
        KeyType::Ec(curve) => {
            let ec = pkey.ec_key().map_err(fail)?;
            let mut ctx = BigNumContext::new().map_err(fail)?;
            let (mut x, mut y) = (BigNum::new().map_err(fail)?, BigNum::new().map_err(fail)?);
            ec.public_key()
                .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
                .map_err(fail)?;
            // RFC 7518 6.2.1.2: coordinates are full length, leading zeros kept.
            let size = curve_bytes(curve) as i32;
            vec![
                ("crv", curve_jwk_name(curve).to_string()),
                ("kty", "EC".to_string()),
                ("x", B64URL.encode(x.to_vec_padded(size).map_err(fail)?)),
                ("y", B64URL.encode(y.to_vec_padded(size).map_err(fail)?)),
            ]
        }
        KeyType::Okp(curve) => vec![
            ("crv", okp_jwk_name(curve).to_string()),
            ("kty", "OKP".to_string()),
            ("x", B64URL.encode(pkey.raw_public_key().map_err(fail)?)),
        ],
        KeyType::Secret => {
            return Err(KeyError::NoPublicHalf {
                name: key.name.clone(),
            });
        }
    })
}

/// The RFC 7638 JWK thumbprint (base64url SHA-256) of the public half.
///
/// For a shared secret this returns a labelled, truncated SHA-256 of the secret
/// (`secret-sha256:1a2b3c4d5e6f`) instead: the RFC 7638 thumbprint of an `oct` key is a full
/// hash of the secret and would be mistaken for an identifier safe to publish.
pub fn thumbprint(key: &Key) -> String {
    if let Material::Secret(secret) = &key.material {
        let digest = openssl::sha::sha256(secret);
        return format!("secret-sha256:{}", crate::text::hex(&digest[..6]));
    }
    match required_members(key) {
        Ok(members) => {
            // Members are base64url or fixed names: nothing needs JSON escaping.
            let body: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("\"{k}\":\"{v}\""))
                .collect();
            let canonical = format!("{{{}}}", body.join(","));
            B64URL.encode(openssl::sha::sha256(canonical.as_bytes()))
        }
        Err(_) => "unavailable".to_string(),
    }
}

/// The fingerprint `keys list` and `keys show` display: `thumbprint`.
pub fn key_fingerprint(key: &Key) -> String {
    thumbprint(key)
}

/// The public half as a JWK: `kty`, `kid` (when set), `use` (`enc` for X25519/X448 keys and
/// keys allowed only JWE algs, else `sig`), `alg` (when exactly one is allowed), then the key
/// members. A shared secret is refused.
pub fn public_jwk(key: &Key) -> Result<Map<String, Value>, KeyError> {
    let members = required_members(key)?;
    let mut jwk = Map::new();
    if let Some((_, kty)) = members.iter().find(|(k, _)| *k == "kty") {
        jwk.insert("kty".into(), Value::String(kty.clone()));
    }
    if let Some(kid) = &key.kid {
        jwk.insert("kid".into(), Value::String(kid.clone()));
    }
    let encryption_only = matches!(
        key.key_type,
        KeyType::Okp(OkpCurve::X25519 | OkpCurve::X448)
    ) || (!key.algs.is_empty()
        && key.algs.iter().all(|a| algs::is_encryption_alg(a)));
    jwk.insert(
        "use".into(),
        Value::String(if encryption_only { "enc" } else { "sig" }.into()),
    );
    if let [alg] = key.algs.as_slice() {
        jwk.insert("alg".into(), Value::String(alg.clone()));
    }
    for (name, value) in members {
        if name != "kty" {
            jwk.insert(name.into(), Value::String(value));
        }
    }
    Ok(jwk)
}

/// A JWKS of the public halves of `keys` (secrets refused).
pub fn public_jwks(keys: &[Key]) -> Result<Value, KeyError> {
    let members = keys
        .iter()
        .map(|k| public_jwk(k).map(Value::Object))
        .collect::<Result<Vec<_>, _>>()?;
    let mut set = Map::new();
    set.insert("keys".into(), Value::Array(members));
    Ok(Value::Object(set))
}

/// The public half as SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`).
pub fn public_pem(key: &Key) -> Result<String, KeyError> {
    let pkey = public_pkey(key)?;
    let pem = pkey
        .public_key_to_pem()
        .map_err(|e| KeyError::invalid(&key.name, "public key", ssl_reason(&e)))?;
    String::from_utf8(pem).map_err(|_| KeyError::Other("OpenSSL produced non-text PEM".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::parse_key_bytes;
    use crate::keys::test_support::{ec, okp, rsa2048};
    use openssl::nid::Nid;
    use openssl::pkey::Id;
    use serde_json::json;

    fn key(jwk: Value) -> Key {
        parse_key_bytes("k", jwk.to_string().as_bytes())
            .unwrap()
            .remove(0)
    }

    #[test]
    fn thumbprints_match_the_rfc_examples() {
        // RFC 7638 section 3.1.
        let rsa = key(json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        }));
        assert_eq!(
            thumbprint(&rsa),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        // RFC 8037 appendix A.3.
        let ed = key(
            json!({"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}),
        );
        assert_eq!(
            thumbprint(&ed),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
        // The private half has the thumbprint of its public half.
        let pem = rsa2048().private_key_to_pem_pkcs8().unwrap();
        let private = parse_key_bytes("k", &pem).unwrap().remove(0);
        let public = parse_key_bytes("k", &rsa2048().public_key_to_pem().unwrap())
            .unwrap()
            .remove(0);
        assert_eq!(thumbprint(&private), thumbprint(&public));
    }

    #[test]
    fn a_secret_fingerprint_is_labelled_and_short() {
        let secret = key(json!({"kty": "oct", "k": "aHVudGVyMi1odW50ZXIyLWh1bnRlcjItaHVudGVyMg"}));
        let fp = key_fingerprint(&secret);
        assert!(fp.starts_with("secret-sha256:"), "{fp}");
        assert_eq!(fp.len(), "secret-sha256:".len() + 12);
        assert!(!fp.contains("aHVudGVy"));
        assert_eq!(
            public_jwk(&secret).unwrap_err().to_string(),
            "key 'k' is a shared secret: it has no public half to export (a secret is shared out of band; `tokenscope keys show k --reveal` prints it)"
        );
        assert!(public_pem(&secret).is_err());
    }

    #[test]
    fn public_jwk_round_trips_for_every_type() {
        let pkeys = [
            rsa2048(),
            ec(Nid::X9_62_PRIME256V1),
            ec(Nid::SECP384R1),
            ec(Nid::SECP521R1),
            ec(Nid::SECP256K1),
            okp(Id::ED25519),
            okp(Id::X25519),
        ];
        for pkey in pkeys {
            let original = parse_key_bytes("k", &pkey.private_key_to_pem_pkcs8().unwrap())
                .unwrap()
                .remove(0);
            let jwk = public_jwk(&original).unwrap();
            assert!(!jwk.contains_key("d"));
            let back = key(Value::Object(jwk.clone()));
            assert_eq!(back.key_type, original.key_type);
            assert_eq!(thumbprint(&back), thumbprint(&original));
            let pem = public_pem(&original).unwrap();
            assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
            let from_pem = parse_key_bytes("k", pem.as_bytes()).unwrap().remove(0);
            assert_eq!(thumbprint(&from_pem), thumbprint(&original));
        }
    }

    #[test]
    fn jwk_members_kid_use_and_alg() {
        let mut k = parse_key_bytes("k", &ec(Nid::X9_62_PRIME256V1).public_key_to_pem().unwrap())
            .unwrap()
            .remove(0);
        k.kid = Some("2024-01".into());
        k.algs = vec!["ES256".into()];
        let jwk = public_jwk(&k).unwrap();
        let names: Vec<&str> = jwk.keys().map(String::as_str).collect();
        assert_eq!(names, ["kty", "kid", "use", "alg", "crv", "x", "y"]);
        assert_eq!(jwk["use"], "sig");
        assert_eq!(jwk["alg"], "ES256");
        k.algs = vec!["ES256".into(), "ECDH-ES".into()];
        let jwk = public_jwk(&k).unwrap();
        assert!(!jwk.contains_key("alg"));
        k.algs = vec!["ECDH-ES".into()];
        assert_eq!(public_jwk(&k).unwrap()["use"], "enc");
        let x = parse_key_bytes("k", &okp(Id::X25519).public_key_to_pem().unwrap())
            .unwrap()
            .remove(0);
        assert_eq!(public_jwk(&x).unwrap()["use"], "enc");
        let set = public_jwks(&[k, x]).unwrap();
        assert_eq!(set["keys"].as_array().unwrap().len(), 2);
    }
}
