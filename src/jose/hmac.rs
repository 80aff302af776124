//! HMAC verification with a constant-time tag comparison.
//!
//! josekit 0.10 compares HMAC tags with `!=` and refuses secrets shorter than the hash
//! output; tokenscope computes the tag with OpenSSL, compares it with `CRYPTO_memcmp`, and
//! accepts short secrets (RULES.md makes them a warning, not a failure to verify).

use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;

/// The digest behind an HS* alg.
pub fn digest(alg: &str) -> Option<MessageDigest> {
    match alg {
        "HS256" => Some(MessageDigest::sha256()),
        "HS384" => Some(MessageDigest::sha384()),
        "HS512" => Some(MessageDigest::sha512()),
        _ => None,
    }
}

/// Compute the HMAC tag of `message`.
pub fn sign(alg: &str, secret: &[u8], message: &[u8]) -> Result<Vec<u8>, String> {
    let md = digest(alg).ok_or_else(|| format!("'{alg}' is not an HMAC algorithm"))?;
    let key = PKey::hmac(secret).map_err(|e| format!("HMAC key rejected: {e}"))?;
    let mut signer = Signer::new(md, &key).map_err(|e| format!("HMAC setup failed: {e}"))?;
    signer
        .sign_oneshot_to_vec(message)
        .map_err(|e| format!("HMAC failed: {e}"))
}

/// Ok(true) when `tag` is the HMAC of `message` under `secret`, compared in constant time.
pub fn verify(alg: &str, secret: &[u8], message: &[u8], tag: &[u8]) -> Result<bool, String> {
    let expected = sign(alg, secret, message)?;
    // CRYPTO_memcmp needs equal lengths; the length of a tag is not secret.
    Ok(expected.len() == tag.len() && openssl::memcmp::eq(&expected, tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe".
        let tag = sign("HS256", b"Jefe", b"what do ya want for nothing?").unwrap();
        let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(verify("HS256", b"Jefe", b"what do ya want for nothing?", &tag).unwrap());
        let mut bad = tag.clone();
        bad[31] ^= 1;
        assert!(!verify("HS256", b"Jefe", b"what do ya want for nothing?", &bad).unwrap());
        assert!(
            !verify(
                "HS256",
                b"Jefe",
                b"what do ya want for nothing?",
                &tag[..31]
            )
            .unwrap()
        );
        assert!(!verify("HS256", b"Jefe", b"what do ya want for nothing?", &[]).unwrap());
    }
}
