//! The configuration file through the binary: where it is, what `config show` says, `config
//! edit`, errors naming file, line and key, and flag > env > file > default.

use crate::common;

use std::path::{Path, PathBuf};

use common::Sandbox;
use common::crypto::hmac_token;
use predicates::prelude::*;
use serde_json::json;

const SECRET: &str = "config-test-secret-0123456789abcdef";
const AT: i64 = 1_700_000_000;

/// A token that expired 30 s before `AT`: accepted with a skew of 30 s or more, expired below.
fn expired_30s_ago() -> String {
    hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": "u", "iat": AT - 3600, "exp": AT - 30}),
    )
}

fn config_fixture(name: &str) -> PathBuf {
    common::fixtures().join("config").join(name)
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// Inspect the expiring token with the sandbox's settings plus `extra` args; true when the
/// expiry finding is reported.
fn is_expired(cmd: &mut assert_cmd::Command, extra: &[&str]) -> bool {
    cmd.args([
        "inspect",
        "--json",
        "--secret",
        SECRET,
        "--at",
        &AT.to_string(),
    ])
    .args(extra)
    .arg(expired_30s_ago());
    let (_, out) = common::json_of(cmd);
    out["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["id"] == "generic.exp.expired")
}

#[test]
fn skew_comes_from_flag_then_env_then_file_then_default() {
    let sb = Sandbox::new();
    // Default 60 s: 30 s late is within the skew.
    assert!(!is_expired(&mut sb.cmd(), &[]));
    sb.write("config.toml", "skew = 10\n");
    assert!(is_expired(&mut sb.cmd(), &[]), "file skew 10 applies");
    let mut cmd = sb.cmd();
    cmd.env("TOKENSCOPE_SKEW", "100");
    assert!(!is_expired(&mut cmd, &[]), "env beats the file");
    let mut cmd = sb.cmd();
    cmd.env("TOKENSCOPE_SKEW", "100");
    assert!(is_expired(&mut cmd, &["--skew", "5"]), "flag beats env");
    assert!(
        !is_expired(&mut sb.cmd(), &["--skew", "45"]),
        "flag beats file"
    );
}

#[test]
fn profile_comes_from_flag_then_env_then_file() {
    let sb = Sandbox::new();
    let profile = |cmd: &mut assert_cmd::Command, extra: &[&str]| {
        cmd.args(["inspect", "--json", "--secret", SECRET])
            .args(extra)
            .arg(expired_30s_ago());
        let (_, out) = common::json_of(cmd);
        out["verdict"]["profile"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(profile(&mut sb.cmd(), &[]), "generic");
    sb.write("config.toml", "profile = \"adictiz\"\n");
    assert_eq!(profile(&mut sb.cmd(), &[]), "adictiz");
    let mut cmd = sb.cmd();
    cmd.env("TOKENSCOPE_PROFILE", "xtremepush");
    assert_eq!(profile(&mut cmd, &[]), "xtremepush");
    let mut cmd = sb.cmd();
    cmd.env("TOKENSCOPE_PROFILE", "xtremepush");
    assert_eq!(profile(&mut cmd, &["--profile", "qualifio"]), "qualifio");
}

#[test]
fn sign_format_comes_from_the_file_unless_flagged() {
    let sb = Sandbox::new();
    sb.write("config.toml", "export_format = \"bearer\"\n");
    let sign = |extra: &[&str]| {
        let out = sb
            .cmd()
            .args(["sign", "--template", "adictiz", "--secret", SECRET])
            .args(extra)
            .output()
            .expect("run");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    assert!(sign(&[]).starts_with("Authorization: Bearer ey"));
    assert!(sign(&["--format", "raw"]).starts_with("ey"));
}

#[test]
fn config_file_location() {
    let sb = Sandbox::new();
    let home = sb.home.path().join("config.toml");
    sb.cmd()
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!("{}\n", home.display()));
    let other = sb.write("other.toml", "skew = 1\n");
    sb.cmd()
        .env("TOKENSCOPE_CONFIG", &other)
        .args(["config", "path"])
        .assert()
        .success()
        .stdout(format!("{}\n", other.display()));
    let flagged = sb.home.path().join("flagged.toml");
    sb.cmd()
        .env("TOKENSCOPE_CONFIG", &other)
        .args(["config", "path", "--config"])
        .arg(&flagged)
        .assert()
        .success()
        .stdout(format!("{}\n", flagged.display()));
}

#[test]
fn a_missing_default_file_is_no_error_but_a_named_one_is() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["config", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("missing: built-in defaults apply"))
        .stdout(predicate::str::contains(
            "skew = 60                                # default",
        ));
    let missing = sb.home.path().join("nope.toml");
    sb.cmd()
        .arg("--config")
        .arg(&missing)
        .args(["keys", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("tokenscope: config file '"))
        .stderr(predicate::str::contains(
            "does not exist (named by --config)",
        ));
}

#[test]
fn show_tells_where_each_value_came_from() {
    let sb = Sandbox::new();
    sb.write(
        "config.toml",
        "skew = 10\ntheme = \"light\"\ncampaigns = [\"campaigns/summer.toml\"]\n[keys]\nquit = \"ctrl-q\"\n",
    );
    let out = sb
        .cmd()
        .env("TOKENSCOPE_THEME", "high-contrast")
        .env("TOKENSCOPE_COLOR", "never")
        .args(["--log-level", "warn", "config", "show"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let source_of = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .and_then(|l| l.split_once(" # "))
            .map(|(_, s)| s.trim().to_string())
            .unwrap_or_else(|| panic!("no {key} in\n{text}"))
    };
    assert_eq!(source_of("skew"), "config file");
    assert_eq!(source_of("theme"), "env TOKENSCOPE_THEME");
    assert_eq!(source_of("color"), "env TOKENSCOPE_COLOR");
    assert_eq!(source_of("log_level"), "flag --log-level");
    assert_eq!(source_of("profile"), "default");
    assert_eq!(source_of("quit"), "config file");
    assert!(text.contains("theme = \"high-contrast\""), "{text}");
    let summer = sb.home.path().join("campaigns/summer.toml");
    assert!(
        text.contains(&format!("campaigns = [\"{}\"]", summer.display())),
        "relative campaign paths resolve beside the file:\n{text}"
    );
    // The output is TOML that reads back as a config file.
    let shown = sb.write("shown.toml", &text);
    sb.cmd()
        .arg("--config")
        .arg(shown)
        .args(["config", "show"])
        .assert()
        .success();
}

#[test]
fn edit_creates_the_file_from_the_example_and_checks_it() {
    let sb = Sandbox::new();
    let path = sb.home.path().join("config.toml");
    sb.cmd()
        .env("EDITOR", "sh -c 'echo skew = 5 >> \"$1\"' sh")
        .env_remove("VISUAL")
        .args(["config", "edit"])
        .assert()
        .success()
        .stderr(predicate::str::contains("created"))
        .stderr(predicate::str::contains("is valid"));
    let text = std::fs::read_to_string(&path).expect("created");
    assert!(
        text.starts_with("# tokenscope configuration file."),
        "{text}"
    );
    assert!(text.ends_with("skew = 5\n"), "{text}");
    sb.cmd()
        .args(["config", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "skew = 5                                 # config file",
        ));

    // VISUAL wins over EDITOR; a bad edit is reported and kept.
    sb.cmd()
        .env("VISUAL", "sh -c 'echo \"colr = 1\" >> \"$1\"' sh")
        .env("EDITOR", "false")
        .args(["config", "edit"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "tokenscope: config file '{}', line ",
            path.display()
        )))
        .stderr(predicate::str::contains("key 'colr'"))
        .stderr(predicate::str::contains("kept as edited"));
    let text = std::fs::read_to_string(&path).expect("kept");
    assert!(text.ends_with("skew = 5\ncolr = 1\n"), "{text}");

    // An editor that fails leaves the file alone and says so.
    sb.cmd()
        .env("VISUAL", "false")
        .args(["config", "edit"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the editor 'false' exited"));
}

/// One fixture per kind of mistake: the error names the file, the line and the key.
#[test]
fn bad_config_files_name_file_line_and_key() {
    let cases = [
        ("unknown-key.toml", 3, "colour", "unknown field `colour`"),
        ("wrong-type.toml", 4, "skew", "not string \"sixty\""),
        ("bad-enum.toml", 4, "time_display", "unknown value 'gmt'"),
        ("bad-key-spec.toml", 6, "keys.help", "bad key spec 'ctrl-'"),
        ("syntax-error.toml", 3, "theme", "invalid basic string"),
        (
            "unknown-command.toml",
            4,
            "keys.qiut",
            "unknown command 'qiut'",
        ),
    ];
    let sb = Sandbox::new();
    for (file, line, key, message) in cases {
        let path = config_fixture(file);
        let expected = format!(
            "tokenscope: config file '{}', line {line}, key '{key}': ",
            path.display()
        );
        for command in [
            &["inspect", "x"][..],
            &["config", "show"],
            &["keys", "list"],
        ] {
            sb.cmd()
                .arg("--config")
                .arg(&path)
                .args(command)
                .assert()
                .code(2)
                .stderr(predicate::str::starts_with(expected.clone()))
                .stderr(predicate::str::contains(message));
        }
        // The same file found through TOKENSCOPE_HOME.
        let home = tempfile::tempdir().expect("temp dir");
        std::fs::copy(&path, home.path().join("config.toml")).expect("copy");
        sb.cmd()
            .env("TOKENSCOPE_HOME", home.path())
            .args(["config", "show"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "line {line}, key '{key}'"
            )));
    }
}

#[test]
fn bad_environment_values_name_the_variable() {
    let sb = Sandbox::new();
    for (var, value, message) in [
        (
            "TOKENSCOPE_SKEW",
            "soon",
            "is a whole number of seconds from 0 to",
        ),
        (
            "TOKENSCOPE_PROFILE",
            "qualifo",
            "expected one of auto, generic",
        ),
        (
            "TOKENSCOPE_COLOR",
            "sometimes",
            "expected one of auto, always, never",
        ),
        ("TOKENSCOPE_LOG", "loud", "expected one of off, error"),
    ] {
        sb.cmd()
            .env(var, value)
            .args(["inspect", "x"])
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with(format!(
                "tokenscope: environment variable {var}='{value}': "
            )))
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn config_path_and_edit_work_with_a_broken_file() {
    let sb = Sandbox::new();
    sb.write("config.toml", "skew = \n");
    sb.cmd().args(["config", "path"]).assert().success();
    sb.cmd()
        .env("VISUAL", "sh -c 'echo \"skew = 7\" > \"$1\"' sh")
        .args(["config", "edit"])
        .assert()
        .success();
    sb.cmd()
        .args(["config", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("skew = 7 "));
}

#[test]
fn shipped_examples_parse() {
    let sb = Sandbox::new();
    for name in ["config.toml", "vim-keys.toml"] {
        let out = sb
            .cmd()
            .arg("--config")
            .arg(example(name))
            .args(["config", "show"])
            .output()
            .expect("run");
        assert!(out.status.success(), "{name}: {out:?}");
        if name == "vim-keys.toml" {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("down = \"j down\""), "{text}");
        }
    }
}

#[test]
fn config_colour_applies_to_inspect() {
    let sb = Sandbox::new();
    sb.write("config.toml", "color = \"always\"\n");
    let out = sb
        .cmd()
        .args(["inspect", "--secret", SECRET])
        .arg(expired_30s_ago())
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b["));
    let out = sb
        .cmd()
        .args(["inspect", "--color", "never", "--secret", SECRET])
        .arg(expired_30s_ago())
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn config_show_refuses_a_key_bound_to_two_commands() {
    let sb = common::Sandbox::new();
    sb.write("config.toml", "[keys]\ndown = \"j\"\ntop = \"j\"\n");
    sb.cmd()
        .args(["config", "show"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("key 'j' is bound to both"));
}

#[test]
fn campaign_files_listed_in_the_config_apply_to_inspect_and_batch() {
    let sb = Sandbox::new();
    let campaign = sb.write(
        "campaign.toml",
        "id = \"777\"\nprofile = \"qualifio\"\nsignature = \"hmac\"\nprizes = 1\n",
    );
    sb.write(
        "config.toml",
        format!("campaigns = [{:?}]\n", campaign.display().to_string()),
    );
    let secret = "config-campaign-secret-0123456789abcdef";
    let claims =
        json!({"sub": "u", "exp": 4_102_444_800i64, "nbf": 1_700_000_000, "campaignId": "123"});
    let token = hmac_token(
        "HS256",
        secret.as_bytes(),
        &json!({"alg": "HS256"}),
        &claims,
    );
    sb.cmd()
        .args(["inspect", "--json", "--secret", secret, &token])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("qualifio.campaign_id.mismatch"));
    let log = sb.write("log.txt", format!("{token}\n"));
    sb.cmd()
        .args(["inspect", "--secret", secret, "--batch"])
        .arg(&log)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("qualifio.campaign_id.mismatch"));
}
