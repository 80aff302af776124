//! `inspect_text` with a fixed key ring (an HMAC secret, a `dir` key and an EC public key),
//! then both renderings: never a panic, never `accepted` without every layer ok, and never
//! `accepted` for a compact JWS whose signature an independent check (OpenSSL: HMAC, or
//! ECDSA P-256 with R||S converted to DER) does not verify over the same bytes.
#![no_main]

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use openssl::bn::BigNum;
use openssl::ec::EcKey;
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Public};
use openssl::sign::{Signer, Verifier};
use tokenscope::keys::{KeyRing, parse_key_bytes};
use tokenscope::report::Severity;
use tokenscope::{Options, ProfileChoice, inspect_text};

const HS_K: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY";
const DIR_K: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
const EC_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
const EC_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

fn ring() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| {
        let mut ring = KeyRing::default();
        for (name, text) in [
            ("hs", format!(r#"{{"kty":"oct","k":"{HS_K}"}}"#)),
            (
                "dir",
                format!(r#"{{"kty":"oct","kid":"dir","k":"{DIR_K}"}}"#),
            ),
            (
                "ec",
                format!(r#"{{"kty":"EC","crv":"P-256","kid":"ec","x":"{EC_X}","y":"{EC_Y}"}}"#),
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
        if insp.token.split('.').count() == 3 {
            let key = insp.layers[0].key.as_deref().unwrap_or_default();
            if let Err(e) = oracle(key, &insp.token) {
                panic!(
                    "accepted a JWS the oracle refuses: {e}\ntoken: {:?}\nkey: {key}",
                    insp.token
                );
            }
        }
    }
    let human = tokenscope::render::report(&insp, tokenscope::render::Style { color: false });
    assert!(
        !human.chars().any(|c| c != '\n' && c != '\t' && c.is_control()),
        "raw control character in the human report"
    );
    let _ = serde_json::to_string(&insp);
});

/// The independent check of an accepted compact JWS verified with `key` (a key of the fixed
/// ring): the header's `alg`, the signature decoded as strict base64url, and OpenSSL over the
/// exact bytes before the last '.' (the JWS signing input, RFC 7515 section 5.2; also with an
/// RFC 7797 unencoded payload, which compact serialisation carries as is).
fn oracle(key: &str, token: &str) -> Result<(), String> {
    let (input, sig) = token.rsplit_once('.').ok_or("no '.'")?;
    let header = input.split('.').next().unwrap_or_default();
    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|e| format!("header base64url: {e}"))?;
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&header).map_err(|e| format!("header JSON: {e}"))?;
    let alg = header
        .get("alg")
        .and_then(|a| a.as_str())
        .ok_or("no string alg")?;
    let sig = URL_SAFE_NO_PAD
        .decode(sig)
        .map_err(|e| format!("signature base64url: {e}"))?;
    match (key, alg) {
        ("hs" | "dir", "HS256" | "HS384" | "HS512") => {
            let secret = URL_SAFE_NO_PAD
                .decode(if key == "hs" { HS_K } else { DIR_K })
                .unwrap();
            let md = match alg {
                "HS256" => MessageDigest::sha256(),
                "HS384" => MessageDigest::sha384(),
                _ => MessageDigest::sha512(),
            };
            let hkey = PKey::hmac(&secret).unwrap();
            let tag = Signer::new(md, &hkey)
                .unwrap()
                .sign_oneshot_to_vec(input.as_bytes())
                .unwrap();
            if tag == sig {
                Ok(())
            } else if tag.len() != sig.len() {
                Err(format!(
                    "HMAC tag of {} bytes, expected {}",
                    sig.len(),
                    tag.len()
                ))
            } else {
                Err("HMAC mismatch".into())
            }
        }
        ("ec", "ES256") => {
            if sig.len() != 64 {
                return Err(format!("ES256 signature of {} bytes", sig.len()));
            }
            let r = BigNum::from_slice(&sig[..32]).unwrap();
            let s = BigNum::from_slice(&sig[32..]).unwrap();
            let der = EcdsaSig::from_private_components(r, s)
                .and_then(|e| e.to_der())
                .map_err(|e| e.to_string())?;
            let mut verifier = Verifier::new(MessageDigest::sha256(), ec_key()).unwrap();
            match verifier.verify_oneshot(&der, input.as_bytes()) {
                Ok(true) => Ok(()),
                Ok(false) => Err("ECDSA mismatch".into()),
                Err(e) => Err(format!("ECDSA: {e}")),
            }
        }
        (key, alg) => Err(format!("key {key:?} does not serve {alg:?}")),
    }
}

/// The `ec` key of the ring, built from its coordinates with OpenSSL (not tokenscope).
fn ec_key() -> &'static PKey<Public> {
    static K: OnceLock<PKey<Public>> = OnceLock::new();
    K.get_or_init(|| {
        let group = openssl::ec::EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let coord = |c: &str| BigNum::from_slice(&URL_SAFE_NO_PAD.decode(c).unwrap()).unwrap();
        let ec =
            EcKey::from_public_key_affine_coordinates(&group, &coord(EC_X), &coord(EC_Y)).unwrap();
        ec.check_key().unwrap();
        PKey::from_ec_key(ec).unwrap()
    })
}
