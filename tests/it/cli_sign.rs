//! `tokenscope sign` through the real binary: every alg and enc round-trips through
//! `inspect`, tokens verify with an independent implementation (jsonwebtoken), refusals,
//! claim edits, header order, export formats fed back to intake, and templates.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::crypto::{self, b64url};
use common::{Sandbox, inspect_json, json_of, statuses};
use predicates::prelude::*;
use serde_json::{Value, json};

const FAR: i64 = 4_102_444_800; // 2100-01-01
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const JWS_ALGS: [&str; 14] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "ES256K", "EdDSA",
];

fn claims() -> Value {
    json!({"sub": "user-1", "iat": 1_700_000_000, "exp": FAR})
}

/// Key files for an alg: (args to sign with, args to verify with).
struct Keys {
    sign: Vec<String>,
    verify: Vec<String>,
}

fn keys_for(sb: &Sandbox, alg: &str) -> Keys {
    if alg.starts_with("HS") {
        let secret = sb.write("secret.txt", SECRET);
        // Owner-only, as a secret file should be (group/other-readable ones are warned about).
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        let arg = format!("@{}", secret.display());
        return Keys {
            sign: vec!["--secret".into(), arg.clone()],
            verify: vec!["--secret".into(), arg],
        };
    }
    let pkey = crypto::key_for(alg);
    let private = sb.write(&format!("{alg}.pem"), crypto::pkcs8_pem(&pkey));
    let public = sb.write(&format!("{alg}.pub.pem"), crypto::spki_pem(&pkey));
    Keys {
        sign: vec!["--key-file".into(), private.display().to_string()],
        verify: vec!["--key-file".into(), public.display().to_string()],
    }
}

/// Run `sign` and return the token (stdout without its newline); panics on failure.
fn sign_ok(sb: &Sandbox, args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = sb.cmd();
    cmd.arg("sign").args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "sign {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with('\n'), "{text:?}");
    text.trim_end_matches('\n').to_string()
}

fn header_json(token: &str) -> String {
    let first = token.split('.').next().unwrap();
    String::from_utf8(URL_SAFE_NO_PAD.decode(first).unwrap()).unwrap()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

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

fn oct_jwk(sb: &Sandbox, name: &str, len: usize) -> std::path::PathBuf {
    let cek: Vec<u8> = (0..len as u8).collect();
    sb.write(name, json!({"kty": "oct", "k": b64url(&cek)}).to_string())
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

fn payload_of(token: &str) -> Value {
    let second = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(second).unwrap()).unwrap()
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

/// `node --check` on a script, when node is installed.
fn node_check(script: &std::path::Path, what: &str) {
    if let Ok(status) = std::process::Command::new("node")
        .arg("--check")
        .arg(script)
        .status()
    {
        assert!(status.success(), "node --check refused {what}");
    }
}

/// Script body of a JS tag, for `node --check`.
fn script_body(js: &str) -> &str {
    let start = js.find("<script type=\"text/javascript\">").unwrap() + 31;
    let end = js.find("</script>").unwrap();
    &js[start..end]
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

/// `sign --template T ARGS`: (exit code, stdout, stderr).
fn sign_template(sb: &Sandbox, template: &str, args: &[String]) -> (i32, String, String) {
    let out = sb
        .cmd()
        .args(["sign", "--template", template])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The error finding ids of an inspection.
fn error_ids(out: &Value) -> Vec<String> {
    out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
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
