//! Every published JOSE vector (tests/fixtures/conformance, a copy of shared/conformance)
//! through the real `inspect --json` path, checked against its expected verdict.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use std::path::{Path, PathBuf};

use common::{Sandbox, fixtures, json_of};
use serde_json::{Value, json};

fn vectors() -> Vec<(String, Value)> {
    let dir = fixtures().join("conformance/vectors");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("conformance vectors")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let v: Value = serde_json::from_slice(&std::fs::read(&p).expect("read")).expect("json");
            (p.file_stem().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 31, "all 31 published vectors are present");
    out
}

/// The copies under tests/fixtures match shared/conformance when it sits beside the repo.
#[test]
fn fixture_copies_match_the_shared_vectors() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/vectors");
    if !shared.is_dir() {
        eprintln!("shared/conformance not beside the repository: copy check skipped");
        return;
    }
    for (name, value) in vectors() {
        let original: Value = serde_json::from_slice(
            &std::fs::read(shared.join(format!("{name}.json"))).expect("shared vector"),
        )
        .expect("json");
        assert_eq!(original, value, "{name} differs from shared/conformance");
    }
}

fn jwks_file(sb: &Sandbox, name: &str, keys: &Value) -> PathBuf {
    sb.write(
        &format!("{name}.jwks.json"),
        serde_json::to_vec(&json!({ "keys": keys })).unwrap(),
    )
}

fn detached_arg(v: &Value) -> Option<String> {
    let d = v.get("detached_payload")?;
    let value = d["value"].as_str()?;
    Some(match d["encoding"].as_str()? {
        "base64url" => d["utf8"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    })
}

/// Run one vector with the given keys; returns (exit code, inspection).
fn run(sb: &Sandbox, name: &str, v: &Value, keys: &Value, detached: Option<&str>) -> (i32, Value) {
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json", "--profile", "generic"]);
    if keys.as_array().is_some_and(|k| !k.is_empty()) {
        cmd.arg("--key-file").arg(jwks_file(sb, name, keys));
    }
    if let Some(p) = detached {
        cmd.args(["--payload", p]);
    }
    cmd.arg(v["token"].as_str().unwrap());
    json_of(&mut cmd)
}

fn layer_ok(layer: &Value) -> bool {
    matches!(layer["status"].as_str(), Some("valid" | "decrypted"))
}

fn check(name: &str, v: &Value, code: i32, out: &Value) {
    let expect = &v["expect"];
    let ctx = format!("{name}: {}", serde_json::to_string_pretty(out).unwrap());
    assert_eq!(out["kind"], expect["kind"], "kind, {ctx}");
    let outer = &out["layers"][0];
    assert_eq!(outer["alg"], expect["alg"], "alg, {ctx}");
    assert_eq!(outer["enc"], expect["enc"], "enc, {ctx}");
    assert_eq!(out["header"], expect["header"], "header, {ctx}");
    assert_eq!(
        outer["content"], expect["plaintext_or_payload"],
        "payload, {ctx}"
    );
    let verified = expect["verified"].as_bool().unwrap();
    assert_eq!(layer_ok(outer), verified, "verified, {ctx}");
    if let Some(nested) = expect.get("nested") {
        let inner = &out["layers"][1];
        assert_eq!(inner["kind"], nested["kind"], "nested kind, {ctx}");
        assert_eq!(inner["alg"], nested["alg"], "nested alg, {ctx}");
        assert_eq!(inner["header"], nested["header"], "nested header, {ctx}");
        assert_eq!(
            inner["content"], nested["plaintext_or_payload"],
            "nested payload, {ctx}"
        );
        assert_eq!(
            layer_ok(inner),
            nested["verified"].as_bool().unwrap(),
            "nested verified, {ctx}"
        );
    }
    let claims_time = expect
        .get("nested")
        .and_then(|n| n.get("claims_time"))
        .or_else(|| expect.get("claims_time"))
        .and_then(Value::as_str);
    let findings: Vec<&str> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    if claims_time == Some("expired") {
        assert!(
            findings.iter().any(|id| id.contains("expired")),
            "expired finding, {ctx}"
        );
    }
    let valid = expect["valid"].as_bool().unwrap();
    assert_eq!(out["accepted"].as_bool(), Some(valid), "accepted, {ctx}");
    assert_eq!(code, if valid { 0 } else { 1 }, "exit code, {ctx}");
}

#[test]
fn every_vector_gets_its_published_verdict() {
    let sb = Sandbox::new();
    for (name, v) in vectors() {
        let detached = detached_arg(&v);
        let (code, out) = run(&sb, &name, &v, &v["keys"], detached.as_deref());
        check(&name, &v, code, &out);
        // A JWS must verify with the public halves alone.
        if let Some(public) = v.get("verify_keys_public_only") {
            let (code, out) = run(
                &sb,
                &format!("{name}-public"),
                &v,
                public,
                detached.as_deref(),
            );
            check(&format!("{name} (public keys only)"), &v, code, &out);
        }
    }
}

#[test]
fn detached_vectors_do_not_verify_without_their_payload() {
    let sb = Sandbox::new();
    for (name, v) in vectors() {
        if v.get("detached_payload").is_none() {
            continue;
        }
        let (code, out) = run(&sb, &name, &v, &v["keys"], None);
        assert_eq!(out["layers"][0]["status"], "invalid", "{name}: {out}");
        assert_eq!(out["accepted"], false);
        assert_eq!(code, 1, "{name}");
        let detail = out["layers"][0]["detail"].as_str().unwrap();
        assert!(detail.contains("--payload"), "{name}: {detail}");
    }
}

#[test]
fn unsecured_vectors_are_never_verified() {
    let sb = Sandbox::new();
    for name in ["rfc7515-A5-none", "rfc7515-E-crit-negative"] {
        let v: Value = serde_json::from_slice(
            &std::fs::read(fixtures().join(format!("conformance/vectors/{name}.json"))).unwrap(),
        )
        .unwrap();
        let (code, out) = run(&sb, name, &v, &json!([]), None);
        assert_eq!(out["layers"][0]["status"], "invalid", "{name}");
        assert_eq!(out["accepted"], false);
        assert_eq!(code, 1);
        let ids: Vec<&str> = out["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        assert!(ids.iter().any(|id| id.contains("none")), "{name}: {ids:?}");
    }
}
