//! The hostile-token catalogue (RFC 8725 and the JWT attack tools) through the real binary.
//!
//! Every case goes through `tokenscope inspect --json` and must come back not accepted, with
//! no layer `valid` or `decrypted` unless the case says so, and with a finding or a layer
//! detail that says what is wrong. Every case also runs through the human report, which
//! must not say ACCEPTED and must not carry a raw control character.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]
// pre_exec and setrlimit put resource limits on the child: unsafe, and only here.
#![allow(unsafe_code)]

use crate::common;

use std::path::Path;

use common::crypto::{self, b64url, hmac_token, sign, signer};
use common::{Sandbox, assert_terminal_safe, finding_ids, inspect_json, json_of, statuses};
use openssl::nid::Nid;
use serde_json::{Value, json};

const FAR: i64 = 4_102_444_800; // 2100-01-01
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn claims() -> Value {
    json!({"sub": "user-1", "iat": 1_700_000_000, "exp": FAR})
}

fn b64d(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_string).collect()
}

/// The token is refused: `--json` reports it not accepted, no layer valid or decrypted, a
/// non-zero exit; the human report says so too and carries no raw control character.
#[track_caller]
fn refused(sb: &Sandbox, case: &str, args: &[&str], token: &str) -> (i32, Value) {
    let (code, out) = inspect_json(sb, args, token);
    assert_ne!(code, 0, "{case}: exit 0 for a hostile token: {out}");
    assert_eq!(out["accepted"], false, "{case}: accepted: {out}");
    for s in statuses(&out) {
        assert!(
            s != "valid" && s != "decrypted",
            "{case}: a layer is {s}: {out}"
        );
    }
    let human = sb
        .cmd()
        .args(["inspect", "--color", "never"])
        .args(args)
        .arg(token)
        .output()
        .unwrap();
    assert_ne!(human.status.code(), Some(0), "{case}: human exit 0");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(!text.contains("ACCEPTED"), "{case}: human report: {text}");
    assert_terminal_safe(case, &human.stdout);
    assert_terminal_safe(case, &human.stderr);
    (code, out)
}

fn secret_args(sb: &Sandbox) -> Vec<String> {
    let p = sb.write("secret.txt", SECRET);
    vec!["--secret".into(), format!("@{}", p.display())]
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn alg_none_in_every_letter_case_with_and_without_a_signature() {
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    let p = b64url(claims().to_string().as_bytes());
    let mut cases = 0;
    for alg in ["none", "None", "NONE", "nOnE", "NoNe", "nONE", "noNe"] {
        let h = b64url(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes());
        // A real HS256 tag over the same input, as if the attacker had one to replay.
        let real = parts(&hmac_token(
            "HS256",
            SECRET,
            &json!({"alg": alg, "typ": "JWT"}),
            &claims(),
        ))[2]
            .clone();
        for sig in ["", "c2lnbmF0dXJl", real.as_str()] {
            let token = format!("{h}.{p}.{sig}");
            for with_key in [true, false] {
                let a: Vec<&str> = if with_key { as_strs(&args) } else { vec![] };
                let (_, out) = refused(&sb, &format!("alg {alg} sig '{sig}'"), &a, &token);
                assert_eq!(statuses(&out), ["invalid"], "{alg}");
                assert!(finding_ids(&out).contains(&"generic.alg.none".to_string()));
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 42);
}

/// The public encodings an attacker would use as the HMAC secret.
fn public_encodings(key: &openssl::pkey::PKey<openssl::pkey::Private>) -> Vec<(String, Vec<u8>)> {
    let pem = key.public_key_to_pem().unwrap();
    let mut out = vec![
        ("PEM".to_string(), pem.clone()),
        (
            "PEM without newline".to_string(),
            pem.strip_suffix(b"\n").unwrap().to_vec(),
        ),
        ("DER".to_string(), key.public_key_to_der().unwrap()),
    ];
    if let Ok(rsa) = key.rsa() {
        out.push((
            "PKCS#1 PEM".to_string(),
            rsa.public_key_to_pem_pkcs1().unwrap(),
        ));
    }
    out
}

fn tokenscope_jwk(sb: &Sandbox, name: &str, pem_path: &Path) -> Vec<u8> {
    sb.cmd()
        .args(["keys", "add", name, "--force", "--file"])
        .arg(pem_path)
        .assert()
        .success();
    sb.cmd()
        .args(["keys", "export", name, "--format", "jwk"])
        .output()
        .unwrap()
        .stdout
        .trim_ascii_end()
        .to_vec()
}

#[test]
fn rs_and_es_to_hs_confusion_with_every_public_encoding() {
    let sb = Sandbox::new();
    let mut cases = 0;
    for (label, key) in [
        ("RSA", crypto::rsa().clone()),
        ("EC P-256", crypto::ec(Nid::X9_62_PRIME256V1)),
        ("EC P-384", crypto::ec(Nid::SECP384R1)),
    ] {
        let pem_path = sb.write(
            &format!("{}.pub.pem", label.replace(' ', "")),
            crypto::spki_pem(&key),
        );
        let mut encodings = public_encodings(&key);
        let jwk: Value =
            serde_json::from_slice(&tokenscope_jwk(&sb, &label.replace(' ', "-"), &pem_path))
                .expect("exported JWK is JSON");
        let required: std::collections::BTreeMap<&String, &Value> = jwk
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "crv" | "e" | "kty" | "n" | "x" | "y"))
            .collect();
        encodings.push(("JWK".to_string(), jwk.to_string().into_bytes()));
        encodings.push((
            "pretty JWK".to_string(),
            serde_json::to_vec_pretty(&jwk).unwrap(),
        ));
        encodings.push((
            "RFC 7638 JWK".to_string(),
            serde_json::to_vec(&required).unwrap(),
        ));
        for (what, secret) in encodings {
            for alg in ["HS256", "HS384", "HS512"] {
                let forged = hmac_token(alg, &secret, &json!({"alg": alg}), &claims());
                let case = format!("{label} {what} {alg}");
                let (code, out) = refused(
                    &sb,
                    &case,
                    &["--key-file", pem_path.to_str().unwrap()],
                    &forged,
                );
                assert_eq!(code, 1, "{case}: {out}");
                assert_eq!(statuses(&out), ["invalid"], "{case}");
                assert_eq!(
                    out["layers"][0]["attempts"][0]["result"], "public_key_as_hmac_refused",
                    "{case}: {out}"
                );
                let detail = out["layers"][0]["attempts"][0]["detail"].as_str().unwrap();
                assert!(detail.contains("forgery"), "{case}: {detail}");
                assert!(finding_ids(&out).contains(&"generic.alg.confusion".to_string()));
                cases += 1;
            }
        }
    }
    // RSA: PEM, PEM-no-newline, DER, PKCS#1 and three JWK forms; EC x2: the same less PKCS#1;
    // each with HS256, HS384 and HS512.
    assert_eq!(cases, (7 + 6 + 6) * 3);
}

#[test]
fn a_stored_public_key_named_by_kid_is_never_an_hmac_secret() {
    // The forgery need not be recognised: naming the public key's kid with HS256 is enough.
    let sb = Sandbox::new();
    let pem_path = sb.write(
        "ec.pub.pem",
        crypto::spki_pem(&crypto::ec(Nid::X9_62_PRIME256V1)),
    );
    sb.cmd()
        .args(["keys", "add", "issuer", "--kid", "k1", "--file"])
        .arg(&pem_path)
        .assert()
        .success();
    let token = hmac_token(
        "HS256",
        b"whatever-the-attacker-guessed",
        &json!({"alg": "HS256", "kid": "k1"}),
        &claims(),
    );
    let (_, out) = refused(&sb, "HS256 naming an EC key by kid", &[], &token);
    assert_eq!(statuses(&out), ["invalid"]);
    assert!(finding_ids(&out).contains(&"generic.alg.confusion".to_string()));
}

#[test]
fn an_embedded_jwk_that_signed_the_token_is_never_trusted() {
    use josekit::jwk::KeyPair;
    let sb = Sandbox::new();
    // The attacker's own key, which really did sign the token, travels in the header.
    let attacker = openssl::pkey::PKey::from_ec_key(
        openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let pair =
        josekit::jwk::alg::ec::EcKeyPair::from_der(attacker.private_key_to_pkcs8().unwrap(), None)
            .unwrap();
    let jwk: Value = serde_json::from_str(&pair.to_jwk_public_key().to_string()).unwrap();
    let signer = josekit::jws::ES256
        .signer_from_der(attacker.private_key_to_pkcs8().unwrap())
        .unwrap();
    let token = sign(&signer, json!({"jwk": jwk, "typ": "JWT"}), &claims());
    // Sanity: the token does verify with the embedded key.
    let embedded = sb.write("embedded.jwk", jwk.to_string());
    let (code, _) = inspect_json(&sb, &["--key-file", embedded.to_str().unwrap()], &token);
    assert_eq!(
        code, 0,
        "the test token is genuinely signed by the embedded key"
    );

    // Without keys: not verified. With the real issuer's key: invalid.
    let (code, out) = refused(&sb, "embedded jwk, no key", &[], &token);
    assert_eq!(code, 3);
    assert_eq!(statuses(&out), ["unverified"]);
    assert!(finding_ids(&out).contains(&"generic.header.key_reference".to_string()));
    let issuer = sb.write(
        "issuer.pem",
        crypto::spki_pem(&crypto::ec(Nid::X9_62_PRIME256V1)),
    );
    let (code, out) = refused(
        &sb,
        "embedded jwk, issuer key",
        &["--key-file", issuer.to_str().unwrap()],
        &token,
    );
    assert_eq!(code, 1);
    assert_eq!(statuses(&out), ["invalid"]);
    // The message never shows the embedded key material.
    let msg = out["findings"].to_string();
    assert!(msg.contains("embedded key material, not shown"), "{msg}");
    assert!(!msg.contains(jwk["x"].as_str().unwrap()), "{msg}");
}

#[test]
fn an_x5c_chain_in_the_header_is_never_trusted() {
    use openssl::x509::{X509Builder, X509NameBuilder};
    let sb = Sandbox::new();
    let key = crypto::rsa_other().clone();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "attacker").unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    b.sign(&key, openssl::hash::MessageDigest::sha256())
        .unwrap();
    let der = b.build().to_der().unwrap();
    use base64::Engine;
    let x5c = base64::engine::general_purpose::STANDARD.encode(der);
    let signer = josekit::jws::RS256
        .signer_from_der(key.private_key_to_pkcs8().unwrap())
        .unwrap();
    let token = sign(&signer, json!({"x5c": [x5c]}), &claims());
    let (code, out) = refused(&sb, "x5c, no key", &[], &token);
    assert_eq!(code, 3);
    assert!(finding_ids(&out).contains(&"generic.header.key_reference".to_string()));
    let issuer = sb.write("issuer.pem", crypto::spki_pem(crypto::rsa()));
    let (code, _) = refused(
        &sb,
        "x5c, issuer key",
        &["--key-file", issuer.to_str().unwrap()],
        &token,
    );
    assert_eq!(code, 1);
}

#[test]
fn hostile_kids_are_never_paths_or_commands_and_stay_bounded() {
    let sb = Sandbox::new();
    let pwned = sb.home.path().join("pwned");
    let pwned2 = sb.home.path().join("pwned2");
    let pwned3 = sb.home.path().join("pwned3");
    // A stored key with a kid, so that key selection by kid runs.
    sb.cmd()
        .args(["keys", "add", "stored", "--kid", "k1", "--secret"])
        .arg(std::str::from_utf8(SECRET).unwrap())
        .assert()
        .success();
    let long = "A".repeat(64 * 1024);
    let kids = [
        "../../etc/passwd".to_string(),
        "../../../../../../dev/null".to_string(),
        "/etc/shadow".to_string(),
        "' OR 1=1 --".to_string(),
        "\" OR \"\"=\"".to_string(),
        "1; DROP TABLE keys; --".to_string(),
        format!("$(touch {})", pwned.display()),
        format!("`touch {}`", pwned2.display()),
        format!("k1; touch {} #", pwned3.display()),
        "k1\u{0}hidden".to_string(),
        long.clone(),
    ];
    for kid in &kids {
        let shown: String = kid.chars().take(30).collect();
        // Signed with another secret: must be invalid against the stored key.
        let token = hmac_token(
            "HS256",
            b"attacker-secret-attacker-secret-attacker",
            &json!({"alg": "HS256", "kid": kid}),
            &claims(),
        );
        let (code, out) = refused(&sb, &format!("kid {shown}"), &[], &token);
        // Another kid than the stored key's: not verified (3) or, for "k1...", invalid (1).
        assert!(code == 1 || code == 3, "kid {shown}: {out}");
        assert_eq!(out["layers"][0]["kid"], kid.as_str());
        // The human report stays bounded: the kid is not repeated in every line.
        let human = sb
            .cmd()
            .args(["inspect", "--color", "never", &token])
            .output()
            .unwrap();
        assert!(
            human.stdout.len() < 16 * 1024,
            "kid {shown}: human report is {} bytes",
            human.stdout.len()
        );
    }
    for p in [&pwned, &pwned2, &pwned3] {
        assert!(!p.exists(), "a kid ran a command: {} exists", p.display());
    }
    // The long kid is whole in --json (machines read it), cut in the human report.
    let token = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "kid": long}),
        &claims(),
    );
    let (_, out) = inspect_json::<&str>(&sb, &[], &token);
    assert_eq!(out["layers"][0]["kid"].as_str().unwrap().len(), 64 * 1024);
}

#[test]
fn crit_unknown_empty_or_malformed_is_refused() {
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    for (case, header, id) in [
        (
            "unknown",
            json!({"alg": "HS256", "crit": ["exp"], "exp": 1}),
            "generic.crit.unknown",
        ),
        (
            "unknown private",
            json!({"alg": "HS256", "crit": ["http://example.com/x"], "http://example.com/x": true}),
            "generic.crit.unknown",
        ),
        (
            "empty",
            json!({"alg": "HS256", "crit": []}),
            "generic.crit.invalid",
        ),
        (
            "a string",
            json!({"alg": "HS256", "crit": "b64"}),
            "generic.crit.invalid",
        ),
        (
            "a number member",
            json!({"alg": "HS256", "crit": [1]}),
            "generic.crit.invalid",
        ),
        (
            "listed but absent",
            json!({"alg": "HS256", "crit": ["b64"]}),
            "generic.crit.invalid",
        ),
    ] {
        let token = hmac_token("HS256", SECRET, &header, &claims());
        let (code, out) = refused(&sb, &format!("crit {case}"), &as_strs(&args), &token);
        assert_eq!(code, 1, "crit {case}: {out}");
        assert_eq!(statuses(&out), ["invalid"], "crit {case}");
        assert!(
            finding_ids(&out).contains(&id.to_string()),
            "crit {case}: {out}"
        );
    }
}

#[test]
fn b64_false_without_crit_is_refused() {
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    // RFC 7797 signing input: the payload as-is, signed honestly with the right secret.
    let h = b64url(json!({"alg": "HS256", "b64": false}).to_string().as_bytes());
    let payload = "$02";
    let tag =
        tokenscope::jose::hmac::sign("HS256", SECRET, format!("{h}.{payload}").as_bytes()).unwrap();
    let token = format!("{h}.{payload}.{}", b64url(&tag));
    let (code, out) = refused(&sb, "b64 false without crit", &as_strs(&args), &token);
    assert!(code == 1 || code == 2, "{out}");
    let text = out.to_string();
    assert!(text.contains("RFC 7797"), "{text}");
    // b64 that is not a boolean.
    let token = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "b64": "false", "crit": ["b64"]}),
        &claims(),
    );
    refused(&sb, "b64 a string", &as_strs(&args), &token);
}

/// An honest token of `alg` and the arguments that verify it.
fn honest(sb: &Sandbox, alg: &str) -> (String, Vec<String>) {
    let token = sign(
        signer(alg, SECRET).as_ref(),
        json!({"typ": "JWT"}),
        &claims(),
    );
    let args = if alg.starts_with("HS") {
        secret_args(sb)
    } else {
        let pem = sb.write(
            &format!("{alg}.pub.pem"),
            crypto::spki_pem(&crypto::key_for(alg)),
        );
        vec!["--key-file".into(), pem.display().to_string()]
    };
    let (code, out) = inspect_json(sb, &as_strs(&args), &token);
    assert_eq!(code, 0, "{alg} honest token: {out}");
    (token, args)
}

#[test]
fn empty_truncated_bit_flipped_and_extended_signatures() {
    let sb = Sandbox::new();
    let mut cases = 0;
    for alg in [
        "HS256", "HS512", "RS256", "PS256", "ES256", "ES512", "EdDSA",
    ] {
        let (token, args) = honest(&sb, alg);
        let p = parts(&token);
        let sig = b64d(&p[2]);
        let n = sig.len();
        let mut variants: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            ("one byte", sig[..1].to_vec()),
            ("truncated by one byte", sig[..n - 1].to_vec()),
            ("half", sig[..n / 2].to_vec()),
            ("one byte more", [sig.clone(), vec![0]].concat()),
            ("doubled", [sig.clone(), sig.clone()].concat()),
            ("zeros", vec![0; n]),
        ];
        for (what, i) in [("first byte flipped", 0), ("last byte flipped", n - 1)] {
            let mut s = sig.clone();
            s[i] ^= 0x01;
            variants.push((what, s));
        }
        for (what, s) in variants {
            let t = format!("{}.{}.{}", p[0], p[1], b64url(&s));
            let (code, out) = refused(&sb, &format!("{alg} {what}"), &as_strs(&args), &t);
            assert_eq!(code, 1, "{alg} {what}: {out}");
            assert_eq!(statuses(&out), ["invalid"], "{alg} {what}");
            cases += 1;
        }
        // No signature segment content at all, and the signature segment removed.
        refused(
            &sb,
            &format!("{alg} no signature"),
            &as_strs(&args),
            &format!("{}.{}.", p[0], p[1]),
        );
        let out = sb
            .cmd()
            .args(["inspect", "--json"])
            .args(&args)
            .arg(format!("{}.{}", p[0], p[1]))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{alg} two segments");
        cases += 2;
    }
    assert_eq!(cases, 7 * 11);
}

#[test]
fn a_payload_or_header_changed_after_signing_never_verifies() {
    let sb = Sandbox::new();
    for alg in ["HS256", "RS256", "ES256", "EdDSA"] {
        let (token, args) = honest(&sb, alg);
        let p = parts(&token);
        let mut evil = claims();
        evil["sub"] = json!("admin");
        evil["exp"] = json!(FAR + 1);
        let swapped = format!("{}.{}.{}", p[0], b64url(evil.to_string().as_bytes()), p[2]);
        let (_, out) = refused(
            &sb,
            &format!("{alg} payload swapped"),
            &as_strs(&args),
            &swapped,
        );
        assert_eq!(statuses(&out), ["invalid"]);
        assert_eq!(
            out["payload"]["sub"], "admin",
            "the altered payload is still shown"
        );
        // A header member added after signing.
        let mut header: Value = serde_json::from_slice(&b64d(&p[0])).unwrap();
        header["kid"] = json!("added");
        let h = b64url(header.to_string().as_bytes());
        refused(
            &sb,
            &format!("{alg} header changed"),
            &as_strs(&args),
            &format!("{h}.{}.{}", p[1], p[2]),
        );
        // The payload's base64url re-encoded with trailing bits set (same bytes for lax
        // decoders): refused as altered, never verified.
        let mut last = p[1].clone();
        if let Some(c) = last.pop() {
            let bumped = match c {
                'A' => 'B',
                'Q' => 'R',
                'g' => 'h',
                'w' => 'x',
                other => other,
            };
            last.push(bumped);
            if bumped != c {
                let (code, _) =
                    inspect_json(&sb, &as_strs(&args), &format!("{}.{last}.{}", p[0], p[2]));
                assert_ne!(code, 0, "{alg}: non-canonical base64url accepted");
            }
        }
    }
}

#[test]
fn standard_base64_alphabet_or_padding_names_the_segment() {
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    let header = json!({"alg": "HS256"});
    // Find claims whose payload and tag contain '-' or '_' so the standard alphabet differs.
    let mut token = String::new();
    for i in 0..10_000 {
        let mut c = claims();
        c["n"] = json!(format!("{i}~?>\u{ff}"));
        let t = hmac_token("HS256", SECRET, &header, &c);
        let p = parts(&t);
        if p[1].contains(['-', '_']) && p[2].contains(['-', '_']) {
            token = t;
            break;
        }
    }
    assert!(!token.is_empty());
    let p = parts(&token);
    let std = |s: &str| s.replace('-', "+").replace('_', "/");
    let pad = |s: &str| {
        let mut s = s.to_string();
        while !s.len().is_multiple_of(4) {
            s.push('=');
        }
        s
    };
    let cases = [
        (
            "payload",
            "'+'",
            format!("{}.{}.{}", p[0], std(&p[1]), p[2]),
        ),
        (
            "signature",
            "'+'",
            format!("{}.{}.{}", p[0], p[1], std(&p[2])),
        ),
        (
            "signature",
            "'='",
            format!("{}.{}.{}", p[0], p[1], pad(&p[2])),
        ),
        (
            "header",
            "'='",
            format!("{}.{}.{}", pad(&format!("{}A", p[0])), p[1], p[2]),
        ),
        ("payload", "'='", format!("{}.{}=.{}", p[0], p[1], p[2])),
    ];
    for (segment, what, t) in cases {
        let out = sb
            .cmd()
            .args(["inspect", "--json"])
            .args(&args)
            .arg(&t)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{segment} {what}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let named = stderr.contains(&format!("{segment} segment"));
        let alphabet = stderr.contains("base64") || stderr.contains("padding");
        assert!(named && alphabet, "{segment} {what}: {stderr}");
        // Never a verdict on stdout.
        if let Ok(v) = serde_json::from_slice::<Value>(&out.stdout) {
            assert_ne!(v["accepted"], true);
        }
    }
}

fn ec_p256_order() -> Vec<u8> {
    openssl::bn::BigNum::from_hex_str(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
    )
    .unwrap()
    .to_vec()
}

#[test]
fn es256_der_zero_and_order_signatures_are_refused() {
    let sb = Sandbox::new();
    let (token, args) = honest(&sb, "ES256");
    let p = parts(&token);
    let raw = b64d(&p[2]);
    let input = format!("{}.{}", p[0], p[1]);
    // The same signature, DER-encoded (what OpenSSL and Java produce by default).
    let r = openssl::bn::BigNum::from_slice(&raw[..32]).unwrap();
    let s = openssl::bn::BigNum::from_slice(&raw[32..]).unwrap();
    let der = openssl::ecdsa::EcdsaSig::from_private_components(r, s)
        .unwrap()
        .to_der()
        .unwrap();
    // A fresh DER signature from OpenSSL itself.
    let mut signer = openssl::sign::Signer::new(
        openssl::hash::MessageDigest::sha256(),
        &crypto::ec(Nid::X9_62_PRIME256V1),
    )
    .unwrap();
    let fresh_der = signer.sign_oneshot_to_vec(input.as_bytes()).unwrap();
    let n = ec_p256_order();
    let mut n_minus_1 = n.clone();
    *n_minus_1.last_mut().unwrap() -= 1;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("DER of the real signature", der),
        ("DER from OpenSSL", fresh_der),
        ("r = s = 0", vec![0; 64]),
        ("r = s = n", [n.clone(), n.clone()].concat()),
        ("r = n, real s", [n.clone(), raw[32..].to_vec()].concat()),
        ("real r, s = 0", [raw[..32].to_vec(), vec![0; 32]].concat()),
        ("r = s = n - 1", [n_minus_1.clone(), n_minus_1].concat()),
        ("all ones", vec![0xff; 64]),
    ];
    for (what, sig) in cases {
        let t = format!("{input}.{}", b64url(&sig));
        let (code, out) = refused(&sb, &format!("ES256 {what}"), &as_strs(&args), &t);
        assert_eq!(code, 1, "{what}: {out}");
        assert_eq!(statuses(&out), ["invalid"], "{what}");
    }
}

#[test]
fn hmac_tags_differing_in_the_last_byte_or_truncated_are_refused() {
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    for alg in ["HS256", "HS384", "HS512"] {
        let token = hmac_token(alg, SECRET, &json!({"alg": alg}), &claims());
        let p = parts(&token);
        let tag = b64d(&p[2]);
        let mut last = tag.clone();
        *last.last_mut().unwrap() ^= 0x80;
        for (what, t) in [
            ("last byte", last),
            ("truncated to 16 bytes", tag[..16].to_vec()),
            ("truncated by one", tag[..tag.len() - 1].to_vec()),
        ] {
            let token = format!("{}.{}.{}", p[0], p[1], b64url(&t));
            let (_, out) = refused(&sb, &format!("{alg} {what}"), &as_strs(&args), &token);
            assert_eq!(out["layers"][0]["attempts"][0]["result"], "mismatch");
        }
    }
}

fn dir_key(sb: &Sandbox, name: &str, cek: &[u8]) -> String {
    sb.write(name, json!({"kty": "oct", "k": b64url(cek)}).to_string())
        .display()
        .to_string()
}

#[test]
fn jwe_wrong_key_truncated_tag_and_altered_ciphertext_iv_or_aad() {
    let sb = Sandbox::new();
    let mut cases = 0;
    for (enc, len) in [
        ("A128GCM", 16),
        ("A256GCM", 32),
        ("A128CBC-HS256", 32),
        ("A192CBC-HS384", 48),
        ("A256CBC-HS512", 64),
    ] {
        let cek: Vec<u8> = (0..len as u8).collect();
        let encrypter = josekit::jwe::Dir.encrypter_from_bytes(&cek).unwrap();
        let jwe = crypto::encrypt(&encrypter, enc, None, claims().to_string().as_bytes());
        let key = dir_key(&sb, &format!("{enc}.jwk"), &cek);
        let args = ["--key-file", key.as_str()];
        let (code, _) = inspect_json(&sb, &args, &jwe);
        assert_eq!(code, 0, "{enc}: the honest JWE decrypts");
        let p = parts(&jwe);
        let flip = |s: &str, i: usize| {
            let mut b = b64d(s);
            let i = i.min(b.len() - 1);
            b[i] ^= 0x01;
            b64url(&b)
        };
        let tag = b64d(&p[4]);
        let mut header: Value = serde_json::from_slice(&b64d(&p[0])).unwrap();
        header["kid"] = json!("added-after-encryption");
        let aad = b64url(header.to_string().as_bytes());
        let with = |i: usize, v: String| {
            let mut q = p.clone();
            q[i] = v;
            q.join(".")
        };
        let variants = [
            ("tag truncated", with(4, b64url(&tag[..tag.len() / 2]))),
            ("tag one byte short", with(4, b64url(&tag[..tag.len() - 1]))),
            ("tag empty", with(4, String::new())),
            ("tag last byte", with(4, flip(&p[4], usize::MAX))),
            ("ciphertext first byte", with(3, flip(&p[3], 0))),
            ("ciphertext last byte", with(3, flip(&p[3], usize::MAX))),
            ("ciphertext truncated", with(3, b64url(&b64d(&p[3])[..8]))),
            ("iv", with(2, flip(&p[2], 0))),
            ("iv empty", with(2, String::new())),
            ("aad: header member added", with(0, aad)),
            ("encrypted key present under dir", with(1, b64url(&cek))),
        ];
        for (what, t) in variants {
            let (code, out) = refused(&sb, &format!("{enc} {what}"), &args, &t);
            assert_eq!(code, 1, "{enc} {what}: {out}");
            assert_eq!(statuses(&out), ["failed"], "{enc} {what}: {out}");
            cases += 1;
        }
        // The wrong key of the right length.
        let wrong: Vec<u8> = (0..len as u8).rev().collect();
        let wrong_key = dir_key(&sb, &format!("{enc}-wrong.jwk"), &wrong);
        let (code, out) = refused(
            &sb,
            &format!("{enc} wrong key"),
            &["--key-file", &wrong_key],
            &jwe,
        );
        assert_eq!(code, 1, "{out}");
        assert_eq!(statuses(&out), ["failed"]);
        cases += 1;
    }
    assert_eq!(cases, 5 * 12);
}

#[test]
fn a_key_wrapped_jwe_with_an_altered_encrypted_key_fails() {
    let sb = Sandbox::new();
    let kek = [7u8; 16];
    let encrypter = josekit::jwe::A128KW.encrypter_from_bytes(kek).unwrap();
    let jwe = crypto::encrypt(&encrypter, "A128GCM", None, b"{\"sub\":\"u\"}");
    let key = dir_key(&sb, "kw.jwk", &kek);
    let (code, _) = inspect_json(&sb, &["--key-file", &key], &jwe);
    assert_eq!(code, 0);
    let mut p = parts(&jwe);
    let mut ek = b64d(&p[1]);
    ek[3] ^= 0x10;
    p[1] = b64url(&ek);
    refused(
        &sb,
        "A128KW encrypted key altered",
        &["--key-file", &key],
        &p.join("."),
    );
}

/// Run the binary with its address space limited to `limit_mib` MiB (RLIMIT_AS): an
/// allocation past it aborts the process. Returns the exit code (-1 when killed) and the time.
fn bounded_run(sb: &Sandbox, limit_mib: u64, args: &[&str]) -> (i32, std::time::Duration) {
    use std::os::unix::process::CommandExt;
    let start = std::time::Instant::now();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tokenscope"));
    cmd.env("TOKENSCOPE_HOME", sb.home.path())
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let limit = limit_mib * 1024 * 1024;
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(move || {
            let rl = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &rl) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let status = cmd.status().unwrap();
    (status.code().unwrap_or(-1), start.elapsed())
}

#[test]
fn a_zip_bomb_stays_within_bounded_memory_and_time() {
    let sb = Sandbox::new();
    let cek = [5u8; 32];
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(cek).unwrap();
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A256GCM");
    header.set_compression("DEF");
    let bomb = vec![b'a'; 256 * 1024 * 1024];
    let jwe = josekit::jwe::serialize_compact(&bomb, &header, &encrypter).unwrap();
    drop(bomb);
    let token = sb.write("bomb.txt", &jwe);
    let key = dir_key(&sb, "dir.jwk", &cek);
    let args = [
        "inspect",
        "--json",
        "--key-file",
        &key,
        "--file",
        token.to_str().unwrap(),
    ];
    // The plaintext is capped at 16 MiB: the process never holds the 256 MiB the bomb
    // inflates to, so it ends with its ordinary "failed" exit inside 160 MiB of address space.
    let (code, took) = bounded_run(&sb, 160, &args);
    assert_eq!(code, 1, "killed or aborted under a 160 MiB limit");
    assert!(took.as_secs() < 30, "took {took:?}");
}

#[test]
fn a_10_mib_payload_inspects_and_a_17_mib_input_is_refused_early() {
    let sb = Sandbox::new();
    let big = json!({"sub": "u", "exp": FAR, "blob": "x".repeat(10 * 1024 * 1024)});
    let token = hmac_token("HS256", SECRET, &json!({"alg": "HS256"}), &big);
    let file = sb.write("big.txt", &token);
    let secret = secret_args(&sb);
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json"])
        .args(&secret)
        .args(["--file", file.to_str().unwrap()]);
    let (code, out) = json_of(&mut cmd);
    assert_eq!(code, 0, "a 13 MiB token is within the 16 MiB cap");
    assert_eq!(out["accepted"], true);

    // 17 MiB on stdin: a clear error.
    let huge = "A".repeat(17 * 1024 * 1024);
    let out = sb
        .cmd()
        .args(["inspect", "-"])
        .write_stdin(huge)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("larger than 16 MiB"), "{stderr}");
    // An endless input is refused after 16 MiB, not read to the end.
    let (code, took) = bounded_run(&sb, 160, &["inspect", "--file", "/dev/zero"]);
    assert_eq!(code, 2);
    assert!(took.as_secs() < 30, "{took:?}");
}

fn deep(n: usize) -> String {
    format!("{{\"a\":{}1{}}}", "[".repeat(n), "]".repeat(n))
}

#[test]
fn json_nested_10000_deep_is_an_error_in_the_header_and_text_in_the_payload() {
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    let h = b64url(deep(10_000).as_bytes());
    let p = b64url(claims().to_string().as_bytes());
    let out = sb
        .cmd()
        .args(["inspect", "--json", &format!("{h}.{p}.c2ln")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("header segment: not JSON: recursion limit exceeded"),
        "{stderr}"
    );
    // In the payload: shown as text, refused (claims are not an object), no crash.
    let h = b64url(json!({"alg": "HS256"}).to_string().as_bytes());
    let p = b64url(deep(10_000).as_bytes());
    let input = format!("{h}.{p}");
    let tag = tokenscope::jose::hmac::sign("HS256", SECRET, input.as_bytes()).unwrap();
    let token = format!("{input}.{}", b64url(&tag));
    // A JWS payload need not be JSON (RFC 7515 A.4): the signature is good, the text shown.
    let (_, out) = inspect_json(&sb, &as_strs(&args), &token);
    assert_eq!(out["payload_view"]["type"], "text");
    assert_eq!(statuses(&out), ["valid"], "the signature itself is good");
    let human = sb
        .cmd()
        .args(["inspect"])
        .args(&args)
        .arg(&token)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("(not JSON: shown as text)"));
    // The same nesting inside a JWE plaintext.
    let cek = [9u8; 32];
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(cek).unwrap();
    let jwe = crypto::encrypt(&encrypter, "A256GCM", None, deep(10_000).as_bytes());
    let key = dir_key(&sb, "dir.jwk", &cek);
    let (_, out) = inspect_json(&sb, &["--key-file", &key], &jwe);
    assert_eq!(out["payload_view"]["type"], "text");
    assert_eq!(statuses(&out), ["decrypted"]);
}

#[test]
fn duplicate_members_non_utf8_and_non_object_payloads() {
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    let signed = |header: &str, payload: &[u8]| {
        let input = format!("{}.{}", b64url(header.as_bytes()), b64url(payload));
        let tag = tokenscope::jose::hmac::sign("HS256", SECRET, input.as_bytes()).unwrap();
        format!("{input}.{}", b64url(&tag))
    };
    let ok_claims = claims().to_string();
    // Smuggling: the signature is good for the last "alg", another parser reads the first.
    for (case, header, payload) in [
        (
            "duplicate alg in header",
            r#"{"alg":"none","alg":"HS256"}"#,
            ok_claims.as_bytes().to_vec(),
        ),
        (
            "duplicate sub in payload",
            r#"{"alg":"HS256"}"#,
            format!(r#"{{"sub":"admin","exp":{FAR},"sub":"user-1"}}"#).into_bytes(),
        ),
        (
            "duplicate nested member",
            r#"{"alg":"HS256"}"#,
            format!(r#"{{"sub":"u","exp":{FAR},"limit":{{"canPlay":true,"canPlay":false}}}}"#)
                .into_bytes(),
        ),
    ] {
        // The signature is good for the value serde keeps; the duplicate refuses the token.
        let (code, out) = inspect_json(&sb, &as_strs(&args), &signed(header, &payload));
        assert_eq!(code, 1, "{case}: {out}");
        assert_eq!(out["accepted"], false, "{case}");
        assert!(
            finding_ids(&out).contains(&"generic.json.duplicate_member".to_string()),
            "{case}: {out}"
        );
    }
    // Non-UTF-8 payload: hex view.
    let token = signed(r#"{"alg":"HS256"}"#, &[0xff, 0xfe, 0x00, 0x1b, 0x9b, b'{']);
    let (_, out) = inspect_json(&sb, &as_strs(&args), &token);
    assert_eq!(out["payload_view"]["type"], "binary");
    let human = sb
        .cmd()
        .args(["inspect"])
        .args(&args)
        .arg(&token)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("fffe001b9b7b"));
    assert_terminal_safe("non-UTF-8 payload", &human.stdout);
    // Non-UTF-8 header: a clear error naming the header.
    let h = b64url(&[b'{', b'"', 0xff, b'"', b':', b'1', b'}']);
    let out = sb
        .cmd()
        .args(["inspect", &format!("{h}.e30.c2ln")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("header segment"), "{stderr}");
    // Payloads that are JSON but not an object: an error in a JWT (typ JWT, or a payload
    // that starts like JSON), an opaque JWS payload (info) otherwise (RULES.md section 2).
    for (header, payload, jwt) in [
        (r#"{"alg":"HS256"}"#, &b"[1,2,3]"[..], true),
        (r#"{"alg":"HS256","typ":"JWT"}"#, b"\"a string\"", true),
        (r#"{"alg":"HS256","typ":"application/jwt"}"#, b"42", true),
        (r#"{"alg":"HS256","cty":"JWT"}"#, b"null", true),
        (r#"{"alg":"HS256"}"#, b"\"a string\"", false),
        (r#"{"alg":"HS256"}"#, b"42", false),
        (r#"{"alg":"HS256"}"#, b"true", false),
    ] {
        let case = format!("{header} payload {}", String::from_utf8_lossy(payload));
        let (code, out) = inspect_json(&sb, &as_strs(&args), &signed(header, payload));
        assert_eq!(out["payload_view"]["type"], "json", "{case}");
        let ids = finding_ids(&out);
        let id = if jwt {
            "generic.claims.not_object"
        } else {
            "generic.payload.opaque"
        };
        assert!(ids.contains(&id.to_string()), "{case}: {out}");
        assert_eq!(out["accepted"], !jwt, "{case}: {out}");
        assert_eq!(code, if jwt { 1 } else { 0 }, "{case}");
    }
}

/// Escape sequences an attacker would plant: OSC 52 (clipboard write), clear screen, a C1
/// CSI (U+009B), BEL, backspace, DEL, and a title change.
const HOSTILE: &[&str] = &[
    "\u{1b}]52;c;SGVsbG8=\u{7}",
    "\u{1b}[2J",
    "\u{9b}31m",
    "\u{8}\u{8}\u{8}",
    "\u{7f}",
    "\u{1b}]0;pwned\u{1b}\\",
    "\r",
];

fn hostile_token() -> String {
    let all: String = HOSTILE.concat();
    let header = json!({
        "alg": "HS256",
        "kid": format!("kid{all}"),
        "typ": format!("JWT{all}"),
        format!("member{all}"): all,
        "jku": format!("https://evil.example/{all}"),
        "crit": [format!("ext{all}")],
        format!("ext{all}"): true,
    });
    let claims = json!({
        "sub": format!("sub{all}"),
        "exp": FAR,
        format!("claim{all}"): [all.clone(), {"nested": all}],
        "campaignId": all,
        "limit": {"canPlay": all},
    });
    hmac_token("HS256", SECRET, &header, &claims)
}

#[test]
fn escape_sequences_anywhere_never_reach_the_terminal_in_human_output() {
    let sb = Sandbox::new();
    let token = hostile_token();
    let args = secret_args(&sb);
    refused(&sb, "escape sequences", &as_strs(&args), &token);
    refused(&sb, "escape sequences, no key", &[], &token);
    for profile in ["qualifio", "adictiz", "xtremepush"] {
        let out = sb
            .cmd()
            .args(["inspect", "--profile", profile, "--color", "always", &token])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        // With colours, only tokenscope's own SGR sequences may appear.
        let without_sgr = regex_lite_strip_sgr(&text);
        assert_terminal_safe(profile, without_sgr.as_bytes());
    }
    // In a segment that does not decode, the error names the character escaped.
    let bad = "eyJhbGciOiJIUzI1NiJ9.e30\u{1b}[2J.c2ln";
    let out = sb.cmd().args(["inspect", bad]).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert_terminal_safe("bad segment stdout", &out.stdout);
    assert_terminal_safe("bad segment stderr", &out.stderr);
    let bad = "eyJhbGciOiJIUzI1NiJ9.e3\u{9b}0.c2ln";
    let out = sb.cmd().args(["inspect", bad]).output().unwrap();
    assert_terminal_safe("C1 in a segment stdout", &out.stdout);
    assert_terminal_safe("C1 in a segment stderr", &out.stderr);
}

/// Remove `ESC [ digits/; m` (SGR) sequences.
fn regex_lite_strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            let mut seq = String::new();
            chars.next();
            while let Some(&d) = chars.peek() {
                chars.next();
                if d == 'm' {
                    break;
                }
                seq.push(d);
            }
            if seq.chars().all(|d| d.is_ascii_digit() || d == ';') {
                continue;
            }
            out.push_str("\u{1b}[");
            out.push_str(&seq);
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn escape_sequences_never_reach_a_tui_cell() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use tokenscope::tui::{Action, App, KeySource, Pane, Theme};
    fn at() -> i64 {
        1_714_564_800
    }
    let mut app = App::new(
        tokenscope::keys::KeyRing::default(),
        KeySource::Memory,
        Theme::dark(),
        tokenscope::time::Clock::Fixed(at()),
    );
    app.size = (140, 45);
    app.open_text("hostile", hostile_token());
    for pane in Pane::ALL {
        app.update(Action::Focus(pane));
        let mut term = Terminal::new(TestBackend::new(140, 45)).unwrap();
        term.draw(|f| f.render_widget(&app, f.area())).unwrap();
        let buf = term.backend().buffer().clone();
        for cell in buf.content() {
            for c in cell.symbol().chars() {
                assert!(!c.is_control(), "{pane:?}: a cell holds U+{:04X}", c as u32);
            }
        }
        // Selecting a finding opens its details: also escaped.
        if pane == Pane::Findings {
            app.update(Action::Select);
            let mut term = Terminal::new(TestBackend::new(140, 45)).unwrap();
            term.draw(|f| f.render_widget(&app, f.area())).unwrap();
            for cell in term.backend().buffer().content() {
                assert!(
                    !cell.symbol().chars().any(char::is_control),
                    "finding details"
                );
            }
            app.update(Action::Select);
        }
    }
}

#[test]
fn a_payload_that_is_not_json_never_passes_a_platform_profile() {
    // Found by the `rules` fuzz target: a text payload skipped every claim rule, so under
    // --profile qualifio or adictiz a token carrying no claims at all was accepted.
    let sb = Sandbox::new();
    let args = secret_args(&sb);
    for payload in [&b"hello"[..], b"", &[0xff, 0x00, 0x01]] {
        let input = format!(
            "{}.{}",
            b64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64url(payload)
        );
        let tag = tokenscope::jose::hmac::sign("HS256", SECRET, input.as_bytes()).unwrap();
        let token = format!("{input}.{}", b64url(&tag));
        for (profile, id) in [
            ("qualifio", "qualifio.sub.missing"),
            ("adictiz", "adictiz.partner_user_id.missing"),
            ("xtremepush", "xtremepush.sub.missing"),
        ] {
            let mut a = as_strs(&args);
            a.extend(["--profile", profile]);
            // The signature is good; the missing claims set refuses the token.
            let (code, out) = inspect_json(&sb, &a, &token);
            assert_eq!(code, 1, "{profile} {payload:?}: {out}");
            assert_eq!(out["accepted"], false, "{profile} {payload:?}");
            assert!(
                finding_ids(&out).iter().any(|f| f == id),
                "{profile}: {out}"
            );
        }
    }
}

#[test]
fn urls_in_a_jwe_header_are_never_fetched() {
    use std::sync::atomic::Ordering;
    let (base, hits) = common::serve("{}".to_string());
    let sb = Sandbox::new();
    let cek = [4u8; 32];
    let key = dir_key(&sb, "dir.jwk", &cek);
    let encrypter = josekit::jwe::Dir.encrypter_from_bytes(cek).unwrap();
    for member in ["x5u", "jku"] {
        let mut header = josekit::jwe::JweHeader::new();
        header.set_content_encryption("A256GCM");
        header
            .set_claim(member, Some(json!(format!("{base}/{member}"))))
            .unwrap();
        let jwe =
            josekit::jwe::serialize_compact(claims().to_string().as_bytes(), &header, &encrypter)
                .unwrap();
        for args in [vec![], vec!["--key-file", key.as_str()]] {
            let mut cmd = sb.cmd();
            cmd.env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
                .args(["inspect", "--json"])
                .args(&args)
                .arg(&jwe);
            let (_, out) = json_of(&mut cmd);
            assert!(
                finding_ids(&out).contains(&"generic.header.key_reference".to_string()),
                "{member}: {out}"
            );
        }
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "a URL named by a JWE header was fetched"
    );
}
