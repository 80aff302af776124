//! Tests of cli_sign, continued (2 tests; the module holds the shared helpers).

use super::*;

#[test]
fn templates_print_and_pass_their_profiles() {
    let sb = Sandbox::new();
    let rsa = keys_for(&sb, "RS256");
    let hmac = keys_for(&sb, "HS256");
    for (template, profile, keys, participation, win) in [
        (
            "qualifio-winner",
            "qualifio",
            &rsa,
            "allowed",
            "given_prize",
        ),
        ("qualifio-blocked", "qualifio", &rsa, "blocked", "standard"),
        ("qualifio-limited", "qualifio", &hmac, "limited", "standard"),
        ("adictiz", "adictiz", &hmac, "standard", "standard"),
        ("xtremepush", "xtremepush", &rsa, "standard", "standard"),
    ] {
        // Alone: the claims, pretty-printed, expiring a day from now.
        let out = sb
            .cmd()
            .args(["sign", "--template", template])
            .output()
            .unwrap();
        assert!(out.status.success());
        let claims: Value = serde_json::from_slice(&out.stdout).unwrap();
        let now = chrono::Utc::now().timestamp();
        let exp = claims["exp"].as_i64().unwrap();
        assert!(
            (now + 86_400 - 5..=now + 86_400 + 5).contains(&exp),
            "{template}"
        );

        // With a fitting key: signed, and inspect accepts it under the profile.
        let mut args = strs(&["--template", template]);
        args.extend(keys.sign.clone());
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let token = sign_ok(&sb, &argv, None);
        let mut verify = strs(&["--profile", profile]);
        verify.extend(keys.verify.clone());
        let (code, out) = inspect_json(&sb, &verify, &token);
        assert_eq!(code, 0, "{template}: {out}");
        let errors: Vec<&Value> = out["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{template}: {errors:?}");
        assert_eq!(out["verdict"]["profile"], profile);
        assert_eq!(
            out["verdict"]["participation"]["outcome"], participation,
            "{template}"
        );
        assert_eq!(out["verdict"]["win"]["outcome"], win, "{template}");
    }

    // --set applies to a template.
    let out = sb
        .cmd()
        .args([
            "sign",
            "--template",
            "qualifio-limited",
            "--set",
            "limit.nb=7",
        ])
        .output()
        .unwrap();
    let claims: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(claims["limit"], json!({"canPlay": true, "nb": 7}));
    sb.cmd()
        .args(["sign", "--template", "adictiz", "--claims", "-"])
        .assert()
        .code(2);
}

#[test]
fn a_templates_platform_alg_rule_applies_to_sign() {
    let sb = Sandbox::new();
    let hmac = keys_for(&sb, "HS256");
    let rsa = keys_for(&sb, "RS256");
    let ed = keys_for(&sb, "EdDSA");
    let p256 = keys_for(&sb, "ES256");
    let with = |keys: &Keys, extra: &[&str]| {
        let mut a = keys.sign.clone();
        a.extend(strs(extra));
        a
    };

    // Xtremepush fixes RS256 (004): a key that cannot sign it is refused, naming the rule and
    // its source, and nothing is printed on stdout.
    for keys in [&hmac, &ed] {
        let (code, stdout, stderr) = sign_template(&sb, "xtremepush", &keys.sign);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stdout, "");
        for part in [
            "--template xtremepush: key",
            "cannot sign RS256",
            "the Xtremepush loyalty widget only accepts RS256",
            "xtremepush.alg",
            "Xtremepush \"Manage User Authentication\", JWT Token and Payload",
            "--alg",
        ] {
            assert!(stderr.contains(part), "{part}: {stderr}");
        }
    }
    let (_, _, stderr) = sign_template(&sb, "xtremepush", &hmac.sign);
    assert!(
        stderr.contains("(it signs HS256, HS384, HS512)"),
        "{stderr}"
    );
    // An RSA key signs RS256, silently; inspect accepts the token.
    let (code, stdout, stderr) = sign_template(&sb, "xtremepush", &rsa.sign);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(header_json(stdout.trim_end()).starts_with(r#"{"alg":"RS256""#));
    // --alg outside the list is an explicit override: signed, with a warning that holds (the
    // platform's rule rejects the token).
    let (code, stdout, stderr) =
        sign_template(&sb, "xtremepush", &with(&hmac, &["--alg", "HS256"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: --alg 'HS256' overrides the xtremepush template's alg")
            && stderr.contains("the platform will reject this token")
            && stderr.contains("xtremepush.alg"),
        "{stderr}"
    );
    let mut verify = strs(&["--profile", "xtremepush"]);
    verify.extend(hmac.verify.clone());
    let (code, out) = inspect_json(&sb, &verify, stdout.trim_end());
    assert_eq!(code, 1, "{out}");
    assert!(
        error_ids(&out).contains(&"xtremepush.alg".to_string()),
        "{out}"
    );
    // A header file's alg is just as explicit.
    let ps = sb.write("ps256.json", r#"{"alg": "PS256"}"#);
    let (code, _, stderr) = sign_template(
        &sb,
        "xtremepush",
        &with(&rsa, &["--header", ps.to_str().unwrap()]),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("the header file's alg 'PS256' overrides"),
        "{stderr}"
    );
    // A stored RSA key allowed only PS256 cannot sign RS256 either.
    sb.cmd()
        .args(["keys", "gen", "pss", "--type", "rsa2048", "--alg", "PS256"])
        .assert()
        .success();
    let (code, _, stderr) = sign_template(&sb, "xtremepush", &strs(&["--key", "pss"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("(it signs PS256)"), "{stderr}");

    // Qualifio (000): RS*, ES*, HS* only. Ed25519 is refused, P-256 signs ES256.
    let (code, _, stderr) = sign_template(&sb, "qualifio-winner", &ed.sign);
    assert_eq!(code, 2, "{stderr}");
    for part in [
        "cannot sign any alg the platform takes (it signs EdDSA)",
        "Qualifio verifies RS256/384/512, ES256/384/512 and HS256/384/512 only",
        "qualifio.alg",
        "Qualifio \"Secure token\", Validation methods and algorithms",
    ] {
        assert!(stderr.contains(part), "{part}: {stderr}");
    }
    let (code, stdout, stderr) = sign_template(&sb, "qualifio-limited", &p256.sign);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(header_json(stdout.trim_end()).starts_with(r#"{"alg":"ES256""#));
    let (code, stdout, stderr) =
        sign_template(&sb, "qualifio-winner", &with(&ed, &["--alg", "EdDSA"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("--alg 'EdDSA' overrides the qualifio template's alg")
            && stderr.contains("will reject"),
        "{stderr}"
    );
    let mut verify = strs(&["--profile", "qualifio"]);
    verify.extend(ed.verify.clone());
    let (code, out) = inspect_json(&sb, &verify, stdout.trim_end());
    assert_eq!(code, 1, "{out}");
    assert!(
        error_ids(&out).contains(&"qualifio.alg".to_string()),
        "{out}"
    );
    // An alg in the list needs no override.
    let (code, _, stderr) = sign_template(&sb, "qualifio-winner", &with(&rsa, &["--alg", "RS512"]));
    assert_eq!((code, stderr.as_str()), (0, ""));

    // Adictiz (003) expects HS256 but names RSA and ECDSA too (RULES.md 4): another alg is
    // signed with a note citing the rule, never refused.
    let (code, stdout, stderr) = sign_template(&sb, "adictiz", &rsa.sign);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("note: key")
            && stderr.contains("signs RS256")
            && stderr.contains("HS256 is expected")
            && stderr.contains("adictiz.alg"),
        "{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(header_json(stdout.trim_end()).starts_with(r#"{"alg":"RS256""#));
}
