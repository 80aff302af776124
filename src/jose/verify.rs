//! Asymmetric JWS signature checks with OpenSSL on a public key parsed once per key.
//!
//! Batch mode verifies thousands of tokens with the same key: parsing the key for each token
//! (as building a josekit verifier does) costs more than the RSA verification itself.

use openssl::bn::BigNum;
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Public};
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};

fn digest(alg: &str) -> Option<MessageDigest> {
    match &alg[2..] {
        "256" | "256K" => Some(MessageDigest::sha256()),
        "384" => Some(MessageDigest::sha384()),
        "512" => Some(MessageDigest::sha512()),
        _ => None,
    }
}

/// Ok(true) when `signature` is `alg`'s signature of `message` under `key`; Ok(false) on any
/// mismatch or malformed signature; Err only when the alg is not an asymmetric JWS alg.
pub fn verify(
    alg: &str,
    key: &PKey<Public>,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    let checked = match alg {
        "EdDSA" => {
            Verifier::new_without_digest(key).and_then(|mut v| v.verify_oneshot(signature, message))
        }
        a if a.starts_with("RS") || a.starts_with("PS") => {
            let md = digest(a).ok_or_else(|| format!("'{a}' is not a JWS algorithm"))?;
            Verifier::new(md, key).and_then(|mut v| {
                if a.starts_with("PS") {
                    // RFC 7518 3.5: MGF1 with the same hash, salt as long as the hash.
                    v.set_rsa_padding(Padding::PKCS1_PSS)?;
                    v.set_rsa_mgf1_md(md)?;
                    v.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
                } else {
                    v.set_rsa_padding(Padding::PKCS1)?;
                }
                v.update(message)?;
                v.verify(signature)
            })
        }
        a if a.starts_with("ES") => {
            let md = digest(a).ok_or_else(|| format!("'{a}' is not a JWS algorithm"))?;
            // RFC 7518 3.4: the signature is R || S, each as long as the curve's order.
            let half = match a {
                "ES384" => 48,
                "ES512" => 66,
                _ => 32,
            };
            if signature.len() != 2 * half {
                return Ok(false);
            }
            let der = BigNum::from_slice(&signature[..half])
                .and_then(|r| Ok((r, BigNum::from_slice(&signature[half..])?)))
                .and_then(|(r, s)| EcdsaSig::from_private_components(r, s))
                .and_then(|sig| sig.to_der());
            let Ok(der) = der else { return Ok(false) };
            Verifier::new(md, key).and_then(|mut v| v.verify_oneshot(&der, message))
        }
        other => return Err(format!("'{other}' is not an asymmetric JWS algorithm")),
    };
    Ok(checked.unwrap_or(false))
}
