//! Property tests over the entry points the fuzz targets cover (fuzz/), so that the normal
//! suite runs them too: no panic on arbitrary input, intake round-trips, a tampered signature
//! never verifies, and `accepted` implies every layer ok and no error finding.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use serde_json::{Value, json};
use tokenscope::keys::{KeyRing, parse_key_bytes};
use tokenscope::report::{LayerStatus, Severity};
use tokenscope::{Inspection, Options, ProfileChoice, inspect_text};

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn ring() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| {
        let mut ring = KeyRing::default();
        let hs = format!(r#"{{"kty":"oct","k":"{}"}}"#, URL_SAFE_NO_PAD.encode(SECRET));
        ring.keys.extend(parse_key_bytes("hs", hs.as_bytes()).unwrap());
        let dir = format!(r#"{{"kty":"oct","kid":"dir","k":"{}"}}"#, URL_SAFE_NO_PAD.encode([3u8; 16]));
        ring.keys.extend(parse_key_bytes("dir", dir.as_bytes()).unwrap());
        let ec = r#"{"kty":"EC","crv":"P-256","kid":"ec","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
        ring.keys.extend(parse_key_bytes("ec", ec.as_bytes()).unwrap());
        ring
    })
}

fn opts(profile: ProfileChoice) -> Options {
    Options {
        profile,
        at: 1_714_564_800,
        skew: 60,
        ..Options::default()
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn hs256(header: &Value, payload: &[u8], secret: &[u8]) -> String {
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(payload));
    let tag = tokenscope::jose::hmac::sign("HS256", secret, input.as_bytes()).unwrap();
    format!("{input}.{}", b64(&tag))
}

/// The invariant of issue 7: accepted only when every layer is ok and no finding is an error.
fn check(insp: &Inspection) {
    if insp.accepted {
        assert!(!insp.layers.is_empty());
        assert!(
            insp.layers.iter().all(|l| l.status.is_ok()),
            "{:?}",
            insp.layers
        );
        assert!(!insp.findings.iter().any(|f| f.severity == Severity::Error));
    }
    let human = tokenscope::render::report(insp, tokenscope::render::Style { color: false });
    assert!(
        !human
            .chars()
            .any(|c| c != '\n' && c != '\t' && c.is_control()),
        "raw control character in the human report"
    );
}

fn inspect_any(text: &str, profile: ProfileChoice) {
    match inspect_text(text, ring(), &opts(profile)) {
        Ok(insp) => check(&insp),
        Err(tokenscope::InspectError::Malformed { partial, .. }) => {
            assert!(!partial.accepted);
            check(&partial);
        }
        Err(_) => {}
    }
}

/// JSON values, claims-like, with hostile strings.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC*".prop_map(Value::String),
        "[\\x00-\\x1f\\x7f-\\u{9f}a-z]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("sub".to_string()),
                        Just("exp".to_string()),
                        Just("nbf".to_string()),
                        Just("iat".to_string()),
                        Just("campaignId".to_string()),
                        Just("limit".to_string()),
                        Just("canPlay".to_string()),
                        Just("nb".to_string()),
                        Just("gift".to_string()),
                        Just("cw".to_string()),
                        Just("partnerUserID".to_string()),
                        Just("email".to_string()),
                        "[a-z_]{1,8}",
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn header_value() -> impl Strategy<Value = Value> {
    (
        prop_oneof![
            Just("HS256"),
            Just("HS384"),
            Just("none"),
            Just("NoNe"),
            Just("RS256"),
            Just("ES256"),
            Just("dir"),
        ],
        prop::option::of(prop_oneof![
            Just("dir"),
            Just("ec"),
            Just("../x"),
            Just("\u{1b}[2J")
        ]),
        prop::option::of(prop_oneof![
            Just(json!([])),
            Just(json!(["b64"])),
            Just(json!(["zzz"])),
            Just(json!("b64")),
        ]),
        prop::option::of(any::<bool>()),
        prop::option::of(Just("https://attacker.example/jwks")),
    )
        .prop_map(|(alg, kid, crit, b64flag, jku)| {
            let mut h = json!({"alg": alg});
            if let Some(k) = kid {
                h["kid"] = json!(k);
            }
            if let Some(c) = crit {
                h["crit"] = c;
            }
            if let Some(b) = b64flag {
                h["b64"] = json!(b);
            }
            if let Some(u) = jku {
                h["jku"] = json!(u);
            }
            h
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = tokenscope::token::find_token(&text);
        let _ = tokenscope::token::json::parse(&bytes);
        let _ = tokenscope::token::decode_header(&text);
        let _ = parse_key_bytes("p", &bytes);
        let _ = tokenscope::rules::Campaign::from_toml(&text, Path::new("c.toml"));
        let _ = tokenscope::rules::Campaign::from_json(&text, Path::new("c.json"));
        let _ = tokenscope::tui::Theme::dark().overlay(&text, "t.toml");
        inspect_any(&text, ProfileChoice::Auto);
    }

    #[test]
    fn no_panic_on_token_shaped_strings(s in "[A-Za-z0-9_\\-]{0,40}(\\.[A-Za-z0-9_\\-=+/]{0,40}){0,5}") {
        inspect_any(&s, ProfileChoice::Auto);
        inspect_any(&format!("eyJhbGciOiJIUzI1NiJ9.{s}"), ProfileChoice::Auto);
    }

    #[test]
    fn intake_round_trips_a_wrapped_token(payload in json_value(), wrap in 0usize..7) {
        let token = hs256(&json!({"alg": "HS256"}), payload.to_string().as_bytes(), SECRET);
        let text = match wrap {
            0 => format!("Bearer {token}"),
            1 => format!("\"{token}\""),
            2 => format!("Authorization: Bearer \"{token}\""),
            3 => format!("https://example.test/play?qual_token={token}&x=1"),
            4 => format!("  {token}\n"),
            5 => format!("'{token}'"),
            _ => format!("https://example.test/#access_token={token}"),
        };
        let intake = tokenscope::token::find_token(&text).unwrap();
        prop_assert_eq!(intake.token, token);
    }

    #[test]
    fn a_tampered_signature_never_verifies(
        payload in json_value(),
        byte in 0usize..32,
        bit in 0u8..8,
        cut in 0usize..33,
    ) {
        let token = hs256(&json!({"alg": "HS256"}), payload.to_string().as_bytes(), SECRET);
        let (input, sig) = token.rsplit_once('.').unwrap();
        let mut tag = URL_SAFE_NO_PAD.decode(sig).unwrap();
        tag[byte] ^= 1 << bit;
        let flipped = format!("{input}.{}", b64(&tag));
        let insp = inspect_text(&flipped, ring(), &opts(ProfileChoice::Auto)).unwrap();
        prop_assert_eq!(insp.layers[0].status, LayerStatus::Invalid);
        prop_assert!(!insp.accepted);
        // A truncated tag (cut < 32) never verifies either.
        if cut < 32 {
            let tag = URL_SAFE_NO_PAD.decode(sig).unwrap();
            let short = format!("{input}.{}", b64(&tag[..cut]));
            let insp = inspect_text(&short, ring(), &opts(ProfileChoice::Auto)).unwrap();
            prop_assert_ne!(insp.layers[0].status, LayerStatus::Valid);
        }
    }

    #[test]
    fn accepted_implies_every_layer_ok_and_no_error(
        header in header_value(),
        payload in json_value(),
        right_secret in any::<bool>(),
        profile in 0usize..4,
    ) {
        let secret: &[u8] = if right_secret { SECRET } else { b"another-secret-another-secret-00" };
        let token = hs256(&header, payload.to_string().as_bytes(), secret);
        let profile = match profile {
            0 => ProfileChoice::Auto,
            1 => ProfileChoice::Fixed(tokenscope::Profile::Qualifio),
            2 => ProfileChoice::Fixed(tokenscope::Profile::Adictiz),
            _ => ProfileChoice::Fixed(tokenscope::Profile::Xtremepush),
        };
        inspect_any(&token, profile);
        let insp = inspect_text(&token, ring(), &opts(profile));
        if let Ok(insp) = insp {
            let alg = header["alg"].as_str().unwrap_or_default();
            if insp.accepted {
                prop_assert!(right_secret, "accepted with the wrong secret");
                prop_assert_eq!(alg, "HS256");
                // Only the one extension tokenscope understands, RFC 7797 b64, may be critical.
                if let Some(crit) = header.get("crit") {
                    prop_assert_eq!(crit, &json!(["b64"]));
                    prop_assert!(header.get("b64").is_some());
                }
            }
        }
    }
}

/// Inputs the fuzzers found (tests/fixtures/fuzz), replayed through the same checks.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        inspect_any(&String::from_utf8_lossy(&bytes), ProfileChoice::Auto);
        n += 1;
    }
    assert!(n > 0);
}
