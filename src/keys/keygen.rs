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
use crate::cli::GenType;

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
    };
    algs.iter().map(|a| a.to_string()).collect()
}

/// Generate a key of `kind` (HMAC: `hmac_bytes` random bytes) as a store entry named `name`
/// with the default algs. The caller sets kid, profile and algs, then stores it.
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
