//! The hostile-token catalogue (RFC 8725 and the JWT attack tools) through the real binary.
//!
//! Every case goes through `tokenscope inspect --json` and must come back not accepted, with
//! no layer `valid` or `decrypted` unless the case says so, and with a finding or a layer
//! detail that says what is wrong. Every case also runs through the human report, which
//! must not say ACCEPTED and must not carry a raw control character.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]
// pre_exec and setrlimit put resource limits on the child: unsafe, and only here.
#![allow(unsafe_code)]

use crate::common;

use std::path::Path;

use common::crypto::{self, b64url, hmac_token, sign, signer};
use common::{Sandbox, assert_terminal_safe, finding_ids, inspect_json, json_of, statuses};
use openssl::nid::Nid;
use serde_json::{Value, json};

const FAR: i64 = 4_102_444_800; // 2100-01-01
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn claims() -> Value {
    json!({"sub": "user-1", "iat": 1_700_000_000, "exp": FAR})
}

fn b64d(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_string).collect()
}

/// The token is refused: `--json` reports it not accepted, no layer valid or decrypted, a
/// non-zero exit; the human report says so too and carries no raw control character.
#[track_caller]
fn refused(sb: &Sandbox, case: &str, args: &[&str], token: &str) -> (i32, Value) {
    let (code, out) = inspect_json(sb, args, token);
    assert_ne!(code, 0, "{case}: exit 0 for a hostile token: {out}");
    assert_eq!(out["accepted"], false, "{case}: accepted: {out}");
    for s in statuses(&out) {
        assert!(
            s != "valid" && s != "decrypted",
            "{case}: a layer is {s}: {out}"
        );
    }
    let human = sb
        .cmd()
        .args(["inspect", "--color", "never"])
        .args(args)
        .arg(token)
        .output()
        .unwrap();
    assert_ne!(human.status.code(), Some(0), "{case}: human exit 0");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(!text.contains("ACCEPTED"), "{case}: human report: {text}");
    assert_terminal_safe(case, &human.stdout);
    assert_terminal_safe(case, &human.stderr);
    (code, out)
}

fn secret_args(sb: &Sandbox) -> Vec<String> {
    let p = sb.write("secret.txt", SECRET);
    vec!["--secret".into(), format!("@{}", p.display())]
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The public encodings an attacker would use as the HMAC secret.
fn public_encodings(key: &openssl::pkey::PKey<openssl::pkey::Private>) -> Vec<(String, Vec<u8>)> {
    let pem = key.public_key_to_pem().unwrap();
    let mut out = vec![
        ("PEM".to_string(), pem.clone()),
        (
            "PEM without newline".to_string(),
            pem.strip_suffix(b"\n").unwrap().to_vec(),
        ),
        ("DER".to_string(), key.public_key_to_der().unwrap()),
    ];
    if let Ok(rsa) = key.rsa() {
        out.push((
            "PKCS#1 PEM".to_string(),
            rsa.public_key_to_pem_pkcs1().unwrap(),
        ));
    }
    out
}

fn tokenscope_jwk(sb: &Sandbox, name: &str, pem_path: &Path) -> Vec<u8> {
    sb.cmd()
        .args(["keys", "add", name, "--force", "--file"])
        .arg(pem_path)
        .assert()
        .success();
    sb.cmd()
        .args(["keys", "export", name, "--format", "jwk"])
        .output()
        .unwrap()
        .stdout
        .trim_ascii_end()
        .to_vec()
}

/// An honest token of `alg` and the arguments that verify it.
fn honest(sb: &Sandbox, alg: &str) -> (String, Vec<String>) {
    let token = sign(
        signer(alg, SECRET).as_ref(),
        json!({"typ": "JWT"}),
        &claims(),
    );
    let args = if alg.starts_with("HS") {
        secret_args(sb)
    } else {
        let pem = sb.write(
            &format!("{alg}.pub.pem"),
            crypto::spki_pem(&crypto::key_for(alg)),
        );
        vec!["--key-file".into(), pem.display().to_string()]
    };
    let (code, out) = inspect_json(sb, &as_strs(&args), &token);
    assert_eq!(code, 0, "{alg} honest token: {out}");
    (token, args)
}

fn ec_p256_order() -> Vec<u8> {
    openssl::bn::BigNum::from_hex_str(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
    )
    .unwrap()
    .to_vec()
}

fn dir_key(sb: &Sandbox, name: &str, cek: &[u8]) -> String {
    sb.write(name, json!({"kty": "oct", "k": b64url(cek)}).to_string())
        .display()
        .to_string()
}

/// Run the binary with its address space limited to `limit_mib` MiB (RLIMIT_AS): an
/// allocation past it aborts the process. Returns the exit code (-1 when killed) and the time.
fn bounded_run(sb: &Sandbox, limit_mib: u64, args: &[&str]) -> (i32, std::time::Duration) {
    use std::os::unix::process::CommandExt;
    let start = std::time::Instant::now();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tokenscope"));
    cmd.env("TOKENSCOPE_HOME", sb.home.path())
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let limit = limit_mib * 1024 * 1024;
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(move || {
            let rl = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &rl) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let status = cmd.status().unwrap();
    (status.code().unwrap_or(-1), start.elapsed())
}

fn deep(n: usize) -> String {
    format!("{{\"a\":{}1{}}}", "[".repeat(n), "]".repeat(n))
}

/// Escape sequences an attacker would plant: OSC 52 (clipboard write), clear screen, a C1
/// CSI (U+009B), BEL, backspace, DEL, and a title change.
const HOSTILE: &[&str] = &[
    "\u{1b}]52;c;SGVsbG8=\u{7}",
    "\u{1b}[2J",
    "\u{9b}31m",
    "\u{8}\u{8}\u{8}",
    "\u{7f}",
    "\u{1b}]0;pwned\u{1b}\\",
    "\r",
];

fn hostile_token() -> String {
    let all: String = HOSTILE.concat();
    let header = json!({
        "alg": "HS256",
        "kid": format!("kid{all}"),
        "typ": format!("JWT{all}"),
        format!("member{all}"): all,
        "jku": format!("https://evil.example/{all}"),
        "crit": [format!("ext{all}")],
        format!("ext{all}"): true,
    });
    let claims = json!({
        "sub": format!("sub{all}"),
        "exp": FAR,
        format!("claim{all}"): [all.clone(), {"nested": all}],
        "campaignId": all,
        "limit": {"canPlay": all},
    });
    hmac_token("HS256", SECRET, &header, &claims)
}

/// Remove `ESC [ digits/; m` (SGR) sequences.
fn regex_lite_strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            let mut seq = String::new();
            chars.next();
            while let Some(&d) = chars.peek() {
                chars.next();
                if d == 'm' {
                    break;
                }
                seq.push(d);
            }
            if seq.chars().all(|d| d.is_ascii_digit() || d == ';') {
                continue;
            }
            out.push_str("\u{1b}[");
            out.push_str(&seq);
            continue;
        }
        out.push(c);
    }
    out
}

mod part1;
mod part2;
