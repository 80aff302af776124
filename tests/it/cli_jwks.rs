//! JWKS endpoints through the binary, against a loopback HTTP server: a stored endpoint is
//! fetched, cached and refreshed; a URL named by a token header is never fetched.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use std::sync::atomic::Ordering;

use common::crypto::{self, sign, signer};
use common::{Sandbox, json_of, serve};
use serde_json::{Value, json};

fn public_jwks(kid: &str) -> String {
    use josekit::jwk::KeyPair;
    let pair =
        josekit::jwk::alg::rsa::RsaKeyPair::from_der(crypto::rsa().private_key_to_pkcs8().unwrap())
            .unwrap();
    let mut jwk = pair.to_jwk_public_key();
    jwk.set_key_id(kid);
    let jwk: Value = serde_json::from_str(&jwk.to_string()).unwrap();
    json!({"keys": [jwk]}).to_string()
}

#[test]
fn a_stored_endpoint_is_fetched_cached_and_refreshed() {
    let sb = Sandbox::new();
    let (base, hits) = serve(public_jwks("k1"));
    let url = format!("{base}/.well-known/jwks.json");
    sb.cmd()
        .env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args(["keys", "add", "endpoint", "--jwks-url", &url])
        .assert()
        .success();
    let token = sign(
        signer("RS256", b"").as_ref(),
        json!({"kid": "k1"}),
        &json!({"sub": "u", "exp": 4_102_444_800i64}),
    );
    let mut cmd = sb.cmd();
    cmd.env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args(["inspect", "--json", &token]);
    let (code, out) = json_of(&mut cmd);
    assert_eq!(code, 0, "{out}");
    assert!(
        out["layers"][0]["key"]
            .as_str()
            .unwrap()
            .starts_with("endpoint"),
        "{out}"
    );
    assert_eq!(out["layers"][0]["key_facts"]["from_jwks"], true);
    let after_first = hits.load(Ordering::SeqCst);
    assert!(after_first >= 1);
    // A second inspection reads the cache.
    let mut cmd = sb.cmd();
    cmd.env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args(["inspect", "--json", &token]);
    let (code, _) = json_of(&mut cmd);
    assert_eq!(code, 0);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        after_first,
        "second inspect fetched again"
    );
    // Refresh on demand fetches again.
    sb.cmd()
        .env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args(["keys", "refresh", "endpoint"])
        .assert()
        .success();
    assert_eq!(hits.load(Ordering::SeqCst), after_first + 1);
}

#[test]
fn plain_http_endpoints_are_refused_without_the_test_knob() {
    let sb = Sandbox::new();
    sb.cmd()
        .args([
            "keys",
            "add",
            "e",
            "--jwks-url",
            "http://keys.example.test/jwks.json",
        ])
        .assert()
        .failure();
}

#[test]
fn urls_named_by_a_token_header_are_never_fetched() {
    let sb = Sandbox::new();
    let (base, hits) = serve(public_jwks("attacker"));
    let claims = json!({"sub": "u", "exp": 4_102_444_800i64});
    for member in ["jku", "x5u"] {
        let header = json!({ member: format!("{base}/keys") , "kid": "attacker"});
        let token = sign(signer("RS256", b"").as_ref(), header, &claims);
        let mut cmd = sb.cmd();
        cmd.env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
            .args(["inspect", "--json", &token]);
        let (code, out) = json_of(&mut cmd);
        assert_eq!(code, 3, "{member}: not verified, nothing fetched: {out}");
        assert_eq!(out["layers"][0]["status"], "unverified", "{member}");
        let ids = out["findings"].to_string();
        assert!(
            ids.contains("generic.header.key_reference"),
            "{member}: {ids}"
        );
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "tokenscope fetched a URL named by a token"
    );
}
