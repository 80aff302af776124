//! Tests of tests, continued (22 tests; the module holds the shared helpers).

use super::*;

#[test]
fn pem_spki_rsa_is_a_public_key() {
    let pkey = rsa2048();
    let key = one("k.pem", &pkey.public_key_to_pem().unwrap());
    assert_eq!(key.name, "k.pem");
    assert_eq!(key.key_type, KeyType::Rsa { bits: 2048 });
    assert!(!key.pkcs1);
    assert!(matches!(key.material, Material::Public { .. }));
    assert_eq!(spki(&key), pkey.public_key_to_der().unwrap());
}

#[test]
fn pem_pkcs1_public_is_flagged() {
    let pkey = rsa2048();
    let pem = pkey.rsa().unwrap().public_key_to_pem_pkcs1().unwrap();
    assert!(String::from_utf8_lossy(&pem).contains("BEGIN RSA PUBLIC KEY"));
    let key = one("k", &pem);
    assert!(key.pkcs1);
    assert_eq!(spki(&key), pkey.public_key_to_der().unwrap());
}

#[test]
fn pem_pkcs8_private_for_every_key_type() {
    let cases: Vec<(PKey<Private>, KeyType)> = vec![
        (rsa2048(), KeyType::Rsa { bits: 2048 }),
        (ec(Nid::X9_62_PRIME256V1), KeyType::Ec(Curve::P256)),
        (ec(Nid::SECP384R1), KeyType::Ec(Curve::P384)),
        (ec(Nid::SECP521R1), KeyType::Ec(Curve::P521)),
        (ec(Nid::SECP256K1), KeyType::Ec(Curve::Secp256k1)),
        (okp(Id::ED25519), KeyType::Okp(OkpCurve::Ed25519)),
        (okp(Id::ED448), KeyType::Okp(OkpCurve::Ed448)),
        (okp(Id::X25519), KeyType::Okp(OkpCurve::X25519)),
        (okp(Id::X448), KeyType::Okp(OkpCurve::X448)),
    ];
    for (pkey, expected) in cases {
        let pem = pkey.private_key_to_pem_pkcs8().unwrap();
        let key = one("k", &pem);
        assert_eq!(key.key_type, expected);
        assert!(!key.pkcs1);
        assert_eq!(
            spki(&key),
            pkey.public_key_to_der().unwrap(),
            "{expected:?}"
        );
        let back = PKey::private_key_from_pkcs8(pkcs8(&key)).unwrap();
        assert!(back.public_eq(&pkey), "{expected:?}");
    }
}

/// The typed RSA and EC readers (the fast path) give what OpenSSL's generic reader and writer
/// give: the same key type, SPKI and PKCS#8, and a key that verifies like the generic one.
#[test]
fn typed_readers_agree_with_the_generic_ones() {
    let cases: Vec<PKey<Private>> = vec![
        rsa2048(),
        PKey::from_rsa(openssl::rsa::Rsa::generate(1023).unwrap()).unwrap(),
        ec(Nid::X9_62_PRIME256V1),
        ec(Nid::SECP384R1),
        ec(Nid::SECP521R1),
        ec(Nid::SECP256K1),
        okp(Id::ED25519),
    ];
    for pkey in cases {
        let der = pkey.public_key_to_der().unwrap();
        let generic = public_material(&PKey::public_key_from_der(&der).unwrap()).unwrap();
        let fast = from_spki(&der).unwrap();
        assert_eq!(fast.0, generic.0, "{:?}", pkey.id());
        assert_eq!(der_of(&fast.1), der_of(&generic.1), "{:?}", pkey.id());
        let typed = typed_spki(&der);
        assert_eq!(typed.is_some(), pkey.id() != Id::ED25519, "{:?}", pkey.id());

        let pkcs8_der = pkey.private_key_to_pkcs8().unwrap();
        let read = pkcs8_pkey(&pkcs8_der).unwrap();
        assert_eq!(read.id(), pkey.id());
        assert!(read.public_eq(&pkey), "{:?}", pkey.id());
        assert_eq!(
            read.private_key_to_pkcs8().unwrap(),
            pkcs8_der,
            "{:?}",
            pkey.id()
        );
        let generic = private_material(PKey::private_key_from_pkcs8(&pkcs8_der).unwrap()).unwrap();
        let fast = from_pkcs8(&pkcs8_der).unwrap();
        assert_eq!(fast.0, generic.0, "{:?}", pkey.id());
        assert_eq!(der_of(&fast.1), der_of(&generic.1), "{:?}", pkey.id());

        let (key_type, Material::Public { spki_der }) = from_spki(&der).unwrap() else {
            panic!("not public");
        };
        let read = spki_pkey(key_type, &spki_der).unwrap();
        assert!(read.public_eq(&pkey), "{:?}", pkey.id());
        assert_eq!(read.public_key_to_der().unwrap(), der, "{:?}", pkey.id());
    }
    // An EC key with a compressed point, or with its curve's explicit parameters, is not
    // what `public_material` writes: the generic path reads it and writes the named-curve,
    // uncompressed SPKI, as before.
    let p256 = ec(Nid::X9_62_PRIME256V1);
    let canonical = p256.public_key_to_der().unwrap();
    let group = openssl::ec::EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let point = p256
        .ec_key()
        .unwrap()
        .public_key()
        .to_owned(&group)
        .unwrap();
    // SEQUENCE { AlgorithmIdentifier (as in the canonical SPKI), BIT STRING { 02|03 X } }.
    assert_eq!(canonical[..4], [0x30, 0x59, 0x30, 0x13]);
    let mut ctx = BigNumContext::new().unwrap();
    let x = point
        .to_bytes(
            &group,
            openssl::ec::PointConversionForm::COMPRESSED,
            &mut ctx,
        )
        .unwrap();
    let mut compressed = vec![0x30, (21 + 3 + x.len()) as u8];
    compressed.extend_from_slice(&canonical[2..23]);
    compressed.extend_from_slice(&[0x03, (x.len() + 1) as u8, 0x00]);
    compressed.extend_from_slice(&x);
    let mut explicit_group = openssl::ec::EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    explicit_group.set_asn1_flag(openssl::ec::Asn1Flag::EXPLICIT_CURVE);
    let explicit = EcKey::from_public_key(&explicit_group, &point)
        .unwrap()
        .public_key_to_der()
        .unwrap();
    for der in [compressed, explicit] {
        assert_ne!(der, canonical);
        assert!(EcKey::public_key_from_der(&der).is_ok(), "{der:02x?}");
        assert!(typed_spki(&der).is_none());
        if let Ok((key_type, material)) = from_spki(&der) {
            assert_eq!(key_type, KeyType::Ec(Curve::P256));
            assert_eq!(der_of(&material).0, canonical);
        }
    }
    // An odd-sized modulus counts its bits, not its bytes.
    let odd = PKey::from_rsa(openssl::rsa::Rsa::generate(1023).unwrap()).unwrap();
    let key = one("k", &odd.public_key_to_pem().unwrap());
    assert_eq!(key.key_type, KeyType::Rsa { bits: 1023 });
}

/// A PKCS#8 RSA key that is not strict DER (trailing bytes here) is not for the pkcs8 crate:
/// OpenSSL's generic reader decides, as before the fast path.
#[test]
fn pkcs8_the_fast_path_declines_goes_to_openssl() {
    let pkey = rsa2048();
    let mut der = pkey.private_key_to_pkcs8().unwrap();
    der.extend_from_slice(&[0, 0]);
    assert!(pkcs8::PrivateKeyInfo::try_from(der.as_slice()).is_err());
    assert_eq!(
        pkcs8_pkey(&der).map(|k| k.public_eq(&pkey)).ok(),
        PKey::private_key_from_pkcs8(&der)
            .map(|k| k.public_eq(&pkey))
            .ok()
    );
}

/// An RSA-PSS restricted key is an RSA key to OpenSSL's typed RSA reader: its SPKI does not
/// write back byte for byte, so it goes through the generic reader, which refuses it.
#[test]
fn rsa_pss_keys_are_refused_on_every_path() {
    let mut ctx = openssl::pkey_ctx::PkeyCtx::new_id(Id::RSA_PSS).unwrap();
    ctx.keygen_init().unwrap();
    ctx.set_rsa_keygen_bits(2048).unwrap();
    let pss = ctx.keygen().unwrap();
    assert_eq!(pss.id(), Id::RSA_PSS);
    let spki_der = pss.public_key_to_der().unwrap();
    assert!(typed_spki(&spki_der).is_none());
    for (what, bytes) in [
        ("SPKI", pss.public_key_to_pem().unwrap()),
        ("PKCS#8", pss.private_key_to_pem_pkcs8().unwrap()),
    ] {
        let e = err("pss.pem", &bytes);
        assert!(e.contains("RSA-PSS restricted key"), "{what}: {e}");
    }
}

#[test]
fn pem_pkcs1_private_is_flagged() {
    let pkey = rsa2048();
    let pem = pkey.rsa().unwrap().private_key_to_pem().unwrap();
    assert!(String::from_utf8_lossy(&pem).contains("BEGIN RSA PRIVATE KEY"));
    let key = one("k", &pem);
    assert!(key.pkcs1);
    assert_eq!(key.key_type, KeyType::Rsa { bits: 2048 });
    assert!(
        PKey::private_key_from_pkcs8(pkcs8(&key))
            .unwrap()
            .public_eq(&pkey)
    );
}

#[test]
fn pem_sec1_with_its_parameters_block() {
    for (nid, curve) in [
        (Nid::X9_62_PRIME256V1, Curve::P256),
        (Nid::SECP384R1, Curve::P384),
        (Nid::SECP521R1, Curve::P521),
        (Nid::SECP256K1, Curve::Secp256k1),
    ] {
        let pkey = ec(nid);
        let ec_key = pkey.ec_key().unwrap();
        // `openssl ecparam -genkey` writes an EC PARAMETERS block first: skipped.
        let mut text =
            b"-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                .to_vec();
        text.extend(ec_key.private_key_to_pem().unwrap());
        assert!(String::from_utf8_lossy(&text).contains("BEGIN EC PRIVATE KEY"));
        let key = one("k", &text);
        assert_eq!(key.name, "k");
        assert_eq!(key.key_type, KeyType::Ec(curve));
        assert!(
            PKey::private_key_from_pkcs8(pkcs8(&key))
                .unwrap()
                .public_eq(&pkey)
        );
    }
}

#[test]
fn pem_certificate_gives_its_public_key() {
    let pkey = ec(Nid::X9_62_PRIME256V1);
    let cert = cert_for(&pkey);
    let key = one("cert.pem", &cert.to_pem().unwrap());
    assert_eq!(key.key_type, KeyType::Ec(Curve::P256));
    assert!(matches!(key.material, Material::Public { .. }));
    assert_eq!(spki(&key), pkey.public_key_to_der().unwrap());
}

#[test]
fn pem_with_several_keys_names_them_by_index() {
    let a = rsa2048();
    let b = okp(Id::ED25519);
    let mut text = a.public_key_to_pem().unwrap();
    text.extend(b"\nsome comment between blocks\n");
    text.extend(b.private_key_to_pem_pkcs8().unwrap());
    let keys = parse_key_bytes("pair.pem", &text).unwrap();
    let names: Vec<_> = keys.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["pair.pem#0", "pair.pem#1"]);
    assert_eq!(keys[1].key_type, KeyType::Okp(OkpCurve::Ed25519));
}

#[test]
fn pem_bad_inputs_are_explained() {
    assert_eq!(
        err(
            "k.pem",
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
        ),
        "key 'k.pem': PEM block 1 (PUBLIC KEY): not a valid SubjectPublicKeyInfo (unsupported)"
            .replace(
                "(unsupported)",
                &format!(
                    "({})",
                    crate::keys::error::ssl_reason(
                        &PKey::public_key_from_der(&[0, 0, 0]).unwrap_err()
                    )
                )
            )
    );
    assert_eq!(
        err(
            "k.pem",
            b"-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n"
        ),
        "key 'k.pem': PEM without a key (blocks found: DH PARAMETERS; keys are PUBLIC KEY, RSA PUBLIC KEY, PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or CERTIFICATE) (expected PEM, DER, JWK or JWKS)"
    );
    let e = err("k.pem", b"-----BEGIN PUBLIC KEY-----\nAAAA\n");
    assert!(e.starts_with("key 'k.pem': PEM: "), "{e}");
    let encrypted = rsa2048()
        .private_key_to_pem_pkcs8_passphrase(openssl::symm::Cipher::aes_128_cbc(), b"pw")
        .unwrap();
    assert_eq!(
        err("k.pem", &encrypted),
        "key 'k.pem': PEM block 1 (ENCRYPTED PRIVATE KEY): a passphrase-protected private key is not supported (decrypt it first: openssl pkey -in KEY.pem -out plain.pem)"
    );
}

#[test]
fn der_in_every_container() {
    let rsa = rsa2048();
    let p256 = ec(Nid::X9_62_PRIME256V1);
    let rsa_spki = rsa.public_key_to_der().unwrap();
    let cases: Vec<(&str, Vec<u8>, bool, bool)> = vec![
        // (what, der, private, pkcs1)
        ("pkcs8", rsa.private_key_to_pkcs8().unwrap(), true, false),
        ("spki", rsa_spki.clone(), false, false),
        (
            "pkcs1 private",
            rsa.rsa().unwrap().private_key_to_der().unwrap(),
            true,
            true,
        ),
        (
            "pkcs1 public",
            rsa.rsa().unwrap().public_key_to_der_pkcs1().unwrap(),
            false,
            true,
        ),
        (
            "certificate",
            cert_for(&rsa).to_der().unwrap(),
            false,
            false,
        ),
    ];
    for (what, der, private, pkcs1) in cases {
        let key = one("k.der", &der);
        assert_eq!(key.key_type, KeyType::Rsa { bits: 2048 }, "{what}");
        assert_eq!(key.pkcs1, pkcs1, "{what}");
        assert_eq!(
            matches!(key.material, Material::Private { .. }),
            private,
            "{what}"
        );
        assert_eq!(spki(&key), rsa_spki, "{what}");
    }
    let sec1 = one(
        "k.der",
        &p256.ec_key().unwrap().private_key_to_der().unwrap(),
    );
    assert_eq!(sec1.key_type, KeyType::Ec(Curve::P256));
    assert_eq!(spki(&sec1), p256.public_key_to_der().unwrap());
    let ed = one("k.der", &okp(Id::ED25519).public_key_to_der().unwrap());
    assert_eq!(ed.key_type, KeyType::Okp(OkpCurve::Ed25519));
}

#[test]
fn der_bad_inputs_are_explained() {
    assert_eq!(
        err("k.der", &[0x30, 0x03, 0x02, 0x01, 0x00]),
        "key 'k.der': DER that is none of PKCS#8, SPKI, PKCS#1, SEC1 or an X.509 certificate (expected PEM, DER, JWK or JWKS)"
    );
    assert_eq!(
        err("k.bin", &[0xff, 0x00, 0x12]),
        "key 'k.bin': binary data that is not DER (no ASN.1 SEQUENCE at the start) (expected PEM, DER, JWK or JWKS)"
    );
    assert_eq!(
        err("k", b"  \n"),
        "key 'k': the key is empty (expected PEM, DER, JWK or JWKS)"
    );
    assert_eq!(
        err("k", b"hunter2"),
        "key 'k': text that is neither PEM (no '-----BEGIN' line) nor JSON (expected PEM, DER, JWK or JWKS)"
    );
}

#[test]
fn jwk_of_every_kty_public_and_private() {
    let cases: Vec<(PKey<Private>, KeyType)> = vec![
        (rsa2048(), KeyType::Rsa { bits: 2048 }),
        (ec(Nid::X9_62_PRIME256V1), KeyType::Ec(Curve::P256)),
        (ec(Nid::SECP384R1), KeyType::Ec(Curve::P384)),
        (ec(Nid::SECP521R1), KeyType::Ec(Curve::P521)),
        (ec(Nid::SECP256K1), KeyType::Ec(Curve::Secp256k1)),
        (okp(Id::ED25519), KeyType::Okp(OkpCurve::Ed25519)),
        (okp(Id::ED448), KeyType::Okp(OkpCurve::Ed448)),
        (okp(Id::X25519), KeyType::Okp(OkpCurve::X25519)),
        (okp(Id::X448), KeyType::Okp(OkpCurve::X448)),
    ];
    for (pkey, expected) in cases {
        let public = one("k.jwk", public_jwk(&pkey).to_string().as_bytes());
        assert_eq!(public.key_type, expected);
        assert!(
            matches!(public.material, Material::Public { .. }),
            "{expected:?}"
        );
        assert_eq!(
            spki(&public),
            pkey.public_key_to_der().unwrap(),
            "{expected:?}"
        );
        let private = one("k.jwk", private_jwk(&pkey).to_string().as_bytes());
        assert_eq!(private.key_type, expected);
        assert!(
            PKey::private_key_from_pkcs8(pkcs8(&private))
                .unwrap()
                .public_eq(&pkey),
            "{expected:?}"
        );
    }
}

#[test]
fn jwk_oct_is_a_secret_and_kid_alg_are_kept() {
    let key = one(
        "k",
        br#"{"kty":"oct","kid":"hmac-1","alg":"HS256","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#,
    );
    assert_eq!(key.key_type, KeyType::Secret);
    assert_eq!(key.kid.as_deref(), Some("hmac-1"));
    assert_eq!(key.algs, ["HS256"]);
    assert!(!key.from_jwks);
    match &key.material {
        Material::Secret(s) => assert_eq!(s.len(), 64),
        other => panic!("{other:?}"),
    }
    // Debug never shows the bytes.
    assert!(format!("{key:?}").contains("Secret(64 bytes)"));
}

#[test]
fn jwk_rfc8037_ed25519_private_key() {
    // RFC 8037 appendix A.1, as published.
    let key = one(
        "rfc8037",
        br#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
    );
    assert_eq!(key.key_type, KeyType::Okp(OkpCurve::Ed25519));
    assert!(matches!(key.material, Material::Private { .. }));
}

#[test]
fn jwks_members_are_named_by_kid_or_index() {
    let a = ec(Nid::X9_62_PRIME256V1);
    let b = rsa2048();
    let mut ja = public_jwk(&a);
    ja["kid"] = json!("ec-1");
    ja["alg"] = json!("ES256");
    let jwks = json!({"keys": [ja, public_jwk(&b), {"kty": "oct", "k": "c2VjcmV0"}]});
    let keys = parse_key_bytes("set.json", jwks.to_string().as_bytes()).unwrap();
    let names: Vec<_> = keys.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["set.json#ec-1", "set.json#1", "set.json#2"]);
    assert!(keys.iter().all(|k| k.from_jwks));
    assert_eq!(keys[0].kid.as_deref(), Some("ec-1"));
    assert_eq!(keys[0].algs, ["ES256"]);
    assert_eq!(keys[1].kid, None);
    assert_eq!(keys[2].key_type, KeyType::Secret);
}

#[test]
fn jwks_strict_fails_lenient_skips_a_bad_member() {
    let good = public_jwk(&ec(Nid::X9_62_PRIME256V1));
    let jwks = json!({"keys": [{"kty": "DSA", "kid": "old"}, good]});
    let bytes = jwks.to_string();
    assert_eq!(
        err("ep", bytes.as_bytes()),
        "key 'ep#old': JWK kty 'DSA' is not supported (expected RSA, EC, OKP or oct)"
    );
    let (keys, warnings) = parse_key_bytes_lenient("ep", bytes.as_bytes()).unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "ep#1");
    assert_eq!(
        warnings,
        [
            "skipped JWKS member 0: key 'ep#old': JWK kty 'DSA' is not supported (expected RSA, EC, OKP or oct)"
        ]
    );
    assert_eq!(
        err("ep", br#"{"keys": []}"#),
        "key 'ep': JWKS: 'keys' is empty"
    );
}

#[test]
fn jwk_bad_inputs_are_explained_without_their_values() {
    let cases: Vec<(&[u8], &str)> = vec![
        (
            br#"{"kty":"oct","k":"hunter2!!"}"#,
            "key 'k': JWK: member 'k' is not valid base64url",
        ),
        (
            br#"{"kty":"oct","k":123456789}"#,
            "key 'k': JWK: member 'k' must be a string",
        ),
        (
            br#"{"kty":"oct","k":"hunter2""#,
            "key 'k': JSON: unexpected end of JSON at line 1, column 26",
        ),
        (
            br#"{"kty":"oct" "k":"hunter2"}"#,
            "key 'k': JSON: invalid JSON syntax at line 1, column 14",
        ),
        (
            br#"{"kty":"RSA","n":"AQAB"}"#,
            "key 'k': JWK: kty 'RSA' needs member 'e'",
        ),
        (
            br#"{"kty":"EC","crv":"P-256","x":"AQAB","y":"AQAB"}"#,
            "key 'k': JWK (kty EC): member 'x' is 3 bytes, P-256 needs 32",
        ),
        (
            br#"{"kty":"EC","crv":"brainpoolP256r1","x":"AQAB","y":"AQAB"}"#,
            "key 'k': EC curve 'brainpoolP256r1' is not supported (JOSE EC curves are P-256, P-384, P-521 and secp256k1)",
        ),
        (
            br#"{"kty":"OKP","crv":"Ed25519","x":"AQAB"}"#,
            "key 'k': JWK (kty OKP): 'x' is not a Ed25519 public key (3 bytes)",
        ),
        (
            br#"{"kid":"x"}"#,
            "key 'k': JSON that is neither a JWK (no 'kty') nor a JWKS (no 'keys' array) (expected PEM, DER, JWK or JWKS)",
        ),
        (
            br#"[1,2]"#,
            "key 'k': text that is neither PEM (no '-----BEGIN' line) nor JSON (expected PEM, DER, JWK or JWKS)",
        ),
    ];
    for (input, expected) in cases {
        let e = err("k", input);
        assert_eq!(e, expected);
        assert!(!e.contains("hunter2") && !e.contains("123456789"), "{e}");
    }
}

#[test]
fn jwk_halves_that_do_not_belong_together_are_refused() {
    let mut jwk = private_jwk(&ec(Nid::X9_62_PRIME256V1));
    let other = private_jwk(&ec(Nid::X9_62_PRIME256V1));
    jwk["d"] = other["d"].clone();
    let e = err("k", jwk.to_string().as_bytes());
    assert_eq!(e, "key 'k': JWK (kty EC): 'd' does not match 'x' and 'y'");
    let d = other["d"].as_str().unwrap();
    assert!(!e.contains(d));

    let mut jwk = private_jwk(&okp(Id::ED25519));
    jwk["x"] = private_jwk(&okp(Id::ED25519))["x"].clone();
    assert_eq!(
        err("k", jwk.to_string().as_bytes()),
        "key 'k': JWK (kty OKP): 'x' does not match the private key 'd'"
    );
}

#[test]
fn secrets_in_all_four_encodings() {
    let want: &[u8] = b"\x00\xffsecret\xfb\xef";
    let cases = [
        ("\u{0}", SecretEncoding::Utf8),
        ("AP9zZWNyZXT77w==", SecretEncoding::Base64),
        ("AP9zZWNyZXT77w", SecretEncoding::Base64),
        ("AP9zZWNyZXT77w", SecretEncoding::Base64url),
        ("AP9zZWNyZXT77w==", SecretEncoding::Base64url),
        ("00ff736563726574fbef", SecretEncoding::Hex),
        ("00FF736563726574FBEF", SecretEncoding::Hex),
    ];
    for (value, encoding) in cases {
        let got = parse_secret(value, encoding).unwrap();
        if encoding == SecretEncoding::Utf8 {
            assert_eq!(&*got, b"\0");
        } else {
            assert_eq!(&*got, want, "{value} {encoding:?}");
        }
    }
    assert_eq!(
        &*parse_secret("héllo", SecretEncoding::Utf8).unwrap(),
        "héllo".as_bytes()
    );
    // base64url-only characters.
    assert_eq!(
        &*parse_secret("-_-_", SecretEncoding::Base64url).unwrap(),
        &[0xfb, 0xff, 0xbf]
    );
}

#[test]
fn bad_secrets_are_explained_without_their_value() {
    let cases = [
        (
            "hunt$r2x",
            SecretEncoding::Base64,
            "secret: invalid base64: character at offset 4 is not in the alphabet",
        ),
        (
            "hunt-r2x",
            SecretEncoding::Base64,
            "secret: invalid base64: character at offset 4 is not in the alphabet (it contains '-' or '_': try --encoding base64url)",
        ),
        (
            "hunt+r2x",
            SecretEncoding::Base64url,
            "secret: invalid base64url: character at offset 4 is not in the alphabet (it contains '+' or '/': try --encoding base64)",
        ),
        (
            "abcde",
            SecretEncoding::Base64,
            "secret: invalid base64: 5 symbols cannot be whole bytes",
        ),
        (
            "abc",
            SecretEncoding::Hex,
            "secret: invalid hex: odd number of digits (3)",
        ),
        (
            "hunter",
            SecretEncoding::Hex,
            "secret: invalid hex: character at offset 0 is not a hex digit",
        ),
        ("", SecretEncoding::Utf8, "secret: the secret is empty"),
        ("", SecretEncoding::Hex, "secret: the secret is empty"),
    ];
    for (value, encoding, expected) in cases {
        let e = parse_secret(value, encoding).unwrap_err().to_string();
        assert_eq!(e, expected);
        if !value.is_empty() {
            assert!(!e.contains(value));
        }
    }
}
