//! `keys gen`: new key pairs and secrets from OpenSSL's CSPRNG, stored as PKCS#8 PEM (the
//! form every platform and library reads) or, for HMAC, as base64url.

use base64::Engine as _;
use openssl::ec::{EcGroup, EcKey};
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use zeroize::Zeroizing;

use super::Curve;
use super::error::{KeyError, ssl_reason};
use super::material::{B64URL, SecretEncoding, nid_of_curve};
use super::store::{MaterialSource, StoredKey};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
/// What `keys gen` (and the interactive view's generate menu) makes.
pub enum GenType {
    Rsa2048,
    Rsa3072,
    Rsa4096,
    P256,
    P384,
    P521,
    Ed25519,
    Hmac,
    /// A JWE `dir` content key, sized for `--enc`.
    Dir,
}

/// Smallest HMAC secret `gen` makes: below 16 bytes a secret is guessable offline.
pub const MIN_HMAC_BYTES: usize = 16;
/// Largest HMAC secret `gen` makes: more than any hash block adds nothing.
pub const MAX_HMAC_BYTES: usize = 1024;

/// The algs a generated key allows when `--alg` is not given.
pub fn default_algs(kind: GenType) -> Vec<String> {
    let algs: &[&str] = match kind {
        GenType::Rsa2048 | GenType::Rsa3072 | GenType::Rsa4096 => {
            &["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        }
        GenType::P256 => &["ES256"],
        GenType::P384 => &["ES384"],
        GenType::P521 => &["ES512"],
        GenType::Ed25519 => &["EdDSA"],
        GenType::Hmac => &["HS256", "HS384", "HS512"],
        GenType::Dir => &["dir", DEFAULT_DIR_ENC],
    };
    algs.iter().map(|a| a.to_string()).collect()
}

/// The content encryption a `dir` key is made for when none is named.
pub const DEFAULT_DIR_ENC: &str = "A256GCM";

/// A JWE `dir` content key for `enc` (RFC 7518 5.1: as long as the enc's key), allowing
/// `dir` with that enc only.
pub fn generate_dir(name: &str, enc: &str) -> Result<StoredKey, KeyError> {
    let Some(&(enc, len)) = super::algs::JWE_ENCS.iter().find(|(e, _)| *e == enc) else {
        let known: Vec<&str> = super::algs::JWE_ENCS.iter().map(|(e, _)| *e).collect();
        return Err(KeyError::Other(format!(
            "--enc '{enc}' is not a JWE content encryption tokenscope knows: one of {}",
            known.join(", ")
        )));
    };
    let mut secret = Zeroizing::new(vec![0u8; len]);
    openssl::rand::rand_bytes(&mut secret)
        .map_err(|e| KeyError::Other(format!("key generation failed: {}", ssl_reason(&e))))?;
    let mut key = StoredKey::new(name, MaterialSource::Secret, B64URL.encode(&*secret));
    key.encoding = Some(SecretEncoding::Base64url);
    key.algs = vec!["dir".to_string(), enc.to_string()];
    Ok(key)
}

/// Generate a key of `kind` (HMAC: `hmac_bytes` random bytes; `dir`: an A256GCM key) as a
/// store entry named `name` with the default algs. The caller sets kid, profile and algs,
/// then stores it.
pub fn generate(name: &str, kind: GenType, hmac_bytes: usize) -> Result<StoredKey, KeyError> {
    let failed = |e: openssl::error::ErrorStack| {
        KeyError::Other(format!("key generation failed: {}", ssl_reason(&e)))
    };
    let pkey = match kind {
        GenType::Rsa2048 | GenType::Rsa3072 | GenType::Rsa4096 => {
            let bits = match kind {
                GenType::Rsa2048 => 2048,
                GenType::Rsa3072 => 3072,
                _ => 4096,
            };
            PKey::from_rsa(Rsa::generate(bits).map_err(failed)?).map_err(failed)?
        }
        GenType::P256 | GenType::P384 | GenType::P521 => {
            let curve = match kind {
                GenType::P256 => Curve::P256,
                GenType::P384 => Curve::P384,
                _ => Curve::P521,
            };
            let group = EcGroup::from_curve_name(nid_of_curve(curve)).map_err(failed)?;
            PKey::from_ec_key(EcKey::generate(&group).map_err(failed)?).map_err(failed)?
        }
        GenType::Ed25519 => PKey::generate_ed25519().map_err(failed)?,
        GenType::Dir => return generate_dir(name, DEFAULT_DIR_ENC),
        GenType::Hmac => {
            if !(MIN_HMAC_BYTES..=MAX_HMAC_BYTES).contains(&hmac_bytes) {
                return Err(KeyError::Other(format!(
                    "--bytes {hmac_bytes}: an HMAC secret must be {MIN_HMAC_BYTES} to {MAX_HMAC_BYTES} bytes (HS256 wants at least 32, HS512 64)"
                )));
            }
            let mut secret = Zeroizing::new(vec![0u8; hmac_bytes]);
            openssl::rand::rand_bytes(&mut secret).map_err(failed)?;
            let mut key = StoredKey::new(name, MaterialSource::Secret, B64URL.encode(&*secret));
            key.encoding = Some(SecretEncoding::Base64url);
            key.algs = default_algs(kind);
            return Ok(key);
        }
    };
    let pem = Zeroizing::new(pkey.private_key_to_pem_pkcs8().map_err(failed)?);
    let text = String::from_utf8(pem.to_vec())
        .map_err(|_| KeyError::Other("key generation produced non-text PEM".to_string()))?;
    let mut key = StoredKey::new(name, MaterialSource::Pem, text);
    key.algs = default_algs(kind);
    Ok(key)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
    use serde_json::{Value, json};

    use super::*;
    use crate::keys::{Key, KeyType, Material, OkpCurve, public_jwk, public_pem};

    fn keys_of(stored: &StoredKey) -> Vec<Key> {
        stored.validate().unwrap();
        stored.keys(Path::new("")).unwrap().0
    }

    fn spki(key: &Key) -> &[u8] {
        match &key.material {
            Material::Private { spki_der, .. } => spki_der,
            _ => panic!("generated keys are private"),
        }
    }

    #[test]
    fn every_type_generates_with_its_default_algs() {
        let cases = [
            (GenType::Rsa2048, KeyType::Rsa { bits: 2048 }),
            (GenType::Rsa3072, KeyType::Rsa { bits: 3072 }),
            (GenType::P256, KeyType::Ec(Curve::P256)),
            (GenType::P384, KeyType::Ec(Curve::P384)),
            (GenType::P521, KeyType::Ec(Curve::P521)),
            (GenType::Ed25519, KeyType::Okp(OkpCurve::Ed25519)),
        ];
        for (kind, expected) in cases {
            let stored = generate("g", kind, 32).unwrap();
            assert_eq!(stored.source, MaterialSource::Pem);
            assert!(stored.data.starts_with("-----BEGIN PRIVATE KEY-----"));
            let keys = keys_of(&stored);
            assert_eq!(keys[0].key_type, expected);
            assert!(matches!(keys[0].material, Material::Private { .. }));
            assert_eq!(keys[0].algs, default_algs(kind));
        }
        let hmac = generate("h", GenType::Hmac, 48).unwrap();
        assert_eq!(hmac.encoding, Some(SecretEncoding::Base64url));
        let keys = keys_of(&hmac);
        assert!(matches!(&keys[0].material, Material::Secret(s) if s.len() == 48));
        assert_eq!(keys[0].algs, ["HS256", "HS384", "HS512"]);
        assert_eq!(
            generate("h", GenType::Hmac, 8).unwrap_err().to_string(),
            "--bytes 8: an HMAC secret must be 16 to 1024 bytes (HS256 wants at least 32, HS512 64)"
        );
    }

    #[test]
    #[ignore = "slow in debug builds: RSA-4096 generation"]
    fn rsa4096_generates() {
        let keys = keys_of(&generate("g", GenType::Rsa4096, 32).unwrap());
        assert_eq!(keys[0].key_type, KeyType::Rsa { bits: 4096 });
    }

    /// A token jsonwebtoken signs with the generated private key verifies with josekit on
    /// our SPKI DER, and jsonwebtoken accepts our exported PEM and JWK: two independent
    /// implementations agree with what `keys gen` and `keys export` produce.
    #[test]
    fn jsonwebtoken_and_josekit_agree_with_generated_keys() {
        use josekit::jws::{ES256, ES384, EdDSA, JwsVerifier, RS256};
        type Verifier<'a> = &'a dyn Fn(&[u8]) -> Box<dyn JwsVerifier>;
        let cases: [(GenType, Algorithm, Verifier); 4] = [
            (GenType::Rsa2048, Algorithm::RS256, &|d| {
                Box::new(RS256.verifier_from_der(d).unwrap())
            }),
            (GenType::P256, Algorithm::ES256, &|d| {
                Box::new(ES256.verifier_from_der(d).unwrap())
            }),
            (GenType::P384, Algorithm::ES384, &|d| {
                Box::new(ES384.verifier_from_der(d).unwrap())
            }),
            (GenType::Ed25519, Algorithm::EdDSA, &|d| {
                Box::new(EdDSA.verifier_from_der(d).unwrap())
            }),
        ];
        let claims = json!({"sub": "player-1", "exp": 4_000_000_000u64});
        for (kind, alg, verifier) in cases {
            let stored = generate("g", kind, 32).unwrap();
            let key = keys_of(&stored).remove(0);
            let private_pem = stored.data.as_bytes();
            let encoding = match kind {
                GenType::P256 | GenType::P384 => EncodingKey::from_ec_pem(private_pem),
                GenType::Ed25519 => EncodingKey::from_ed_pem(private_pem),
                _ => EncodingKey::from_rsa_pem(private_pem),
            }
            .unwrap();
            let token = jsonwebtoken::encode(&Header::new(alg), &claims, &encoding).unwrap();

            // josekit on our SPKI DER.
            let (input, sig) = token.rsplit_once('.').unwrap();
            let sig = crate::keys::material::B64URL.decode(sig).unwrap();
            verifier(spki(&key)).verify(input.as_bytes(), &sig).unwrap();

            // jsonwebtoken on our exported PEM and JWK.
            let pem = public_pem(&key).unwrap();
            let from_pem = match kind {
                GenType::P256 | GenType::P384 => DecodingKey::from_ec_pem(pem.as_bytes()),
                GenType::Ed25519 => DecodingKey::from_ed_pem(pem.as_bytes()),
                _ => DecodingKey::from_rsa_pem(pem.as_bytes()),
            }
            .unwrap();
            let jwk: jsonwebtoken::jwk::Jwk =
                serde_json::from_value(Value::Object(public_jwk(&key).unwrap())).unwrap();
            let from_jwk = DecodingKey::from_jwk(&jwk).unwrap();
            let mut validation = Validation::new(alg);
            validation.required_spec_claims.clear();
            for decoding in [from_pem, from_jwk] {
                let data = jsonwebtoken::decode::<Value>(&token, &decoding, &validation).unwrap();
                assert_eq!(data.claims["sub"], "player-1");
            }
        }

        // HMAC: the stored secret is the bytes jsonwebtoken signs with.
        let stored = generate("h", GenType::Hmac, 32).unwrap();
        let key = keys_of(&stored).remove(0);
        let Material::Secret(secret) = &key.material else {
            panic!()
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret),
        )
        .unwrap();
        let (input, sig) = token.rsplit_once('.').unwrap();
        let sig = crate::keys::material::B64URL.decode(sig).unwrap();
        josekit::jws::HS256
            .verifier_from_bytes(&**secret)
            .unwrap()
            .verify(input.as_bytes(), &sig)
            .unwrap();
    }
}
