//! Tests of tests, continued (19 tests; the module holds the shared helpers).

use super::*;

#[test]
fn jwe_whose_plaintext_is_bare_json_is_an_error() {
    let out = Fixture::jwe(
        json!({"alg": "dir", "enc": "A256GCM"}),
        None,
        qpayload(json!({})),
        PlaintextKind::Json,
    )
    .eval();
    assert_eq!(out.profile, Profile::Qualifio);
    let f = expect(&out, ids::QUALIFIO_JWE_NOT_NESTED.id, Error, "");
    assert!(f.message.contains("bare JSON claims"), "{}", f.message);
    assert_eq!(f.source, "Qualifio \"Secure token\", Token encryption");
    absent(&out, ids::QUALIFIO_JWE_CTY.id);
}

#[test]
fn inner_header_findings_point_into_the_inner_layer() {
    let out = Fixture::jwe(
        json!({"alg": "dir", "enc": "A256GCM", "cty": "JWT"}),
        Some(json!({"alg": "PS512"})),
        qpayload(json!({})),
        PlaintextKind::NestedJws,
    )
    .profile(Profile::Qualifio)
    .eval();
    expect(&out, ids::QUALIFIO_ALG.id, Error, "/layers/1/header/alg");
}

#[test]
fn sub_missing_is_an_error_and_a_number_a_warning() {
    let out = qualifio(qpayload(json!({"sub": null})));
    expect(&out, ids::QUALIFIO_SUB_MISSING.id, Error, "/sub");
    let out = qualifio(qpayload(json!({"sub": 1234})));
    let f = expect(&out, ids::QUALIFIO_SUB_NUMBER.id, Warning, "/sub");
    assert!(f.message.contains("\"sub\": \"1234\""), "{}", f.message);
    no_errors(&out);
    let out = qualifio(qpayload(json!({"sub": ["a"]})));
    expect(&out, ids::QUALIFIO_SUB_TYPE.id, Error, "/sub");
    let out = qualifio(qpayload(json!({"sub": ""})));
    expect(&out, ids::QUALIFIO_SUB_MISSING.id, Error, "/sub");
}

#[test]
fn campaign_id_as_a_number_is_an_error() {
    let out = qualifio(qpayload(json!({"campaignId": 123456})));
    let f = expect(
        &out,
        ids::QUALIFIO_CAMPAIGN_ID_TYPE.id,
        Error,
        "/campaignId",
    );
    assert!(
        f.message.contains("the number 123456") && f.message.contains("\"campaignId\": \"123456\""),
        "{}",
        f.message
    );
    assert_eq!(
        f.source,
        "Qualifio \"Secure token\", Qualifio mandatory field"
    );
}

#[test]
fn campaign_id_missing_says_did_you_mean() {
    let out = Fixture::jws(
        hs256(),
        qpayload(json!({"campaignId": null, "campaignID": "123456"})),
    )
    .profile(Profile::Qualifio)
    .eval();
    let f = expect(
        &out,
        ids::QUALIFIO_CAMPAIGN_ID_MISSING.id,
        Error,
        "/campaignId",
    );
    assert!(
        f.message.contains("did you mean 'campaignId'"),
        "{}",
        f.message
    );
    absent(&out, ids::QUALIFIO_MEMBER_CASE.id);
}

#[test]
fn campaign_id_mismatch_with_the_campaign_file() {
    let c = Campaign {
        id: "999".into(),
        ..Campaign::default()
    };
    let out = Fixture::jws(hs256(), qpayload(json!({})))
        .profile(Profile::Qualifio)
        .campaign(c.clone())
        .eval();
    let f = expect(
        &out,
        ids::QUALIFIO_CAMPAIGN_ID_MISMATCH.id,
        Error,
        "/campaignId",
    );
    assert!(
        f.message.contains("\"123456\"") && f.message.contains("\"999\""),
        "{}",
        f.message
    );
    // A number that matches is only a type error; one that does not is both.
    let out = Fixture::jws(hs256(), qpayload(json!({"campaignId": 999})))
        .profile(Profile::Qualifio)
        .campaign(c)
        .eval();
    one(&out, ids::QUALIFIO_CAMPAIGN_ID_TYPE.id);
    absent(&out, ids::QUALIFIO_CAMPAIGN_ID_MISMATCH.id);
}

#[test]
fn exp_missing_is_an_error_citing_000_and_001() {
    let out = qualifio(qpayload(json!({"exp": null})));
    let f = expect(&out, ids::QUALIFIO_EXP_MISSING.id, Error, "/exp");
    assert!(
        f.source.contains("Secure token") && f.source.contains("Required claims"),
        "{}",
        f.source
    );
}

#[test]
fn nbf_absent_is_info() {
    let out = qualifio(qpayload(json!({"nbf": null})));
    expect(&out, ids::QUALIFIO_NBF_MISSING.id, Info, "/nbf");
    no_errors(&out);
}

#[test]
fn miscased_top_level_member_is_an_error() {
    let out = qualifio(qpayload(json!({"Gift": {"cw": true}})));
    let f = expect(&out, ids::QUALIFIO_MEMBER_CASE.id, Error, "/Gift");
    assert!(f.message.contains("did you mean 'gift'"), "{}", f.message);
    win(&out, W::Standard, None, false);
}

#[test]
fn optin_yes_is_an_error() {
    let out = qualifio(qpayload(json!({"optin": {"newsletter": "yes"}})));
    let f = expect(
        &out,
        ids::QUALIFIO_OPTIN_VALUE.id,
        Error,
        "/optin/newsletter",
    );
    assert!(f.message.contains("\"yes\""), "{}", f.message);
}

#[test]
fn optin_allowed_values_pass() {
    let out = qualifio(qpayload(json!({"optin": {
        "a": 0, "b": 1, "c": "0", "d": "1", "e": true, "f": false, "g": "on", "h": "off"
    }})));
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    for bad in [
        json!(2),
        json!("ON"),
        json!(1.0),
        json!(null),
        json!("true"),
    ] {
        let out = qualifio(qpayload(json!({"optin": {"x": bad}})));
        one(&out, ids::QUALIFIO_OPTIN_VALUE.id);
    }
}

#[test]
fn optin_not_an_object_is_an_error() {
    let out = qualifio(qpayload(json!({"optin": ["newsletter"]})));
    expect(&out, ids::QUALIFIO_OPTIN_TYPE.id, Error, "/optin");
}

#[test]
fn unknown_optin_variable_is_a_warning() {
    let out = with_campaign(qpayload(json!({"optin": {"newsletter": 1, "partners": 0}})));
    expect(
        &out,
        ids::QUALIFIO_OPTIN_UNKNOWN.id,
        Warning,
        "/optin/partners",
    );
    let out = with_campaign(qpayload(json!({"optin": {"Newsletter": 1}})));
    let f = one(&out, ids::QUALIFIO_OPTIN_UNKNOWN.id);
    assert!(
        f.message.contains("did you mean 'newsletter'"),
        "{}",
        f.message
    );
}

#[test]
fn unknown_form_variable_is_a_warning() {
    let out = with_campaign(qpayload(json!({"form": {"lastname": "Lovelace"}})));
    let f = expect(
        &out,
        ids::QUALIFIO_FORM_UNKNOWN.id,
        Warning,
        "/form/lastname",
    );
    assert!(f.message.contains("country"), "{}", f.message);
    let out = with_campaign(qpayload(json!({"form": {"Country": "BE"}})));
    let f = one(&out, ids::QUALIFIO_FORM_UNKNOWN.id);
    assert!(
        f.message.contains("did you mean 'country'"),
        "{}",
        f.message
    );
}

#[test]
fn form_value_differing_only_by_case_is_an_error() {
    let out = with_campaign(qpayload(json!({"form": {"subscribed": "yes"}})));
    let f = expect(&out, ids::QUALIFIO_FORM_CASE.id, Error, "/form/subscribed");
    assert!(f.message.contains("did you mean \"Yes\""), "{}", f.message);
}

#[test]
fn form_value_not_allowed_is_a_warning_and_free_fields_take_anything() {
    let out = with_campaign(qpayload(
        json!({"form": {"country": "Belgium", "firstname": "Ada"}}),
    ));
    expect(&out, ids::QUALIFIO_FORM_VALUE.id, Warning, "/form/country");
    only(&out, &[ids::QUALIFIO_FORM_VALUE.id]);
    let out = with_campaign(qpayload(
        json!({"form": {"country": "FR", "subscribed": "No"}}),
    ));
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn form_without_campaign_is_not_checked_and_custom_is_free() {
    let out = qualifio(qpayload(
        json!({"form": {"anything": "goes"}, "custom": {"x": [1, {"y": null}]}}),
    ));
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    let out = qualifio(qpayload(json!({"form": "firstname=Ada"})));
    expect(&out, ids::QUALIFIO_FORM_TYPE.id, Error, "/form");
}

#[test]
fn pointers_escape_special_member_names() {
    let out = qualifio(qpayload(json!({"optin": {"a/b~c": "maybe"}})));
    expect(&out, ids::QUALIFIO_OPTIN_VALUE.id, Error, "/optin/a~1b~0c");
}

#[test]
fn zero_prizes_with_a_winning_token_is_a_warning() {
    let c = Campaign {
        id: "123456".into(),
        prizes: Some(0),
        ..Campaign::default()
    };
    let out = Fixture::jws(
        hs256(),
        qpayload(json!({"gift": {"cw": true, "label": "x"}})),
    )
    .profile(Profile::Qualifio)
    .campaign(c.clone())
    .eval();
    expect(&out, ids::CAMPAIGN_PRIZES_NONE.id, Warning, "/gift");
    let out = Fixture::jws(hs256(), qpayload(json!({"gift": {"cw": false}})))
        .profile(Profile::Qualifio)
        .campaign(c)
        .eval();
    absent(&out, ids::CAMPAIGN_PRIZES_NONE.id);
}
