//! Failing parts and hostile files through the real binary: concurrent writers, killed
//! writers, a full disk, broken store and campaign files, loose secret files, secrets kept out
//! of every output, a corrupt JWKS cache, and an editor that fails.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]
// pre_exec and setrlimit put resource limits on the child, geteuid spots root: unsafe, and
// only here.
#![allow(unsafe_code)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use common::crypto::{self, hmac_token, sign, signer};
use common::{Sandbox, json_of, serve};
use serde_json::{Value, json};

const SECRET: &str = "s3cr3t-VALUE-that-must-never-be-printed-0123456789";

fn store_file(sb: &Sandbox) -> PathBuf {
    sb.store().join("keys.toml")
}

fn names(sb: &Sandbox) -> Vec<String> {
    let mut cmd = sb.cmd();
    cmd.args(["keys", "list", "--json"]);
    let (code, v) = json_of(&mut cmd);
    assert_eq!(code, 0, "keys list: {v}");
    let list = v
        .as_array()
        .or_else(|| v["keys"].as_array())
        .cloned()
        .unwrap_or_default();
    let mut out: Vec<String> = list
        .iter()
        .map(|k| k["name"].as_str().unwrap_or_default().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn sixteen_concurrent_keys_add_lose_nothing() {
    const WRITERS: usize = 16;
    let sb = Sandbox::new();
    sb.cmd()
        .args([
            "keys",
            "add",
            "first",
            "--secret",
            "first-secret-0123456789abcdef0123",
        ])
        .assert()
        .success();
    let children: Vec<_> = (0..WRITERS)
        .map(|i| {
            sb.std_cmd()
                .args(["keys", "add", &format!("writer-{i:02}"), "--secret"])
                .arg(format!("secret-number-{i:02}-0123456789abcdef0123"))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut want: Vec<String> = (0..WRITERS).map(|i| format!("writer-{i:02}")).collect();
    want.push("first".into());
    want.sort();
    assert_eq!(names(&sb), want, "a concurrent writer lost a key");
}

#[test]
fn a_writer_killed_at_any_moment_leaves_the_old_store_or_the_new_one() {
    let sb = Sandbox::new();
    sb.cmd()
        .args([
            "keys",
            "add",
            "base",
            "--secret",
            "base-secret-0123456789abcdef0123",
        ])
        .assert()
        .success();
    let mut confirmed = vec!["base".to_string()];
    for i in 0..24u64 {
        let name = format!("k{i:02}");
        let mut child = sb
            .std_cmd()
            .args(["keys", "add", &name, "--secret"])
            .arg(format!("secret-{i:02}-0123456789abcdef0123456789"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill after 0 to ~23 ms: before, during or after the write.
        std::thread::sleep(std::time::Duration::from_micros(i * 1000));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = names(&sb);
        for c in &confirmed {
            assert!(
                now.contains(c),
                "killed writer {i}: '{c}' lost; store has {now:?}"
            );
        }
        if status.success() || now.contains(&name) {
            confirmed.push(name);
        }
        // Never a stray temp file that a later reader would mistake for the store.
        let text = std::fs::read_to_string(store_file(&sb)).unwrap();
        assert!(text.contains("base"), "torn store: {text}");
    }
}

/// Run the binary with writes past `blocks` 512-byte blocks failing with EFBIG (a full disk:
/// RLIMIT_FSIZE, with SIGXFSZ ignored so the write returns an error).
fn with_full_disk(mut cmd: std::process::Command, bytes: u64) -> std::process::Output {
    // SAFETY: signal and setrlimit are async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let rl = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &rl) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

#[test]
fn a_full_disk_leaves_the_old_store_intact_with_a_clear_error() {
    let sb = Sandbox::new();
    for i in 0..8 {
        sb.cmd()
            .args(["keys", "add", &format!("key-{i}"), "--secret"])
            .arg(format!("a-long-enough-secret-number-{i}-0123456789abcdef"))
            .assert()
            .success();
    }
    let before = std::fs::read(store_file(&sb)).unwrap();
    assert!(
        before.len() > 600,
        "the store must be larger than the limit"
    );
    let mut cmd = sb.std_cmd();
    cmd.args([
        "keys",
        "add",
        "one-too-many",
        "--secret",
        "x-0123456789abcdef0123456789",
    ]);
    let out = with_full_disk(cmd, 512);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("tokenscope: "), "{stderr}");
    assert!(
        stderr.contains("keys.toml") || stderr.contains(sb.store().to_str().unwrap()),
        "names the store: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read(store_file(&sb)).unwrap(),
        before,
        "the old store changed"
    );
    // No temp file left beside it.
    let stray: Vec<_> = std::fs::read_dir(sb.store())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "keys.toml" && !n.ends_with(".lock") && n != "keys.lock")
        .collect();
    assert!(stray.is_empty(), "left behind: {stray:?}");
    // `keys remove` on a full disk: same.
    let mut cmd = sb.std_cmd();
    cmd.args(["keys", "remove", "key-0"]);
    let out = with_full_disk(cmd, 512);
    assert!(!out.status.success());
    assert_eq!(std::fs::read(store_file(&sb)).unwrap(), before);
}

#[test]
fn a_read_only_store_dir_gives_a_clear_error_and_loses_nothing() {
    let sb = Sandbox::new();
    sb.cmd()
        .args([
            "keys",
            "add",
            "kept",
            "--secret",
            "kept-secret-0123456789abcdef0123",
        ])
        .assert()
        .success();
    let before = std::fs::read(store_file(&sb)).unwrap();
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // root ignores directory permissions: the full-disk test covers the failing write.
        eprintln!("skipped the read-only part: running as root");
        return;
    }
    std::fs::set_permissions(sb.store(), std::fs::Permissions::from_mode(0o500)).unwrap();
    let out = sb
        .cmd()
        .args([
            "keys",
            "add",
            "new",
            "--secret",
            "new-secret-0123456789abcdef01234",
        ])
        .output()
        .unwrap();
    std::fs::set_permissions(sb.store(), std::fs::Permissions::from_mode(0o700)).unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ermission denied"), "{stderr}");
    assert_eq!(std::fs::read(store_file(&sb)).unwrap(), before);
}

#[test]
fn a_store_that_does_not_parse_is_never_overwritten() {
    let sb = Sandbox::new();
    sb.cmd()
        .args([
            "keys",
            "add",
            "a",
            "--secret",
            "a-secret-0123456789abcdef012345678",
        ])
        .assert()
        .success();
    let path = store_file(&sb);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n[[keys]\nname = \"broken\n");
    std::fs::write(&path, &text).unwrap();
    let lines = text.lines().count();
    for args in [
        vec![
            "keys",
            "add",
            "b",
            "--secret",
            "b-secret-0123456789abcdef0123456789",
        ],
        vec!["keys", "remove", "a"],
        vec!["keys", "list"],
    ] {
        let out = sb.cmd().args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("keys.toml"),
            "{args:?}: names the file: {stderr}"
        );
        assert!(
            stderr.contains(&format!("line {}", lines - 1))
                || stderr.contains(&format!(":{}:", lines - 1)),
            "{args:?}: names the line: {stderr}"
        );
        assert!(stderr.contains("column"), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("a-secret"),
            "{args:?}: secret in the error: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "{args:?} rewrote it"
        );
    }
}

#[test]
fn a_campaign_file_that_does_not_parse_names_file_line_and_column() {
    let sb = Sandbox::new();
    let token = hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256"}),
        &json!({"sub": "u", "campaignId": "c", "exp": 4_102_444_800i64}),
    );
    for (name, text) in [
        (
            "campaign.toml",
            "id = \"c\"\nprofile = \"qualifio\"\nprizes = [\n",
        ),
        ("campaign.json", "{\"id\": \"c\",\n \"prizes\": 3,,\n}"),
    ] {
        let path = sb.write(name, text);
        let out = sb
            .cmd()
            .args(["inspect", "--campaign"])
            .arg(&path)
            .arg(&token)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(stderr.contains("line"), "{name}: {stderr}");
        assert!(stderr.contains("column"), "{name}: {stderr}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}

#[test]
fn a_secret_file_readable_by_others_is_warned_about() {
    let sb = Sandbox::new();
    let path = sb.write("secret.txt", SECRET);
    let arg = format!("@{}", path.display());
    let token = hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256"}),
        &json!({"sub": "u", "exp": 4_102_444_800i64}),
    );
    for (mode, warned) in [
        (0o644, true),
        (0o640, true),
        (0o604, true),
        (0o600, false),
        (0o400, false),
    ] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = sb
            .cmd()
            .args(["inspect", "--secret", &arg, &token])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{mode:o}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.contains("chmod 600"),
            warned,
            "inspect, mode {mode:o}: {stderr}"
        );
        let out = sb
            .cmd()
            .args(["keys", "add", &format!("m{mode:o}"), "--secret", &arg])
            .output()
            .unwrap();
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.contains("chmod 600"),
            warned,
            "keys add, mode {mode:o}: {stderr}"
        );
        assert!(!stderr.contains(SECRET));
    }
}

#[test]
fn a_secret_never_reaches_json_output_errors_or_the_log() {
    let sb = Sandbox::new();
    let token = hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256", "kid": "k"}),
        &json!({"sub": "u", "exp": 4_102_444_800i64}),
    );
    let check = |what: &str, out: &std::process::Output| {
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains(SECRET),
                "{what}: the secret is on {stream}: {text}"
            );
        }
    };
    let logged = |cmd: &mut assert_cmd::Command| {
        cmd.env("TOKENSCOPE_LOG", "trace");
    };
    let mut c = sb.cmd();
    logged(&mut c);
    let out = c
        .args(["inspect", "--json", "--secret", SECRET, &token])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    check("inspect --json --secret", &out);
    let mut c = sb.cmd();
    logged(&mut c);
    let out = c
        .args(["keys", "add", "stored", "--kid", "k", "--secret", SECRET])
        .output()
        .unwrap();
    assert!(out.status.success());
    check("keys add", &out);
    for args in [
        vec!["keys", "list", "--json"],
        vec!["keys", "show", "stored", "--json"],
        vec!["keys", "show", "stored"],
        vec!["keys", "list"],
        vec!["inspect", "--json", &token],
        vec!["inspect", &token],
        vec!["inspect", "--json", "--batch", "-"],
    ] {
        let mut c = sb.cmd();
        logged(&mut c);
        let out = c
            .args(&args)
            .write_stdin(format!("{token}\n"))
            .output()
            .unwrap();
        check(&args.join(" "), &out);
    }
    // An error about the secret does not quote it.
    for args in [
        vec![
            "inspect",
            "--secret-encoding",
            "base64",
            "--secret",
            "not*base64*",
            &token,
        ],
        vec![
            "keys",
            "add",
            "bad",
            "--encoding",
            "hex",
            "--secret",
            "zz-not-hex",
        ],
    ] {
        let out = sb.cmd().args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("not*base64*") && !stderr.contains("zz-not-hex"),
            "{args:?}: {stderr}"
        );
    }
    // Nor does the log file.
    let log = sb.home.path().join("logs").join("tokenscope.log");
    if let Ok(text) = std::fs::read_to_string(&log) {
        assert!(!text.is_empty());
        assert!(!text.contains(SECRET), "the secret is in the log");
    }
    // `--reveal` is the one way to see it.
    let out = sb
        .cmd()
        .args(["keys", "show", "stored", "--reveal"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(SECRET));
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn a_corrupt_jwks_cache_is_recovered_by_a_refetch() {
    use josekit::jwk::KeyPair;
    let sb = Sandbox::new();
    let pair =
        josekit::jwk::alg::rsa::RsaKeyPair::from_der(crypto::rsa().private_key_to_pkcs8().unwrap())
            .unwrap();
    let mut jwk = pair.to_jwk_public_key();
    jwk.set_key_id("k1");
    let jwk: Value = serde_json::from_str(&jwk.to_string()).unwrap();
    let (base, hits) = serve(json!({"keys": [jwk]}).to_string());
    let url = format!("{base}/jwks.json");
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
    let inspect = || {
        let mut cmd = sb.cmd();
        cmd.env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
            .args(["inspect", "--json", &token]);
        json_of(&mut cmd)
    };
    let (code, out) = inspect();
    assert_eq!(code, 0, "{out}");
    let fetched = hits.load(Ordering::SeqCst);
    let before: Vec<PathBuf> = files_under(sb.home.path())
        .into_iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("\"k1\"")))
        .filter(|p| !p.ends_with("keys.toml"))
        .collect();
    assert!(!before.is_empty(), "no JWKS cache file found");
    for (i, garbage) in ["{\"keys\": [", "\u{0}\u{1}binary", ""].iter().enumerate() {
        for p in &before {
            std::fs::write(p, garbage).unwrap();
        }
        let (code, out) = inspect();
        assert_eq!(code, 0, "corruption {i}: {out}");
        assert_eq!(
            hits.load(Ordering::SeqCst),
            fetched + i + 1,
            "corruption {i}: refetched once"
        );
        for p in &before {
            let text = std::fs::read_to_string(p).unwrap();
            assert!(text.contains("\"k1\""), "the cache was rewritten");
        }
    }
}

#[test]
fn an_editor_that_is_missing_or_fails_keeps_the_edit() {
    let sb = Sandbox::new();
    let out = sb.cmd().args(["config", "path"]).output().unwrap();
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    // An editor that saves a change, then exits 3.
    let out = sb
        .cmd()
        .env_remove("VISUAL")
        .env(
            "EDITOR",
            "f() { echo '# edited by hand' >> \"$1\"; exit 3; }; f",
        )
        .args(["config", "edit"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("exit") && stderr.contains("kept"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# edited by hand"), "the edit was lost");
    // An editor that does not exist: a clear error, the file still there.
    let out = sb
        .cmd()
        .env_remove("VISUAL")
        .env("EDITOR", "/nonexistent/editor-for-tokenscope")
        .args(["config", "edit"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("editor"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
