//! Bounded memory and CPU on hostile input, through the binary (README "Security", "Bounded
//! work"): every file is read through one capped reader, and each limit names itself when
//! it is met.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]
// pre_exec and setrlimit put resource limits on the child: unsafe, and only here.
#![allow(unsafe_code)]

use crate::common;

use std::path::PathBuf;

use common::Sandbox;
use common::crypto::hmac_token;
use serde_json::json;

const MIB: u64 = 1024 * 1024;
const SECRET: &str = "limits-test-secret-0123456789abcdef-xyz";

/// A file of `len` zero bytes (sparse: nothing is written).
fn sized_file(sb: &Sandbox, name: &str, len: u64) -> PathBuf {
    let path = sb.home.path().join(name);
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(len))
        .expect("sized file");
    path
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit status 2, and one error naming `file` and `limit`, once.
#[track_caller]
fn refused(out: &std::process::Output, file: &str, limit: &str) {
    let stderr = stderr_of(out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(file), "names the file {file}: {stderr}");
    assert_eq!(
        stderr.matches(limit).count(),
        1,
        "names the limit '{limit}' once: {stderr}"
    );
}

fn token() -> String {
    hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256"}),
        &json!({"sub": "u", "exp": 4_102_444_800i64}),
    )
}

#[test]
fn key_secret_campaign_payload_and_config_files_are_read_up_to_their_cap() {
    let sb = Sandbox::new();
    let big = sized_file(&sb, "big.bin", MIB + 1);
    let big = big.to_str().unwrap();
    let t = token();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["inspect".into(), "--key-file".into(), big.into(), t.clone()],
            "the most tokenscope reads of a key file",
        ),
        (
            vec![
                "inspect".into(),
                "--secret".into(),
                format!("@{big}"),
                t.clone(),
            ],
            "the most tokenscope reads of a secret file",
        ),
        (
            vec![
                "keys".into(),
                "add".into(),
                "k".into(),
                "--file".into(),
                big.into(),
            ],
            "the most tokenscope reads of a key file",
        ),
        (
            vec![
                "keys".into(),
                "add".into(),
                "k".into(),
                "--secret".into(),
                format!("@{big}"),
            ],
            "the most tokenscope reads of a secret file",
        ),
        (
            vec!["inspect".into(), "--campaign".into(), big.into(), t.clone()],
            "the most tokenscope reads of a campaign file",
        ),
        (
            vec!["--config".into(), big.into(), "inspect".into(), t.clone()],
            "the most tokenscope reads of a config file",
        ),
    ];
    for (args, limit) in cases {
        let out = sb.cmd().args(&args).output().unwrap();
        refused(&out, "big.bin", &format!("larger than 1 MiB, {limit}"));
    }
    // A file just under the cap is read (and then fails for what it is, not for its size).
    let under = sized_file(&sb, "under.bin", MIB);
    let out = sb
        .cmd()
        .args(["inspect", "--key-file"])
        .arg(&under)
        .arg(&t)
        .output()
        .unwrap();
    assert!(
        !stderr_of(&out).contains("larger than"),
        "{}",
        stderr_of(&out)
    );

    // Payload and token files: 16 MiB, as a token.
    let huge = sized_file(&sb, "huge.bin", 16 * MIB + 1);
    let out = sb
        .cmd()
        .args(["inspect", "--payload"])
        .arg(format!("@{}", huge.display()))
        .arg(&t)
        .output()
        .unwrap();
    refused(
        &out,
        "huge.bin",
        "larger than 16 MiB, the most tokenscope reads of a payload file",
    );
}

#[test]
fn standard_input_keys_and_secrets_are_capped_too() {
    let sb = Sandbox::new();
    let big = vec![b'a'; (MIB + 1) as usize];
    for (args, limit) in [
        (["keys", "add", "k", "--file", "-"], "of a key file"),
        (["keys", "add", "k", "--secret", "-"], "of a secret file"),
    ] {
        let out = sb
            .cmd()
            .args(args)
            .write_stdin(big.clone())
            .output()
            .unwrap();
        refused(
            &out,
            "stdin",
            &format!("larger than 1 MiB, the most tokenscope reads {limit}"),
        );
    }
}

#[test]
fn a_user_theme_is_capped() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.home.path().join("themes")).unwrap();
    sized_file(&sb, "themes/big.toml", MIB + 1);
    let out = sb.cmd().args(["--theme", "big"]).output().unwrap();
    refused(
        &out,
        "big.toml",
        "larger than 1 MiB, the most tokenscope reads of a theme file",
    );
}

#[test]
fn the_interactive_views_file_is_refused_past_16_mib_not_cut() {
    let sb = Sandbox::new();
    let huge = sized_file(&sb, "huge.txt", 16 * MIB + 1);
    let out = sb.cmd().arg("--file").arg(&huge).output().unwrap();
    refused(
        &out,
        "huge.txt",
        "larger than 16 MiB, the most tokenscope reads of a token input",
    );
}

/// Run the binary with its address space limited to `limit_mib` MiB (RLIMIT_AS): an
/// allocation past it aborts the process. Returns the exit code (-1 when killed) and stderr.
#[cfg(unix)]
fn bounded_run(sb: &Sandbox, limit_mib: u64, args: &[&str]) -> (i32, String) {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tokenscope"));
    cmd.env("TOKENSCOPE_HOME", sb.home.path())
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let limit = limit_mib * MIB;
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
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn dev_zero_as_a_key_or_config_file_stops_at_the_cap() {
    let sb = Sandbox::new();
    let t = token();
    for args in [
        vec!["inspect", "--key-file", "/dev/zero", &t],
        vec!["inspect", "--secret", "@/dev/zero", &t],
        vec!["--config", "/dev/zero", "inspect", &t],
        vec!["inspect", "--campaign", "/dev/zero", &t],
    ] {
        let (code, stderr) = bounded_run(&sb, 160, &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("larger than 1 MiB"), "{args:?}: {stderr}");
    }
}

#[test]
fn threads_past_the_limit_are_a_usage_error_naming_it() {
    let sb = Sandbox::new();
    for n in ["100000", "0"] {
        let out = sb
            .cmd()
            .args(["inspect", "--batch", "-", "--threads", n])
            .write_stdin(token())
            .output()
            .unwrap();
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{n}: {stderr}");
        assert!(stderr.contains("is not in 1..=1024"), "{n}: {stderr}");
    }
}

/// A line of 16 MiB and more, holding a token at its end, then a line with a token.
fn long_line_log() -> Vec<u8> {
    let mut log = vec![b' '; (16 * MIB) as usize];
    log.extend_from_slice(format!(" {}\n{}\n", token(), token()).as_bytes());
    log
}

#[test]
fn a_batch_line_past_16_mib_is_malformed_with_its_line_number() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["inspect", "--secret", SECRET, "--batch", "-"])
        .write_stdin(long_line_log())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", stderr_of(&out));
    assert!(
        stdout.starts_with("2 token(s): 1 accepted, 0 rejected, 0 not verified, 1 malformed\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 line(s) longer than 16 MiB skipped as malformed (line 1)"),
        "{stdout}"
    );

    let out = sb
        .cmd()
        .args(["inspect", "--json", "--secret", SECRET, "--batch", "-"])
        .write_stdin(long_line_log())
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 1);
    let error = lines[0]["error"].as_str().unwrap();
    let len = 16 * MIB + 1 + token().len() as u64;
    assert!(
        error.starts_with(&format!("the line is {len} bytes long, more than 16 MiB")),
        "{error}"
    );
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["accepted"], true);
}

#[test]
fn the_batch_summary_shows_50_campaigns_and_sums_up_the_others() {
    let sb = Sandbox::new();
    // Campaign c00 has 2 tokens, the 59 others one each.
    let mut log = String::new();
    for i in (0..60).chain([0]) {
        let t = hmac_token(
            "HS256",
            SECRET.as_bytes(),
            &json!({"alg": "HS256"}),
            &json!({"sub": "u", "exp": 4_102_444_800i64, "campaignId": format!("c{i:02}")}),
        );
        log.push_str(&t);
        log.push('\n');
    }
    let path = sb.write("campaigns.log", &log);
    let out = sb
        .cmd()
        .args(["inspect", "--secret", SECRET, "--batch"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.matches(" token(s)\n    participation").count(),
        50,
        "{stdout}"
    );
    assert!(stdout.contains("  c00: 2 token(s)\n"), "{stdout}");
    assert!(stdout.contains("  c49: 1 token(s)\n"), "{stdout}");
    assert!(!stdout.contains("  c50:"), "{stdout}");
    assert!(
        stdout.contains("  others: 10 token(s): 10 more campaignId(s) (only the 50 with the most tokens are shown); --json lists every token\n"),
        "{stdout}"
    );
    // --json lines stay exact.
    let out = sb
        .cmd()
        .args(["inspect", "--json", "--secret", SECRET, "--batch"])
        .arg(&path)
        .output()
        .unwrap();
    let ids: std::collections::BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["payload"]["campaignId"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 60);
}

#[test]
fn a_finding_repeated_past_100_times_is_listed_100_times_then_summed_up() {
    let sb = Sandbox::new();
    // One member and 150 duplicates of it: 150 findings of one id.
    let payload = format!("{{{}}}", vec![r#""a":1"#; 151].join(","));
    let h = common::crypto::b64url(br#"{"alg":"HS256"}"#);
    let p = common::crypto::b64url(payload.as_bytes());
    let t = format!("{h}.{p}.{}", common::crypto::b64url(&[0; 32]));
    let (_, out) = common::inspect_json(&sb, &["--secret", SECRET], &t);
    let dups: Vec<&serde_json::Value> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "generic.json.duplicate_member")
        .collect();
    assert_eq!(dups.len(), 101, "{}", out["findings"]);
    assert!(dups[..100].iter().all(|f| f.get("more").is_none()));
    let last = dups[100];
    assert_eq!(last["more"], 50);
    assert_eq!(last["severity"], "error");
    assert_eq!(last["claim"], "");
    assert!(
        last["message"]
            .as_str()
            .unwrap()
            .starts_with("… and 50 more generic.json.duplicate_member finding(s)"),
        "{last}"
    );

    let out = sb
        .cmd()
        .args(["inspect", "--secret", SECRET, &t])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout
            .matches("ERROR   generic.json.duplicate_member")
            .count(),
        101,
        "{stdout}"
    );
    assert!(
        stdout.contains("… and 50 more generic.json.duplicate_member finding(s) like the ones above: tokenscope lists the first 100 of one id in a token"),
        "{stdout}"
    );
}

/// A PBES2-HS256+A128KW JWE of JWT claims with `p2c` iterations, for `password`.
fn pbes2_token(password: &[u8], p2c: usize, kid: Option<&str>) -> String {
    use josekit::jwe::{JweHeader, PBES2_HS256_A128KW};
    let mut encrypter = PBES2_HS256_A128KW.encrypter_from_bytes(password).unwrap();
    encrypter.set_iter_count(p2c);
    let mut header = JweHeader::new();
    header.set_content_encryption("A128GCM");
    header.set_content_type("JWT");
    if let Some(kid) = kid {
        header.set_key_id(kid);
    }
    let claims = json!({"sub": "u", "exp": 4_102_444_800i64}).to_string();
    josekit::jwe::serialize_compact(claims.as_bytes(), &header, &encrypter).unwrap()
}

const PASSWORD: &str = "pbes2-password-for-the-limits-test";

#[test]
fn a_pbes2_count_past_the_limit_fails_before_any_key_is_tried() {
    let sb = Sandbox::new();
    let t = pbes2_token(PASSWORD.as_bytes(), 200_000, None);
    let (code, out) = common::inspect_json(&sb, &["--secret", PASSWORD], &t);
    assert_eq!(code, 1, "{out}");
    let layer = &out["layers"][0];
    assert_eq!(layer["status"], "failed");
    assert_eq!(layer["attempts"], json!([]), "no key tried: {layer}");
    let detail = layer["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(
            "p2c asks for 200000 PBES2 iterations, more than the 100000 tokenscope runs"
        ),
        "{detail}"
    );
    assert!(
        detail.contains(
            "raise the limit with --max-pbes2-count N or max_pbes2_count in the config file"
        ),
        "{detail}"
    );

    // Raised by the flag, or by the configuration.
    let (_, out) = common::inspect_json(
        &sb,
        &["--secret", PASSWORD, "--max-pbes2-count", "200000"],
        &t,
    );
    assert_eq!(out["layers"][0]["status"], "decrypted", "{out}");
    let config = sb.write("config.toml", "max_pbes2_count = 200000\n");
    let mut cmd = sb.cmd();
    cmd.arg("--config")
        .arg(&config)
        .args(["inspect", "--json", "--secret", PASSWORD, &t]);
    let (_, out) = common::json_of(&mut cmd);
    assert_eq!(out["layers"][0]["status"], "decrypted", "{out}");

    // The flag's own limit: josekit refuses more than 1000000.
    let out = sb
        .cmd()
        .args(["inspect", "--max-pbes2-count", "2000000", &t])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("is not in 1..=1000000"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn pbes2_tries_no_key_whose_kid_or_algs_rule_it_out() {
    let sb = Sandbox::new();
    let t = pbes2_token(PASSWORD.as_bytes(), 1000, Some("k1"));
    let k = common::crypto::b64url(PASSWORD.as_bytes());
    let keys = sb.write(
        "keys.jwks",
        json!({"keys": [
            {"kty": "oct", "kid": "k2", "k": k},
            {"kty": "oct", "kid": "k3", "alg": "A128GCM", "k": k},
        ]})
        .to_string(),
    );
    let keys = keys.to_str().unwrap();
    let (code, out) = common::inspect_json(&sb, &["--key-file", keys], &t);
    assert_eq!(code, 3, "no key fits: {out}");
    let attempts = out["layers"][0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{out}");
    assert_eq!(attempts[0]["result"], "kid_mismatch");
    assert!(
        attempts[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("not tried: its kid is 'k2' while the token names 'k1'"),
        "{out}"
    );
    assert_eq!(attempts[1]["result"], "alg_not_allowed", "{out}");
}

/// A loopback JWKS endpoint that accepts connections and closes them unanswered: its base
/// URL and how many connections it took.
fn dead_endpoint() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (format!("http://{addr}"), hits)
}

/// A store holding an HMAC secret and a JWKS endpoint that was never fetched (no cache).
fn store_with_dead_endpoint(sb: &Sandbox, url: &str) {
    sb.cmd()
        .args(["keys", "add", "hmac", "--secret", SECRET])
        .assert()
        .success();
    let path = sb.store().join("keys.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "\n[[key]]\nname = \"ep\"\ncreated = \"2025-01-01T00:00:00Z\"\nsource = \"jwks_url\"\ndata = \"{url}\"\n"
    ));
    std::fs::write(&path, text).unwrap();
}

#[test]
fn an_endpoint_with_no_cache_is_not_fetched_for_a_token_it_cannot_verify() {
    let sb = Sandbox::new();
    let (base, hits) = dead_endpoint();
    store_with_dead_endpoint(&sb, &format!("{base}/jwks.json"));
    let out = sb
        .cmd()
        .env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args(["inspect", &token()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(out.stderr.is_empty(), "{}", stderr_of(&out));
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "an HS256 token never needs a JWKS endpoint's public keys"
    );
}

#[test]
fn a_failed_endpoint_is_not_fetched_again_for_five_minutes() {
    use common::crypto::{sign, signer};
    use std::sync::atomic::Ordering;
    let sb = Sandbox::new();
    let (base, hits) = dead_endpoint();
    store_with_dead_endpoint(&sb, &format!("{base}/jwks.json"));
    let rs256 = sign(
        signer("RS256", b"").as_ref(),
        json!({"kid": "k1"}),
        &json!({"sub": "u", "exp": 4_102_444_800i64}),
    );
    let run = || {
        sb.cmd()
            .env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
            .args(["inspect", &rs256])
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(first.status.code(), Some(3), "{}", stderr_of(&first));
    assert!(
        stderr_of(&first).contains("warning: stored key 'ep' skipped: jwks endpoint"),
        "{}",
        stderr_of(&first)
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "an RS256 token needs the endpoint"
    );

    let second = run();
    assert_eq!(second.status.code(), Some(3));
    assert!(
        stderr_of(&second).contains("not fetched: the last attempt, "),
        "{}",
        stderr_of(&second)
    );
    assert!(
        stderr_of(&second).contains(
            "tokenscope tries again 5 minutes after a failure, `tokenscope keys refresh ep` tries now"
        ),
        "{}",
        stderr_of(&second)
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1, "the second run did not try");

    // `keys refresh` tries at once.
    let out = sb
        .cmd()
        .env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args(["keys", "refresh", "ep"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}
