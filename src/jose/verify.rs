//! Asymmetric JWS signature checks with OpenSSL on a public key parsed once per key.
//!
//! Batch mode verifies thousands of tokens with the same key: parsing the key for each token
//! (as building a josekit verifier does) costs more than the RSA verification itself. So does
//! setting up an OpenSSL verification context (algorithm fetches, padding, digest): each
//! thread keeps one context per key and alg, set up once, and hands it the digest, computed
//! here (SHA-NI where the CPU has it).

use std::borrow::Cow;
use std::cell::RefCell;

use openssl::md::Md;
use openssl::pkey::{PKey, Public};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use openssl::sign::{RsaPssSaltlen, Verifier};
use sha2::Digest as _;

/// Verification contexts kept per thread: (key id, alg, context), most recent last.
const CONTEXTS_PER_THREAD: usize = 16;

thread_local! {
    static CONTEXTS: RefCell<Vec<(u64, &'static str, PkeyCtx<Public>)>> =
        const { RefCell::new(Vec::new()) };
}

/// The longest digest an alg signs (SHA-512).
const MAX_DIGEST: usize = 64;

/// The hash `alg` signs, and the digest of `message` under it (its first bytes of the array).
fn prehash(
    alg: &str,
    message: &[u8],
) -> Option<(&'static openssl::md::MdRef, [u8; MAX_DIGEST], usize)> {
    fn into<const N: usize>(digest: &[u8]) -> ([u8; MAX_DIGEST], usize) {
        let mut out = [0; MAX_DIGEST];
        out[..N].copy_from_slice(digest);
        (out, N)
    }
    let (md, (digest, len)) = match &alg[2..] {
        "256" | "256K" => (Md::sha256(), into::<32>(&sha2::Sha256::digest(message))),
        "384" => (Md::sha384(), into::<48>(&sha2::Sha384::digest(message))),
        "512" => (Md::sha512(), into::<64>(&sha2::Sha512::digest(message))),
        _ => return None,
    };
    Some((md, digest, len))
}

/// A context ready for `EVP_PKEY_verify` of an `alg` digest under `key`.
fn context(
    alg: &str,
    md: &openssl::md::MdRef,
    key: &PKey<Public>,
) -> Result<PkeyCtx<Public>, openssl::error::ErrorStack> {
    let mut ctx = PkeyCtx::new(key)?;
    ctx.verify_init()?;
    if alg.starts_with("PS") {
        // RFC 7518 3.5: MGF1 with the same hash, salt as long as the hash.
        ctx.set_rsa_padding(Padding::PKCS1_PSS)?;
        ctx.set_rsa_mgf1_md(md)?;
        ctx.set_rsa_pss_saltlen(RsaPssSaltlen::DIGEST_LENGTH)?;
    } else if alg.starts_with("RS") {
        ctx.set_rsa_padding(Padding::PKCS1)?;
    }
    ctx.set_signature_md(md)?;
    Ok(ctx)
}

/// Verify `signature` over `digest` with this thread's context for (`key_id`, `alg`), set up
/// on first use.
fn verify_digest(
    alg: &'static str,
    md: &openssl::md::MdRef,
    key_id: u64,
    key: &PKey<Public>,
    digest: &[u8],
    signature: &[u8],
) -> Result<bool, openssl::error::ErrorStack> {
    CONTEXTS.with(|cell| {
        let mut contexts = cell.borrow_mut();
        let found = contexts
            .iter()
            .position(|(id, a, _)| *id == key_id && *a == alg);
        let index = match found {
            Some(i) => i,
            None => {
                if contexts.len() == CONTEXTS_PER_THREAD {
                    contexts.remove(0);
                }
                contexts.push((key_id, alg, context(alg, md, key)?));
                contexts.len() - 1
            }
        };
        contexts[index].2.verify(digest, signature)
    })
}

/// `alg` as its entry in [`super::JWS_ALGS`] (a static name for the cache) when it signs a
/// digest: the RS, PS and ES algs.
fn digest_alg(alg: &str) -> Option<&'static str> {
    super::JWS_ALGS
        .iter()
        .copied()
        .find(|a| *a == alg && !a.starts_with("HS") && *a != "EdDSA")
}

/// Ok(true) when `signature` is `alg`'s signature of `message` under `key`; Ok(false) on any
/// mismatch or malformed signature; Err only when the alg is not an asymmetric JWS alg.
/// RS, PS and ES go through this thread's context for the key whose cache id is `key_id`.
pub fn verify(
    alg: &str,
    key_id: u64,
    key: &PKey<Public>,
    message: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    if alg == "EdDSA" {
        return Ok(Verifier::new_without_digest(key)
            .and_then(|mut v| v.verify_oneshot(signature, message))
            .unwrap_or(false));
    }
    let Some((name, (md, digest, len))) =
        digest_alg(alg).and_then(|name| Some((name, prehash(name, message)?)))
    else {
        return Err(format!("'{alg}' is not an asymmetric JWS algorithm"));
    };
    let signature = if alg.starts_with("ES") {
        match ecdsa_der(alg, signature) {
            Some(der) => Cow::Owned(der),
            None => return Ok(false),
        }
    } else {
        Cow::Borrowed(signature)
    };
    Ok(verify_digest(name, md, key_id, key, &digest[..len], &signature).unwrap_or(false))
}

/// RFC 7518 3.4: an ES signature is R || S, each as long as the curve's order; OpenSSL wants
/// the DER `ECDSA-Sig-Value` (RFC 3279 2.2.3). None when the length is wrong for the alg.
///
/// Written out here rather than through OpenSSL's BIGNUM and ECDSA_SIG objects, which cost
/// more per token than the rest of the conversion; the tests check it against OpenSSL's.
fn ecdsa_der(alg: &str, signature: &[u8]) -> Option<Vec<u8>> {
    let half = match alg {
        "ES384" => 48,
        "ES512" => 66,
        _ => 32,
    };
    if signature.len() != 2 * half {
        return None;
    }
    let mut body = Vec::with_capacity(2 * half + 6);
    der_unsigned_integer(&mut body, &signature[..half]);
    der_unsigned_integer(&mut body, &signature[half..]);
    let mut der = Vec::with_capacity(body.len() + 3);
    der.push(0x30);
    if body.len() >= 0x80 {
        der.push(0x81);
    }
    der.push(body.len() as u8);
    der.extend_from_slice(&body);
    Some(der)
}

/// A DER INTEGER holding the big-endian unsigned `magnitude` (at most 66 bytes): minimal,
/// with a leading zero byte when the top bit is set, and `02 01 00` for zero.
fn der_unsigned_integer(out: &mut Vec<u8>, magnitude: &[u8]) {
    let first = magnitude
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(magnitude.len());
    let digits = &magnitude[first..];
    let pad = digits.first().is_none_or(|b| b & 0x80 != 0);
    out.push(0x02);
    out.push((digits.len() + usize::from(pad)) as u8);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(digits);
}

#[cfg(test)]
mod tests {
    use openssl::bn::BigNum;
    use openssl::ecdsa::EcdsaSig;

    use super::*;

    /// OpenSSL's own encoding, the reference.
    fn openssl_der(half: usize, signature: &[u8]) -> Vec<u8> {
        let r = BigNum::from_slice(&signature[..half]).unwrap();
        let s = BigNum::from_slice(&signature[half..]).unwrap();
        EcdsaSig::from_private_components(r, s)
            .unwrap()
            .to_der()
            .unwrap()
    }

    #[test]
    fn ecdsa_der_matches_openssl() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (alg, half) in [("ES256", 32), ("ES384", 48), ("ES512", 66), ("ES256K", 32)] {
            for case in 0..400 {
                let mut sig: Vec<u8> = (0..2 * half).map(|_| next() as u8).collect();
                match case % 8 {
                    0 => sig[..half].fill(0),
                    1 => sig[half..].fill(0xff),
                    2 => sig[..half / 2].fill(0),
                    3 => sig[0] = 0x80,
                    4 => sig[half] = 0x7f,
                    5 => sig.fill(0),
                    6 => sig[..half - 1].fill(0),
                    _ => {}
                }
                assert_eq!(
                    ecdsa_der(alg, &sig),
                    Some(openssl_der(half, &sig)),
                    "{alg} {sig:02x?}"
                );
            }
            assert_eq!(ecdsa_der(alg, &vec![1; 2 * half + 1]), None);
        }
    }
}
