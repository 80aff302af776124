//! Key material: parsing (PEM, DER, JWK, JWKS, secrets), the on-disk store, JWKS endpoints,
//! generation and export.
//!
//! CONTRACT with the jose glue: every usable key is a `Key` whose asymmetric material is
//! normalised to DER (SPKI for public halves, PKCS#8 for private ones), so the glue never
//! cares which format the user gave.
//!
//! Layout: `material` reads every key format, `store` keeps named keys on disk, `jwks`
//! fetches and caches JWKS endpoints, `private_files` writes what both keep (owner-only,
//! atomically), `ring` turns the store into a `KeyRing`, `gen` makes new keys, `export`
//! prints public halves and thumbprints, `algs` lists the JOSE algs and which keys serve them,
//! `hmac` keys a secret's HMAC state once. The `tokenscope keys` subcommand
//! is a shell over this module (`commands::keys_cmd`): nothing here knows the CLI.

mod algs;
mod error;
mod export;
pub mod hmac;
pub mod jwks;
pub mod keygen;
mod material;
mod private_files;
mod ring;
mod store;
#[cfg(test)]
pub(crate) mod test_support;

pub use algs::{JWE_ALGS, JWE_ENCS, JWS_ALGS};
pub(crate) use error::redact_serde_message;
pub use error::{KeyError, openssl_text};
pub use export::{key_fingerprint, public_jwk, public_jwks, public_pem, thumbprint};
pub use keygen::{GenType, default_algs, generate, generate_dir};
pub(crate) use material::{B64URL, curve_jwk_name, okp_jwk_name, pkcs8_pkey, read_secret_raw};
pub use material::{Description, describe};
pub use material::{
    SecretEncoding, parse_key_bytes, parse_key_bytes_lenient, parse_secret, read_key_file,
    read_secret_arg, secret_as_key, secret_file_warning, secret_key,
};
pub use private_files::create_private_dir;
pub use ring::{Deferred, load_ring, load_ring_offline};
pub(crate) use store::unknown_key;
pub use store::{MaterialSource, Store, StoredKey};

use serde::Serialize;
use zeroize::Zeroizing;

use crate::profile::Profile;
use crate::report::KeyFacts;

/// Elliptic curves for EC keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

/// Curves for OKP keys (RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum OkpCurve {
    Ed25519,
    Ed448,
    X25519,
    X448,
}

/// What kind of key this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KeyType {
    /// A shared secret: HMAC key, `dir` content key, AES key-wrap key or PBES2 password.
    Secret,
    Rsa {
        bits: u32,
    },
    Ec(Curve),
    Okp(OkpCurve),
}

impl KeyType {
    /// Short name: `secret`, `rsa`, `ec`, `okp`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Secret => "secret",
            KeyType::Rsa { .. } => "rsa",
            KeyType::Ec(_) => "ec",
            KeyType::Okp(_) => "okp",
        }
    }
}

/// Normalised key material.
pub enum Material {
    Secret(Zeroizing<Vec<u8>>),
    /// DER SubjectPublicKeyInfo.
    Public {
        spki_der: Vec<u8>,
    },
    /// DER PKCS#8 private key and the DER SPKI of its public half.
    Private {
        pkcs8_der: Zeroizing<Vec<u8>>,
        spki_der: Vec<u8>,
    },
}

impl Material {
    /// `secret`, `public` or `private`.
    pub fn visibility(&self) -> &'static str {
        match self {
            Material::Secret(_) => "secret",
            Material::Public { .. } => "public",
            Material::Private { .. } => "private",
        }
    }
}

impl std::fmt::Debug for Material {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Material::Secret(s) => write!(f, "Secret({} bytes)", s.len()),
            Material::Public { .. } => f.write_str("Public"),
            Material::Private { .. } => f.write_str("Private"),
        }
    }
}

/// One usable key.
#[derive(Debug)]
pub struct Key {
    /// How the user names it: the store name, the file path, or `store-name#kid` for one
    /// member of a JWKS.
    pub name: String,
    pub kid: Option<String>,
    pub profile: Option<Profile>,
    /// Allowed algs; empty means any alg the key fits.
    pub algs: Vec<String>,
    pub key_type: KeyType,
    pub material: Material,
    /// Came from a JWKS file or endpoint.
    pub from_jwks: bool,
    /// Given as PKCS#1 (`BEGIN RSA PUBLIC KEY` / `BEGIN RSA PRIVATE KEY` or PKCS#1 DER).
    pub pkcs1: bool,
    /// What the key may be used for (a JWK's `use` and `key_ops`).
    pub usage: KeyUsage,
    /// For a secret whose bytes are really a public or private key (PEM, DER, a JWK): what
    /// they parse as. Such a secret is never used (RULES.md section 2, Keys).
    pub not_a_secret: Option<String>,
    /// Parsed forms of the material, built on first use and reused across tokens.
    pub cache: KeyCache,
}

/// What a key may do, from a JWK's `use` (RFC 7517 4.2) and `key_ops` (4.3): both unless
/// the JWK restricts it. A `use: "enc"` key never verifies a signature, a `use: "sig"` key
/// never decrypts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUsage {
    pub signatures: bool,
    pub encryption: bool,
    /// The JWK members that restrict it, as they read (`use "enc"`), for messages.
    pub stated: Option<String>,
}

impl Default for KeyUsage {
    fn default() -> Self {
        KeyUsage {
            signatures: true,
            encryption: true,
            stated: None,
        }
    }
}

/// Parsed forms of a key's material, built on first use: batch mode verifies thousands of
/// tokens with one key, and parsing it for each would cost more than the verification.
pub struct KeyCache {
    /// Unique per cache, so that per-thread verification contexts can be keyed by it.
    id: u64,
    public: std::sync::OnceLock<Option<openssl::pkey::PKey<openssl::pkey::Public>>>,
    hmac: [std::sync::OnceLock<Option<hmac::Keyed>>; 3],
}

impl Default for KeyCache {
    fn default() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        KeyCache {
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            public: Default::default(),
            hmac: Default::default(),
        }
    }
}

impl KeyCache {
    /// This cache's unique id.
    pub fn id(&self) -> u64 {
        self.id
    }
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyCache")
    }
}

impl Key {
    /// Facts the rules need, never the material.
    pub fn facts(&self) -> KeyFacts {
        KeyFacts {
            name: self.name.clone(),
            key_type: self.key_type.as_str(),
            visibility: self.material.visibility(),
            profile: self.profile,
            from_jwks: self.from_jwks,
            pkcs1: self.pkcs1,
            secret_len: match &self.material {
                Material::Secret(s) => Some(s.len()),
                _ => None,
            },
            kid: self.kid.clone(),
            rsa_bits: match self.key_type {
                KeyType::Rsa { bits } => Some(bits),
                _ => None,
            },
        }
    }

    /// The public key, parsed once (None for a secret, or DER OpenSSL refuses).
    pub fn public_pkey(&self) -> Option<&openssl::pkey::PKey<openssl::pkey::Public>> {
        self.cache
            .public
            .get_or_init(|| match &self.material {
                Material::Public { spki_der } | Material::Private { spki_der, .. } => {
                    material::spki_pkey(self.key_type, spki_der).ok()
                }
                Material::Secret(_) => None,
            })
            .as_ref()
    }

    /// The keyed HMAC state for `alg` (HS256/384/512), built once (None for an asymmetric key).
    pub fn hmac_state(&self, alg: &str) -> Option<&hmac::Keyed> {
        let slot = match alg {
            "HS256" => 0,
            "HS384" => 1,
            "HS512" => 2,
            _ => return None,
        };
        self.cache.hmac[slot]
            .get_or_init(|| match &self.material {
                Material::Secret(secret) => hmac::Keyed::new(alg, secret).ok(),
                _ => None,
            })
            .as_ref()
    }

    /// True when `alg` is allowed by the key's alg list (empty list allows all).
    pub fn allows(&self, alg: &str) -> bool {
        self.algs.is_empty() || self.algs.iter().any(|a| a == alg)
    }
}

/// Facts about the key ring that some rules need (never key material).
#[derive(Debug, Clone, Default)]
pub struct KeyringFacts {
    /// How many usable keys carry each profile tag.
    pub xtremepush_keys: usize,
    pub qualifio_keys: usize,
    pub adictiz_keys: usize,
    /// Names of secrets whose bytes are really a public or private key (never used).
    pub secrets_that_are_keys: Vec<String>,
}

/// The keys an inspection may use.
#[derive(Debug, Default)]
pub struct KeyRing {
    pub keys: Vec<Key>,
}

impl KeyRing {
    pub fn facts(&self) -> KeyringFacts {
        let count = |p: Profile| self.keys.iter().filter(|k| k.profile == Some(p)).count();
        KeyringFacts {
            xtremepush_keys: count(Profile::Xtremepush),
            qualifio_keys: count(Profile::Qualifio),
            adictiz_keys: count(Profile::Adictiz),
            secrets_that_are_keys: self
                .keys
                .iter()
                .filter(|k| k.not_a_secret.is_some())
                .map(|k| k.name.clone())
                .collect(),
        }
    }
}
