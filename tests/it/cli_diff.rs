//! `tokenscope diff A B` through the binary: pairs that differ by a claim's type, by a `kid`,
//! by the key that verifies them and by time, each evaluated at one instant.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::crypto::{self, hmac_token, sign, spki_pem};
use common::{Sandbox, assert_terminal_safe, json_of};
use serde_json::{Value, json};

const SECRET: &str = "tokenscope-demo-secret-0123456789abcdef";
/// The instant every test evaluates at: 2027-01-15T08:00:00Z.
const AT: i64 = 1_800_000_000;

fn hs256(claims: &Value) -> String {
    hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256", "typ": "JWT"}),
        claims,
    )
}

/// A Qualifio token valid at `AT` with this `limit`.
fn qualifio(limit: Value) -> Value {
    json!({
        "sub": "user-1",
        "campaignId": "123456",
        "iat": AT - 60,
        "nbf": AT - 120,
        "exp": AT + 3600,
        "limit": limit,
    })
}

/// `tokenscope diff --json --at AT ARGS A B`: (exit code, diff).
fn diff_json(sb: &Sandbox, args: &[&str], a: &str, b: &str) -> (i32, Value) {
    let mut cmd = sb.cmd();
    cmd.args(["diff", "--json", "--at", &AT.to_string()])
        .args(args)
        .args([a, b]);
    json_of(&mut cmd)
}

/// The `(path, change)` pairs of a header or payload list.
fn changes(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|c| {
            (
                c["path"].as_str().unwrap().to_string(),
                c["change"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn finding_ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

fn human(sb: &Sandbox, args: &[&str], a: &str, b: &str) -> (i32, String) {
    let out = sb
        .cmd()
        .args(["diff", "--at", &AT.to_string()])
        .args(args)
        .args([a, b])
        .output()
        .unwrap();
    assert_terminal_safe("diff", &out.stdout);
    assert_terminal_safe("diff stderr", &out.stderr);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn can_play_true_against_the_string_true_is_a_type_change_and_another_outcome() {
    let sb = Sandbox::new();
    let a = hs256(&qualifio(json!({"canPlay": true})));
    let b = hs256(&qualifio(json!({"canPlay": "true"})));
    let secret = ["--secret", SECRET];
    let (code, d) = diff_json(&sb, &secret, &a, &b);
    assert_eq!(code, 1, "{d:#}");
    assert_eq!(d["same_verdict"], false);
    assert_eq!(
        changes(&d["payload"]),
        vec![("/limit/canPlay".into(), "type_changed".into())]
    );
    assert_eq!(d["payload"][0]["a"], json!(true));
    assert_eq!(d["payload"][0]["b"], json!("true"));
    assert_eq!(
        d["verdict"]["participation"],
        json!({"a": "allowed", "b": "invalid"})
    );
    assert_eq!(
        d["verdict"]["overall"],
        json!({"a": "accepted", "b": "rejected"})
    );
    assert_eq!(d["verdict"]["profile"], Value::Null);
    assert_eq!(d["verdict"]["win"], Value::Null);
    assert!(
        finding_ids(&d["findings"]["only_in_b"]).contains(&"qualifio.limit.canplay_type".into()),
        "{d:#}"
    );
    assert_eq!(d["findings"]["only_in_b"][0]["claim"], "/limit/canPlay");
    assert_eq!(d["header"], json!([]));
    assert_eq!(d["layers"], json!([]));
    assert_eq!(d["time"], json!([]));
    assert_eq!(d["evaluated_at"], AT);

    let (code, text) = human(&sb, &secret, &a, &b);
    assert_eq!(code, 1);
    for line in [
        "- /limit/canPlay  true  (boolean)",
        "+ /limit/canPlay  \"true\"  (string)",
        "- participation  allowed",
        "+ participation  invalid",
        "VERDICTS DIFFER  A ACCEPTED, B REJECTED",
    ] {
        assert!(text.contains(line), "no {line:?} in:\n{text}");
    }
}

fn rs256_with(key: &openssl::pkey::PKey<openssl::pkey::Private>, kid: &str) -> String {
    let signer = josekit::jws::RS256
        .signer_from_pem(crypto::pkcs8_pem(key))
        .unwrap();
    sign(
        &signer,
        json!({"kid": kid, "typ": "JWT"}),
        &json!({"sub": "u", "iat": AT - 60, "exp": AT + 3600}),
    )
}

fn public_jwk(key: &openssl::pkey::PKey<openssl::pkey::Private>, kid: &str) -> Value {
    use josekit::jwk::KeyPair;
    let pair =
        josekit::jwk::alg::rsa::RsaKeyPair::from_der(key.private_key_to_pkcs8().unwrap()).unwrap();
    let mut jwk = pair.to_jwk_public_key();
    jwk.set_key_id(kid);
    serde_json::from_str(&jwk.to_string()).unwrap()
}

#[test]
fn another_kid_and_key_from_one_jwks_is_the_same_verdict() {
    let sb = Sandbox::new();
    let jwks = json!({"keys": [
        public_jwk(crypto::rsa(), "k1"),
        public_jwk(crypto::rsa_other(), "k2"),
    ]});
    let jwks = sb.write("keys.jwks", jwks.to_string());
    let a = rs256_with(crypto::rsa(), "k1");
    let b = rs256_with(crypto::rsa_other(), "k2");
    let args = ["--key-file", jwks.to_str().unwrap()];
    let (code, d) = diff_json(&sb, &args, &a, &b);
    assert_eq!(code, 0, "{d:#}");
    assert_eq!(d["same_verdict"], true);
    assert_eq!(d["a"]["overall"], "accepted");
    assert_eq!(d["b"]["overall"], "accepted");
    assert_eq!(
        changes(&d["header"]),
        vec![("/kid".into(), "changed".into())]
    );
    assert_eq!(d["header"][0]["layer"], 1);
    assert_eq!(d["header"][0]["a"], "k1");
    assert_eq!(d["header"][0]["b"], "k2");
    let fields: Vec<&str> = d["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kid", "key"], "{d:#}");
    assert_ne!(d["layers"][1]["a"], d["layers"][1]["b"]);
    assert_eq!(d["payload"], json!([]));
    assert_eq!(d["verdict"]["overall"], Value::Null);

    let (code, text) = human(&sb, &args, &a, &b);
    assert_eq!(code, 0);
    assert!(text.contains("- /kid  \"k1\""), "{text}");
    assert!(text.contains("+ /kid  \"k2\""), "{text}");
    assert!(text.contains("SAME VERDICT  ACCEPTED"), "{text}");
}

#[test]
fn one_token_verifies_with_the_key_and_the_other_does_not() {
    let sb = Sandbox::new();
    let public = sb.write("public.pem", spki_pem(crypto::rsa()));
    let a = rs256_with(crypto::rsa(), "k1");
    let b = rs256_with(crypto::rsa_other(), "k1");
    let args = ["--key-file", public.to_str().unwrap()];
    let (code, d) = diff_json(&sb, &args, &a, &b);
    assert_eq!(code, 1, "{d:#}");
    assert_eq!(d["same_verdict"], false);
    assert_eq!(d["verdict"]["overall"]["a"], "accepted");
    assert_ne!(d["verdict"]["overall"]["b"], "accepted");
    let status = d["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["field"] == "status")
        .unwrap_or_else(|| panic!("no status change: {d:#}"));
    assert_eq!(status["layer"], 1);
    assert_eq!(status["a"], "valid");
    assert_eq!(status["b"], "invalid");
    assert!(
        !d["findings"]["only_in_b"].as_array().unwrap().is_empty(),
        "{d:#}"
    );
    // Same claims, same header: only the signature differs.
    assert_eq!(d["payload"], json!([]));
    assert_eq!(d["header"], json!([]));
    let (_, text) = human(&sb, &args, &a, &b);
    assert!(text.contains("- layer 1 status  valid"), "{text}");
    assert!(text.contains("+ layer 1 status  invalid"), "{text}");
}

#[test]
fn two_expiries_at_one_instant_one_expired() {
    let sb = Sandbox::new();
    let claims = |exp: i64| json!({"sub": "u", "iat": AT - 7200, "exp": exp});
    let a = hs256(&claims(AT + 2 * 3600));
    let b = hs256(&claims(AT - 5 * 60));
    let secret = ["--secret", SECRET];
    let (code, d) = diff_json(&sb, &secret, &a, &b);
    assert_eq!(code, 1, "{d:#}");
    assert_eq!(
        changes(&d["payload"]),
        vec![("/exp".into(), "changed".into())]
    );
    assert_eq!(
        d["time"],
        json!([{
            "claim": "exp",
            "a": AT + 7200,
            "b": AT - 300,
            "a_relative": "in 2 hours",
            "b_relative": "5 minutes ago",
        }])
    );
    assert_eq!(
        d["verdict"]["overall"],
        json!({"a": "accepted", "b": "rejected"})
    );
    assert_eq!(
        finding_ids(&d["findings"]["only_in_b"]),
        ["generic.exp.expired"]
    );
    assert_eq!(d["evaluated_at_rfc3339"], "2027-01-15T08:00:00Z");

    let (code, text) = human(&sb, &secret, &a, &b);
    assert_eq!(code, 1);
    assert!(
        text.contains("both evaluated at 2027-01-15T08:00:00Z"),
        "{text}"
    );
    assert!(text.contains("- /exp  1800007200  (in 2 hours)"), "{text}");
    assert!(
        text.contains("+ /exp  1799999700  (5 minutes ago)"),
        "{text}"
    );

    // Evaluated earlier, both are valid: the instant is the one given, for both.
    let mut cmd = sb.cmd();
    cmd.args([
        "diff",
        "--json",
        "--at",
        &(AT - 3600).to_string(),
        "--secret",
        SECRET,
    ])
    .args([&a, &b]);
    let (code, d) = json_of(&mut cmd);
    assert_eq!(code, 0, "{d:#}");
    assert_eq!(d["time"][0]["b_relative"], "in 55 minutes");
}

#[test]
fn identical_tokens_have_no_differences() {
    let sb = Sandbox::new();
    let t = hs256(&qualifio(json!({"canPlay": true})));
    let (code, d) = diff_json(&sb, &["--secret", SECRET], &t, &t);
    assert_eq!(code, 0, "{d:#}");
    assert_eq!(d["same_verdict"], true);
    for list in ["header", "payload", "time", "layers"] {
        assert_eq!(d[list], json!([]), "{list}: {d:#}");
    }
    assert_eq!(d["findings"], json!({"only_in_a": [], "only_in_b": []}));
    assert_eq!(
        d["verdict"],
        json!({"overall": null, "profile": null, "participation": null, "win": null})
    );
    assert_eq!(d["a"], d["b"]);
    let (code, text) = human(&sb, &["--secret", SECRET], &t, &t);
    assert_eq!(code, 0);
    assert!(text.contains("no differences"), "{text}");
}

#[test]
fn one_side_from_stdin_and_the_other_from_a_file() {
    let sb = Sandbox::new();
    let a = hs256(&qualifio(json!({"canPlay": true})));
    let b = hs256(&qualifio(json!({"canPlay": false})));
    let file = sb.write("b.txt", format!("Authorization: Bearer {b}\n"));
    let mut cmd = sb.cmd();
    cmd.args([
        "diff",
        "--json",
        "--at",
        &AT.to_string(),
        "--secret",
        SECRET,
        "-",
    ])
    .arg(&file)
    .write_stdin(format!("{a}\n"));
    let (code, d) = json_of(&mut cmd);
    assert_eq!(code, 1, "{d:#}");
    assert_eq!(
        changes(&d["payload"]),
        vec![("/limit/canPlay".into(), "changed".into())]
    );
    assert_eq!(
        d["verdict"]["participation"],
        json!({"a": "allowed", "b": "blocked"})
    );
}

#[test]
fn unreadable_input_is_a_usage_error_naming_the_side() {
    let sb = Sandbox::new();
    let t = hs256(&qualifio(json!({"canPlay": true})));
    sb.cmd()
        .args(["diff", "-", "-"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("only one of A and B"));
    sb.cmd()
        .args(["diff", &t, "not a token"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("tokenscope: token B:"));
    let mut cmd = sb.cmd();
    cmd.args(["diff", "--json", "eyJhbGciOiJIUzI1NiJ9.e30", &t]);
    let (code, v) = json_of(&mut cmd);
    assert_eq!(code, 2);
    assert!(v["error"].as_str().unwrap().starts_with("token A:"), "{v}");
    sb.cmd().args(["diff", &t]).assert().code(2);
}

#[test]
fn hostile_claims_never_reach_the_output_raw() {
    let sb = Sandbox::new();
    let evil = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J\u{202e}gnp.exe\u{9b}";
    let a = hs256(&json!({"sub": "u", "exp": AT + 60, "note": "plain", evil: 1}));
    let b = hs256(&json!({"sub": evil, "exp": AT + 60, "note": evil, "x": {evil: evil}}));
    let (_, text) = human(&sb, &["--secret", SECRET], &a, &b);
    assert!(text.contains("\\u001b"), "{text}");
    let out = sb
        .cmd()
        .args([
            "diff",
            "--color",
            "always",
            "--at",
            &AT.to_string(),
            "--secret",
            SECRET,
        ])
        .args([&a, &b])
        .output()
        .unwrap();
    // Only tokenscope's own colour codes: strip them, then nothing raw may remain.
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let stripped = strip_sgr(&text);
    assert_terminal_safe("diff --color always", stripped.as_bytes());
    let out = sb
        .cmd()
        .args([
            "diff",
            "--json",
            "--at",
            &AT.to_string(),
            "--secret",
            SECRET,
        ])
        .args([&a, &b])
        .output()
        .unwrap();
    assert_terminal_safe("diff --json", &out.stdout);
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Escaped for the terminal, the same string for a JSON reader.
    assert_eq!(d["payload"][0]["b"], evil);
}

/// `text` without SGR sequences (`ESC [ ... m`).
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\u{1b}[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find(|c: char| !(c.is_ascii_digit() || c == ';')) {
            Some(j) if after[j..].starts_with('m') => rest = &after[j + 1..],
            _ => {
                out.push_str("\u{1b}[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
