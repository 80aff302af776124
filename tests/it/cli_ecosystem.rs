//! tokenscope among terminal tools: completions, man page, version, colour modes, closed
//! pipes, the log file.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command as StdCommand, Stdio};

use common::Sandbox;
use common::crypto::hmac_token;
use predicates::prelude::*;
use serde_json::json;

const SECRET: &str = "ecosystem-test-secret-0123456789abcdef";
const FAR: i64 = 4_102_444_800;

fn token() -> String {
    hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": "u", "iat": 1_700_000_000, "exp": FAR, "campaignId": "123456",
                "limit": {"canPlay": true, "nb": 3}, "gift": {"cw": true, "label": "Prize"}}),
    )
}

fn has_tool(name: &str) -> bool {
    StdCommand::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn every_shell_gets_a_completion_script() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = sb.cmd().args(["completions", shell]).output().expect("run");
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = String::from_utf8(out.stdout).expect("utf-8");
        assert!(script.len() > 1000, "{shell}: {script}");
        for word in ["inspect", "skew", "completions", "log-level"] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
        // Value names come from clap: `sign --format` completes every export format (the
        // powershell and elvish generators complete no values).
        if ["bash", "zsh", "fish"].contains(&shell) {
            for format in ["qualifio-js", "qualifio-setmetadata"] {
                assert!(script.contains(format), "{shell} script lacks {format}");
            }
        }
        assert!(out.stderr.is_empty(), "{shell}");
    }
    if has_tool("bash") {
        let path = sb.write("tokenscope.bash", {
            let out = sb
                .cmd()
                .args(["completions", "bash"])
                .output()
                .expect("run");
            out.stdout
        });
        let status = StdCommand::new("bash")
            .arg("-c")
            .arg(format!(
                "source '{}' && complete -p tokenscope",
                path.display()
            ))
            .stdout(Stdio::null())
            .status()
            .expect("bash");
        assert!(status.success(), "bash cannot load the script");
    }
    sb.cmd()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'tcsh'"));
}

#[test]
fn the_man_page_renders() {
    let sb = Sandbox::new();
    let out = sb.cmd().arg("man").output().expect("run");
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).expect("utf-8");
    assert!(page.contains(".TH tokenscope 1"), "{page}");
    for word in [
        "inspect",
        "completions",
        "\\-\\-config",
        "\\-\\-log\\-level",
    ] {
        assert!(page.contains(word), "man page lacks {word}");
    }
    if has_tool("man") {
        let mut child = StdCommand::new("man")
            .args(["-l", "-"])
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("man");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(page.as_bytes()).expect("write");
        }
        let out = child.wait_with_output().expect("man");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "man -l failed: {out:?}");
        assert!(text.contains("NAME") && text.contains("inspect"), "{text}");
    }

    let dir = sb.home.path().join("man1");
    sb.cmd()
        .args(["man", "--out-dir"])
        .arg(&dir)
        .assert()
        .success();
    for page in [
        "tokenscope.1",
        "tokenscope-inspect.1",
        "tokenscope-keys-add.1",
    ] {
        let text = std::fs::read_to_string(dir.join(page)).expect(page);
        assert!(text.contains(".TH"), "{page}");
    }
    let sign = std::fs::read_to_string(dir.join("tokenscope-sign.1")).expect("sign page");
    for format in ["qualifio\\-js:", "qualifio\\-setmetadata:"] {
        assert!(sign.contains(format), "tokenscope-sign.1 lacks {format}");
    }
}

#[test]
fn version_names_the_openssl_in_use() {
    let sb = Sandbox::new();
    let out = sb.cmd().arg("--version").output().expect("run");
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).expect("utf-8");
    let expected = format!("tokenscope {} (OpenSSL ", env!("CARGO_PKG_VERSION"));
    assert!(line.starts_with(&expected), "{line}");
    assert!(line.trim_end().ends_with(')'), "{line}");
    assert_eq!(line.lines().count(), 1, "{line}");
}

fn inspect_output(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = sb.cmd();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .args(["inspect", "--secret", SECRET])
        .args(args)
        .arg(token())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn colour_modes_when_piped() {
    let sb = Sandbox::new();
    // The sandbox sets NO_COLOR=1; --color always wins over it, as no-color.org asks.
    let always = inspect_output(&sb, &["--color", "always"], &[]);
    assert!(always.contains("\x1b["), "{always}");
    let global_position = {
        let out = sb
            .cmd()
            .args(["--color", "always", "inspect", "--secret", SECRET])
            .arg(token())
            .output()
            .expect("run");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    assert!(global_position.contains("\x1b["));
    let env_always = inspect_output(&sb, &[], &[("TOKENSCOPE_COLOR", "always")]);
    assert!(env_always.contains("\x1b["));
    let env_vs_flag = inspect_output(
        &sb,
        &["--color", "never"],
        &[("TOKENSCOPE_COLOR", "always")],
    );
    assert!(!env_vs_flag.contains('\x1b'));
    for (args, env) in [
        (&["--color", "never"][..], &[][..]),
        (&["--color", "auto"], &[]),
        (&[], &[("NO_COLOR", "")]),
    ] {
        let text = inspect_output(&sb, args, env);
        assert!(!text.contains('\x1b'), "{args:?} {env:?}: {text}");
    }
    // JSON is never coloured.
    let json = inspect_output(&sb, &["--color", "always", "--json"], &[]);
    assert!(!json.contains('\x1b'));
}

/// On a terminal (a pseudo-terminal made by `script`), auto colours unless NO_COLOR is set.
#[test]
fn colour_on_a_terminal_honours_no_color() {
    if !has_tool("script") {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    }
    let sb = Sandbox::new();
    let bin = assert_cmd::cargo::cargo_bin("tokenscope");
    let run = |no_color: Option<&str>| {
        let mut cmd = StdCommand::new("script");
        cmd.args(["-qec"])
            .arg(format!(
                "'{}' inspect --secret {SECRET} {}",
                bin.display(),
                token()
            ))
            .arg("/dev/null")
            .env("TOKENSCOPE_HOME", sb.home.path())
            .env_remove("NO_COLOR")
            .env_remove("TOKENSCOPE_COLOR")
            .env_remove("TOKENSCOPE_CONFIG")
            .stdin(Stdio::null());
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().expect("script");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let tty = run(None);
    if !tty.contains("accepted") && !tty.contains("ACCEPTED") && !tty.contains("verified") {
        eprintln!("skipped: `script` gave no output here: {tty:?}");
        return;
    }
    assert!(tty.contains("\x1b["), "a terminal gets colour: {tty}");
    let plain = run(Some("1"));
    assert!(
        !plain.contains("\x1b["),
        "NO_COLOR=1 on a terminal: {plain}"
    );
}

/// Spawn, read one line, close the pipe: tokenscope must end with status 0 and say nothing.
fn closes_quietly(mut cmd: StdCommand) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).expect("read");
    assert!(!first.is_empty());
    // The reader is dropped here: the pipe is closed with most of the output unwritten.
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_closed_pipe_ends_batch_json_lines_quietly() {
    let sb = Sandbox::new();
    let line = format!("token={}\n", token());
    let batch = sb.write("big.log", line.repeat(3000));
    // From a file: a secret on the command line is warned about, and stderr must stay empty.
    let secret = sb.write("secret.txt", SECRET);
    std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let secret = format!("@{}", secret.display());
    let mut cmd = sb.std_cmd();
    cmd.args([
        "inspect",
        "--json",
        "--threads",
        "2",
        "--secret",
        &secret,
        "--batch",
    ])
    .arg(batch);
    closes_quietly(cmd);
}

#[test]
fn a_closed_pipe_ends_a_big_report_quietly() {
    let sb = Sandbox::new();
    // A payload of about 1 MB: the report is far larger than a pipe's buffer.
    let items: Vec<String> = (0..40_000).map(|i| format!("item-{i:06}")).collect();
    let big = hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256"}),
        &json!({"sub": "u", "exp": FAR, "items": items}),
    );
    let file = sb.write("big.jwt", &big);
    let secret = sb.write("secret.txt", SECRET);
    std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let secret = format!("@{}", secret.display());
    for json in [false, true] {
        let mut cmd = sb.std_cmd();
        cmd.args(["inspect", "--secret", &secret, "--file"])
            .arg(&file);
        if json {
            cmd.arg("--json");
        }
        closes_quietly(cmd);
    }
    // The same through a shell pipeline into head, as people type it.
    if has_tool("bash") && has_tool("head") {
        let bin = assert_cmd::cargo::cargo_bin("tokenscope");
        let out = StdCommand::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; '{}' inspect --json --secret '{secret}' --file '{}' | head -1",
                bin.display(),
                file.display()
            ))
            .env("TOKENSCOPE_HOME", sb.home.path())
            .output()
            .expect("bash");
        assert!(out.status.success(), "{out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "{\n");
        assert!(out.stderr.is_empty(), "{out:?}");
    }
}

#[test]
fn a_closed_pipe_ends_completions_and_man_quietly() {
    let sb = Sandbox::new();
    let mut cmd = sb.std_cmd();
    cmd.args(["completions", "zsh"]);
    closes_quietly(cmd);
    let mut cmd = sb.std_cmd();
    cmd.arg("man");
    closes_quietly(cmd);
}

#[test]
fn errors_go_to_stderr_prefixed() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["inspect", "not-a-token"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty().or(predicate::str::contains("tokenscope:").not()))
        .stderr(predicate::str::starts_with("tokenscope: "));
}

#[test]
fn the_log_holds_fingerprints_not_tokens_or_secrets() {
    let sb = Sandbox::new();
    let log = sb.home.path().join("logs").join("tokenscope.log");
    sb.cmd()
        .args(["inspect", "--secret", SECRET])
        .arg(token())
        .assert()
        .success();
    assert!(!log.exists(), "logging is off by default");

    let tok = token();
    sb.cmd()
        .env("TOKENSCOPE_LOG", "debug")
        .args(["inspect", "--json", "--secret", SECRET])
        .arg(&tok)
        .assert()
        .success();
    let batch = sb.write("two.log", format!("{tok}\n{tok}\n"));
    sb.cmd()
        .args([
            "--log-level",
            "trace",
            "inspect",
            "--secret",
            SECRET,
            "--batch",
        ])
        .arg(&batch)
        .assert()
        .success();
    sb.cmd()
        .args([
            "--log-level",
            "info",
            "sign",
            "--template",
            "adictiz",
            "--secret",
            SECRET,
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&log).expect("log written");
    for event in [
        "command=\"inspect\"",
        "key ring loaded",
        "inspected",
        "batch done",
        "signed",
    ] {
        assert!(text.contains(event), "log lacks {event}:\n{text}");
    }
    assert!(text.contains("fingerprint=sha256:"), "{text}");
    assert!(!text.contains(SECRET), "the secret is in the log:\n{text}");
    assert!(!text.contains(&tok), "the token is in the log:\n{text}");
    for segment in tok.split('.').skip(1) {
        assert!(!text.contains(segment), "a token segment is in the log");
    }
    assert!(!text.contains('\x1b'), "no terminal codes in the log");
}
