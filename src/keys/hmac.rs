//! HMAC for HS256/384/512 with keyed state that is built once per key and reused, and a
//! constant-time tag comparison.
//!
//! josekit 0.10 compares HMAC tags with `!=` and refuses secrets shorter than the hash
//! output; tokenscope computes tags with the RustCrypto `hmac` crate, compares them with its
//! constant-time `verify_slice`, and accepts short secrets (RULES.md makes them a warning, not
//! a failure to verify). A keyed `Hmac` holds the inner and outer hash states after the key
//! block, so each token costs two hash finalisations and no key setup (batch mode).

use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};

/// A keyed HMAC state for one HS* alg, cloned for each message.
#[derive(Clone)]
pub enum Keyed {
    Hs256(Hmac<Sha256>),
    Hs384(Hmac<Sha384>),
    Hs512(Hmac<Sha512>),
}

impl std::fmt::Debug for Keyed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.write_str(match self {
            Keyed::Hs256(_) => "Keyed(HS256)",
            Keyed::Hs384(_) => "Keyed(HS384)",
            Keyed::Hs512(_) => "Keyed(HS512)",
        })
    }
}

impl Keyed {
    /// Key the state for `alg` (HS256, HS384 or HS512).
    pub fn new(alg: &str, secret: &[u8]) -> Result<Keyed, String> {
        // HMAC accepts keys of any length (RFC 2104), so new_from_slice cannot fail here.
        let bad = |_| format!("HMAC refused the secret for {alg}");
        Ok(match alg {
            "HS256" => Keyed::Hs256(Hmac::new_from_slice(secret).map_err(bad)?),
            "HS384" => Keyed::Hs384(Hmac::new_from_slice(secret).map_err(bad)?),
            "HS512" => Keyed::Hs512(Hmac::new_from_slice(secret).map_err(bad)?),
            other => return Err(format!("'{other}' is not an HMAC algorithm")),
        })
    }

    /// The tag of `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self.clone() {
            Keyed::Hs256(mut m) => {
                m.update(message);
                m.finalize().into_bytes().to_vec()
            }
            Keyed::Hs384(mut m) => {
                m.update(message);
                m.finalize().into_bytes().to_vec()
            }
            Keyed::Hs512(mut m) => {
                m.update(message);
                m.finalize().into_bytes().to_vec()
            }
        }
    }

    /// True when `tag` is the HMAC of `message`, compared in constant time.
    pub fn verify(&self, message: &[u8], tag: &[u8]) -> bool {
        match self.clone() {
            Keyed::Hs256(mut m) => {
                m.update(message);
                m.verify_slice(tag).is_ok()
            }
            Keyed::Hs384(mut m) => {
                m.update(message);
                m.verify_slice(tag).is_ok()
            }
            Keyed::Hs512(mut m) => {
                m.update(message);
                m.verify_slice(tag).is_ok()
            }
        }
    }
}

/// Compute the HMAC tag of `message`.
pub fn sign(alg: &str, secret: &[u8], message: &[u8]) -> Result<Vec<u8>, String> {
    Ok(Keyed::new(alg, secret)?.sign(message))
}

/// Ok(true) when `tag` is the HMAC of `message` under `secret`, compared in constant time.
pub fn verify(alg: &str, secret: &[u8], message: &[u8], tag: &[u8]) -> Result<bool, String> {
    Ok(Keyed::new(alg, secret)?.verify(message, tag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::hex;

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe".
        let msg = b"what do ya want for nothing?";
        let tag = sign("HS256", b"Jefe", msg).unwrap();
        assert_eq!(
            hex(&tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&sign("HS384", b"Jefe", msg).unwrap()),
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"
        );
        assert_eq!(
            hex(&sign("HS512", b"Jefe", msg).unwrap()),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
        assert!(verify("HS256", b"Jefe", msg, &tag).unwrap());
        let mut bad = tag.clone();
        bad[31] ^= 1;
        assert!(!verify("HS256", b"Jefe", msg, &bad).unwrap());
        assert!(!verify("HS256", b"Jefe", msg, &tag[..31]).unwrap());
        assert!(!verify("HS256", b"Jefe", msg, &[]).unwrap());
        assert!(verify("RS256", b"Jefe", msg, &tag).is_err());
    }

    #[test]
    fn keyed_state_is_reusable() {
        let k = Keyed::new("HS256", b"a-secret").unwrap();
        let t1 = k.sign(b"one");
        let t2 = k.sign(b"two");
        assert!(k.verify(b"one", &t1) && k.verify(b"two", &t2) && !k.verify(b"one", &t2));
        assert_eq!(format!("{k:?}"), "Keyed(HS256)");
    }
}
