//! The rules engine over arbitrary JSON payloads: the payload is signed with the ring's
//! secret, so every profile's rules run on a verified token, with and without a campaign.
#![no_main]

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use tokenscope::keys::{KeyRing, parse_key_bytes};
use tokenscope::rules::Campaign;
use tokenscope::{Options, Profile, ProfileChoice, inspect_token};

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn ring() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| {
        let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, URL_SAFE_NO_PAD.encode(SECRET));
        KeyRing {
            keys: parse_key_bytes("hs", jwk.as_bytes()).expect("fixed key parses"),
        }
    })
}

fn campaign() -> &'static Campaign {
    static C: OnceLock<Campaign> = OnceLock::new();
    C.get_or_init(|| {
        Campaign::from_toml(
            include_str!("../../tests/fixtures/campaign.toml"),
            std::path::Path::new("campaign.toml"),
        )
        .expect("fixture campaign parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(data);
    let input = format!("{header}.{payload}");
    let tag = tokenscope::jose::hmac::sign("HS256", SECRET, input.as_bytes()).expect("HS256");
    let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag));
    for (profile, with_campaign) in [
        (ProfileChoice::Auto, false),
        (ProfileChoice::Fixed(Profile::Qualifio), true),
        (ProfileChoice::Fixed(Profile::Adictiz), false),
        (ProfileChoice::Fixed(Profile::Xtremepush), false),
    ] {
        let opts = Options {
            profile,
            at: 1_714_564_800,
            skew: 60,
            campaign: with_campaign.then(|| campaign().clone()),
            ..Options::default()
        };
        let insp = inspect_token(&token, Vec::new(), ring(), &opts).expect("a well-formed token");
        assert_eq!(insp.layers[0].status.as_str(), "valid");
        // A platform profile never accepts a token without a claims set (the generic one
        // may: RFC 7515 payloads need not be JSON).
        if insp.accepted && profile != ProfileChoice::Auto {
            assert!(insp.payload.as_ref().is_some_and(|p| p.is_object()));
        }
        let _ = tokenscope::rules::render_tables(&insp.verdict);
    }
});
