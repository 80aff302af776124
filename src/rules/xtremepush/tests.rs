use serde_json::{Value, json};

use crate::profile::Profile;
use crate::report::Severity::{Error, Warning};
use crate::rules::testkit::*;
use crate::rules::{ParticipationOutcome, PlaintextKind, RulesOutcome, WinOutcome, ids};

fn xp(header: Value, payload: Value) -> RulesOutcome {
    Fixture::jws(header, payload)
        .profile(Profile::Xtremepush)
        .eval()
}

fn payload() -> Value {
    json!({"sub": "user_88421", "exp": AT + 600})
}

#[test]
fn clean_token_has_no_findings() {
    let out = xp(rs256(), payload());
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    assert_eq!(
        out.verdict.participation.outcome,
        ParticipationOutcome::Standard
    );
    assert_eq!(out.verdict.win.outcome, WinOutcome::Standard);
}

#[test]
fn hs256_signed_token_is_an_error() {
    let out = xp(hs256(), payload());
    let f = expect(&out, ids::XTREMEPUSH_ALG.id, Error, "/header/alg");
    assert!(
        f.message.contains("\"HS256\"") && f.message.contains("RS256"),
        "{}",
        f.message
    );
    assert_eq!(
        f.source,
        "Xtremepush \"Manage User Authentication\", JWT Token and Payload"
    );
}

#[test]
fn other_rsa_algs_are_errors_too() {
    for alg in ["RS512", "PS256", "ES256"] {
        let out = xp(json!({"alg": alg, "typ": "JWT"}), payload());
        one(&out, ids::XTREMEPUSH_ALG.id);
    }
}

#[test]
fn typ_must_be_jwt() {
    let out = xp(json!({"alg": "RS256"}), payload());
    let f = expect(&out, ids::XTREMEPUSH_TYP.id, Error, "/header/typ");
    assert!(f.message.contains("missing"), "{}", f.message);
    let out = xp(json!({"alg": "RS256", "typ": "at+jwt"}), payload());
    one(&out, ids::XTREMEPUSH_TYP.id);
}

#[test]
fn sub_and_exp_are_required() {
    let out = xp(rs256(), json!({}));
    expect(&out, ids::XTREMEPUSH_SUB_MISSING.id, Error, "/sub");
    expect(&out, ids::XTREMEPUSH_EXP_MISSING.id, Error, "/exp");
    absent(&out, ids::GENERIC_EXP_MISSING.id);
    let out = xp(rs256(), json!({"sub": 88421, "exp": AT + 60}));
    expect(&out, ids::XTREMEPUSH_SUB_TYPE.id, Warning, "/sub");
}

#[test]
fn several_keys_and_no_kid_is_a_warning() {
    let mut f = Fixture::jws(rs256(), payload()).profile(Profile::Xtremepush);
    f.keyring.xtremepush_keys = 2;
    let out = f.eval();
    let w = expect(&out, ids::XTREMEPUSH_KID_MISSING.id, Warning, "/header/kid");
    assert!(w.message.starts_with("2 xtremepush keys"), "{}", w.message);
    let mut f = Fixture::jws(
        json!({"alg": "RS256", "typ": "JWT", "kid": "primary"}),
        payload(),
    )
    .profile(Profile::Xtremepush);
    f.keyring.xtremepush_keys = 2;
    absent(&f.eval(), ids::XTREMEPUSH_KID_MISSING.id);
    let mut f = Fixture::jws(rs256(), payload()).profile(Profile::Xtremepush);
    f.keyring.xtremepush_keys = 1;
    absent(&f.eval(), ids::XTREMEPUSH_KID_MISSING.id);
}

#[test]
fn selected_by_the_key_tag() {
    let mut key = rsa_public("xp-primary");
    key.profile = Some(Profile::Xtremepush);
    let out = Fixture::jws(hs256(), payload()).verified_by(key).eval();
    assert_eq!(out.profile, Profile::Xtremepush);
    one(&out, ids::XTREMEPUSH_ALG.id);
}

#[test]
fn a_jwe_is_an_error() {
    let out = Fixture::jwe(
        json!({"alg": "dir", "enc": "A256GCM"}),
        Some(rs256()),
        payload(),
        PlaintextKind::NestedJws,
    )
    .profile(Profile::Xtremepush)
    .eval();
    expect(&out, ids::XTREMEPUSH_JWE.id, Error, "");
    absent(&out, ids::XTREMEPUSH_ALG.id);
}

#[test]
fn checklist_has_sub_and_exp() {
    let items = crate::rules::checklist(Profile::Xtremepush, Some(&json!({"sub": "u"})));
    let got: Vec<(&str, bool, bool)> = items
        .iter()
        .map(|i| (i.claim.as_str(), i.present, i.ok))
        .collect();
    assert_eq!(got, vec![("/sub", true, true), ("/exp", false, false)]);
}
