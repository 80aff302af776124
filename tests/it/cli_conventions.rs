//! Shell conventions and what a hurried support person types, through the real binary: usage
//! errors prefixed `tokenscope:`, "did you mean" for a misspelt command, a file name given as
//! the token, help text on every flag, man pages that exist, `dir` keys and their reasons.

use crate::common;

use common::crypto::{b64url, encrypt};
use common::{Sandbox, inspect_json};
use serde_json::json;

#[test]
fn usage_errors_speak_as_tokenscope_and_show_a_plain_usage_line() {
    let sb = Sandbox::new();
    for args in [&["--bogus"][..], &["inspect", "--skew"], &["keys", "add"]] {
        let out = sb.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("tokenscope: "), "{args:?}: {stderr}");
        assert!(!stderr.contains("error:"), "{args:?}: {stderr}");
        assert!(!stderr.contains("--mouse <on|off> [TOKEN]"), "{stderr}");
    }
    let help = sb.cmd().arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("tokenscope [OPTIONS] <COMMAND>"));
}

#[test]
fn a_misspelt_command_is_a_usage_error_with_did_you_mean() {
    let sb = Sandbox::new();
    for (word, meant) in [("inspct", "inspect"), ("key", "keys"), ("sigh", "sign")] {
        let out = sb.cmd().arg(word).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{word}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("did you mean '{meant}'")),
            "{word}: {stderr}"
        );
    }
}

#[test]
fn a_file_name_given_as_the_token_suggests_file() {
    let sb = Sandbox::new();
    let path = sb.write("blocked.jwt", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
    let out = sb
        .cmd()
        .current_dir(sb.home.path())
        .args(["inspect", "blocked.jwt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "'blocked.jwt' is a file: read it with `tokenscope inspect --file blocked.jwt`"
        ),
        "{stderr}"
    );
    let ok = sb
        .cmd()
        .args(["inspect", "--file"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(3));
}

/// Every flag of every command has help text (clap's definitions walked).
#[test]
fn every_flag_has_help_text() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") || arg.is_hide_set() {
                continue;
            }
            if arg
                .get_help()
                .is_none_or(|h| h.to_string().trim().is_empty())
            {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&tokenscope::cli::command(), "tokenscope", &mut missing);
    assert!(missing.is_empty(), "flags without help: {missing:?}");
    let sb = Sandbox::new();
    let out = sb.cmd().args(["keys", "gen", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for help in [
        "Key id to store with the key",
        "Allowed algs",
        "Replace an existing key of the same name",
    ] {
        assert!(
            text.contains(help),
            "keys gen --help lacks {help:?}:\n{text}"
        );
    }
}

#[test]
fn man_pages_list_only_pages_that_exist() {
    let sb = Sandbox::new();
    let dir = sb.home.path().join("man");
    sb.cmd()
        .args(["man", "--out-dir"])
        .arg(&dir)
        .assert()
        .success();
    let pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for page in &pages {
        let text = std::fs::read_to_string(dir.join(page)).unwrap();
        for cited in text
            .split_whitespace()
            .filter(|w| w.contains("tokenscope-"))
        {
            let name = cited
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '(' && c != ')')
                .replace("\\-", "-");
            if let Some(stem) = name.strip_suffix("(1)") {
                assert!(
                    pages.contains(&format!("{stem}.1")),
                    "{page} lists {stem}(1), which is not written"
                );
            }
        }
    }
    let single = sb.cmd().arg("man").output().unwrap();
    assert!(!String::from_utf8_lossy(&single.stdout).contains("help(1)"));
}

#[test]
fn keys_gen_makes_dir_secrets_sized_for_their_enc() {
    let sb = Sandbox::new();
    for (enc, len) in [("A128GCM", 16), ("A256GCM", 32), ("A256CBC-HS512", 64)] {
        let name = format!("dir-{}", enc.to_lowercase());
        sb.cmd()
            .args(["keys", "gen", &name, "--type", "dir", "--enc", enc])
            .assert()
            .success();
        let out = sb
            .cmd()
            .args(["keys", "show", &name, "--json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["keys"][0]["secret_len"], len, "{enc}: {v}");
        assert_eq!(v["algs"], json!(["dir", enc]), "{enc}: {v}");
    }
    let out = sb
        .cmd()
        .args(["keys", "gen", "x", "--type", "hmac", "--enc", "A128GCM"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--type dir"));
}

#[test]
fn a_wrong_dir_secret_says_why_in_words() {
    let sb = Sandbox::new();
    let dir = josekit::jwe::Dir.encrypter_from_bytes([1u8; 32]).unwrap();
    let token = encrypt(&dir, "A256GCM", None, b"{}");
    let wrong = sb.write(
        "w.jwk",
        json!({"kty": "oct", "k": b64url(&[2u8; 32])}).to_string(),
    );
    let (_, out) = inspect_json(&sb, &["--key-file", &wrong.display().to_string()], &token);
    let detail = out["layers"][0]["attempts"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains(
            "the authentication tag does not match: wrong secret, or the token was altered"
        ),
        "{detail}"
    );
    let short = sb.write(
        "s.jwk",
        json!({"kty": "oct", "k": b64url(&[2u8; 16])}).to_string(),
    );
    let (_, out) = inspect_json(&sb, &["--key-file", &short.display().to_string()], &token);
    let detail = out["layers"][0]["attempts"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("needs a 32-byte key, this secret has 16 bytes"),
        "{detail}"
    );
}
