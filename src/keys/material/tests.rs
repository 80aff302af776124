use openssl::bn::BigNumContext;
use openssl::ec::EcKey;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::x509::{X509, X509NameBuilder};
use serde_json::json;

use super::der::{from_pkcs8, from_spki, private_material, public_material, typed_spki};
use super::*;
use crate::keys::test_support::{ec, okp, private_jwk, public_jwk, rsa2048};
use crate::keys::{Curve, KeyType, Material, OkpCurve};

fn one(name: &str, bytes: &[u8]) -> Key {
    let mut keys = parse_key_bytes(name, bytes).unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    keys.remove(0)
}

fn spki(key: &Key) -> &[u8] {
    match &key.material {
        Material::Public { spki_der } | Material::Private { spki_der, .. } => spki_der,
        Material::Secret(_) => panic!("secret"),
    }
}

fn pkcs8(key: &Key) -> &[u8] {
    match &key.material {
        Material::Private { pkcs8_der, .. } => pkcs8_der,
        other => panic!("not private: {other:?}"),
    }
}

fn err(name: &str, bytes: &[u8]) -> String {
    parse_key_bytes(name, bytes).unwrap_err().to_string()
}

fn cert_for(pkey: &PKey<Private>) -> X509 {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "tokenscope test").unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    builder.set_subject_name(&name).unwrap();
    builder.set_issuer_name(&name).unwrap();
    builder.set_pubkey(pkey).unwrap();
    builder
        .set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    builder
        .set_not_after(&openssl::asn1::Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    builder
        .sign(pkey, openssl::hash::MessageDigest::sha256())
        .unwrap();
    builder.build()
}

// ---- PEM ---------------------------------------------------------------------------

/// A material's SPKI and PKCS#8.
fn der_of(material: &Material) -> (Vec<u8>, Option<Vec<u8>>) {
    match material {
        Material::Public { spki_der } => (spki_der.clone(), None),
        Material::Private {
            pkcs8_der,
            spki_der,
        } => (spki_der.clone(), Some(pkcs8_der.to_vec())),
        Material::Secret(_) => panic!("secret"),
    }
}

// ---- DER ---------------------------------------------------------------------------

// ---- JWK and JWKS -----------------------------------------------------------------

// ---- Secrets ----------------------------------------------------------------------

// ---- What josekit makes of the DER ---------------------------------------------------

mod part1;
mod part2;
