//! Fixture keys for the key module's tests, generated with OpenSSL at test time (never
//! hand-edited base64). RSA generation is the slow one, so one key per size is shared.

use std::sync::OnceLock;

use base64::Engine as _;
use openssl::ec::{EcGroup, EcKey};
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::rsa::Rsa;
use serde_json::{Value, json};

use super::material::B64URL;

pub(crate) fn rsa2048() -> PKey<Private> {
    static KEY: OnceLock<Vec<u8>> = OnceLock::new();
    let der = KEY.get_or_init(|| {
        PKey::from_rsa(Rsa::generate(2048).unwrap())
            .unwrap()
            .private_key_to_pkcs8()
            .unwrap()
    });
    PKey::private_key_from_pkcs8(der).unwrap()
}

pub(crate) fn ec(nid: Nid) -> PKey<Private> {
    let group = EcGroup::from_curve_name(nid).unwrap();
    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
}

pub(crate) fn okp(id: Id) -> PKey<Private> {
    match id {
        Id::ED25519 => PKey::generate_ed25519().unwrap(),
        Id::ED448 => PKey::generate_ed448().unwrap(),
        Id::X25519 => PKey::generate_x25519().unwrap(),
        Id::X448 => PKey::generate_x448().unwrap(),
        _ => unreachable!(),
    }
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    B64URL.encode(bytes)
}

/// The private JWK of an OpenSSL key, members built from its components.
pub(crate) fn private_jwk(pkey: &PKey<Private>) -> Value {
    match pkey.id() {
        Id::RSA => {
            let rsa = pkey.rsa().unwrap();
            json!({
                "kty": "RSA",
                "n": b64(&rsa.n().to_vec()),
                "e": b64(&rsa.e().to_vec()),
                "d": b64(&rsa.d().to_vec()),
                "p": b64(&rsa.p().unwrap().to_vec()),
                "q": b64(&rsa.q().unwrap().to_vec()),
                "dp": b64(&rsa.dmp1().unwrap().to_vec()),
                "dq": b64(&rsa.dmq1().unwrap().to_vec()),
                "qi": b64(&rsa.iqmp().unwrap().to_vec()),
            })
        }
        Id::EC => {
            let ec = pkey.ec_key().unwrap();
            let mut ctx = openssl::bn::BigNumContext::new().unwrap();
            let mut x = openssl::bn::BigNum::new().unwrap();
            let mut y = openssl::bn::BigNum::new().unwrap();
            ec.public_key()
                .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
                .unwrap();
            let (crv, size) = match ec.group().curve_name().unwrap() {
                Nid::X9_62_PRIME256V1 => ("P-256", 32),
                Nid::SECP384R1 => ("P-384", 48),
                Nid::SECP521R1 => ("P-521", 66),
                Nid::SECP256K1 => ("secp256k1", 32),
                _ => unreachable!(),
            };
            json!({
                "kty": "EC",
                "crv": crv,
                "x": b64(&x.to_vec_padded(size).unwrap()),
                "y": b64(&y.to_vec_padded(size).unwrap()),
                "d": b64(&ec.private_key().to_vec_padded(size).unwrap()),
            })
        }
        id => {
            let crv = match id {
                Id::ED25519 => "Ed25519",
                Id::ED448 => "Ed448",
                Id::X25519 => "X25519",
                Id::X448 => "X448",
                _ => unreachable!(),
            };
            json!({
                "kty": "OKP",
                "crv": crv,
                "x": b64(&pkey.raw_public_key().unwrap()),
                "d": b64(&pkey.raw_private_key().unwrap()),
            })
        }
    }
}

/// The same JWK without its private members.
pub(crate) fn public_jwk(pkey: &PKey<Private>) -> Value {
    let mut jwk = private_jwk(pkey);
    let obj = jwk.as_object_mut().unwrap();
    for m in ["d", "p", "q", "dp", "dq", "qi"] {
        obj.remove(m);
    }
    jwk
}
