//! Tests of attacks, continued (13 tests; the module holds the shared helpers).

use super::*;

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
