//! Which JOSE algorithms exist and which key types can serve them (RFC 7518, RFC 8037,
//! RFC 8812 for ES256K): the JWS algs tokenscope verifies and signs, the JWE algs and encs it
//! opens. Used to check `--alg` lists when a key is stored or generated, and by the jose glue.

use super::{Curve, KeyType, OkpCurve};

/// JWS algorithms tokenscope verifies.
pub const JWS_ALGS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "ES256K", "EdDSA",
];

/// JWE key-management algorithms tokenscope decrypts.
pub const JWE_ALGS: &[&str] = &[
    "dir",
    "A128KW",
    "A192KW",
    "A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "RSA-OAEP-384",
    "RSA-OAEP-512",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
];

/// JWE content-encryption algorithms, with their key length in bytes.
pub const JWE_ENCS: &[(&str, usize)] = &[
    ("A128GCM", 16),
    ("A192GCM", 24),
    ("A256GCM", 32),
    ("A128CBC-HS256", 32),
    ("A192CBC-HS384", 48),
    ("A256CBC-HS512", 64),
];

/// True for a JWE algorithm: key management, or content encryption (a `dir` key is tied to
/// its `enc`, so an allowed-alg list may name it).
pub(crate) fn is_encryption_alg(alg: &str) -> bool {
    JWE_ALGS.contains(&alg) || JWE_ENCS.iter().any(|(enc, _)| *enc == alg)
}

/// Every name tokenscope knows: the JWS algs it verifies, the JWE algs and encs it opens, and
/// `none` (known, so that refusing it can say why).
fn known(alg: &str) -> bool {
    alg == "none" || JWS_ALGS.contains(&alg) || is_encryption_alg(alg)
}

/// Whether a key of `key_type` can serve `alg`.
pub(crate) fn fits(alg: &str, key_type: KeyType) -> bool {
    match key_type {
        KeyType::Secret => {
            alg.starts_with("HS")
                || alg == "dir"
                || alg.starts_with("PBES2-")
                || (alg.starts_with('A') && known(alg))
        }
        KeyType::Rsa { .. } => {
            alg.starts_with("RS") || alg.starts_with("PS") || alg.starts_with("RSA")
        }
        KeyType::Ec(curve) => {
            alg.starts_with("ECDH-ES")
                || matches!(
                    (curve, alg),
                    (Curve::P256, "ES256")
                        | (Curve::P384, "ES384")
                        | (Curve::P521, "ES512")
                        | (Curve::Secp256k1, "ES256K")
                )
        }
        KeyType::Okp(OkpCurve::Ed25519 | OkpCurve::Ed448) => alg == "EdDSA",
        KeyType::Okp(OkpCurve::X25519 | OkpCurve::X448) => alg.starts_with("ECDH-ES"),
    }
}

/// Check an allowed-alg list against the keys it will apply to: every alg must exist and fit
/// at least one of them. Returns the reason for the first alg that does not.
pub(crate) fn check(algs: &[String], key_types: &[KeyType]) -> Result<(), (String, String)> {
    for alg in algs {
        if alg == "none" {
            return Err((alg.clone(), "is never accepted (RFC 8725 3.1)".to_string()));
        }
        if !known(alg) {
            let hint = JWS_ALGS
                .iter()
                .chain(JWE_ALGS.iter())
                .find(|a| a.eq_ignore_ascii_case(alg))
                .map(|a| format!(" (did you mean '{a}'? algs are case-sensitive)"))
                .unwrap_or_else(|| " (expected a JWS alg such as RS256, ES256, EdDSA, HS256, or a JWE alg such as dir, RSA-OAEP, ECDH-ES)".to_string());
            return Err((alg.clone(), format!("is not a JOSE algorithm{hint}")));
        }
        if !key_types.is_empty() && !key_types.iter().any(|t| fits(alg, *t)) {
            let kinds: Vec<&str> = key_types.iter().map(|t| t.as_str()).collect();
            return Err((
                alg.clone(),
                format!("does not fit this key ({})", kinds.join(", ")),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algs_fit_their_key_types() {
        assert!(fits("RS256", KeyType::Rsa { bits: 2048 }));
        assert!(fits("PS512", KeyType::Rsa { bits: 2048 }));
        assert!(fits("RSA-OAEP", KeyType::Rsa { bits: 2048 }));
        assert!(!fits("HS256", KeyType::Rsa { bits: 2048 }));
        assert!(fits("ES256", KeyType::Ec(Curve::P256)));
        assert!(!fits("ES384", KeyType::Ec(Curve::P256)));
        assert!(fits("ES256K", KeyType::Ec(Curve::Secp256k1)));
        assert!(fits("EdDSA", KeyType::Okp(OkpCurve::Ed25519)));
        assert!(fits("ECDH-ES", KeyType::Okp(OkpCurve::X25519)));
        assert!(fits("HS384", KeyType::Secret));
        assert!(fits("dir", KeyType::Secret));
        assert!(fits("A128KW", KeyType::Secret));
        assert!(!fits("ES256", KeyType::Secret));
    }

    #[test]
    fn check_explains_the_first_bad_alg() {
        let rsa = [KeyType::Rsa { bits: 2048 }];
        assert!(check(&["RS256".into(), "PS256".into()], &rsa).is_ok());
        let (alg, reason) = check(&["rs256".into()], &rsa).unwrap_err();
        assert_eq!(alg, "rs256");
        assert_eq!(
            reason,
            "is not a JOSE algorithm (did you mean 'RS256'? algs are case-sensitive)"
        );
        let (_, reason) = check(&["HS256".into()], &rsa).unwrap_err();
        assert_eq!(reason, "does not fit this key (rsa)");
        assert!(check(&["none".into()], &rsa).is_err());
    }
}
