//! The rules engine through the real binary: every canPlay x nb x cw x label combination
//! against RULES.md's tables, the edge cases of the issue, campaign files, profiles.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::crypto::{b64url, hmac_token};
use common::{Sandbox, fixtures, json_of};
use predicates::prelude::*;
use serde_json::{Map, Value, json};

const SECRET: &str = "qualifio-test-secret-0123456789abcdef";
const FAR: i64 = 4_102_444_800;

fn token(claims: &Value) -> String {
    hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256", "typ": "JWT"}),
        claims,
    )
}

fn inspect(sb: &Sandbox, args: &[&str], token: &str) -> (i32, Value) {
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json", "--secret", SECRET])
        .args(args)
        .arg(token);
    json_of(&mut cmd)
}

fn ids(out: &Value) -> Vec<String> {
    out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

fn finding<'a>(out: &'a Value, id: &str) -> &'a Value {
    out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no finding {id} in {}", out["findings"]))
}

/// RULES.md section 3, "Participation": the outcome, nb and nb_ignored, from the table alone.
fn participation(can_play: &Option<Value>, nb: &Option<Value>) -> (&'static str, Value, bool) {
    let nb_int = nb.as_ref().and_then(|v| v.as_i64()).filter(|n| *n >= 0);
    let nb_ok = nb.is_none() || nb_int.is_some();
    match can_play {
        // nb is reported as seen (when an integer) and marked ignored.
        Some(Value::Bool(false)) => (
            "blocked",
            nb_int.map_or(Value::Null, |n| json!(n)),
            nb.is_some(),
        ),
        Some(Value::Bool(true)) if !nb_ok => ("invalid", Value::Null, false),
        Some(Value::Bool(true)) => match nb_int {
            Some(n) => ("limited", json!(n), false),
            None => ("allowed", Value::Null, false),
        },
        Some(_) => ("invalid", Value::Null, false),
        None => match (nb_int, nb) {
            (Some(n), _) => ("limited", json!(n), false),
            (None, None) => ("invalid", Value::Null, false),
            (None, Some(_)) => ("invalid", Value::Null, false),
        },
    }
}

/// RULES.md section 3, "Winning": the outcome and label_ignored.
fn win(cw: &Option<Value>, label: &Option<Value>) -> (&'static str, bool) {
    let label_str = label
        .as_ref()
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let label_bad = label.as_ref().is_some_and(|l| !l.is_string());
    match cw {
        Some(Value::Bool(false)) => ("cannot_win", label.is_some()),
        Some(Value::Bool(true)) if label_bad => ("invalid", false),
        Some(Value::Bool(true)) => (
            if label_str.is_some() {
                "given_prize"
            } else {
                "any_prize"
            },
            false,
        ),
        Some(_) => ("invalid", false),
        None if label_bad => ("invalid", false),
        None => (
            if label_str.is_some() {
                "given_prize"
            } else {
                "standard"
            },
            false,
        ),
    }
}

#[test]
fn every_combination_of_can_play_nb_cw_and_label() {
    let sb = Sandbox::new();
    let can_plays = [
        Some(json!(true)),
        Some(json!(false)),
        None,
        Some(json!("true")),
    ];
    let nbs = [Some(json!(3)), Some(json!(0)), None, Some(json!("3"))];
    let cws = [
        Some(json!(true)),
        Some(json!(false)),
        None,
        Some(json!("false")),
    ];
    let labels = [Some(json!("Prize")), None, Some(json!(5))];
    let mut checked = 0;
    for can_play in &can_plays {
        for nb in &nbs {
            for cw in &cws {
                for label in &labels {
                    let mut limit = Map::new();
                    if let Some(v) = can_play {
                        limit.insert("canPlay".into(), v.clone());
                    }
                    if let Some(v) = nb {
                        limit.insert("nb".into(), v.clone());
                    }
                    let mut gift = Map::new();
                    if let Some(v) = cw {
                        gift.insert("cw".into(), v.clone());
                    }
                    if let Some(v) = label {
                        gift.insert("label".into(), v.clone());
                    }
                    let claims = json!({
                        "sub": "u1", "exp": FAR, "nbf": 1_700_000_000, "campaignId": "123456",
                        "limit": limit, "gift": gift,
                    });
                    let (code, out) = inspect(&sb, &["--profile", "qualifio"], &token(&claims));
                    let case = format!(
                        "canPlay {can_play:?} nb {nb:?} cw {cw:?} label {label:?}: {}",
                        out["verdict"]
                    );
                    let (p, p_nb, nb_ignored) = participation(can_play, nb);
                    let (w, label_ignored) = win(cw, label);
                    let v = &out["verdict"];
                    assert_eq!(v["profile"], "qualifio", "{case}");
                    assert_eq!(v["participation"]["outcome"], p, "{case}");
                    // nb is reported as seen whenever it is a non-negative integer.
                    let seen_nb = nb
                        .as_ref()
                        .and_then(Value::as_i64)
                        .filter(|n| *n >= 0)
                        .map_or(Value::Null, |n| json!(n));
                    if p == "limited" {
                        assert_eq!(p_nb, seen_nb, "{case}");
                    }
                    assert_eq!(v["participation"]["nb"], seen_nb, "{case}");
                    assert_eq!(v["participation"]["nb_ignored"], nb_ignored, "{case}");
                    assert_eq!(v["win"]["outcome"], w, "{case}");
                    assert_eq!(v["win"]["label_ignored"], label_ignored, "{case}");
                    let tables: Vec<&str> = v["path"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|s| s["table"].as_str().unwrap())
                        .collect();
                    assert!(
                        tables.iter().any(|t| t.starts_with("participation")),
                        "{case}"
                    );
                    assert!(tables.iter().any(|t| t.starts_with("win")), "{case}");
                    // accepted follows RULES.md: every layer verified and no error finding.
                    let accepted = p != "invalid" && w != "invalid";
                    assert_eq!(out["accepted"], accepted, "{case} {}", out["findings"]);
                    assert_eq!(code, if accepted { 0 } else { 1 }, "{case}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 192);
}

#[test]
fn limit_and_gift_absent_are_standard_under_every_profile() {
    let sb = Sandbox::new();
    let claims = json!({"sub": "u1", "exp": FAR, "campaignId": "1", "partnerUserID": "p"});
    for profile in ["qualifio", "adictiz", "xtremepush", "generic"] {
        let (_, out) = inspect(&sb, &["--profile", profile], &token(&claims));
        assert_eq!(out["verdict"]["profile"], profile);
        assert_eq!(
            out["verdict"]["participation"]["outcome"], "standard",
            "{profile}"
        );
        assert_eq!(out["verdict"]["win"]["outcome"], "standard", "{profile}");
    }
}

#[test]
fn edge_cases_of_the_issue_each_with_id_claim_and_source() {
    let sb = Sandbox::new();
    let base = |extra: Value| {
        let mut c = json!({"sub": "u1", "exp": FAR, "nbf": 1_700_000_000, "campaignId": "123456"});
        for (k, v) in extra.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "qualifio",
            base(json!({"limit": {"canPlay": "true"}})),
            "qualifio.limit.canplay_type",
            "/limit/canPlay",
        ),
        (
            "qualifio",
            base(json!({"limit": {"canPlay": true, "nb": "3"}})),
            "qualifio.limit.nb_type",
            "/limit/nb",
        ),
        (
            "qualifio",
            base(json!({"limit": {"canPlay": true, "nb": -1}})),
            "qualifio.limit.nb_type",
            "/limit/nb",
        ),
        (
            "qualifio",
            base(json!({"limit": {"canPlay": true, "nb": 1.5}})),
            "qualifio.limit.nb_type",
            "/limit/nb",
        ),
        (
            "qualifio",
            base(json!({"limit": {"canPlay": true, "nb": 0}})),
            "qualifio.limit.nb_zero",
            "/limit/nb",
        ),
        (
            "qualifio",
            base(json!({"limit": {}})),
            "qualifio.limit.empty",
            "/limit",
        ),
        (
            "qualifio",
            base(json!({"gift": {}})),
            "qualifio.gift.empty",
            "/gift",
        ),
        (
            "qualifio",
            base(json!({"gift": {"cw": "false"}})),
            "qualifio.gift.cw_type",
            "/gift/cw",
        ),
        (
            "qualifio",
            base(json!({"gift": {"cw": true, "label": ""}})),
            "qualifio.gift.label_empty",
            "/gift/label",
        ),
        (
            "qualifio",
            base(json!({"campaignId": 123456})),
            "qualifio.campaign_id.type",
            "/campaignId",
        ),
        (
            "qualifio",
            base(json!({"exp": FAR * 1000})),
            "generic.time.milliseconds",
            "/exp",
        ),
        (
            "qualifio",
            base(json!({"optin": {"newsletter": "yes"}})),
            "qualifio.optin.value",
            "/optin/newsletter",
        ),
        (
            "adictiz",
            json!({"partnerUserId": "p1"}),
            "adictiz.partner_user_id.case",
            "/partnerUserId",
        ),
        (
            "adictiz",
            json!({"partnerUserID": "p1", "birthday": "31/02/2020"}),
            "adictiz.birthday.date",
            "/birthday",
        ),
        (
            "adictiz",
            json!({"partnerUserID": "p1", "civility": "Mr"}),
            "adictiz.civility.format",
            "/civility",
        ),
        (
            "xtremepush",
            json!({"sub": "u1", "exp": FAR}),
            "xtremepush.alg",
            "/header/alg",
        ),
    ];
    for (profile, claims, id, claim) in cases {
        let (code, out) = inspect(&sb, &["--profile", profile], &token(&claims));
        let f = finding(&out, id);
        assert_eq!(f["claim"], claim, "{id}");
        assert!(!f["message"].as_str().unwrap().is_empty(), "{id}");
        let source = f["source"].as_str().unwrap();
        assert!(
            source.starts_with("Qualifio")
                || source.starts_with("Adictiz")
                || source.starts_with("Xtremepush")
                || source.starts_with("RFC"),
            "{id}: source {source}"
        );
        let error = f["severity"] == "error";
        if error {
            assert_eq!(code, 1, "{id}");
        }
    }
    // partnerUserId: the message says what to send instead.
    let (_, out) = inspect(
        &sb,
        &["--profile", "adictiz"],
        &token(&json!({"partnerUserId": "p1"})),
    );
    assert!(
        finding(&out, "adictiz.partner_user_id.case")["message"]
            .as_str()
            .unwrap()
            .contains("partnerUserID")
    );
}

#[test]
fn the_example_payload_of_doc_001_is_born_expired() {
    let sb = Sandbox::new();
    let claims = json!({
        "sub": "1234567890", "iat": 1619102989, "exp": 1619101489, "iss": "ABC Company",
        "campaignId": "123456", "gift": {"cw": true, "label": "five-night getaway to Lanzarote"}
    });
    let (code, out) = inspect(&sb, &["--at", "2021-04-22T14:00:00Z"], &token(&claims));
    assert_eq!(code, 1);
    assert_eq!(
        out["verdict"]["profile"], "qualifio",
        "auto-detected from campaignId"
    );
    assert_eq!(finding(&out, "generic.exp.before_iat")["claim"], "/exp");
    assert_eq!(out["verdict"]["win"]["outcome"], "given_prize");
}

#[test]
fn nbf_in_the_future_within_and_beyond_the_skew() {
    let sb = Sandbox::new();
    let at = 1_700_000_000;
    let within = token(&json!({"sub": "u", "exp": FAR, "nbf": at + 30}));
    let beyond = token(&json!({"sub": "u", "exp": FAR, "nbf": at + 600}));
    let at_arg = at.to_string();
    let (code, out) = inspect(&sb, &["--at", &at_arg], &within);
    assert_eq!(code, 0, "{out}");
    let (code, out) = inspect(&sb, &["--at", &at_arg], &beyond);
    assert_eq!(code, 1);
    assert!(ids(&out).contains(&"generic.nbf.not_yet_valid".to_string()));
}

#[test]
fn qualifio_jwe_with_bare_claims_is_reported() {
    let sb = Sandbox::new();
    let cek = [9u8; 32];
    let claims = json!({"sub": "u1", "exp": FAR, "campaignId": "123456"});
    let enc = josekit::jwe::Dir.encrypter_from_bytes(cek).unwrap();
    let jwe = common::crypto::encrypt(&enc, "A256GCM", None, claims.to_string().as_bytes());
    let key = sb.write(
        "dir.jwk",
        json!({"kty": "oct", "k": b64url(&cek)}).to_string(),
    );
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json", "--profile", "qualifio", "--key-file"])
        .arg(&key)
        .arg(&jwe);
    let (code, out) = json_of(&mut cmd);
    assert_eq!(code, 1, "{out}");
    assert!(
        ids(&out).contains(&"qualifio.jwe.not_nested".to_string()),
        "{:?}",
        ids(&out)
    );
}

#[test]
fn campaign_files_check_id_form_and_optins() {
    let sb = Sandbox::new();
    for file in ["campaign.toml", "campaign.json"] {
        let path = fixtures().join(file);
        let claims = json!({
            "sub": "u1", "exp": FAR, "nbf": 1_700_000_000, "campaignId": "999",
            "form": {"country": "be", "nickname": "x"}, "optin": {"newsletter": 1, "sms": 0}
        });
        let mut cmd = sb.cmd();
        cmd.args(["inspect", "--json", "--secret", SECRET, "--campaign"])
            .arg(&path)
            .arg(token(&claims));
        let (code, out) = json_of(&mut cmd);
        assert_eq!(code, 1, "{file}");
        let found = ids(&out);
        for id in [
            "qualifio.campaign_id.mismatch",
            "qualifio.form.case_mismatch",
            "qualifio.form.unknown_variable",
            "qualifio.optin.unknown_variable",
        ] {
            assert!(
                found.contains(&id.to_string()),
                "{file}: {id} missing from {found:?}"
            );
        }
        assert!(
            finding(&out, "qualifio.form.case_mismatch")["message"]
                .as_str()
                .unwrap()
                .contains("did you mean")
        );
    }
    let bad = sb.write("bad.toml", "id = \"1\"\nprizes = \"three\"\n");
    sb.cmd()
        .args(["inspect", "--campaign"])
        .arg(&bad)
        .arg(token(&json!({"sub": "u"})))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml").and(predicate::str::contains("line 2")));
}

#[test]
fn the_verifying_key_tag_chooses_the_profile() {
    let sb = Sandbox::new();
    sb.cmd()
        .args([
            "keys",
            "add",
            "xp",
            "--secret",
            SECRET,
            "--profile",
            "xtremepush",
        ])
        .assert()
        .success();
    let t = token(&json!({"sub": "u1", "exp": FAR}));
    let (code, out) = json_of(sb.cmd().args(["inspect", "--json", &t]));
    assert_eq!(
        out["verdict"]["profile"], "xtremepush",
        "{}",
        out["verdict"]
    );
    assert!(
        ids(&out).contains(&"xtremepush.alg".to_string()),
        "HS256 is not RS256"
    );
    assert_eq!(code, 1);
}

#[test]
fn human_report_marks_the_deciding_rows() {
    let sb = Sandbox::new();
    let claims = json!({"sub": "u1", "exp": FAR, "campaignId": "1", "limit": {"canPlay": false, "nb": 2}, "gift": {"cw": false, "label": "x"}});
    sb.cmd()
        .args(["inspect", "--secret", SECRET, &token(&claims)])
        .assert()
        .stdout(predicate::str::contains(
            "  > present  false    any (ignored)  blocked",
        ))
        .stdout(predicate::str::contains(
            "  > false      yes (ignored)  cannot_win",
        ))
        .stdout(predicate::str::contains("Findings (profile qualifio)"));
}
