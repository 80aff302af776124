//! Tests of cli_sign, continued (9 tests; the module holds the shared helpers).

use super::*;

#[test]
fn every_jws_alg_round_trips_through_inspect() {
    let sb = Sandbox::new();
    let claims_file = sb.write("claims.json", claims().to_string());
    for alg in JWS_ALGS {
        let keys = keys_for(&sb, alg);
        let mut args = strs(&["--claims", claims_file.to_str().unwrap(), "--alg", alg]);
        args.extend(keys.sign.clone());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let token = sign_ok(&sb, &args, None);
        let (code, out) = inspect_json(&sb, &keys.verify, &token);
        assert_eq!(code, 0, "{alg}: {out}");
        assert_eq!(statuses(&out), ["valid"], "{alg}");
        assert_eq!(out["layers"][0]["alg"], alg);
        assert_eq!(out["payload"], claims(), "{alg}");
        assert_eq!(out["accepted"], true);
    }
}

#[test]
fn the_natural_alg_and_kid_come_from_a_stored_key() {
    let sb = Sandbox::new();
    for (name, kind, alg) in [
        ("ed", "ed25519", "EdDSA"),
        ("p384", "p384", "ES384"),
        ("p521", "p521", "ES512"),
        ("rsa", "rsa2048", "RS256"),
        ("hmac", "hmac", "HS256"),
    ] {
        sb.cmd()
            .args([
                "keys",
                "gen",
                name,
                "--type",
                kind,
                "--kid",
                &format!("{name}-1"),
            ])
            .assert()
            .success();
        let token = sign_ok(
            &sb,
            &["--claims", "-", "--key", name],
            Some(&claims().to_string()),
        );
        assert_eq!(
            header_json(&token),
            format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"{name}-1"}}"#)
        );
        let (code, out) = inspect_json(&sb, &strs(&["--key", name]), &token);
        assert_eq!(code, 0, "{name}: {out}");
        assert_eq!(out["layers"][0]["key"], name);
    }
}

#[test]
fn every_enc_wraps_an_rs256_token_in_a_dir_jwe() {
    let sb = Sandbox::new();
    let keys = keys_for(&sb, "RS256");
    let claims_file = sb.write("claims.json", claims().to_string());
    for (enc, len) in [
        ("A128GCM", 16),
        ("A192GCM", 24),
        ("A256GCM", 32),
        ("A128CBC-HS256", 32),
        ("A192CBC-HS384", 48),
        ("A256CBC-HS512", 64),
    ] {
        let jwk = oct_jwk(&sb, &format!("dir-{enc}.jwk"), len);
        let mut args = strs(&[
            "--claims",
            claims_file.to_str().unwrap(),
            "--encrypt-key-file",
            jwk.to_str().unwrap(),
            "--enc",
            enc,
        ]);
        args.extend(keys.sign.clone());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let token = sign_ok(&sb, &args, None);
        assert_eq!(
            header_json(&token),
            format!(r#"{{"alg":"dir","enc":"{enc}","cty":"JWT"}}"#)
        );
        let mut verify = strs(&["--key-file", jwk.to_str().unwrap()]);
        verify.extend(keys.verify.clone());
        let (code, out) = inspect_json(&sb, &verify, &token);
        assert_eq!(code, 0, "{enc}: {out}");
        assert_eq!(statuses(&out), ["decrypted", "valid"], "{enc}");
        assert_eq!(out["layers"][0]["enc"], enc);
        assert_eq!(out["layers"][1]["alg"], "RS256");
        assert_eq!(out["payload"], claims());
    }

    // A stored dir secret: the enc follows from its length; a wrong --enc is refused.
    sb.cmd()
        .args(["keys", "add", "dir48", "--encoding", "hex", "--secret"])
        .arg("ab".repeat(48))
        .assert()
        .success();
    let mut args = strs(&[
        "--claims",
        claims_file.to_str().unwrap(),
        "--encrypt-key",
        "dir48",
    ]);
    args.extend(keys.sign.clone());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let token = sign_ok(&sb, &argv, None);
    assert!(header_json(&token).contains(r#""enc":"A192CBC-HS384""#));
    let mut verify = strs(&["--key", "dir48"]);
    verify.extend(keys.verify.clone());
    let (code, out) = inspect_json(&sb, &verify, &token);
    assert_eq!((code, statuses(&out)), (0, strs(&["decrypted", "valid"])));

    sb.cmd()
        .arg("sign")
        .args(&argv)
        .args(["--enc", "A128GCM"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "JWE dir with A128GCM needs a 16-byte secret, key 'dir48' has 48 bytes",
        ));
    sb.cmd()
        .args([
            "sign",
            "--claims",
            claims_file.to_str().unwrap(),
            "--enc",
            "A128GCM",
        ])
        .args(&keys.sign)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--enc needs a key to encrypt with",
        ));
}

#[test]
fn tokens_verify_with_jsonwebtoken() {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    let sb = Sandbox::new();
    let claims_file = sb.write("claims.json", claims().to_string());
    for (alg, jwt_alg) in [
        ("HS256", Algorithm::HS256),
        ("RS256", Algorithm::RS256),
        ("PS256", Algorithm::PS256),
        ("ES256", Algorithm::ES256),
        ("ES384", Algorithm::ES384),
        ("EdDSA", Algorithm::EdDSA),
    ] {
        let keys = keys_for(&sb, alg);
        let mut args = strs(&["--claims", claims_file.to_str().unwrap(), "--alg", alg]);
        args.extend(keys.sign.clone());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let token = sign_ok(&sb, &args, None);
        let key = match alg {
            "HS256" => DecodingKey::from_secret(SECRET),
            "RS256" | "PS256" => {
                DecodingKey::from_rsa_pem(&crypto::spki_pem(&crypto::key_for(alg))).unwrap()
            }
            "EdDSA" => DecodingKey::from_ed_pem(&crypto::spki_pem(crypto::ed25519())).unwrap(),
            _ => DecodingKey::from_ec_pem(&crypto::spki_pem(&crypto::key_for(alg))).unwrap(),
        };
        let data = decode::<Value>(&token, &key, &Validation::new(jwt_alg))
            .unwrap_or_else(|e| panic!("{alg}: jsonwebtoken refused the token: {e}"));
        assert_eq!(data.claims, claims(), "{alg}");
        assert_eq!(data.header.alg, jwt_alg);
    }
}

#[test]
fn alg_none_is_refused_in_any_case() {
    let sb = Sandbox::new();
    let keys = keys_for(&sb, "HS256");
    for none in ["none", "NONE", "nOnE"] {
        sb.cmd()
            .args(["sign", "--claims", "-", "--alg", none])
            .args(&keys.sign)
            .write_stdin("{}")
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "alg '{none}' (unsecured JWS) is never produced"
            )));
        let header = sb.write("none.json", json!({"alg": none}).to_string());
        sb.cmd()
            .args([
                "sign",
                "--claims",
                "-",
                "--header",
                header.to_str().unwrap(),
            ])
            .args(&keys.sign)
            .write_stdin("{}")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is never produced"));
    }
}

#[test]
fn a_public_key_cannot_sign_and_an_rsa_key_is_no_hmac_secret() {
    let sb = Sandbox::new();
    let keys = keys_for(&sb, "RS256");
    sb.cmd()
        .args(["sign", "--claims", "-"])
        .args(&keys.verify)
        .write_stdin("{}")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "is an RSA-2048 public key: signing needs the private key",
        ));
    for key_args in [&keys.sign, &keys.verify] {
        sb.cmd()
            .args(["sign", "--claims", "-", "--alg", "HS256"])
            .args(key_args)
            .write_stdin("{}")
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "an asymmetric key is never used as an HMAC secret",
            ));
    }
    // An alg that does not fit the key, and one it does not allow.
    sb.cmd()
        .args(["sign", "--claims", "-", "--alg", "ES256"])
        .args(&keys.sign)
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot sign ES256 (this key signs RS256",
        ));
    sb.cmd()
        .args([
            "keys", "gen", "only384", "--type", "rsa2048", "--alg", "RS384",
        ])
        .assert()
        .success();
    let token = sign_ok(&sb, &["--claims", "-", "--key", "only384"], Some("{}"));
    assert!(header_json(&token).starts_with(r#"{"alg":"RS384""#));
    sb.cmd()
        .args([
            "sign", "--claims", "-", "--key", "only384", "--alg", "RS256",
        ])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "key 'only384' allows only RS384: it may not sign RS256",
        ));
    sb.cmd()
        .args(["sign", "--claims", "-"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sign needs a key"));
}

#[test]
fn set_unset_and_exp_edit_the_claims() {
    let sb = Sandbox::new();
    let keys = keys_for(&sb, "HS256");
    let file = sb.write(
        "claims.json",
        r#"{"sub": "u", "iss": "me", "campaignId": 1, "gift": {"cw": false}}"#,
    );
    let mut args = strs(&[
        "--claims",
        file.to_str().unwrap(),
        "--set",
        "gift.cw=true",
        "--set",
        "gift.label=Big prize",
        "--set",
        "limit.nb=3",
        "--set",
        r#"campaignId="123""#,
        "--unset",
        "iss",
        "--exp",
        "+30m",
    ]);
    args.extend(keys.sign.clone());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let now = chrono::Utc::now().timestamp();
    let token = sign_ok(&sb, &argv, None);
    let payload = payload_of(&token);
    let exp = payload["exp"].as_i64().unwrap();
    assert!((now + 1800 - 5..=now + 1800 + 60).contains(&exp), "{exp}");
    // Members keep their order; new ones go last.
    let raw = String::from_utf8(
        URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        raw,
        format!(
            r#"{{"sub":"u","campaignId":"123","gift":{{"cw":true,"label":"Big prize"}},"limit":{{"nb":3}},"exp":{exp}}}"#
        )
    );

    for (when, expected) in [
        ("2030-01-01T00:00:00Z", 1_893_456_000),
        ("1893456000", 1_893_456_000),
    ] {
        let token = sign_ok(
            &sb,
            &["--claims", "-", "--secret", "k", "--exp", when],
            Some("{}"),
        );
        assert_eq!(payload_of(&token), json!({"exp": expected}));
    }
    let token = sign_ok(
        &sb,
        &["--claims", "-", "--secret", "k", "--exp", "-1m"],
        Some("{}"),
    );
    assert!(payload_of(&token)["exp"].as_i64().unwrap() < chrono::Utc::now().timestamp());

    sb.cmd()
        .args(["sign", "--claims", "-", "--secret", "k", "--exp", "soon"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid --exp 'soon'"));
    sb.cmd()
        .args(["sign", "--claims", "-", "--secret", "k", "--set", "sub.x=1"])
        .write_stdin(r#"{"sub": "u"}"#)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot reach 'sub.x': 'sub' is the string \"u\", not an object",
        ));
    sb.cmd()
        .args(["sign", "--claims", "-", "--secret", "k"])
        .write_stdin("{\"sub\": ")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "claims on standard input is not valid JSON: EOF while parsing a value at line 1 column 8",
        ));
}

#[test]
fn header_members_are_kept_in_order() {
    let sb = Sandbox::new();
    let header = sb.write(
        "header.json",
        r#"{"x5t": "dGh1bWI", "cty": "JWT", "custom": {"b": 1, "a": 2}, "kid": "from-file"}"#,
    );
    let args = [
        "--claims",
        "-",
        "--secret",
        "k",
        "--header",
        header.to_str().unwrap(),
    ];
    let token = sign_ok(&sb, &args, Some("{}"));
    assert_eq!(
        header_json(&token),
        r#"{"alg":"HS256","typ":"JWT","kid":"from-file","x5t":"dGh1bWI","cty":"JWT","custom":{"b":1,"a":2}}"#
    );
    let mut with_kid = args.to_vec();
    with_kid.extend(["--kid", "k-2", "--alg", "HS512"]);
    let token = sign_ok(&sb, &with_kid, Some("{}"));
    assert!(
        header_json(&token).starts_with(r#"{"alg":"HS512","typ":"JWT","kid":"k-2","x5t""#),
        "{}",
        header_json(&token)
    );
    let typ = sb.write("typ.json", r#"{"typ": "at+jwt"}"#);
    let token = sign_ok(
        &sb,
        &[
            "--claims",
            "-",
            "--secret",
            "k",
            "--header",
            typ.to_str().unwrap(),
        ],
        Some("{}"),
    );
    assert_eq!(header_json(&token), r#"{"alg":"HS256","typ":"at+jwt"}"#);
    let not_object = sb.write("list.json", "[]");
    sb.cmd()
        .args(["sign", "--claims", "-", "--secret", "k", "--header"])
        .arg(&not_object)
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a JSON object"));
}

#[test]
fn every_format_packages_the_same_token_and_intake_finds_it() {
    let sb = Sandbox::new();
    let keys = keys_for(&sb, "HS256");
    let claims_file = sb.write("claims.json", claims().to_string());
    let base = {
        let mut a = strs(&["--claims", claims_file.to_str().unwrap()]);
        a.extend(keys.sign.clone());
        a
    };
    let run = |extra: &[&str]| -> (String, String) {
        let out = sb
            .cmd()
            .arg("sign")
            .args(&base)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{extra:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // HMAC is deterministic: every format packages this very token.
    let (raw, stderr) = run(&[]);
    assert_eq!(stderr, "");
    let t = raw.trim_end().to_string();
    assert_eq!(raw, format!("{t}\n"));
    assert_eq!(run(&["--format", "raw"]).0, raw);

    let cases: Vec<(Vec<&str>, String, Option<&str>)> = vec![
        (
            vec!["--format", "qualifio-url"],
            format!("https://example.invalid/your-qualifio-campaign?qual_token={t}\n"),
            Some("no --base-url given"),
        ),
        (
            vec![
                "--format",
                "qualifio-url",
                "--base-url",
                "https://acme.qualifioapp.com/20/ABC/?lang=fr",
            ],
            format!("https://acme.qualifioapp.com/20/ABC/?lang=fr&qual_token={t}\n"),
            None,
        ),
        (
            vec!["--format", "adictiz-url"],
            format!("https://adbx.io/UNIQUE-NAME?jwt={t}\n"),
            Some("https://adbx.io/UNIQUE-NAME"),
        ),
        (
            vec![
                "--format",
                "adictiz-url",
                "--base-url",
                "https://adbx.io/summer",
            ],
            format!("https://adbx.io/summer?jwt={t}\n"),
            None,
        ),
        (
            vec!["--format", "bearer"],
            format!("Authorization: Bearer {t}\n"),
            None,
        ),
        (
            vec!["--format", "curl", "--base-url", "https://api.example/me"],
            format!("curl -H 'Authorization: Bearer {t}' 'https://api.example/me'\n"),
            None,
        ),
        (
            vec!["--format", "curl"],
            format!("curl -H 'Authorization: Bearer {t}' 'https://example.invalid/api'\n"),
            Some("https://example.invalid/api"),
        ),
    ];
    for (extra, expected, note) in cases {
        let (stdout, stderr) = run(&extra);
        assert_eq!(stdout, expected, "{extra:?}");
        match note {
            Some(n) => assert!(stderr.contains(n), "{extra:?}: {stderr}"),
            None => assert_eq!(stderr, "", "{extra:?}"),
        }
        // Intake finds the token in the snippet.
        let (code, out) = inspect_json(&sb, &keys.verify, &stdout);
        assert_eq!(code, 0, "{extra:?}: {out}");
        assert_eq!(out["token"], t.as_str(), "{extra:?}");
        if extra[1] != "raw" {
            assert!(!out["stripped"].as_array().unwrap().is_empty(), "{extra:?}");
        }
    }

    // The JS tag is 000's alone: createIframe carries the token in qual_token=, there is no
    // setMetaData call (002 is its own channel), intake reads it, and the script parses.
    let (js, stderr) = run(&["--format", "qualifio-js"]);
    assert!(stderr.contains("placeholder campaign id"), "{stderr}");
    assert_eq!(
        js,
        format!(
            "<div id=\"qualifio_insert_place_tokenscope\" class=\"qualifio_iframe_wrapper\"></div>\n\
             <script type=\"text/javascript\">\n\
             (function(b,o,n,u,s){{var a,t;a=b.createElement(u);a.async=1;a.src=s;t=b.getElementsByTagName(u)[0];t.parentNode.insertBefore(a,t);o[n]=o[n]||[]}}) (document,window,'_qual_async','script','https://files.qualifio.com/kit/qualp.2.min.js');\n\
             _qual_async.push(['createIframe', 'qualifio_insert_place_tokenscope', '', '20', '00000000-0000-0000-0000-000000000000', '100%', '1200', 'qual_token={t}', '', '', 'max-width:810px;margin:0 auto;']);\n\
             </script>\n"
        )
    );
    assert!(!js.contains("setMetaData"), "{js}");
    let file = sb.write("tag.html", &js);
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json", "--file"])
        .arg(&file)
        .args(&keys.verify);
    let (code, out) = json_of(&mut cmd);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["token"], t.as_str());
    assert_eq!(
        out["stripped"],
        json!(["JS tag around the token (parameter 'qual_token')"])
    );
    let script = sb.write("tag.js", script_body(&js));
    node_check(&script, "the JS tag");

    // The setMetaData call is 002's, on its own: one line, the token once, the div named as a
    // string; intake reads it as a setMetaData call.
    let (call, stderr) = run(&["--format", "qualifio-setmetadata"]);
    assert_eq!(
        call,
        format!(
            "_qual_async.push(['setMetaData', 'JWT', '{t}', 'qualifio_insert_place_tokenscope']);\n"
        )
    );
    assert!(
        stderr.contains("placeholder div 'qualifio_insert_place_tokenscope'")
            && stderr.contains("CNAME"),
        "{stderr}"
    );
    let file = sb.write("call.js", &call);
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json", "--file"])
        .arg(&file)
        .args(&keys.verify);
    let (code, out) = json_of(&mut cmd);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["token"], t.as_str());
    assert_eq!(out["stripped"], json!(["JS setMetaData call"]));
    node_check(&file, "the setMetaData call");
    // Pasted together (the tag, then the call in its own script), the div ids match: no
    // warning about them.
    let page = format!("{js}<script>{call}</script>\n");
    let (code, out) = inspect_json(&sb, &keys.verify, &page);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["token"], t.as_str());
    let warnings: Vec<&Value> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(warnings.is_empty(), "{warnings:?}");

    // --base-url with a format that does not use it, and a bad base URL.
    sb.cmd()
        .arg("sign")
        .args(&base)
        .args(["--format", "bearer", "--base-url", "https://x.example"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--base-url is not used by --format bearer (only by qualifio-url, adictiz-url, curl)",
        ));
    sb.cmd()
        .arg("sign")
        .args(&base)
        .args(["--format", "qualifio-url", "--base-url", "acme.example/x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("must start with https://"));
}
