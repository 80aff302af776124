//! `tokenscope keys` through the real binary: the store, masking, generation, export, and an
//! independent implementation (the `jsonwebtoken` crate) agreeing with tokenscope.

use crate::common;

use common::crypto::{self, hmac_token, sign, signer};
use common::{Sandbox, json_of};
use predicates::prelude::*;
use serde_json::{Value, json};

fn claims() -> Value {
    json!({"sub": "user-1", "exp": 4_102_444_800i64})
}

#[test]
fn add_list_show_remove_with_masked_secrets() {
    let sb = Sandbox::new();
    let secret = "a-very-secret-value-that-is-long-enough!";
    sb.cmd()
        .args([
            "keys",
            "add",
            "adictiz-campaign",
            "--secret",
            secret,
            "--profile",
            "adictiz",
        ])
        .assert()
        .success();
    let pem = sb.write("pub.pem", crypto::spki_pem(crypto::rsa()));
    sb.cmd()
        .args([
            "keys",
            "add",
            "qualifio-prod",
            "--kid",
            "q1",
            "--profile",
            "qualifio",
            "--file",
        ])
        .arg(&pem)
        .assert()
        .success();

    let list = sb.cmd().args(["keys", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success());
    assert!(
        text.contains("adictiz-campaign") && text.contains("qualifio-prod"),
        "{text}"
    );
    assert!(!text.contains(secret), "secret shown by list: {text}");
    let shown = sb
        .cmd()
        .args(["keys", "show", "adictiz-campaign"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&shown.stdout).contains(secret));
    sb.cmd()
        .args(["keys", "show", "adictiz-campaign", "--reveal"])
        .assert()
        .success()
        .stdout(predicate::str::contains(secret));

    // The stored file is private to its owner.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(sb.store().join("keys.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "keys.toml mode {mode:o}");
    }

    // Stored keys verify tokens without any flag.
    let token = hmac_token(
        "HS256",
        secret.as_bytes(),
        &json!({"alg": "HS256"}),
        &json!({"partnerUserID": "u1", "exp": 4_102_444_800i64}),
    );
    let (code, out) = json_of(sb.cmd().args(["inspect", "--json", &token]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["layers"][0]["key"], "adictiz-campaign");
    // --key restricts the ring to the named keys.
    let (code, _) = json_of(
        sb.cmd()
            .args(["inspect", "--json", "--key", "qualifio-prod", &token]),
    );
    assert_eq!(code, 3);
    sb.cmd()
        .args(["inspect", "--key", "nope", &token])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope"));

    sb.cmd()
        .args(["keys", "remove", "adictiz-campaign"])
        .assert()
        .success();
    let (code, _) = json_of(sb.cmd().args(["inspect", "--json", &token]));
    assert_eq!(code, 3, "removed key no longer verifies");
    sb.cmd()
        .args(["keys", "remove", "adictiz-campaign"])
        .assert()
        .failure();
}

#[test]
fn a_broken_key_is_refused_and_a_broken_store_never_overwritten() {
    let sb = Sandbox::new();
    let junk = sb.write(
        "junk.pem",
        "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n",
    );
    sb.cmd()
        .args(["keys", "add", "junk", "--file"])
        .arg(&junk)
        .assert()
        .failure();
    std::fs::create_dir_all(sb.store()).unwrap();
    let broken = "[[key]]\nname = \"x\"\nthis is not toml\n";
    std::fs::write(sb.store().join("keys.toml"), broken).unwrap();
    sb.cmd()
        .args(["keys", "add", "y", "--secret", "abc"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("keys.toml"));
    assert_eq!(
        std::fs::read_to_string(sb.store().join("keys.toml")).unwrap(),
        broken
    );
}

#[test]
fn generated_keys_export_for_an_independent_implementation() {
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
    let sb = Sandbox::new();
    for (ty, alg, jalg) in [
        ("rsa2048", "RS256", Algorithm::RS256),
        ("p256", "ES256", Algorithm::ES256),
        ("p384", "ES384", Algorithm::ES384),
        ("ed25519", "EdDSA", Algorithm::EdDSA),
    ] {
        let name = format!("gen-{ty}");
        sb.cmd()
            .args(["keys", "gen", &name, "--type", ty])
            .assert()
            .success();
        let pem = sb
            .cmd()
            .args(["keys", "export", &name, "--format", "pem"])
            .output()
            .unwrap();
        assert!(pem.status.success(), "{ty}");
        let pem_text = String::from_utf8(pem.stdout).unwrap();
        assert!(
            pem_text.starts_with("-----BEGIN PUBLIC KEY-----"),
            "{ty}: {pem_text}"
        );
        let decoding = match jalg {
            Algorithm::RS256 => DecodingKey::from_rsa_pem(pem_text.as_bytes()),
            Algorithm::EdDSA => DecodingKey::from_ed_pem(pem_text.as_bytes()),
            _ => DecodingKey::from_ec_pem(pem_text.as_bytes()),
        }
        .unwrap_or_else(|e| panic!("{ty}: jsonwebtoken refused the exported PEM: {e}"));
        let jwk_out = sb
            .cmd()
            .args(["keys", "export", &name, "--format", "jwk"])
            .output()
            .unwrap();
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_slice(&jwk_out.stdout)
            .unwrap_or_else(|e| panic!("{ty}: exported JWK does not parse: {e}"));
        DecodingKey::from_jwk(&jwk).unwrap_or_else(|e| panic!("{ty}: {e}"));

        // The private half, as the store reveals it, signs with jsonwebtoken ...
        let shown = sb
            .cmd()
            .args(["keys", "show", &name, "--reveal", "--json"])
            .output()
            .unwrap();
        let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
        let private_pem = shown["data"]
            .as_str()
            .unwrap_or_else(|| panic!("{ty}: {shown}"));
        let encoding = match jalg {
            Algorithm::RS256 => EncodingKey::from_rsa_pem(private_pem.as_bytes()),
            Algorithm::EdDSA => EncodingKey::from_ed_pem(private_pem.as_bytes()),
            _ => EncodingKey::from_ec_pem(private_pem.as_bytes()),
        }
        .unwrap();
        let token = encode(&Header::new(jalg), &claims(), &encoding).unwrap();
        // ... jsonwebtoken verifies it with the exported public key ...
        let mut validation = Validation::new(jalg);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        decode::<Value>(&token, &decoding, &validation).unwrap();
        // ... and tokenscope verifies it with the stored key.
        let (code, out) = json_of(sb.cmd().args(["inspect", "--json", "--key", &name, &token]));
        assert_eq!(code, 0, "{ty}: {out}");
        assert_eq!(out["layers"][0]["alg"], alg);
    }
    // HMAC: generated secrets verify HS256; export refuses (no public half).
    sb.cmd()
        .args(["keys", "gen", "h", "--type", "hmac"])
        .assert()
        .success();
    sb.cmd()
        .args(["keys", "export", "h"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("secret"));
}

#[test]
fn tokens_signed_elsewhere_verify_with_exported_jwks() {
    let sb = Sandbox::new();
    sb.cmd()
        .args([
            "keys", "gen", "rot", "--type", "rsa2048", "--kid", "2024-01",
        ])
        .assert()
        .success();
    let jwks = sb
        .cmd()
        .args(["keys", "export", "rot", "--format", "jwks"])
        .output()
        .unwrap();
    let set: Value = serde_json::from_slice(&jwks.stdout).unwrap();
    assert_eq!(set["keys"][0]["kid"], "2024-01");
    assert!(
        set["keys"][0].get("d").is_none(),
        "private member exported: {set}"
    );
    let path = sb.write("set.jwks", serde_json::to_vec(&set).unwrap());
    // A token signed by another RSA key claiming the same kid does not verify.
    let forged = sign(
        signer("RS256", b"").as_ref(),
        json!({"kid": "2024-01"}),
        &claims(),
    );
    let (code, out) = json_of(sb.cmd().args([
        "inspect",
        "--json",
        "--key-file",
        path.to_str().unwrap(),
        &forged,
    ]));
    assert_eq!(code, 1, "{out}");
}
