//! `inspect_text` with a fixed key ring (an HMAC secret, a `dir` key, an RSA and an EC public
//! key), then both renderings: never a panic, never `accepted` without every layer ok.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tokenscope::keys::{KeyRing, parse_key_bytes};
use tokenscope::report::Severity;
use tokenscope::{Options, ProfileChoice, inspect_text};

fn ring() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| {
        let mut ring = KeyRing::default();
        for (name, text) in [
            (
                "hs",
                r#"{"kty":"oct","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}"#,
            ),
            (
                "dir",
                r#"{"kty":"oct","kid":"dir","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}"#,
            ),
            (
                "ec",
                r#"{"kty":"EC","crv":"P-256","kid":"ec","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#,
            ),
        ] {
            ring.keys
                .extend(parse_key_bytes(name, text.as_bytes()).expect("fixed key parses"));
        }
        ring
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let opts = Options {
        profile: ProfileChoice::Auto,
        at: 1_714_564_800,
        skew: 60,
        ..Options::default()
    };
    let insp = match inspect_text(&text, ring(), &opts) {
        Ok(i) => i,
        Err(tokenscope::InspectError::Malformed { partial, .. }) => {
            assert!(!partial.accepted, "a malformed token was accepted");
            *partial
        }
        Err(_) => return,
    };
    if insp.accepted {
        assert!(!insp.layers.is_empty());
        assert!(insp.layers.iter().all(|l| l.status.is_ok()));
        assert!(!insp.findings.iter().any(|f| f.severity == Severity::Error));
    }
    let human = tokenscope::render::report(&insp, tokenscope::render::Style { color: false });
    assert!(
        !human.chars().any(|c| c != '\n' && c != '\t' && c.is_control()),
        "raw control character in the human report"
    );
    let _ = serde_json::to_string(&insp);
});
