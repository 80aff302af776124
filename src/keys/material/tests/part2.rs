//! Tests of tests, continued (3 tests; the module holds the shared helpers).

use super::*;

#[test]
fn secret_arguments_value_file_and_literal_at() {
    let dir = tempfile::tempdir().unwrap();
    let with_nl = dir.path().join("with_nl");
    std::fs::write(&with_nl, "s3cret\n").unwrap();
    let without = dir.path().join("without");
    std::fs::write(&without, "s3cret").unwrap();
    let crlf = dir.path().join("crlf");
    std::fs::write(&crlf, "s3cret\r\n").unwrap();
    let two = dir.path().join("two");
    std::fs::write(&two, "s3cret\n\n").unwrap();
    let hex = dir.path().join("hex");
    std::fs::write(&hex, "0a0b\n").unwrap();
    let binary = dir.path().join("bin");
    std::fs::write(&binary, [0xff, 0x00, 0x0a, 0x0a]).unwrap();
    let at = |p: &std::path::Path| format!("@{}", p.display());
    let utf8 = SecretEncoding::Utf8;
    assert_eq!(&*read_secret_arg("s3cret", utf8).unwrap(), b"s3cret");
    assert_eq!(&*read_secret_arg(&at(&with_nl), utf8).unwrap(), b"s3cret");
    assert_eq!(&*read_secret_arg(&at(&without), utf8).unwrap(), b"s3cret");
    assert_eq!(&*read_secret_arg(&at(&crlf), utf8).unwrap(), b"s3cret");
    // Exactly one newline is dropped.
    assert_eq!(&*read_secret_arg(&at(&two), utf8).unwrap(), b"s3cret\n");
    assert_eq!(
        &*read_secret_arg(&at(&hex), SecretEncoding::Hex).unwrap(),
        &[0x0a, 0x0b]
    );
    // A file's bytes are taken as they are, UTF-8 or not.
    assert_eq!(
        &*read_secret_arg(&at(&binary), utf8).unwrap(),
        &[0xff, 0x00, 0x0a]
    );
    assert_eq!(
        read_secret_arg(&at(&binary), SecretEncoding::Base64)
            .unwrap_err()
            .to_string(),
        "secret: a base64 secret must be text, the input is binary"
    );
    assert_eq!(&*read_secret_arg("@@at-sign", utf8).unwrap(), b"@at-sign");
    let missing = dir.path().join("missing");
    let e = read_secret_arg(&at(&missing), utf8)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!(
            "{}: cannot read the secret file: ",
            missing.display()
        )),
        "{e}"
    );
}

#[test]
fn josekit_accepts_the_normalised_der() {
    use josekit::jws::{ES256, ES256K, ES384, ES512, EdDSA, JwsSigner, JwsVerifier, PS256, RS256};

    fn round_trip(signer: &dyn JwsSigner, verifier: &dyn JwsVerifier) {
        let sig = signer.sign(b"header.payload").unwrap();
        verifier.verify(b"header.payload", &sig).unwrap();
        assert!(verifier.verify(b"header.tampered", &sig).is_err());
    }

    let rsa = one("k", &rsa2048().rsa().unwrap().private_key_to_pem().unwrap());
    round_trip(
        &RS256.signer_from_der(pkcs8(&rsa)).unwrap(),
        &RS256.verifier_from_der(spki(&rsa)).unwrap(),
    );
    round_trip(
        &PS256.signer_from_der(pkcs8(&rsa)).unwrap(),
        &PS256.verifier_from_der(spki(&rsa)).unwrap(),
    );
    for (nid, alg) in [
        (Nid::X9_62_PRIME256V1, ES256),
        (Nid::SECP384R1, ES384),
        (Nid::SECP521R1, ES512),
        (Nid::SECP256K1, ES256K),
    ] {
        // Through SEC1 and through a JWK: both must come out with the named-curve OID.
        let from_sec1 = one(
            "k",
            &ec(nid).ec_key().unwrap().private_key_to_pem().unwrap(),
        );
        let from_jwk = one("k", private_jwk(&ec(nid)).to_string().as_bytes());
        for key in [from_sec1, from_jwk] {
            round_trip(
                &alg.signer_from_der(pkcs8(&key)).unwrap(),
                &alg.verifier_from_der(spki(&key)).unwrap(),
            );
        }
    }
    for id in [Id::ED25519, Id::ED448] {
        let key = one("k", private_jwk(&okp(id)).to_string().as_bytes());
        round_trip(
            &EdDSA.signer_from_der(pkcs8(&key)).unwrap(),
            &EdDSA.verifier_from_der(spki(&key)).unwrap(),
        );
    }
}

#[test]
fn josekit_decrypts_with_the_normalised_pkcs8() {
    use josekit::jwe::{ECDH_ES, JweHeader, RSA_OAEP};

    let mut header = JweHeader::new();
    header.set_content_encryption("A128GCM");
    let rsa = one("k", &rsa2048().private_key_to_pem_pkcs8().unwrap());
    let token = josekit::jwe::serialize_compact(
        b"hello",
        &header,
        &RSA_OAEP.encrypter_from_der(spki(&rsa)).unwrap(),
    )
    .unwrap();
    let (plain, _) = josekit::jwe::deserialize_compact(
        &token,
        &RSA_OAEP.decrypter_from_der(pkcs8(&rsa)).unwrap(),
    )
    .unwrap();
    assert_eq!(plain, b"hello");

    for pkey in [ec(Nid::X9_62_PRIME256V1), okp(Id::X25519)] {
        let key = one("k", private_jwk(&pkey).to_string().as_bytes());
        let token = josekit::jwe::serialize_compact(
            b"hello",
            &header,
            &ECDH_ES.encrypter_from_der(spki(&key)).unwrap(),
        )
        .unwrap();
        let (plain, _) = josekit::jwe::deserialize_compact(
            &token,
            &ECDH_ES.decrypter_from_der(pkcs8(&key)).unwrap(),
        )
        .unwrap();
        assert_eq!(plain, b"hello");
    }
}
