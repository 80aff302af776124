//! `tokenscope inspect -` on tokens with big structured payloads: the report is written as it
//! is made, borrowed from the evaluation, and must be byte for byte what the owned
//! `Inspection` renders and serialises (the path the TUI and `--format markdown` take).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::Sandbox;
use common::crypto::{b64url, hmac_token};
use serde_json::{Value, json};
use tokenscope::inspect::{InspectError, Options};
use tokenscope::keys::KeyRing;
use tokenscope::render::{self, Style};

const AT: &str = "2026-01-01T00:00:00Z";
const AT_UNIX: i64 = 1_767_225_600;
const SKEW: i64 = 60;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

/// Claims shaped like a big basket: `custom.items`, thousands of small objects, with every
/// kind of JSON value, text no terminal may see raw, and top-level time claims.
fn big_claims(items: usize) -> Value {
    let hostile =
        "\u{1b}]52;c;SGk=\u{7}\u{1b}[2J \u{202e}rtl\u{200b} \u{85}\u{7f} caf\u{e9} 😀 \"q\" \\";
    let items: Vec<Value> = (0..items)
        .map(|i| {
            json!({
                "id": i,
                "sku": format!("SKU-{i:06}"),
                "label": if i % 97 == 0 { hostile.to_string() } else { format!("Prize item number {i}") },
                "qty": i % 7,
                "price": (i as f64) * 1.25 - 3.5,
                "active": i % 3 != 0,
                "tags": if i % 5 == 0 { json!([]) } else { json!(["a", {"k": null}, [1, -2]]) },
                "meta": if i % 11 == 0 { json!({}) } else { json!({"exp": i, "big": u64::MAX}) },
            })
        })
        .collect();
    json!({
        "sub": "user-1", "iat": AT_UNIX - 30, "nbf": AT_UNIX - 90, "exp": AT_UNIX + 3600,
        "auth_time": 1_767_225_000_000_i64, hostile: hostile,
        "custom": {"items": items, "empty": {}, "none": []},
    })
}

/// What the owned `Inspection` gives: the human report (plain, coloured) and `--json`.
fn owned(text: &str, ring: &KeyRing) -> (i32, [String; 3]) {
    let opts = Options {
        at: AT_UNIX,
        skew: SKEW,
        ..Options::default()
    };
    match tokenscope::inspect::inspect_text_nth(text, 0, ring, &opts) {
        Ok(insp) => (
            i32::from(tokenscope::commands::exit_code(&insp)),
            [
                render::report(&insp, Style { color: false }),
                render::report(&insp, Style { color: true }),
                tokenscope::escape::json_pretty(&insp).unwrap() + "\n",
            ],
        ),
        Err(InspectError::Malformed { error, .. }) => panic!("malformed: {error}"),
        Err(e) => panic!("{e}"),
    }
}

/// What `inspect -` writes, in the same three forms.
fn written(sb: &Sandbox, text: &str, extra: &[&str]) -> (i32, [String; 3]) {
    let run = |mode: &[&str]| {
        let mut cmd = sb.cmd();
        // crossterm writes no colour under NO_COLOR, even asked to (`--color always`).
        cmd.env_remove("NO_COLOR");
        let out = cmd
            .args(["inspect", "--at", AT, "--skew", "60"])
            .args(extra)
            .args(mode)
            .arg("-")
            .write_stdin(text)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    let (code, plain) = run(&[]);
    let (_, colour) = run(&["--color", "always"]);
    let (json_code, json) = run(&["--json"]);
    assert_eq!(code, json_code);
    (code, [plain, colour, json])
}

#[track_caller]
fn same(case: &str, got: (i32, [String; 3]), want: (i32, [String; 3])) {
    assert_eq!(got.0, want.0, "{case}: exit code");
    for (i, form) in ["human", "coloured", "--json"].iter().enumerate() {
        let (g, w) = (&got.1[i], &want.1[i]);
        if g != w {
            let at = g.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count();
            panic!(
                "{case} {form}: differs at byte {at} ({} vs {} bytes): {:?} vs {:?}",
                g.len(),
                w.len(),
                &g[at.saturating_sub(40)..(at + 40).min(g.len())],
                &w[at.saturating_sub(40)..(at + 40).min(w.len())],
            );
        }
    }
}

/// The payload section of a plain report is `json_lines`' text, line by line (what the report
/// wrote before it streamed), whichever tree it is written from.
#[track_caller]
fn payload_is_the_lines(case: &str, report: &str, text: &str) {
    let opts = Options {
        at: AT_UNIX,
        skew: SKEW,
        ..Options::default()
    };
    let insp = tokenscope::inspect::inspect_text_nth(text, 0, &KeyRing::default(), &opts).unwrap();
    let mut want = String::new();
    let doc =
        tokenscope::json_lines::JsonDoc::from_value(insp.payload.as_ref().unwrap(), Some(AT_UNIX));
    for i in 0..doc.len() {
        want.push_str(&doc.text(i));
        want.push('\n');
    }
    let start = report.find("── Payload\n").unwrap() + "── Payload\n".len();
    let len = report[start..].find("\n\n").unwrap() + 1;
    assert!(
        report[start..start + len] == want,
        "{case}: the payload is not json_lines' text"
    );
}

#[test]
fn a_big_structured_payload_is_written_as_the_inspection_renders_it() {
    let sb = Sandbox::new();
    let token = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT"}),
        &big_claims(3_000),
    );
    assert!(token.len() > 500_000, "{}", token.len());
    // No key: not verified (exit 3).
    let text = format!("Authorization: Bearer {token}\n");
    let got = written(&sb, &text, &[]);
    common::assert_terminal_safe("big payload", got.1[0].as_bytes());
    payload_is_the_lines("big payload", &got.1[0], &text);
    same("no key", got, owned(&text, &KeyRing::default()));

    // The key that verifies it, from a JWK file: accepted, the attempts and key facts shown.
    let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, b64url(SECRET));
    let file = sb.write("k.jwk", &jwk);
    let name = file.display().to_string();
    let ring = KeyRing {
        keys: tokenscope::keys::parse_key_bytes(&name, jwk.as_bytes()).unwrap(),
    };
    same(
        "key file",
        written(&sb, &text, &["--key-file", &name]),
        owned(&text, &ring),
    );
}

#[test]
fn claims_written_unusually_are_written_as_the_inspection_renders_them() {
    let sb = Sandbox::new();
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    // Spaces, escapes, duplicate names (the last value, at the place of the first), numbers
    // as written: what the tree the report is written from reads differently from the text.
    let mut claims = String::from(
        r#"{ "sub" : "a\u00e9\/\"" , "exp":1e10, "x":[1,2.50,{"y":null}], "sub":"dup", "items":["#,
    );
    for i in 0..2_000 {
        if i > 0 {
            claims.push(',');
        }
        claims.push_str(&format!(
            r#"{{"n":{i},"n":-{i},"s":"\u001b[{i}m","f":1.0E{}}}"#,
            i % 300
        ));
    }
    claims.push_str("]}");
    let token = format!("{header}.{}.c2ln", b64url(claims.as_bytes()));
    let got = written(&sb, &token, &[]);
    payload_is_the_lines("unusual claims", &got.1[0], &token);
    same("unusual claims", got, owned(&token, &KeyRing::default()));
}
