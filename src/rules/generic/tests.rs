use serde_json::json;

use crate::profile::Profile;
use crate::report::Severity::{Error, Info, Warning};
use crate::rules::testkit::*;
use crate::rules::{PlaintextKind, ids};

fn generic(header: serde_json::Value, payload: serde_json::Value) -> crate::rules::RulesOutcome {
    Fixture::jws(header, payload)
        .profile(Profile::Generic)
        .eval()
}

fn ok_payload() -> serde_json::Value {
    json!({"sub": "u1", "iat": AT - 10, "exp": AT + 600})
}

#[test]
fn clean_token_has_no_findings() {
    let out = generic(hs256(), ok_payload());
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn alg_none_in_any_case_is_an_error() {
    for alg in ["none", "None", "NONE", "nOnE"] {
        let out = generic(json!({"alg": alg}), ok_payload());
        let f = expect(&out, ids::GENERIC_ALG_NONE.id, Error, "/header/alg");
        assert!(f.message.contains(&format!("\"{alg}\"")), "{}", f.message);
    }
}

#[test]
fn alg_none_in_the_inner_header_of_a_nested_token() {
    let out = Fixture::jwe(
        json!({"alg": "dir", "enc": "A256GCM", "cty": "JWT"}),
        Some(json!({"alg": "none"})),
        ok_payload(),
        PlaintextKind::NestedJws,
    )
    .profile(Profile::Generic)
    .eval();
    expect(
        &out,
        ids::GENERIC_ALG_NONE.id,
        Error,
        "/layers/1/header/alg",
    );
}

#[test]
fn short_hmac_secret_is_a_warning() {
    let out = Fixture::jws(hs256(), ok_payload())
        .profile(Profile::Generic)
        .verified_by(secret_key("shop", 16))
        .eval();
    let f = expect(
        &out,
        ids::GENERIC_HMAC_SHORT_SECRET.id,
        Warning,
        "/header/alg",
    );
    assert!(
        f.message.contains("16 bytes") && f.message.contains("32"),
        "{}",
        f.message
    );
    assert_eq!(f.source, "RFC 7518 section 3.2");
}

#[test]
fn hmac_secret_thresholds_per_alg() {
    for (alg, min) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        let short = Fixture::jws(json!({"alg": alg}), ok_payload())
            .profile(Profile::Generic)
            .verified_by(secret_key("k", min - 1))
            .eval();
        one(&short, ids::GENERIC_HMAC_SHORT_SECRET.id);
        let enough = Fixture::jws(json!({"alg": alg}), ok_payload())
            .profile(Profile::Generic)
            .verified_by(secret_key("k", min))
            .eval();
        absent(&enough, ids::GENERIC_HMAC_SHORT_SECRET.id);
    }
}

#[test]
fn algorithm_confusion_is_an_error() {
    let out = Fixture::jws(hs256(), ok_payload())
        .profile(Profile::Generic)
        .refused("qualifio-rsa")
        .eval();
    let f = expect(&out, ids::GENERIC_ALG_CONFUSION.id, Error, "/header/alg");
    assert!(f.message.contains("'qualifio-rsa'"), "{}", f.message);
}

#[test]
fn key_references_in_the_header_are_warnings() {
    let out = generic(
        json!({"alg": "RS256", "jku": "https://evil.example/jwks", "x5u": "https://x", "x5c": ["MIIB"], "jwk": {"kty": "RSA", "n": "secretish", "e": "AQAB"}}),
        ok_payload(),
    );
    for m in ["jku", "x5u", "x5c", "jwk"] {
        let f = expect_at(
            &out,
            ids::GENERIC_HEADER_KEY_REFERENCE.id,
            Warning,
            &format!("/header/{m}"),
        );
        assert!(f.message.contains("never fetches"));
    }
    let jwk = out
        .findings
        .iter()
        .find(|f| f.claim == "/header/jwk")
        .map(|f| f.message.clone())
        .unwrap_or_default();
    assert!(
        !jwk.contains("secretish"),
        "key material must not be shown: {jwk}"
    );
}

#[test]
fn crit_unknown_extension_is_an_error() {
    let out = generic(
        json!({"alg": "HS256", "crit": ["exp"], "exp": 1}),
        ok_payload(),
    );
    expect(&out, ids::GENERIC_CRIT_UNKNOWN.id, Error, "/header/crit/0");
}

#[test]
fn crit_understood_extension_is_fine() {
    let out = generic(
        json!({"alg": "HS256", "crit": ["b64"], "b64": false}),
        ok_payload(),
    );
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn crit_empty_not_array_or_dangling_is_an_error() {
    let out = generic(json!({"alg": "HS256", "crit": []}), ok_payload());
    expect(&out, ids::GENERIC_CRIT_INVALID.id, Error, "/header/crit");
    let out = generic(json!({"alg": "HS256", "crit": "b64"}), ok_payload());
    expect(&out, ids::GENERIC_CRIT_INVALID.id, Error, "/header/crit");
    let out = generic(json!({"alg": "HS256", "crit": ["b64"]}), ok_payload());
    expect(&out, ids::GENERIC_CRIT_INVALID.id, Error, "/header/crit/0");
    let out = generic(json!({"alg": "HS256", "crit": [7]}), ok_payload());
    expect(&out, ids::GENERIC_CRIT_INVALID.id, Error, "/header/crit/0");
}

#[test]
fn duplicate_members_one_error_per_pointer() {
    let out = Fixture::jws(hs256(), ok_payload())
        .profile(Profile::Generic)
        .duplicates(&["/header/alg", "/limit/nb"])
        .eval();
    let dups: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.id == ids::GENERIC_DUPLICATE_MEMBER.id)
        .collect();
    assert_eq!(dups.len(), 2);
    assert_eq!(dups[0].claim, "/header/alg");
    assert!(dups[0].message.contains("header"));
    assert_eq!(dups[1].claim, "/limit/nb");
    assert!(dups[1].message.contains("payload"));
    assert!(dups.iter().all(|f| f.severity == Error));
}

#[test]
fn repeated_findings_of_one_id_stop_at_the_limit_and_say_how_many_more() {
    use crate::limits::MAX_FINDINGS_PER_ID;
    let pointers: Vec<String> = (0..MAX_FINDINGS_PER_ID + 23)
        .map(|i| format!("/m{i}"))
        .collect();
    let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
    let out = Fixture::jws(hs256(), ok_payload())
        .profile(Profile::Generic)
        .duplicates(&pointers)
        .eval();
    let dups: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.id == ids::GENERIC_DUPLICATE_MEMBER.id)
        .collect();
    assert_eq!(dups.len(), MAX_FINDINGS_PER_ID + 1);
    assert!(dups[..MAX_FINDINGS_PER_ID].iter().all(|f| f.more.is_none()));
    assert_eq!(
        dups[MAX_FINDINGS_PER_ID - 1].claim,
        format!("/m{}", MAX_FINDINGS_PER_ID - 1)
    );
    let last = dups[MAX_FINDINGS_PER_ID];
    assert_eq!(last.more, Some(23));
    assert_eq!((last.severity, last.claim.as_str()), (Error, ""));
    assert_eq!(last.source, ids::GENERIC_DUPLICATE_MEMBER.source);
    assert!(
        last.message
            .starts_with("… and 23 more generic.json.duplicate_member finding(s)"),
        "{}",
        last.message
    );
    assert_eq!(
        out.findings.iter().map(|f| f.weight()).sum::<usize>(),
        pointers.len()
    );
    // Exactly at the limit: no summary.
    let out = Fixture::jws(hs256(), ok_payload())
        .profile(Profile::Generic)
        .duplicates(&pointers[..MAX_FINDINGS_PER_ID])
        .eval();
    assert!(out.findings.iter().all(|f| f.more.is_none()));
    let dups = out
        .findings
        .iter()
        .filter(|f| f.id == ids::GENERIC_DUPLICATE_MEMBER.id);
    assert_eq!(dups.count(), MAX_FINDINGS_PER_ID);
}

#[test]
fn time_claim_as_string_is_an_error() {
    let out = generic(hs256(), json!({"exp": "1704070000"}));
    let f = expect(&out, ids::GENERIC_TIME_TYPE.id, Error, "/exp");
    assert!(
        f.message.contains("1704070000 without quotes"),
        "{}",
        f.message
    );
    let out = generic(hs256(), json!({"exp": AT + 60, "iat": true, "nbf": null}));
    expect_at(&out, "generic.time.type", Error, "/iat");
    expect_at(&out, "generic.time.type", Error, "/nbf");
    assert_eq!(
        out.findings
            .iter()
            .filter(|f| f.id == "generic.time.type")
            .count(),
        2
    );
}

#[test]
fn exp_in_milliseconds_is_a_warning() {
    let out = generic(hs256(), json!({"iat": AT, "exp": (AT + 600) * 1000}));
    let f = expect(&out, ids::GENERIC_TIME_MILLISECONDS.id, Warning, "/exp");
    assert!(
        f.message.contains(&format!("send {}", AT + 600)),
        "{}",
        f.message
    );
    // Read as seconds it is far in the future: not expired.
    absent(&out, ids::GENERIC_EXP_EXPIRED.id);
}

#[test]
fn expired_names_value_instant_and_age() {
    let out = generic(hs256(), json!({"exp": AT - 2 * 86_400}));
    let f = expect(&out, ids::GENERIC_EXP_EXPIRED.id, Error, "/exp");
    assert!(
        f.message
            .contains("expired 2 days before the evaluation instant 2024-01-01T00:00:00Z"),
        "{}",
        f.message
    );
    assert!(f.message.contains("2023-12-30T00:00:00Z"), "{}", f.message);
}

#[test]
fn exp_within_the_skew_is_not_expired() {
    let out = generic(hs256(), json!({"exp": AT - 30}));
    absent(&out, ids::GENERIC_EXP_EXPIRED.id);
    // Exactly at - skew is expired (exp <= at - skew).
    let out = generic(hs256(), json!({"exp": AT - 60}));
    one(&out, ids::GENERIC_EXP_EXPIRED.id);
}

#[test]
fn nbf_in_the_future_within_the_skew_is_fine() {
    let out = generic(hs256(), json!({"exp": AT + 600, "nbf": AT + 45}));
    absent(&out, ids::GENERIC_NBF_NOT_YET_VALID.id);
    let out = generic(hs256(), json!({"exp": AT + 600, "nbf": AT + 60}));
    absent(&out, ids::GENERIC_NBF_NOT_YET_VALID.id);
}

#[test]
fn nbf_in_the_future_beyond_the_skew_is_an_error() {
    let out = generic(hs256(), json!({"exp": AT + 6000, "nbf": AT + 600}));
    let f = expect(&out, ids::GENERIC_NBF_NOT_YET_VALID.id, Error, "/nbf");
    assert!(
        f.message
            .contains("10 minutes after the evaluation instant 2024-01-01T00:00:00Z"),
        "{}",
        f.message
    );
}

#[test]
fn iat_in_the_future_is_a_warning() {
    let out = generic(hs256(), json!({"exp": AT + 6000, "iat": AT + 3600}));
    let f = expect(&out, ids::GENERIC_IAT_FUTURE.id, Warning, "/iat");
    assert!(
        f.message.contains("1 hour") || f.message.contains("60 minutes"),
        "{}",
        f.message
    );
    let out = generic(hs256(), json!({"exp": AT + 6000, "iat": AT + 30}));
    absent(&out, ids::GENERIC_IAT_FUTURE.id);
}

#[test]
fn exp_before_iat_from_the_001_example_is_born_expired() {
    // The example payload of 001 "Code example" has exp 25 minutes before iat.
    let out = Fixture::jws(
        hs256(),
        json!({
            "sub": "1234567890",
            "iat": 1619102989,
            "exp": 1619101489,
            "iss": "ABC Company",
            "campaignId": "123456",
            "gift": {"cw": true, "label": "five-night getaway to Lanzarote"}
        }),
    )
    .eval();
    assert_eq!(out.profile, Profile::Qualifio);
    let f = expect(&out, ids::GENERIC_EXP_BEFORE_IAT.id, Error, "/exp");
    assert!(
        f.message.contains("25 minutes before iat 1619102989"),
        "{}",
        f.message
    );
    assert!(f.message.contains("2021-04-22T14:24:49Z"), "{}", f.message);
    // And at 2024 it is long expired, too.
    one(&out, ids::GENERIC_EXP_EXPIRED.id);
}

#[test]
fn exp_equal_to_iat_is_born_expired() {
    let out = generic(hs256(), json!({"iat": AT, "exp": AT}));
    let f = one(&out, ids::GENERIC_EXP_BEFORE_IAT.id);
    assert!(f.message.contains("equal to"), "{}", f.message);
}

#[test]
fn missing_exp_is_a_generic_warning() {
    let out = generic(hs256(), json!({"sub": "u1"}));
    expect(&out, ids::GENERIC_EXP_MISSING.id, Warning, "/exp");
}

#[test]
fn missing_exp_under_qualifio_and_xtremepush_is_only_the_profile_error() {
    let out = qualifio(qpayload(json!({"exp": null})));
    expect(&out, ids::QUALIFIO_EXP_MISSING.id, Error, "/exp");
    absent(&out, ids::GENERIC_EXP_MISSING.id);
    let out = Fixture::jws(rs256(), json!({"sub": "u"}))
        .profile(Profile::Xtremepush)
        .eval();
    expect(&out, ids::XTREMEPUSH_EXP_MISSING.id, Error, "/exp");
    absent(&out, ids::GENERIC_EXP_MISSING.id);
}

#[test]
fn missing_exp_under_adictiz_is_only_a_warning() {
    let out = Fixture::jws(hs256(), json!({"partnerUserID": "p1"})).eval();
    assert_eq!(out.profile, Profile::Adictiz);
    expect(&out, ids::GENERIC_EXP_MISSING.id, Warning, "/exp");
    no_errors(&out);
}

/// RULES.md section 2: a JWT whose payload is JSON but not an object is an error; the same
/// payload in a JWS that is not a JWT is opaque (info).
#[test]
fn non_object_payload_of_a_jwt_is_an_error_and_skips_claims() {
    let out = generic(hs256(), json!([1, 2]));
    expect(&out, ids::GENERIC_CLAIMS_NOT_OBJECT.id, Error, "");
    absent(&out, ids::GENERIC_EXP_MISSING.id);
    let mut opaque = Fixture::jws(json!({"alg": "HS256"}), json!(12));
    opaque.facts.is_jwt = false;
    let out = opaque.eval();
    expect(&out, ids::GENERIC_PAYLOAD_OPAQUE.id, Info, "");
    absent(&out, ids::GENERIC_CLAIMS_NOT_OBJECT.id);
    no_errors(&out);
}

#[test]
fn unreadable_payload_skips_claim_rules() {
    // A JWE that could not be decrypted: its claims are unknown, not missing.
    let mut f = Fixture::jws(hs256(), json!({}));
    f.payload = None;
    f.layers[0].kind = crate::report::TokenKind::Jwe;
    f.layers[0].status = crate::report::LayerStatus::NoKey;
    let out = f.profile(Profile::Qualifio).eval();
    absent(&out, ids::QUALIFIO_SUB_MISSING.id);
    absent(&out, ids::QUALIFIO_EXP_MISSING.id);
    assert!(
        out.findings
            .iter()
            .all(|f| f.severity != Info || f.id.starts_with("qualifio."))
    );
}

#[test]
fn fractional_numeric_date_is_accepted() {
    let out = generic(
        hs256(),
        json!({"iat": (AT as f64) - 0.5, "exp": (AT as f64) + 600.25}),
    );
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn huge_numeric_dates_do_not_panic() {
    let out = generic(
        hs256(),
        json!({"exp": 1e300, "nbf": u64::MAX, "iat": -1e300}),
    );
    one(&out, ids::GENERIC_NBF_NOT_YET_VALID.id);
    assert_eq!(
        out.findings
            .iter()
            .filter(|f| f.id == ids::GENERIC_TIME_MILLISECONDS.id)
            .count(),
        2
    );
}
