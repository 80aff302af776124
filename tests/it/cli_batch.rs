//! `inspect --batch` through the binary: every token of a log, in input order, as JSON Lines
//! or a summary for people.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::Sandbox;
use common::crypto::hmac_token;
use predicates::prelude::*;
use serde_json::{Value, json};

const SECRET: &str = "batch-test-secret-0123456789abcdef-xyz";
const FAR: i64 = 4_102_444_800;

fn token(claims: Value) -> String {
    hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256"}),
        &claims,
    )
}

fn log(sb: &Sandbox) -> (std::path::PathBuf, usize) {
    let ok = |cw: bool| {
        token(
            json!({"sub": "u", "exp": FAR, "nbf": 1_700_000_000, "campaignId": "123456", "gift": {"cw": cw, "label": "Prize"}}),
        )
    };
    let expired = token(json!({"sub": "u", "exp": 1_600_000_000, "campaignId": "123456"}));
    let other = hmac_token(
        "HS256",
        b"another-secret-another-secret-another",
        &json!({"alg": "HS256"}),
        &json!({"sub": "x", "exp": FAR}),
    );
    let mut lines = vec![
        "2024-05-01 boot".to_string(),
        format!("GET /play?qual_token={} 200", ok(true)),
        format!("token={} reason=ok", ok(false)),
        format!("expired: {expired}"),
        format!("two on a line: {} and {}", ok(true), ok(true)),
        format!("unknown key: Bearer {other}"),
        "no token here".to_string(),
        format!(
            "url-encoded: https://x.test/?jwt={}",
            ok(true).replace('.', "%2E")
        ),
    ];
    for _ in 0..300 {
        lines.push(format!("bulk {}", ok(false)));
    }
    let n = 8 + 300;
    (sb.write("access.log", lines.join("\n") + "\n"), n)
}

/// `inspect --json --batch PATH` at a fixed instant, on `threads` threads.
fn json_batch(sb: &Sandbox, path: &std::path::Path, threads: &str) -> std::process::Output {
    // From a file: a secret on the command line is warned about, and stderr must stay empty.
    let secret = sb.write("secret.txt", SECRET);
    std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let secret = format!("@{}", secret.display());
    sb.cmd()
        .args([
            "inspect",
            "--json",
            "--secret",
            &secret,
            "--threads",
            threads,
        ])
        .args(["--at", "2026-01-01T00:00:00Z", "--batch"])
        .arg(path)
        .output()
        .unwrap()
}

#[test]
fn json_lines_in_input_order_with_line_numbers() {
    let sb = Sandbox::new();
    let (path, _) = log(&sb);
    let out = json_batch(&sb, &path, "2");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a rejected token makes the batch exit 1"
    );
    let rows: Vec<Value> = String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 307);
    let lines: Vec<u64> = rows.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(&lines[..7], &[2, 3, 4, 5, 5, 6, 8]);
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "input order");
    assert_eq!(rows[0]["accepted"], true);
    assert_eq!(rows[2]["accepted"], false, "expired");
    assert_eq!(rows[5]["layers"][0]["status"], "invalid", "other secret");
    // Each line is a full report: what a summary leaves out is there.
    let first = &rows[0];
    let token = first["token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3);
    assert_eq!(first["segments"].as_array().unwrap().len(), 3);
    assert_eq!(first["segments"][0], token.split('.').next().unwrap());
    assert_eq!(first["layers"][0]["header"]["alg"], "HS256");
    // The outer header too, on every line: the tokens that share a header segment share
    // its decoding, and a report still shows it whole.
    let jws: Vec<_> = rows
        .iter()
        .filter(|r| r["layers"][0]["kind"] == "jws")
        .collect();
    assert!(jws.len() > 300, "{}", jws.len());
    for row in jws {
        assert_eq!(row["header"], row["layers"][0]["header"], "{row}");
        assert_eq!(row["header"]["alg"], "HS256", "{row}");
    }
    assert!(
        first["layers"][0]["content"]
            .as_str()
            .unwrap()
            .contains("123456")
    );
    assert_eq!(first["payload"]["gift"]["label"], "Prize");
    assert!(!first["evaluated_at_rfc3339"].as_str().unwrap().is_empty());

    // One thread gives the same answers.
    let single = json_batch(&sb, &path, "1");
    assert_eq!(single.stdout, out.stdout);
}

#[test]
fn summary_for_people_with_prizes() {
    let sb = Sandbox::new();
    let (path, _) = log(&sb);
    let campaign = sb.write(
        "campaign.toml",
        "id = \"123456\"\nprofile = \"qualifio\"\nsignature = \"hmac\"\nprizes = 3\n",
    );
    sb.cmd()
        .args(["inspect", "--secret", SECRET, "--campaign"])
        .arg(&campaign)
        .arg("--batch")
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("307 token(s): 305 accepted, 2 rejected, 0 not verified, 0 malformed"))
        .stdout(predicate::str::contains("generic.exp.expired"))
        .stdout(predicate::str::contains("123456: 306 token(s)"))
        .stdout(predicate::str::contains("winning tokens (gift.cw true): 4 for 3 prize(s) — WARNING: more winning tokens than prizes"));
}

#[test]
fn batch_from_stdin() {
    let sb = Sandbox::new();
    let t = token(json!({"sub": "u", "exp": FAR}));
    sb.cmd()
        .args(["inspect", "--secret", SECRET, "--batch", "-"])
        .write_stdin(format!("{t}\n{t}\n"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("2 token(s): 2 accepted"));
}

/// Several chunks of lines, CRLF endings, a line that is not UTF-8 and a last line without a
/// newline: every token is found once, on its own line number, whatever the thread count.
#[test]
fn many_chunks_same_answers_on_any_thread_count() {
    let sb = Sandbox::new();
    let ok = token(json!({"sub": "u", "exp": FAR, "campaignId": "7"}));
    let mut bytes = Vec::new();
    let mut expected = Vec::new();
    for i in 1..=5000usize {
        match i % 7 {
            0 => bytes.extend_from_slice(b"\xff\xfe not utf-8 \xc3\x28"),
            1 => {
                bytes.extend_from_slice(format!("  {ok}  ").as_bytes());
                expected.push(i);
            }
            2 => {
                bytes.extend_from_slice(format!("a {ok} b {ok}").as_bytes());
                expected.extend([i, i]);
            }
            _ => {
                bytes.extend_from_slice(ok.as_bytes());
                expected.push(i);
            }
        }
        if i < 5000 {
            bytes.extend_from_slice(if i % 2 == 0 { b"\r\n" } else { b"\n" });
        }
    }
    let path = sb.write("chunks.log", &bytes);
    let run = |threads: &str| {
        let out = json_batch(&sb, &path, threads);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "no progress bar off a terminal");
        out.stdout
    };
    let one = run("1");
    let lines: Vec<usize> = String::from_utf8(one.clone())
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["line"]
                .as_u64()
                .unwrap() as usize
        })
        .collect();
    assert_eq!(lines, expected);
    assert_eq!(run("2"), one);
    assert_eq!(run("3"), one);
}
