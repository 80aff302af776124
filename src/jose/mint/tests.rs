//! Tests of minting: the alg a key signs with, what is refused, header order, every alg
//! signing what verification accepts, and JWE `dir` wrapping.

use super::*;
use crate::keys::{KeyRing, parse_key_bytes, secret_key};
use crate::report::LayerStatus;
use serde_json::json;
use zeroize::Zeroizing;

fn secret(bytes: &[u8]) -> Key {
    secret_key("s", Zeroizing::new(bytes.to_vec()))
}

fn private(pkey: &PKey<Private>) -> Key {
    let pem = pkey.private_key_to_pem_pkcs8().unwrap();
    parse_key_bytes("k", &pem).unwrap().remove(0)
}

fn public(pkey: &PKey<Private>) -> Key {
    let pem = pkey.public_key_to_pem().unwrap();
    parse_key_bytes("pub", &pem).unwrap().remove(0)
}

fn ec(nid: openssl::nid::Nid) -> PKey<Private> {
    let group = openssl::ec::EcGroup::from_curve_name(nid).unwrap();
    PKey::from_ec_key(openssl::ec::EcKey::generate(&group).unwrap()).unwrap()
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn verify(token: &str, key: Key) -> LayerStatus {
    let parts: Vec<&str> = token.split('.').collect();
    let header: Map<String, Value> =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    let input = format!("{}.{}", parts[0], parts[1]);
    let ring = KeyRing { keys: vec![key] };
    super::super::verify_jws(&header, input.as_bytes(), &sig, &ring).status
}

fn header_of(token: &str) -> Map<String, Value> {
    let first = token.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(first).unwrap()).unwrap()
}

#[test]
fn natural_defaults() {
    assert_eq!(choose_alg(&secret(b"k"), None).unwrap(), "HS256");
    let rsa = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    assert_eq!(choose_alg(&private(&rsa), None).unwrap(), "RS256");
    use openssl::nid::Nid;
    assert_eq!(
        choose_alg(&private(&ec(Nid::SECP384R1)), None).unwrap(),
        "ES384"
    );
    assert_eq!(
        choose_alg(&private(&ec(Nid::SECP521R1)), None).unwrap(),
        "ES512"
    );
    assert_eq!(
        choose_alg(&private(&ec(Nid::SECP256K1)), None).unwrap(),
        "ES256K"
    );
    let ed = PKey::generate_ed25519().unwrap();
    assert_eq!(choose_alg(&private(&ed), None).unwrap(), "EdDSA");
    let x = PKey::generate_x25519().unwrap();
    assert!(choose_alg(&private(&x), None).is_err());
}

#[test]
fn allowed_algs_come_first_and_bind() {
    let mut key = secret(b"0123456789abcdef0123456789abcdef0123456789abcdef");
    key.algs = vec!["dir".into(), "HS384".into()];
    assert_eq!(choose_alg(&key, None).unwrap(), "HS384");
    assert_eq!(
        choose_alg(&key, Some("HS256")).unwrap_err().to_string(),
        "key 's' allows only dir, HS384: it may not sign HS256"
    );
    key.algs = vec!["dir".into()];
    assert!(matches!(
        choose_alg(&key, None),
        Err(SignError::NoSigningAlg { .. })
    ));
}

#[test]
fn none_and_unknown_and_confusion_are_refused() {
    let key = secret(b"k");
    for none in ["none", "NONE", "nOnE"] {
        assert_eq!(
            choose_alg(&key, Some(none)),
            Err(SignError::AlgNone(none.into()))
        );
        let header = obj(json!({"alg": none}));
        assert!(matches!(
            sign_jws(&header, b"{}", &key, &SignOptions::default()),
            Err(SignError::AlgNone(_))
        ));
        assert!(matches!(
            sign_jws(
                &header,
                b"{}",
                &key,
                &SignOptions {
                    alg: Some("HS256"),
                    kid: None
                }
            ),
            Err(SignError::AlgNone(_))
        ));
    }
    assert!(
        choose_alg(&key, Some("hs256"))
            .unwrap_err()
            .to_string()
            .contains("did you mean 'HS256'")
    );
    let rsa = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    assert!(matches!(
        choose_alg(&private(&rsa), Some("HS256")),
        Err(SignError::HmacWithAsymmetricKey { .. })
    ));
    assert!(matches!(
        choose_alg(&public(&rsa), Some("HS256")),
        Err(SignError::HmacWithAsymmetricKey { .. })
    ));
    assert!(matches!(
        choose_alg(&private(&rsa), Some("ES256")),
        Err(SignError::WrongKeyType { .. })
    ));
    assert!(matches!(
        choose_alg(&key, Some("RS256")),
        Err(SignError::WrongKeyType { .. })
    ));
    assert!(matches!(
        sign_jws(&Map::new(), b"{}", &public(&rsa), &SignOptions::default()),
        Err(SignError::PublicKey { .. })
    ));
}

#[test]
fn every_alg_signs_what_verification_accepts() {
    use openssl::nid::Nid;
    let rsa = PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap();
    let cases: Vec<(&str, PKey<Private>)> = vec![
        ("RS256", rsa.clone()),
        ("RS384", rsa.clone()),
        ("RS512", rsa.clone()),
        ("PS256", rsa.clone()),
        ("PS384", rsa.clone()),
        ("PS512", rsa.clone()),
        ("ES256", ec(Nid::X9_62_PRIME256V1)),
        ("ES384", ec(Nid::SECP384R1)),
        ("ES512", ec(Nid::SECP521R1)),
        ("ES256K", ec(Nid::SECP256K1)),
        ("EdDSA", PKey::generate_ed25519().unwrap()),
    ];
    for (alg, pkey) in cases {
        let opts = SignOptions {
            alg: Some(alg),
            kid: None,
        };
        let token = sign_jws(&Map::new(), br#"{"sub":"1"}"#, &private(&pkey), &opts).unwrap();
        assert_eq!(verify(&token, public(&pkey)), LayerStatus::Valid, "{alg}");
    }
    // A short secret signs (OpenSSL HMAC), as verification accepts it.
    for alg in ["HS256", "HS384", "HS512"] {
        let opts = SignOptions {
            alg: Some(alg),
            kid: None,
        };
        let token = sign_jws(&Map::new(), b"{}", &secret(b"short"), &opts).unwrap();
        assert_eq!(
            verify(&token, secret(b"short")),
            LayerStatus::Valid,
            "{alg}"
        );
    }
}

#[test]
fn header_order_typ_and_kid() {
    let mut key = secret(b"k");
    let header = obj(json!({"x5t": "abc", "cty": "JWT", "zz": 1, "kid": "from-file"}));
    let token = sign_jws(&header, b"{}", &key, &SignOptions::default()).unwrap();
    let names: Vec<String> = header_of(&token).keys().cloned().collect();
    assert_eq!(names, ["alg", "typ", "kid", "x5t", "cty", "zz"]);
    assert_eq!(header_of(&token)["kid"], "from-file");

    key.kid = Some("from-key".into());
    let token = sign_jws(&header, b"{}", &key, &SignOptions::default()).unwrap();
    assert_eq!(header_of(&token)["kid"], "from-key");
    let opts = SignOptions {
        alg: None,
        kid: Some("override"),
    };
    let token = sign_jws(&header, b"{}", &key, &opts).unwrap();
    assert_eq!(header_of(&token)["kid"], "override");

    let token = sign_jws(&obj(json!({"typ": null})), b"{}", &secret(b"k"), &opts).unwrap();
    let names: Vec<String> = header_of(&token).keys().cloned().collect();
    assert_eq!(names, ["alg", "kid"]);
    let token = sign_jws(
        &obj(json!({"typ": "at+jwt", "alg": "HS512"})),
        b"{}",
        &secret(b"k"),
        &SignOptions::default(),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&header_of(&token)).unwrap(),
        r#"{"alg":"HS512","typ":"at+jwt"}"#
    );
}

#[test]
fn b64_false_is_refused() {
    let header = obj(json!({"b64": false, "crit": ["b64"]}));
    assert!(matches!(
        sign_jws(&header, b"{}", &secret(b"k"), &SignOptions::default()),
        Err(SignError::Header(_))
    ));
}

#[test]
fn dir_checks_the_secret_length_and_opens() {
    let jws = sign_jws(&Map::new(), b"{}", &secret(b"k"), &SignOptions::default()).unwrap();
    for (enc, len) in JWE_ENCS {
        let key = secret(&vec![7u8; *len]);
        let jwe = encrypt_dir(&jws, &key, enc).unwrap();
        let header = header_of(&jwe);
        assert_eq!(
            serde_json::to_string(&header).unwrap(),
            format!(r#"{{"alg":"dir","enc":"{enc}","cty":"JWT"}}"#)
        );
        let ring = KeyRing { keys: vec![key] };
        let (layer, plain) = super::super::decrypt_jwe(
            &jwe,
            &header,
            &ring,
            &Default::default(),
            crate::limits::MAX_PBES2_COUNT,
        );
        assert_eq!(layer.status, LayerStatus::Decrypted, "{enc}");
        assert_eq!(plain.unwrap(), jws.as_bytes());
    }
    let err = encrypt_dir(&jws, &secret(&[1u8; 32]), "A128GCM").unwrap_err();
    assert_eq!(
        err.to_string(),
        "JWE dir with A128GCM needs a 16-byte secret, key 's' has 32 bytes (this secret fits A256GCM, A128CBC-HS256)"
    );
    assert!(matches!(
        encrypt_dir(&jws, &secret(&[1u8; 32]), "A512GCM"),
        Err(SignError::UnknownEnc { .. })
    ));
    let ed = PKey::generate_ed25519().unwrap();
    assert!(matches!(
        encrypt_dir(&jws, &private(&ed), "A256GCM"),
        Err(SignError::DirNeedsSecret { .. })
    ));
}

#[test]
fn default_enc_by_allowed_list_then_length() {
    let mut key = secret(&[0u8; 32]);
    assert_eq!(default_enc(&key), Some("A256GCM"));
    key.algs = vec!["dir".into(), "A128CBC-HS256".into()];
    assert_eq!(default_enc(&key), Some("A128CBC-HS256"));
    assert_eq!(default_enc(&secret(&[0u8; 64])), Some("A256CBC-HS512"));
    assert_eq!(default_enc(&secret(&[0u8; 5])), None);
}
