//! `tokenscope sign` through the real binary: every alg and enc round-trips through
//! `inspect`, tokens verify with an independent implementation (jsonwebtoken), refusals,
//! claim edits, header order, export formats fed back to intake, and templates.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::crypto::{self, b64url};
use common::{Sandbox, inspect_json, json_of, statuses};
use predicates::prelude::*;
use serde_json::{Value, json};

const FAR: i64 = 4_102_444_800; // 2100-01-01
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const JWS_ALGS: [&str; 14] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "ES256K", "EdDSA",
];

fn claims() -> Value {
    json!({"sub": "user-1", "iat": 1_700_000_000, "exp": FAR})
}

/// Key files for an alg: (args to sign with, args to verify with).
struct Keys {
    sign: Vec<String>,
    verify: Vec<String>,
}

fn keys_for(sb: &Sandbox, alg: &str) -> Keys {
    if alg.starts_with("HS") {
        let secret = sb.write("secret.txt", SECRET);
        // Owner-only, as a secret file should be (group/other-readable ones are warned about).
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        let arg = format!("@{}", secret.display());
        return Keys {
            sign: vec!["--secret".into(), arg.clone()],
            verify: vec!["--secret".into(), arg],
        };
    }
    let pkey = crypto::key_for(alg);
    let private = sb.write(&format!("{alg}.pem"), crypto::pkcs8_pem(&pkey));
    let public = sb.write(&format!("{alg}.pub.pem"), crypto::spki_pem(&pkey));
    Keys {
        sign: vec!["--key-file".into(), private.display().to_string()],
        verify: vec!["--key-file".into(), public.display().to_string()],
    }
}

/// Run `sign` and return the token (stdout without its newline); panics on failure.
fn sign_ok(sb: &Sandbox, args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = sb.cmd();
    cmd.arg("sign").args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "sign {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with('\n'), "{text:?}");
    text.trim_end_matches('\n').to_string()
}

fn header_json(token: &str) -> String {
    let first = token.split('.').next().unwrap();
    String::from_utf8(URL_SAFE_NO_PAD.decode(first).unwrap()).unwrap()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn oct_jwk(sb: &Sandbox, name: &str, len: usize) -> std::path::PathBuf {
    let cek: Vec<u8> = (0..len as u8).collect();
    sb.write(name, json!({"kty": "oct", "k": b64url(&cek)}).to_string())
}

fn payload_of(token: &str) -> Value {
    let second = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(second).unwrap()).unwrap()
}

/// `node --check` on a script, when node is installed.
fn node_check(script: &std::path::Path, what: &str) {
    if let Ok(status) = std::process::Command::new("node")
        .arg("--check")
        .arg(script)
        .status()
    {
        assert!(status.success(), "node --check refused {what}");
    }
}

/// Script body of a JS tag, for `node --check`.
fn script_body(js: &str) -> &str {
    let start = js.find("<script type=\"text/javascript\">").unwrap() + 31;
    let end = js.find("</script>").unwrap();
    &js[start..end]
}

/// `sign --template T ARGS`: (exit code, stdout, stderr).
fn sign_template(sb: &Sandbox, template: &str, args: &[String]) -> (i32, String, String) {
    let out = sb
        .cmd()
        .args(["sign", "--template", template])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The error finding ids of an inspection.
fn error_ids(out: &Value) -> Vec<String> {
    out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

mod part1;
mod part2;
