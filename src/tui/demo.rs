//! `tokenscope --demo`: an in-memory key ring and sample tokens covering the cases the
//! platforms' documents describe, all signed at startup. Nothing is written to disk.
//!
//! The RSA and EC demo keys are generated with OpenSSL each time the demo starts; the shared
//! secrets are fixed demo values (derived from their names below) so anyone can reproduce a
//! demo token with `tokenscope inspect --secret`. None of these keys protects anything.

use josekit::jwe::JweHeader;
use josekit::jws::JwsHeader;
use openssl::ec::{EcGroup, EcKey};
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::Profile;
use crate::keys::{Key, KeyRing, parse_key_bytes, secret_key};

/// The Adictiz demo HMAC secret (UTF-8).
pub const ADICTIZ_SECRET: &str = "tokenscope-demo-adictiz-secret-0123456789";

/// The Qualifio demo `dir` content key: SHA-256 of this label (32 bytes, for A256GCM).
pub const DIR_KEY_LABEL: &str = "tokenscope demo dir key";

/// Key ids and names of the demo ring.
pub const QUALIFIO_RS256: &str = "demo-qualifio-rs256";
pub const QUALIFIO_ES256: &str = "demo-qualifio-es256";
pub const QUALIFIO_DIR: &str = "demo-qualifio-dir";
pub const ADICTIZ_HS256: &str = "demo-adictiz-hs256";
pub const XTREMEPUSH_RS256: &str = "demo-xtremepush-rs256";
pub const XTREMEPUSH_KID: &str = "xp-demo-1";

/// One sample token and what it shows.
#[derive(Debug, Clone)]
pub struct DemoToken {
    pub label: &'static str,
    pub text: String,
}

/// The demo ring and tokens; claims are dated relative to `now` (unix seconds).
pub fn build(now: i64) -> Result<(KeyRing, Vec<DemoToken>), String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("demo: {what}: {e}");
    let rsa = |bits| -> Result<PKey<Private>, String> {
        let r = Rsa::generate(bits).map_err(|e| fail("RSA key", &e))?;
        PKey::from_rsa(r).map_err(|e| fail("RSA key", &e))
    };
    let q_rsa = rsa(2048)?;
    let x_rsa = rsa(2048)?;
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).map_err(|e| fail("EC key", &e))?;
    let q_ec = EcKey::generate(&group)
        .and_then(PKey::from_ec_key)
        .map_err(|e| fail("EC key", &e))?;
    let dir_key = openssl::sha::sha256(DIR_KEY_LABEL.as_bytes());

    let pem = |k: &PKey<Private>| -> Result<Vec<u8>, String> {
        k.private_key_to_pem_pkcs8()
            .map_err(|e| fail("PEM export", &e))
    };
    let q_rsa_pem = pem(&q_rsa)?;
    let x_rsa_pem = pem(&x_rsa)?;
    let q_ec_pem = pem(&q_ec)?;

    let mut ring = KeyRing::default();
    // Each demo key is limited to the one alg it serves, as a careful store would be.
    let mut add = |name: &str, bytes: &[u8], kid: Option<&str>, profile, alg: &str| {
        let keys = parse_key_bytes(name, bytes).map_err(|e| fail(name, &e))?;
        for k in keys {
            ring.keys.push(tagged(k, kid, profile, alg));
        }
        Ok::<(), String>(())
    };
    add(QUALIFIO_RS256, &q_rsa_pem, None, Profile::Qualifio, "RS256")?;
    add(QUALIFIO_ES256, &q_ec_pem, None, Profile::Qualifio, "ES256")?;
    add(
        XTREMEPUSH_RS256,
        &x_rsa_pem,
        Some(XTREMEPUSH_KID),
        Profile::Xtremepush,
        "RS256",
    )?;
    ring.keys.push(tagged(
        secret_key(QUALIFIO_DIR, Zeroizing::new(dir_key.to_vec())),
        None,
        Profile::Qualifio,
        "dir",
    ));
    ring.keys.push(tagged(
        secret_key(
            ADICTIZ_HS256,
            Zeroizing::new(ADICTIZ_SECRET.as_bytes().to_vec()),
        ),
        None,
        Profile::Adictiz,
        "HS256",
    ));

    let rs256 = josekit::jws::RS256
        .signer_from_pem(&q_rsa_pem)
        .map_err(|e| fail("RS256 signer", &e))?;
    let xp_rs256 = josekit::jws::RS256
        .signer_from_pem(&x_rsa_pem)
        .map_err(|e| fail("RS256 signer", &e))?;
    let es256 = josekit::jws::ES256
        .signer_from_pem(&q_ec_pem)
        .map_err(|e| fail("ES256 signer", &e))?;
    let hs256 = josekit::jws::HS256
        .signer_from_bytes(ADICTIZ_SECRET.as_bytes())
        .map_err(|e| fail("HS256 signer", &e))?;
    let dir = josekit::jwe::Dir
        .encrypter_from_bytes(dir_key)
        .map_err(|e| fail("dir encrypter", &e))?;

    let sign = |signer: &dyn josekit::jws::JwsSigner,
                header: Value,
                claims: Value|
     -> Result<String, String> {
        let map = header.as_object().cloned().unwrap_or_default();
        let header = JwsHeader::from_map(map).map_err(|e| fail("header", &e))?;
        let payload = serde_json::to_vec(&claims).map_err(|e| fail("claims", &e))?;
        josekit::jws::serialize_compact(&payload, &header, signer).map_err(|e| fail("sign", &e))
    };
    let jwt = json!({"alg": "RS256", "typ": "JWT"});

    let winner = sign(
        &rs256,
        jwt.clone(),
        json!({
            "sub": "participant-4821",
            "iat": now - 300,
            "nbf": now - 600,
            "exp": now + 3600,
            "iss": "ACME Games",
            "campaignId": "123456",
            "limit": {"canPlay": true, "nb": 3},
            "gift": {"cw": true, "label": "five-night getaway to Lanzarote"},
            "optin": {"newsletter": "1"}
        }),
    )?;

    let inner = sign(
        &es256,
        json!({"alg": "ES256", "typ": "JWT"}),
        json!({
            "sub": "participant-7710",
            "iat": now - 120,
            "nbf": now - 420,
            "exp": now + 1800,
            "campaignId": "123456",
            "limit": {"canPlay": true},
            "gift": {"cw": true}
        }),
    )?;
    let mut jwe_header = JweHeader::new();
    jwe_header.set_content_encryption("A256GCM");
    jwe_header.set_content_type("JWT");
    let encrypted = josekit::jwe::serialize_compact(inner.as_bytes(), &jwe_header, &dir)
        .map_err(|e| fail("encrypt", &e))?;

    let blocked = sign(
        &rs256,
        jwt.clone(),
        json!({
            "sub": "participant-0042",
            "iat": now - 60,
            "nbf": now - 360,
            "exp": now + 3600,
            "campaignId": "123456",
            "limit": {"canPlay": false, "nb": 2},
            "gift": {"cw": false, "label": "VIP tickets"}
        }),
    )?;

    // Qualifio 001 "Code example", as published: exp is 25 minutes before iat.
    let example = sign(
        &rs256,
        jwt,
        json!({
            "sub": "1234567890",
            "iat": 1619102989,
            "exp": 1619101489,
            "iss": "ABC Company",
            "campaignId": "123456",
            "gift": {"cw": true, "label": "five-night getaway to Lanzarote"}
        }),
    )?;

    let adictiz = sign(
        &hs256,
        json!({"alg": "HS256", "typ": "JWT"}),
        json!({
            "partnerUserID": "ADZ-20931",
            "civility": "mme",
            "firstname": "Zoé",
            "lastname": "Dupont-Martin",
            "email": "zoe.dupont@example.com",
            "birthday": "1990-04-12",
            "newsletter": 1,
            "iat": now - 60,
            "exp": now + 900
        }),
    )?;

    let xtremepush = sign(
        &xp_rs256,
        json!({"alg": "RS256", "typ": "JWT", "kid": XTREMEPUSH_KID}),
        json!({
            "sub": "user-55120",
            "iat": now - 30,
            "exp": now + 3600,
            "loyalty": {"tier": "gold", "points": 1250}
        }),
    )?;

    let tokens = vec![
        DemoToken {
            label: "Qualifio winner (RS256)",
            text: winner,
        },
        DemoToken {
            label: "Qualifio JWE dir/A256GCM around ES256",
            text: encrypted,
        },
        DemoToken {
            label: "Qualifio canPlay=false with nb",
            text: blocked,
        },
        DemoToken {
            label: "Qualifio 001 example (exp before iat)",
            text: example,
        },
        DemoToken {
            label: "Adictiz (HS256)",
            text: adictiz,
        },
        DemoToken {
            label: "Xtremepush (RS256, kid)",
            text: xtremepush,
        },
    ];
    Ok((ring, tokens))
}

fn tagged(mut key: Key, kid: Option<&str>, profile: Profile, alg: &str) -> Key {
    key.kid = kid.map(str::to_string);
    key.profile = Some(profile);
    key.algs = vec![alg.to_string()];
    key
}
