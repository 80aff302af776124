use std::path::{Path, PathBuf};

use serde_json::json;

use super::*;
use crate::report::Severity::{Error, Warning};
use crate::rules::testkit::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write temp campaign file");
    p
}

#[test]
fn example_files_parse_and_agree() {
    let toml = Campaign::from_path(&fixture("campaign.toml")).expect("campaign.toml");
    let json = Campaign::from_path(&fixture("campaign.json")).expect("campaign.json");
    assert_eq!(toml, json);
    assert_eq!(toml.id, "123456");
    assert_eq!(toml.profile, Some(Profile::Qualifio));
    assert_eq!(toml.signature, Some(SignatureMethod::PublicKey));
    assert_eq!(toml.keys, vec!["qualifio-prod"]);
    assert_eq!(toml.jwe, Some(false));
    assert_eq!(toml.prizes, Some(3));
    let form = toml.form.clone().unwrap_or_default();
    assert_eq!(form.get("country").map(Vec::len), Some(3));
    assert_eq!(form.get("firstname").map(Vec::len), Some(0));
    assert_eq!(toml.optins.as_deref().map(<[String]>::len), Some(2));
}

#[test]
fn minimal_file_needs_only_an_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Campaign::from_path(&write(&dir, "c.toml", "id = \"42\"\n")).expect("parse");
    assert_eq!(
        c,
        Campaign {
            id: "42".into(),
            ..Campaign::default()
        }
    );
}

#[test]
fn toml_unknown_key_names_file_line_column_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        &dir,
        "typo.toml",
        "id = \"1\"\nprofile = \"qualifio\"\nprizez = 3\n",
    );
    let err = Campaign::from_path(&p).expect_err("unknown key");
    match &err {
        CampaignError::Parse {
            line,
            column,
            message,
            format,
            ..
        } => {
            assert_eq!((*line, *column), (3, 1), "{message}");
            assert_eq!(*format, "TOML");
            assert!(message.contains("prizez"), "{message}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("typo.toml") && text.contains("line 3, column 1") && text.contains("prizez"),
        "{text}"
    );
}

#[test]
fn toml_bad_value_names_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(&dir, "bad.toml", "id = \"1\"\nsignature = \"rsa\"\n");
    let err = Campaign::from_path(&p).expect_err("bad signature");
    let text = err.to_string();
    assert!(text.contains("line 2") && text.contains("rsa"), "{text}");
}

#[test]
fn json_unknown_key_names_file_line_column_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        &dir,
        "typo.json",
        "{\n  \"id\": \"1\",\n  \"optin\": [\"a\"]\n}\n",
    );
    let err = Campaign::from_path(&p).expect_err("unknown key");
    match &err {
        CampaignError::Parse {
            line,
            format,
            message,
            ..
        } => {
            assert_eq!(*line, 3, "{message}");
            assert_eq!(*format, "JSON");
            assert!(message.contains("optin"), "{message}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("typo.json") && text.contains("line 3, column"),
        "{text}"
    );
}

#[test]
fn json_syntax_error_names_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(&dir, "broken.json", "{\"id\": \"1\",\n \"jwe\": tru}\n");
    let err = Campaign::from_path(&p).expect_err("syntax");
    assert!(matches!(err, CampaignError::Parse { line: 2, .. }), "{err}");
}

#[test]
fn other_extensions_are_tried_as_toml_then_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Campaign::from_path(&write(&dir, "c.conf", "id = \"7\"\njwe = true\n")).expect("toml");
    assert_eq!(c.jwe, Some(true));
    let c =
        Campaign::from_path(&write(&dir, "c.txt", "{\"id\": \"8\", \"prizes\": 0}")).expect("json");
    assert_eq!(c.prizes, Some(0));
    let err = Campaign::from_path(&write(&dir, "c.cfg", "{\"id\": 8}")).expect_err("json error");
    assert!(
        matches!(err, CampaignError::Parse { format: "JSON", .. }),
        "{err}"
    );
}

#[test]
fn empty_id_and_missing_file_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = Campaign::from_path(&write(&dir, "e.toml", "id = \" \"\n")).expect_err("empty id");
    assert!(matches!(err, CampaignError::Invalid { .. }), "{err}");
    let err = Campaign::from_path(&dir.path().join("nope.toml")).expect_err("missing");
    assert!(matches!(err, CampaignError::Read { .. }));
    assert!(err.to_string().contains("nope.toml"));
    let err =
        Campaign::from_path(&write(&dir, "m.toml", "profile = \"qualifio\"\n")).expect_err("no id");
    assert!(err.to_string().contains("id"), "{err}");
}

#[test]
fn jwks_members_belong_to_their_store_entry() {
    let c = Campaign {
        id: "1".into(),
        keys: vec!["qualifio-jwks".into()],
        ..Campaign::default()
    };
    assert!(c.lists_key("qualifio-jwks"));
    assert!(c.lists_key("qualifio-jwks#k1"));
    assert!(!c.lists_key("qualifio-jwks-old"));
}

// ---- Checks of the token against the campaign ---------------------------------------------

fn campaign() -> Campaign {
    Campaign::from_path(&fixture("campaign.toml")).expect("campaign.toml")
}

#[test]
fn matching_token_has_no_findings() {
    let mut key = rsa_public("qualifio-prod");
    key.profile = Some(Profile::Qualifio);
    let out = Fixture::jws(
        rs256(),
        qpayload(json!({"form": {"country": "BE"}, "optin": {"newsletter": "on"}, "gift": {"cw": true, "label": "x"}})),
    )
    .verified_by(key)
    .campaign(campaign())
    .eval();
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn profile_of_the_campaign_wins_in_auto_and_a_fixed_other_profile_is_a_warning() {
    let out = Fixture::jws(rs256(), json!({"sub": "u", "exp": AT + 60}))
        .campaign(campaign())
        .eval();
    assert_eq!(out.profile, Profile::Qualifio);
    assert!(out.verdict.profile_reason.contains("campaign file"));
    let out = Fixture::jws(rs256(), qpayload(json!({})))
        .profile(Profile::Generic)
        .campaign(campaign())
        .eval();
    expect(&out, ids::CAMPAIGN_PROFILE_MISMATCH.id, Warning, "");
}

#[test]
fn jwe_expected_or_not() {
    let mut c = campaign();
    c.jwe = Some(true);
    let out = Fixture::jws(rs256(), qpayload(json!({})))
        .campaign(c)
        .eval();
    expect(&out, ids::CAMPAIGN_JWE_EXPECTED.id, Error, "");
    let out = Fixture::jwe(
        json!({"alg": "dir", "enc": "A256GCM", "cty": "JWT"}),
        Some(rs256()),
        qpayload(json!({})),
        crate::rules::PlaintextKind::NestedJws,
    )
    .campaign(campaign())
    .eval();
    expect(&out, ids::CAMPAIGN_JWE_UNEXPECTED.id, Warning, "");
}

#[test]
fn signature_method_mismatch() {
    let out = Fixture::jws(hs256(), qpayload(json!({})))
        .campaign(campaign())
        .eval();
    expect(
        &out,
        ids::CAMPAIGN_SIGNATURE_MISMATCH.id,
        Error,
        "/header/alg",
    );
    let mut c = campaign();
    c.signature = Some(SignatureMethod::Hmac);
    let out = Fixture::jws(rs256(), qpayload(json!({})))
        .campaign(c.clone())
        .eval();
    one(&out, ids::CAMPAIGN_SIGNATURE_MISMATCH.id);
    let out = Fixture::jws(hs256(), qpayload(json!({})))
        .campaign(c)
        .eval();
    absent(&out, ids::CAMPAIGN_SIGNATURE_MISMATCH.id);
}

#[test]
fn key_outside_the_campaign_is_a_warning() {
    let out = Fixture::jws(rs256(), qpayload(json!({})))
        .verified_by(rsa_public("staging-key"))
        .campaign(campaign())
        .eval();
    let f = expect(&out, ids::CAMPAIGN_KEY_UNEXPECTED.id, Warning, "");
    assert!(
        f.message.contains("'staging-key'") && f.message.contains("qualifio-prod"),
        "{}",
        f.message
    );
}
