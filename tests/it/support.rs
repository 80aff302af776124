//! The support workflow through the real binary: a token out of a real ticket (folded,
//! quoted, quoted-printable), several tokens in one ticket (`--index`).
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::crypto::hmac_token;
use common::{Sandbox, inspect_json};
use serde_json::json;

const FAR: i64 = 4_102_444_800;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn args(sb: &Sandbox) -> Vec<String> {
    let path = sb.write("secret.txt", SECRET);
    vec!["--secret".into(), format!("@{}", path.display())]
}

fn token(sub: &str) -> String {
    hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": sub, "exp": FAR, "campaignId": "42", "limit": {"canPlay": false}}),
    )
}

fn fold(text: &str, width: usize) -> String {
    text.as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_token_out_of_a_folded_quoted_or_encoded_ticket() {
    let sb = Sandbox::new();
    let t = token("customer-1");
    let url = format!("https://qualifio.test/c/summer?utm_source=mail&qual_token={t}");
    let folded = format!(
        "Hi support,\n\nthe customer could not play:\n{}\n\nRegards",
        fold(&url, 76)
    );
    let quoted: String = folded.lines().map(|l| format!("> {l}\n")).collect();
    let qp: String = url
        .replace('=', "=3D")
        .as_bytes()
        .chunks(75)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("=\n");
    // A terminal pastes line breaks as CR; a Windows mail writes CRLF.
    let pasted = quoted.replace('\n', "\r");
    let crlf = quoted.replace('\n', "\r\n");
    for (case, text, note) in [
        ("folded", folded, "mail wrapping"),
        ("quoted", quoted, "quote prefixes"),
        ("quoted, pasted with CR", pasted, "quote prefixes"),
        ("quoted, CRLF", crlf, "quote prefixes"),
        ("quoted-printable", qp, "quoted-printable"),
    ] {
        let (code, out) = inspect_json(&sb, &args(&sb), &text);
        assert_eq!(out["token"], t.as_str(), "{case}: {out}");
        assert_eq!(code, 0, "{case}: {out}");
        let stripped = out["stripped"].to_string();
        assert!(stripped.contains(note), "{case}: {stripped}");
        assert_eq!(out["verdict"]["participation"]["outcome"], "blocked");
    }
}

#[test]
fn index_picks_another_token_of_the_ticket() {
    let sb = Sandbox::new();
    let (a, b) = (token("first"), token("second"));
    let ticket = format!("Two logins failed:\n1) {a}\n2) {b}\n");
    let (_, out) = inspect_json(&sb, &args(&sb), &ticket);
    assert_eq!(out["payload"]["sub"], "first");
    let f = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "generic.intake.several_tokens")
        .expect("several tokens");
    assert!(f["message"].as_str().unwrap().contains("--index N"), "{f}");
    let mut with_index = args(&sb);
    with_index.extend(["--index".into(), "2".into()]);
    let (code, out) = inspect_json(&sb, &with_index, &ticket);
    assert_eq!(code, 0);
    assert_eq!(out["payload"]["sub"], "second");
    assert_eq!(out["stripped"][0], "text around the token (token 2 of 2)");
    let msg = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "generic.intake.several_tokens")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("token 2 is inspected"), "{msg}");
    let mut past = args(&sb);
    past.extend(["--index".into(), "3".into()]);
    let (code, out) = inspect_json(&sb, &past, &ticket);
    assert_eq!(code, 2);
    assert!(
        out["error"]
            .as_str()
            .unwrap()
            .contains("the text holds 2 token(s)"),
        "{out}"
    );
    let zero = sb
        .cmd()
        .args(["inspect", "--index", "0", &a])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
}

/// `inspect --format markdown`: a report to paste into the ticket: verdict and outcomes,
/// findings with sources, claims with personal data masked, the token elided, the command
/// that reproduces it; `--redact none` keeps everything.
#[test]
fn a_ticket_ready_markdown_report() {
    let sb = Sandbox::new();
    let t = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": "jane.doe@example.com", "exp": FAR, "campaignId": "42",
                "limit": {"canPlay": false}, "gift": {"cw": true},
                "form": {"firstname": "Jane", "phone": "0612345678"}}),
    );
    let mut cmd = sb.cmd();
    cmd.args([
        "inspect",
        "--format",
        "markdown",
        "--at",
        "2026-01-01T00:00:00Z",
    ])
    .args(args(&sb))
    .arg(&t);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8(out.stdout).unwrap();
    for want in [
        "## tokenscope: ACCEPTED",
        "| Participation | blocked |",
        "does not matter: participation is blocked",
        "| Evaluated at | 2026-01-01T00:00:00Z (skew 60 s) |",
        "`qualifio.nbf.missing`",
        "Qualifio \"Secure token\", Usual fields",
        "\"sub\": \"j******************m\"",
        "\"firstname\": \"J**e\"",
        "\"phone\": \"0********8\"",
        "tokenscope inspect --at 2026-01-01T00:00:00Z --skew 60 --profile qualifio --secret @",
        "--file token.txt",
        "fingerprint `sha256:",
    ] {
        assert!(md.contains(want), "missing {want:?} in:\n{md}");
    }
    assert!(!md.contains(&t), "the token itself is elided");
    assert!(!md.contains("jane.doe"), "personal data masked");
    // A secret given on the command line is never repeated.
    let out = sb
        .cmd()
        .args([
            "inspect", "--format", "markdown", "--redact", "none", "--secret",
        ])
        .arg(std::str::from_utf8(SECRET).unwrap())
        .arg(&t)
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("jane.doe@example.com"),
        "--redact none keeps it"
    );
    assert!(md.contains("--secret @SECRET_FILE"), "{md}");
    assert!(!md.contains(std::str::from_utf8(SECRET).unwrap()));
    let batch = sb
        .cmd()
        .args(["inspect", "--format", "markdown", "--batch", "-"])
        .write_stdin(t)
        .output()
        .unwrap();
    assert_eq!(batch.status.code(), Some(2));
}
