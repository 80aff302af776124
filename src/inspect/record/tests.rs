//! A record is what the batch wrote before it had records: the inspection turned into a
//! `serde_json::Value`, `error` and `line` added, written escaped.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::*;
use crate::inspect::{InspectError, Options, evaluate_token, inspect_token};
use crate::keys::KeyRing;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

pub(crate) fn ring() -> KeyRing {
    let jwk = format!(
        r#"{{"kty":"oct","k":"{}"}}"#,
        URL_SAFE_NO_PAD.encode(SECRET)
    );
    KeyRing {
        keys: crate::keys::parse_key_bytes("k", jwk.as_bytes()).unwrap(),
    }
}

fn token(header: &str, payload: &[u8]) -> String {
    let h = URL_SAFE_NO_PAD.encode(header);
    let p = URL_SAFE_NO_PAD.encode(payload);
    let tag = crate::jose::hmac::sign("HS256", SECRET, format!("{h}.{p}").as_bytes()).unwrap();
    format!("{h}.{p}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// The record as the batch wrote it from an `Inspection`.
fn before(result: &Result<crate::report::Inspection, InspectError>, line: usize) -> String {
    let mut value = match result {
        Ok(insp) => serde_json::to_value(insp).unwrap(),
        Err(InspectError::Malformed { error, partial }) => {
            let mut v = serde_json::to_value(&**partial).unwrap();
            v.as_object_mut()
                .unwrap()
                .insert("error".into(), error.to_string().into());
            v
        }
        Err(e) => json!({ "error": e.to_string() }),
    };
    value
        .as_object_mut()
        .unwrap()
        .insert("line".into(), line.into());
    crate::escape::json(&value).unwrap() + "\n"
}

fn after(token: &str, ring: &KeyRing, opts: &Options, line: usize) -> String {
    let mut out = Vec::new();
    evaluate_token(token, ring, opts, |result| {
        Records::new(opts.at).write(&mut out, result, line, None)
    });
    String::from_utf8(out).unwrap()
}

pub(crate) fn samples() -> Vec<String> {
    let h = r#"{"alg":"HS256","typ":"JWT"}"#;
    let claims = |v: Value| v.to_string().into_bytes();
    vec![
        token(
            h,
            &claims(
                json!({"sub": "a", "exp": 2_000_000_000, "campaignId": "1", "limit": {"canPlay": true}}),
            ),
        ),
        token(
            h,
            &claims(
                json!({"sub": "\u{1b}]52;c;SGk=\u{7}", "campaignId": "\u{202e}1", "n": -5, "f": 1.5, "big": u64::MAX}),
            ),
        ),
        token(h, br#"{ "sub" : "spaced",  "exp":1 }"#),
        token(
            h,
            br#"{"sub":"esc\"aped\u00e9\/","exp":1e3,"x":[1,2.50,{"y":null}]}"#,
        ),
        token(h, br#"{"sub":"dup","sub":"dup2","limit":{"nb":1,"nb":2}}"#),
        token(h, "{\"sub\":\"caf\u{e9} \u{7f} \u{85}\"}".as_bytes()),
        token(h, "{\"sub\":\"\u{c9}lodie\",\"n\":[-1,0,{}]}".as_bytes()),
        token(h, b"not json"),
        token(h, b"\xff\xfe binary"),
        token(h, br#"["an","array"]"#),
        token(r#"{"alg":"HS256","typ":"JWT","kid":"x\u0000y"}"#, b"{}"),
        format!("{}x", token(h, br#"{"sub":"tampered"}"#)),
        format!("{}.e30.abcde", URL_SAFE_NO_PAD.encode(h)),
        format!("{}.e30.sig", URL_SAFE_NO_PAD.encode(br#"{"alg":"#)),
        "a.b".to_string(),
        format!(
            "{}..abcde.YQ.YQ",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"dir","enc":"A128GCM"}"#)
        ),
    ]
}

#[test]
fn records_are_what_the_batch_wrote_from_an_inspection() {
    let ring = ring();
    for summary_only in [false, true] {
        for at in [0, 1_767_225_600] {
            let opts = Options {
                at,
                skew: 60,
                summary_only,
                ..Options::default()
            };
            for (line, token) in samples().iter().enumerate() {
                let was = before(&inspect_token(token, Vec::new(), &ring, &opts), line);
                assert_eq!(after(token, &ring, &opts, line), was, "{token}");
            }
        }
    }
}

#[test]
fn compact_claims_with_nothing_to_escape_are_copied_from_the_token() {
    let ring = ring();
    let copied: Vec<bool> = samples()
        .iter()
        .map(|t| {
            evaluate_token(t, &ring, &Options::default(), |r| {
                r.is_ok_and(|e| e.payload_text.is_some())
            })
        })
        .collect();
    // The plain claims, and the non-ASCII ones with nothing to escape; not the spaced, the
    // escaped, the duplicated, the DEL and U+0085, nor what is not JSON.
    assert_eq!(
        copied,
        [
            true, false, false, false, false, false, true, false, false, true, true, true, false,
            false, false, false
        ]
    );
}
