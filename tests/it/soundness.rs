//! ACCEPTED fails closed (RULES.md section 2): each false acceptance the soundness issue found
//! through the real binary, and the false rejection of a Qualifio `kid`, checked through
//! `tokenscope inspect --json`.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::crypto::{b64url, ec, encrypt, hmac_token, pkcs8_pem, rsa, spki_pem};
use common::{Sandbox, expect_finding, find_finding, finding_ids, inspect_json, json_of};
use openssl::nid::Nid;
use serde_json::{Value, json};

const FAR: i64 = 4_102_444_800; // 2100-01-01
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn claims() -> Value {
    json!({"sub": "user-1", "exp": FAR})
}

fn secret_file(sb: &Sandbox) -> String {
    format!("@{}", sb.write("secret.txt", SECRET).display())
}

fn rsa_private(sb: &Sandbox) -> String {
    sb.write("rsa.pem", pkcs8_pem(rsa())).display().to_string()
}

fn rsa_oaep(plaintext: &[u8], cty: Option<&str>) -> String {
    let encrypter = josekit::jwe::RSA_OAEP
        .encrypter_from_pem(spki_pem(rsa()))
        .unwrap();
    encrypt(&encrypter, "A256GCM", cty, plaintext)
}

fn hs256(header: Value, payload: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload)
    );
    let tag = tokenscope::jose::hmac::sign("HS256", SECRET, input.as_bytes()).unwrap();
    format!("{input}.{}", b64url(&tag))
}

/// Item 1: a JWE made with a public key around bare claims is an error (anyone holding the
/// public key can make one), around opaque prose a warning, around a verified JWS nothing.
#[test]
fn a_jwt_encrypted_with_a_public_key_and_signed_nowhere_is_rejected() {
    let sb = Sandbox::new();
    let key = rsa_private(&sb);
    let claims_json = claims().to_string();
    let ecdh = {
        let k = ec(Nid::X9_62_PRIME256V1);
        let encrypter = josekit::jwe::ECDH_ES
            .encrypter_from_pem(spki_pem(&k))
            .unwrap();
        let path = sb.write("ec.pem", pkcs8_pem(&k)).display().to_string();
        (
            encrypt(&encrypter, "A128GCM", None, claims_json.as_bytes()),
            path,
        )
    };
    let rsa15 = {
        #[allow(deprecated)]
        let encrypter = josekit::jwe::RSA1_5
            .encrypter_from_pem(spki_pem(rsa()))
            .unwrap();
        encrypt(&encrypter, "A128CBC-HS256", None, claims_json.as_bytes())
    };
    for (case, token, key) in [
        (
            "RSA-OAEP",
            rsa_oaep(claims_json.as_bytes(), None),
            key.clone(),
        ),
        ("RSA1_5", rsa15, key.clone()),
        ("ECDH-ES", ecdh.0, ecdh.1),
    ] {
        let (code, out) = inspect_json(&sb, &["--key-file", &key], &token);
        assert_eq!(out["layers"][0]["status"], "decrypted", "{case}: {out}");
        assert_eq!(out["accepted"], false, "{case}: {out}");
        assert_eq!(code, 1, "{case}");
        let msg = expect_finding(&out, "generic.jwe.unsigned_jwt", "error");
        assert!(msg.contains("signed nowhere"), "{msg}");
    }
    // Opaque content: confidential, not authenticated: a warning, still accepted.
    let prose = rsa_oaep(
        b"The true sign of intelligence is not knowledge but imagination.",
        None,
    );
    let (code, out) = inspect_json(&sb, &["--key-file", &key], &prose);
    expect_finding(&out, "generic.jwe.unauthenticated", "warning");
    assert_eq!((code, &out["accepted"]), (0, &json!(true)), "{out}");
    // A signed JWS inside: authenticated by its signature.
    let jws = hs256(
        json!({"alg": "HS256", "typ": "JWT"}),
        claims_json.as_bytes(),
    );
    let nested = rsa_oaep(jws.as_bytes(), Some("JWT"));
    let secret = secret_file(&sb);
    let (code, out) = inspect_json(&sb, &["--key-file", &key, "--secret", &secret], &nested);
    assert_eq!((code, &out["accepted"]), (0, &json!(true)), "{out}");
    assert!(
        !finding_ids(&out)
            .iter()
            .any(|id| id.starts_with("generic.jwe.un")),
        "{out}"
    );
}

/// Item 2: five RSA-OAEP layers (or five `dir` layers) around a JWS with an all-zero
/// signature: past the depth limit, an error; the JWS is never skipped silently.
#[test]
fn nesting_past_the_limit_is_an_error_never_a_skipped_check() {
    let sb = Sandbox::new();
    let key = rsa_private(&sb);
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let forged = format!(
        "{header}.{}.{}",
        b64url(claims().to_string().as_bytes()),
        b64url(&[0; 32])
    );
    let dir_key = [7u8; 32];
    let dir = josekit::jwe::Dir.encrypter_from_bytes(dir_key).unwrap();
    let dir_file = sb.write(
        "dir.jwk",
        json!({"kty": "oct", "k": b64url(&dir_key)}).to_string(),
    );
    for (case, wrap, args) in [
        (
            "RSA-OAEP",
            Box::new(|t: &str| rsa_oaep(t.as_bytes(), Some("JWT"))) as Box<dyn Fn(&str) -> String>,
            vec!["--key-file".to_string(), key.clone()],
        ),
        (
            "dir",
            Box::new(|t: &str| encrypt(&dir, "A256GCM", Some("JWT"), t.as_bytes())),
            vec!["--key-file".to_string(), dir_file.display().to_string()],
        ),
    ] {
        let mut token = forged.clone();
        for _ in 0..5 {
            token = wrap(&token);
        }
        let (code, out) = inspect_json(&sb, &args, &token);
        assert_eq!(out["accepted"], false, "{case}: {out}");
        assert_eq!(code, 1, "{case}: {out}");
        let msg = expect_finding(&out, "generic.nesting.too_deep", "error");
        assert!(msg.contains("more than 5 layers"), "{msg}");
        assert_eq!(
            find_finding(&out, "generic.nesting.too_deep").unwrap()["claim"],
            "/layers/4"
        );
        assert_eq!(out["payload_view"]["type"], "unavailable", "{case}");
    }
    // Four layers around a JWS are opened to the end: the forged signature is refused.
    let mut token = forged.clone();
    for _ in 0..4 {
        token = rsa_oaep(token.as_bytes(), Some("JWT"));
    }
    let secret = secret_file(&sb);
    let (code, out) = inspect_json(&sb, &["--key-file", &key, "--secret", &secret], &token);
    assert_eq!(out["layers"].as_array().unwrap().len(), 5, "{out}");
    assert_eq!(out["layers"][4]["status"], "invalid");
    expect_finding(&out, "generic.signature.invalid", "error");
    assert_eq!((code, &out["accepted"]), (1, &json!(false)));
}

/// Item 3: with `typ: JWT`, claims that do not read as one JSON object are an error, and the
/// rules still run on what could be read.
#[test]
fn claims_that_do_not_parse_are_an_error() {
    let sb = Sandbox::new();
    let secret = secret_file(&sb);
    let deep = format!(
        "{{\"sub\":\"u\",\"exp\":{FAR},\"x\":{}1{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let ok = format!("{{\"sub\":\"u\",\"exp\":{FAR}}}");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "nested past the parser's limit",
            deep.into_bytes(),
            "generic.claims.unreadable",
        ),
        (
            "exp 1e400",
            br#"{"sub":"u","exp":1e400}"#.to_vec(),
            "generic.claims.unreadable",
        ),
        (
            "trailing NUL",
            [ok.as_bytes(), b"\0"].concat(),
            "generic.claims.unreadable",
        ),
        (
            "trailing junk",
            [ok.as_bytes(), b"x"].concat(),
            "generic.claims.unreadable",
        ),
        (
            "two objects",
            [ok.as_bytes(), b"{}"].concat(),
            "generic.claims.unreadable",
        ),
        (
            "BOM",
            [b"\xEF\xBB\xBF", ok.as_bytes()].concat(),
            "generic.claims.unreadable",
        ),
        (
            "lone surrogate",
            format!("{{\"sub\":\"\\ud800\",\"exp\":{FAR}}}").into_bytes(),
            "generic.claims.unreadable",
        ),
        (
            "not UTF-8",
            [
                b"{\"sub\":\"\xff\",\"exp\":",
                FAR.to_string().as_bytes(),
                b"}",
            ]
            .concat(),
            "generic.claims.unreadable",
        ),
        ("empty", Vec::new(), "generic.claims.unreadable"),
        (
            "a JSON array",
            b"[1,2]".to_vec(),
            "generic.claims.not_object",
        ),
        (
            "a JSON string",
            b"\"user-1\"".to_vec(),
            "generic.claims.not_object",
        ),
    ];
    for (case, payload, id) in cases {
        let token = hs256(json!({"alg": "HS256", "typ": "JWT"}), &payload);
        let (code, out) = inspect_json(&sb, &["--secret", &secret], &token);
        assert_eq!(out["layers"][0]["status"], "valid", "{case}: {out}");
        assert_eq!(out["accepted"], false, "{case}: {out}");
        assert_eq!(code, 1, "{case}");
        expect_finding(&out, id, "error");
    }
    // The rules still run on what could be read: a Qualifio payload with a trailing NUL is
    // checked as Qualifio, and its canPlay string is still found.
    let payload = format!(
        "{{\"sub\":\"u\",\"exp\":{FAR},\"campaignId\":\"42\",\"limit\":{{\"canPlay\":\"true\"}}}}\0"
    );
    let token = hs256(json!({"alg": "HS256", "typ": "JWT"}), payload.as_bytes());
    let (_, out) = inspect_json(&sb, &["--secret", &secret], &token);
    assert_eq!(out["verdict"]["profile"], "qualifio", "{out}");
    expect_finding(&out, "qualifio.limit.canplay_type", "error");
    assert_eq!(
        out["payload"],
        Value::Null,
        "the lenient read is for the rules only"
    );
    let msg = expect_finding(&out, "generic.claims.unreadable", "error");
    assert!(msg.contains("trailing characters"), "{msg}");
    // Without a JWT marker, a payload that is not JSON is an opaque JWS payload: info.
    let token = hs256(json!({"alg": "HS256"}), b"Payload");
    let (code, out) = inspect_json(&sb, &["--secret", &secret], &token);
    expect_finding(&out, "generic.payload.opaque", "info");
    assert_eq!((code, &out["accepted"]), (0, &json!(true)), "{out}");
}

/// Item 4: a public key is never an HMAC secret: refused when stored, an error finding when
/// given as a one-off, whatever the order of the keys.
#[test]
fn a_public_key_given_as_a_secret_is_refused() {
    let sb = Sandbox::new();
    let pem = spki_pem(rsa());
    let pub_file = sb.write("pub.pem", &pem);
    let jwk_file = sb.write(
        "pub.jwk",
        serde_json::to_vec(&json!({"kty": "RSA", "n": "sXch", "e": "AQAB"})).unwrap(),
    );
    let forged = hmac_token(
        "HS256",
        &pem,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &claims(),
    );
    // Stored: refused with a clear error, nothing written.
    let out = sb
        .cmd()
        .args(["keys", "add", "oops", "--secret"])
        .arg(format!("@{}", pub_file.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a PEM block ('PUBLIC KEY')"), "{stderr}");
    assert!(stderr.contains("never used as an HMAC secret"), "{stderr}");
    assert!(!stderr.contains("BEGIN"), "{stderr}");
    let list = sb.cmd().args(["keys", "list"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&list.stdout).contains("oops"));
    // One-off: the forgery is never verified, and the error is there whatever else verifies.
    let (code, out) = inspect_json(
        &sb,
        &["--secret", &format!("@{}", pub_file.display())],
        &forged,
    );
    assert_eq!(out["accepted"], false, "{out}");
    assert_eq!(code, 1);
    assert_eq!(
        out["layers"][0]["attempts"][0]["result"], "secret_is_key",
        "{out}"
    );
    expect_finding(&out, "generic.key.secret_is_key", "error");
    // A genuine secret stored and used together with the one-off PEM secret: still an error.
    let secret = sb.write("good.txt", SECRET);
    let added = sb
        .cmd()
        .args(["keys", "add", "good", "--secret"])
        .arg(format!("@{}", secret.display()))
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let honest = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &claims(),
    );
    let (code, out) = inspect_json(
        &sb,
        &[
            "--key",
            "good",
            "--secret",
            &format!("@{}", pub_file.display()),
        ],
        &honest,
    );
    assert_eq!(out["layers"][0]["status"], "valid", "{out}");
    expect_finding(&out, "generic.key.secret_is_key", "error");
    assert_eq!((code, &out["accepted"]), (1, &json!(false)));
    // `sign` never makes the forgery either.
    let out = sb
        .cmd()
        .args([
            "sign",
            "--template",
            "adictiz",
            "--alg",
            "HS256",
            "--secret",
        ])
        .arg(format!("@{}", pub_file.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("never used as an HMAC secret"), "{stderr}");
    assert!(out.stdout.is_empty());
    // A JWK of an RSA key as a secret is refused as well.
    let out = sb
        .cmd()
        .args(["keys", "add", "oops2", "--secret"])
        .arg(format!("@{}", jwk_file.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// The test RSA key as a JWK, with its private members when `private`.
fn rsa_jwk(private: bool) -> Value {
    let k = rsa().rsa().unwrap();
    let b = |n: Option<&openssl::bn::BigNumRef>| json!(b64url(&n.unwrap().to_vec()));
    let mut jwk = json!({"kty": "RSA", "n": b(Some(k.n())), "e": b(Some(k.e()))});
    if private {
        for (name, v) in [
            ("d", Some(k.d())),
            ("p", k.p()),
            ("q", k.q()),
            ("dp", k.dmp1()),
            ("dq", k.dmq1()),
            ("qi", k.iqmp()),
        ] {
            jwk[name] = b(v);
        }
    }
    jwk
}

/// Item 5: a JWK's `use` and `key_ops` are honoured both ways.
#[test]
fn jwk_use_and_key_ops_are_honoured() {
    let sb = Sandbox::new();
    let public = rsa_jwk(false);
    let signer = common::crypto::signer("RS256", b"");
    let token = common::crypto::sign(
        signer.as_ref(),
        json!({"alg": "RS256", "typ": "JWT"}),
        &claims(),
    );
    for (case, restriction, accepted) in [
        ("use enc", json!({"use": "enc"}), false),
        ("key_ops encrypt", json!({"key_ops": ["encrypt"]}), false),
        ("use sig", json!({"use": "sig"}), true),
        ("key_ops verify", json!({"key_ops": ["verify"]}), true),
    ] {
        let mut jwk = public.clone();
        jwk.as_object_mut()
            .unwrap()
            .extend(restriction.as_object().unwrap().clone());
        let file = sb.write("restricted.jwk", jwk.to_string());
        let (code, out) = inspect_json(&sb, &["--key-file", &file.display().to_string()], &token);
        assert_eq!(out["accepted"], accepted, "{case}: {out}");
        if !accepted {
            assert_eq!(code, 3, "{case}: {out}");
            let detail = out["layers"][0]["attempts"][0]["detail"].as_str().unwrap();
            assert!(
                detail.contains("does not allow signatures"),
                "{case}: {detail}"
            );
            expect_finding(&out, "generic.signature.unverified", "error");
        }
    }
    // A `use: "sig"` private key never decrypts.
    let mut private = rsa_jwk(true);
    private["use"] = json!("sig");
    let file = sb.write("sig.jwk", private.to_string());
    let jwe = rsa_oaep(b"secret prose", None);
    let (code, out) = inspect_json(&sb, &["--key-file", &file.display().to_string()], &jwe);
    assert_eq!(out["layers"][0]["status"], "no_key", "{out}");
    assert_eq!((code, &out["accepted"]), (3, &json!(false)));
    expect_finding(&out, "generic.jwe.no_key", "error");
}

/// Item 6: `?utm=x?jwt=TOKEN` hides the token inside `utm`'s value: an error under a platform
/// profile, a warning otherwise.
#[test]
fn a_token_parameter_swallowed_by_another_is_reported() {
    let sb = Sandbox::new();
    let secret = secret_file(&sb);
    let adictiz = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"partnerUserID": "p-1", "exp": FAR}),
    );
    let url = format!("https://adbx.io/game?utm=x?jwt={adictiz}");
    let (code, out) = inspect_json(&sb, &["--secret", &secret], &url);
    let msg = expect_finding(&out, "generic.url.parameter_swallowed", "error");
    assert!(msg.contains("\"utm\""), "{msg}");
    assert_eq!((code, &out["accepted"]), (1, &json!(false)));
    let generic = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &claims(),
    );
    let (code, out) = inspect_json(
        &sb,
        &["--secret", &secret],
        &format!("https://x.test/?a=b?token={generic}"),
    );
    expect_finding(&out, "generic.url.parameter_swallowed", "warning");
    assert_eq!((code, &out["accepted"]), (0, &json!(true)));
    let (_, out) = inspect_json(
        &sb,
        &["--secret", &secret],
        &format!("https://adbx.io/game?utm=x&jwt={adictiz}"),
    );
    assert!(
        find_finding(&out, "generic.url.parameter_swallowed").is_none(),
        "{out}"
    );
}

/// Item 7: several tokens in one paste: the first is inspected and a notice counts the rest.
#[test]
fn several_tokens_in_one_paste_are_counted() {
    let sb = Sandbox::new();
    let secret = secret_file(&sb);
    let a = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &claims(),
    );
    let b = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": "two", "exp": FAR}),
    );
    let c = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": "three", "exp": FAR}),
    );
    for text in [
        format!("ticket 42: first {a}, then {b} and {c}"),
        format!("{a}\n{b}\n{c}\n"),
    ] {
        let (_, out) = inspect_json(&sb, &["--secret", &secret], &text);
        assert_eq!(out["token"], a.as_str());
        let msg = expect_finding(&out, "generic.intake.several_tokens", "info");
        assert!(msg.contains("holds 3 tokens"), "{msg}");
    }
}

/// Qualifio (without a JWKS) and Adictiz ignore `kid`: a key that verifies is used whatever
/// its kid, with an info finding; generic JOSE, JWKS keys and Xtremepush keep kid_mismatch.
#[test]
fn kid_selects_the_key_only_where_the_platform_uses_it() {
    let sb = Sandbox::new();
    let secret = sb.write("s.txt", SECRET);
    let add = |name: &str, profile: Option<&str>| {
        let mut cmd = sb.cmd();
        cmd.args(["keys", "add", name, "--kid", "another", "--secret"])
            .arg(format!("@{}", secret.display()));
        if let Some(p) = profile {
            cmd.args(["--profile", p]);
        }
        cmd.assert().success();
    };
    add("q", Some("qualifio"));
    add("g", None);
    add("x", Some("xtremepush"));
    let qualifio = json!({"sub": "u", "exp": FAR, "campaignId": "42", "limit": {"canPlay": true}});
    let header = json!({"alg": "HS256", "typ": "JWT", "kid": "aKeyId"});
    let token = hmac_token("HS256", SECRET, &header, &qualifio);
    // Tagged qualifio, or untagged with a Qualifio payload: accepted with the info.
    for key in ["q", "g"] {
        let (code, out) = inspect_json(&sb, &["--key", key], &token);
        assert_eq!(out["layers"][0]["status"], "valid", "{key}: {out}");
        expect_finding(&out, "qualifio.kid.ignored", "info");
        assert_eq!((code, &out["accepted"]), (0, &json!(true)), "{key}: {out}");
    }
    let adictiz = hmac_token(
        "HS256",
        SECRET,
        &header,
        &json!({"partnerUserID": "p", "exp": FAR}),
    );
    let (code, out) = inspect_json(&sb, &["--key", "g"], &adictiz);
    expect_finding(&out, "adictiz.kid.ignored", "info");
    assert_eq!((code, &out["accepted"]), (0, &json!(true)), "{out}");
    // Generic JOSE and Xtremepush: kid selects, so another kid is a mismatch.
    let generic = hmac_token("HS256", SECRET, &header, &claims());
    for (key, token) in [("g", &generic), ("x", &token)] {
        let (code, out) = inspect_json(&sb, &["--key", key], token);
        assert_eq!(
            out["layers"][0]["attempts"][0]["result"], "kid_mismatch",
            "{key}: {out}"
        );
        let msg = expect_finding(&out, "generic.kid.mismatch", "error");
        assert!(msg.contains("'aKeyId'"), "{msg}");
        assert_eq!((code, &out["accepted"]), (1, &json!(false)), "{key}");
    }
    // --profile generic on the Qualifio payload: kid selects again.
    let (code, _) = inspect_json(&sb, &["--key", "g", "--profile", "generic"], &token);
    assert_eq!(code, 1);
}

/// Every failed check is a finding: a bad signature, no key at all, a wrong `dir` secret.
#[test]
fn every_failed_check_is_a_finding() {
    let sb = Sandbox::new();
    let secret = secret_file(&sb);
    let token = hmac_token(
        "HS256",
        b"another secret, 32 bytes long!!!",
        &json!({"alg": "HS256"}),
        &claims(),
    );
    let (code, out) = inspect_json(&sb, &["--secret", &secret], &token);
    expect_finding(&out, "generic.signature.invalid", "error");
    assert_eq!(code, 1);
    // No key at all: still "not verified" (exit 3), with the finding that says why.
    let (code, out) = inspect_json(&sb, &["--profile", "generic"], &token);
    let msg = expect_finding(&out, "generic.signature.unverified", "error");
    assert!(msg.contains("not checked"), "{msg}");
    assert_eq!((code, &out["accepted"]), (3, &json!(false)));
    let human = sb.cmd().args(["inspect", &token]).output().unwrap();
    assert_eq!(human.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&human.stdout).contains("NOT VERIFIED"));
    // A wrong dir secret.
    let dir = josekit::jwe::Dir.encrypter_from_bytes([1u8; 32]).unwrap();
    let jwe = encrypt(&dir, "A256GCM", None, b"{}");
    let wrong = sb.write(
        "wrong.jwk",
        json!({"kty": "oct", "k": b64url(&[2u8; 32])}).to_string(),
    );
    let (code, out) = inspect_json(&sb, &["--key-file", &wrong.display().to_string()], &jwe);
    expect_finding(&out, "generic.jwe.decryption_failed", "error");
    assert_eq!(code, 1);
    // The batch summary counts them like any other finding.
    let log = sb.write("log.txt", format!("{token}\n{token}\n"));
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json", "--secret", &secret, "--batch"])
        .arg(&log);
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.matches("generic.signature.invalid").count(),
        2,
        "{text}"
    );
    let _ = json_of;
}
