//! AES_CBC_HMAC_SHA2 content encryption (RFC 7518 section 5.2) with the tag checked in
//! constant time and BEFORE any decryption.
//!
//! josekit 0.10 decrypts first and compares tags with `!=`; tokenscope registers this
//! implementation for A128CBC-HS256, A192CBC-HS384 and A256CBC-HS512 instead.

use josekit::JoseError;
use josekit::jwe::JweContentEncryption;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;
use openssl::symm::{self, Cipher};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CbcHmac {
    A128CbcHs256,
    A192CbcHs384,
    A256CbcHs512,
}

impl CbcHmac {
    pub const ALL: [CbcHmac; 3] = [
        CbcHmac::A128CbcHs256,
        CbcHmac::A192CbcHs384,
        CbcHmac::A256CbcHs512,
    ];

    fn parts(self) -> (Cipher, MessageDigest) {
        match self {
            CbcHmac::A128CbcHs256 => (Cipher::aes_128_cbc(), MessageDigest::sha256()),
            CbcHmac::A192CbcHs384 => (Cipher::aes_192_cbc(), MessageDigest::sha384()),
            CbcHmac::A256CbcHs512 => (Cipher::aes_256_cbc(), MessageDigest::sha512()),
        }
    }

    /// T = the first half of HMAC(MAC_KEY, A || IV || E || AL) (RFC 7518 5.2.2.1).
    pub fn tag(
        self,
        mac_key: &[u8],
        aad: &[u8],
        iv: &[u8],
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, JoseError> {
        let (_, md) = self.parts();
        let fail = |e: openssl::error::ErrorStack| JoseError::InvalidKeyFormat(e.into());
        let key = PKey::hmac(mac_key).map_err(fail)?;
        let mut signer = Signer::new(md, &key).map_err(fail)?;
        let al = ((aad.len() as u64) * 8).to_be_bytes();
        for part in [aad, iv, ciphertext, &al[..]] {
            signer.update(part).map_err(fail)?;
        }
        let mut mac = signer.sign_to_vec().map_err(fail)?;
        mac.truncate(self.key_len() / 2);
        Ok(mac)
    }

    fn split(self, key: &[u8]) -> Result<(&[u8], &[u8]), JoseError> {
        if key.len() != self.key_len() {
            return Err(JoseError::InvalidKeyFormat(anyhow::anyhow!(
                "{} needs a {}-byte key, got {}",
                self.name(),
                self.key_len(),
                key.len()
            )));
        }
        Ok(key.split_at(self.key_len() / 2))
    }
}

fn invalid(msg: &str) -> JoseError {
    JoseError::InvalidSignature(anyhow::anyhow!("{msg}"))
}

impl JweContentEncryption for CbcHmac {
    fn name(&self) -> &str {
        match self {
            CbcHmac::A128CbcHs256 => "A128CBC-HS256",
            CbcHmac::A192CbcHs384 => "A192CBC-HS384",
            CbcHmac::A256CbcHs512 => "A256CBC-HS512",
        }
    }

    fn key_len(&self) -> usize {
        match self {
            CbcHmac::A128CbcHs256 => 32,
            CbcHmac::A192CbcHs384 => 48,
            CbcHmac::A256CbcHs512 => 64,
        }
    }

    fn iv_len(&self) -> usize {
        16
    }

    fn encrypt(
        &self,
        key: &[u8],
        iv: Option<&[u8]>,
        message: &[u8],
        aad: &[u8],
    ) -> Result<(Vec<u8>, Option<Vec<u8>>), JoseError> {
        let (mac_key, enc_key) = self.split(key)?;
        let iv = iv.ok_or_else(|| invalid("an IV is required"))?;
        let (cipher, _) = self.parts();
        let ciphertext = symm::encrypt(cipher, enc_key, Some(iv), message)
            .map_err(|e| JoseError::InvalidKeyFormat(e.into()))?;
        let tag = self.tag(mac_key, aad, iv, &ciphertext)?;
        Ok((ciphertext, Some(tag)))
    }

    fn decrypt(
        &self,
        key: &[u8],
        iv: Option<&[u8]>,
        ciphertext: &[u8],
        aad: &[u8],
        tag: Option<&[u8]>,
    ) -> Result<Vec<u8>, JoseError> {
        let (mac_key, enc_key) = self.split(key)?;
        let iv = iv.ok_or_else(|| invalid("the IV segment is empty"))?;
        let tag = tag.ok_or_else(|| invalid("the tag segment is empty"))?;
        let expected = self.tag(mac_key, aad, iv, ciphertext)?;
        // The length of a tag is public; its bytes are compared in constant time, and nothing
        // is decrypted unless they match (no padding oracle).
        if tag.len() != expected.len() || !openssl::memcmp::eq(&expected, tag) {
            return Err(invalid(
                "the authentication tag does not match (wrong key, or the token was altered)",
            ));
        }
        let (cipher, _) = self.parts();
        symm::decrypt(cipher, enc_key, Some(iv), ciphertext)
            .map_err(|e| JoseError::InvalidJweFormat(e.into()))
    }

    fn box_clone(&self) -> Box<dyn JweContentEncryption> {
        Box::new(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 7518 appendix B known answers (tests/fixtures/conformance/primitives).
    #[test]
    fn rfc7518_appendix_b() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/conformance/primitives"
        );
        for (file, enc) in [
            ("rfc7518-B1-a128cbc-hs256.json", CbcHmac::A128CbcHs256),
            ("rfc7518-B2-a192cbc-hs384.json", CbcHmac::A192CbcHs384),
            ("rfc7518-B3-a256cbc-hs512.json", CbcHmac::A256CbcHs512),
        ] {
            let v: Value =
                serde_json::from_slice(&std::fs::read(format!("{dir}/{file}")).unwrap()).unwrap();
            let i = &v["inputs_hex"];
            let e = &v["expect"];
            let h = |x: &Value| hex(x.as_str().unwrap());
            let (k, p, iv, a) = (h(&i["K"]), h(&i["P"]), h(&i["IV"]), h(&i["A"]));
            let (ct, tag) = enc.encrypt(&k, Some(&iv), &p, &a).unwrap();
            assert_eq!(ct, h(&e["E_hex"]), "{file} E");
            assert_eq!(tag.unwrap(), h(&e["T_hex"]), "{file} T");
            assert_eq!(
                enc.decrypt(&k, Some(&iv), &ct, &a, Some(&h(&e["T_hex"])))
                    .unwrap(),
                p
            );
            let t = h(&e["T_hex"]);
            assert!(
                enc.decrypt(&k, Some(&iv), &ct, &a, Some(&t[..t.len() - 1]))
                    .is_err(),
                "{file}: short tag"
            );
            assert!(
                enc.decrypt(&k, Some(&iv), &ct, &a, Some(&h(&e["M_hex"])))
                    .is_err(),
                "{file}: full M"
            );
            let mut flipped = ct.clone();
            flipped[0] ^= 1;
            assert!(
                enc.decrypt(&k, Some(&iv), &flipped, &a, Some(&t)).is_err(),
                "{file}: altered E"
            );
            let mut other_aad = a.clone();
            other_aad[0] ^= 1;
            assert!(
                enc.decrypt(&k, Some(&iv), &ct, &other_aad, Some(&t))
                    .is_err(),
                "{file}: altered A"
            );
        }
    }
}
