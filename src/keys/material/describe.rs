//! A key in words: its kind, with its size or curve, and the half held (`RSA-2048 public`,
//! `EC P-256 private`, `Ed25519 public`, `secret 32 B`). One place spells them for
//! `tokenscope keys`, the TUI's key pane and the messages of verification, decryption and
//! signing; each of those says it in its own sentence through one of the forms below.

use std::fmt;

use super::curves::{curve_jwk_name, okp_jwk_name};
use crate::keys::{Key, KeyType, Material};

/// How to say what `key` is; its `Display` is the one-line form `keys list` prints.
pub fn describe(key: &Key) -> Description<'_> {
    Description { key }
}

/// A key described in words (see [`describe`]).
#[derive(Debug, Clone, Copy)]
pub struct Description<'k> {
    key: &'k Key,
}

impl Description<'_> {
    /// `RSA-2048`, `EC P-256`, `Ed25519`, `secret 32 B`: the kind with its size or curve.
    pub fn kind(&self) -> String {
        match (self.key.key_type, &self.key.material) {
            (KeyType::Rsa { bits }, _) => format!("RSA-{bits}"),
            (KeyType::Ec(curve), _) => format!("EC {}", curve_jwk_name(curve)),
            (KeyType::Okp(curve), _) => okp_jwk_name(curve).to_string(),
            (KeyType::Secret, Material::Secret(s)) => format!("secret {} B", s.len()),
            (KeyType::Secret, _) => "secret".to_string(),
        }
    }

    /// `public` or `private` for a half of a key pair; empty for a shared secret.
    pub fn half(&self) -> &'static str {
        match self.key.material {
            Material::Secret(_) => "",
            ref material => material.visibility(),
        }
    }

    /// `a shared secret`, `an RSA-2048 public key`, `an EC P-256 private key`: the key in a
    /// sentence.
    pub fn in_sentence(&self) -> String {
        match self.key.key_type {
            KeyType::Secret => "a shared secret".to_string(),
            _ => format!("an {} {} key", self.kind(), self.key.material.visibility()),
        }
    }

    /// `a shared secret`, `an RSA-2048 key`, `an Ed25519 key`: the key in a sentence, without
    /// saying which half is held.
    pub fn kind_in_sentence(&self) -> String {
        match self.key.key_type {
            KeyType::Secret => "a shared secret".to_string(),
            _ => format!("an {} key", self.kind()),
        }
    }

    /// `rsa 2048`, `ec P256`, `okp Ed25519`, `secret 32 B`: the TUI key pane's type column,
    /// which spells the kind as `KeyType::as_str` does and the curve by its variant name.
    pub fn terse(&self) -> String {
        match self.key.key_type {
            KeyType::Rsa { bits } => format!("rsa {bits}"),
            KeyType::Ec(curve) => format!("ec {curve:?}"),
            KeyType::Okp(curve) => format!("okp {curve:?}"),
            KeyType::Secret => self.kind(),
        }
    }
}

/// `RSA-2048 public`, `EC P-256 private`, `Ed25519 public`, `secret 32 B`.
impl fmt::Display for Description<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.half() {
            "" => f.write_str(&self.kind()),
            half => write!(f, "{} {half}", self.kind()),
        }
    }
}

#[cfg(test)]
mod tests {
    use openssl::nid::Nid;
    use openssl::pkey::Id;
    use zeroize::Zeroizing;

    use super::describe;
    use crate::keys::material::{parse_key_bytes, secret_key};
    use crate::keys::test_support::{ec, okp, rsa2048};

    #[test]
    fn every_form_of_every_kind() {
        let key = |pem: Vec<u8>| parse_key_bytes("k", &pem).unwrap().remove(0);
        let rsa = key(rsa2048().public_key_to_pem().unwrap());
        let p256 = key(ec(Nid::X9_62_PRIME256V1)
            .private_key_to_pem_pkcs8()
            .unwrap());
        let ed = key(okp(Id::ED25519).public_key_to_pem().unwrap());
        let secret = secret_key("s", Zeroizing::new(vec![7; 32]));
        let forms = |k| {
            let d = describe(k);
            [
                d.to_string(),
                d.kind(),
                d.half().to_string(),
                d.in_sentence(),
                d.kind_in_sentence(),
                d.terse(),
            ]
        };
        assert_eq!(
            forms(&rsa),
            [
                "RSA-2048 public",
                "RSA-2048",
                "public",
                "an RSA-2048 public key",
                "an RSA-2048 key",
                "rsa 2048"
            ]
        );
        assert_eq!(
            forms(&p256),
            [
                "EC P-256 private",
                "EC P-256",
                "private",
                "an EC P-256 private key",
                "an EC P-256 key",
                "ec P256"
            ]
        );
        assert_eq!(
            forms(&ed),
            [
                "Ed25519 public",
                "Ed25519",
                "public",
                "an Ed25519 public key",
                "an Ed25519 key",
                "okp Ed25519"
            ]
        );
        assert_eq!(
            forms(&secret),
            [
                "secret 32 B",
                "secret 32 B",
                "",
                "a shared secret",
                "a shared secret",
                "secret 32 B"
            ]
        );
    }
}
