use serde_json::{Value, json};

use crate::profile::Profile;
use crate::report::Severity::{Error, Info, Warning};
use crate::rules::testkit::*;
use crate::rules::{ParticipationOutcome, RulesOutcome, WinOutcome, ids};

fn adictiz(payload: Value) -> RulesOutcome {
    Fixture::jws(hs256(), payload)
        .profile(Profile::Adictiz)
        .eval()
}

fn user(extra: Value) -> Value {
    let mut p = obj(json!({"partnerUserID": "u-1", "exp": AT + 600}));
    for (k, v) in obj(extra) {
        p.insert(k, v);
    }
    Value::Object(p)
}

#[test]
fn clean_token_has_no_findings() {
    let out = adictiz(user(json!({
        "civility": "mme", "lastname": "Dupont-Lefèvre", "firstname": "Éloïse Marie",
        "email": "eloise@example.fr", "birthday": "24/12/1990", "deskPhone": "0123456789",
        "mobilePhone": "0612345678", "rule": 1, "newsletter": 0, "optin_mobile": 0,
        "optin_partner": 1, "city": "Lille", "country": "France", "state": "Hauts-de-France",
        "zipCode": "59000", "address": "1, rue de la Paix", "custom_1": {"any": "thing"},
        "loyalty": "L-42"
    })));
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    assert_eq!(
        out.verdict.participation.outcome,
        ParticipationOutcome::Standard
    );
    assert_eq!(out.verdict.win.outcome, WinOutcome::Standard);
}

#[test]
fn partner_user_id_missing_is_an_error() {
    let out = adictiz(json!({"exp": AT + 600, "email": "a@b.fr"}));
    expect(
        &out,
        ids::ADICTIZ_PARTNER_USER_ID_MISSING.id,
        Error,
        "/partnerUserID",
    );
}

#[test]
fn partner_user_id_wrong_case_says_did_you_mean() {
    let out = Fixture::jws(hs256(), json!({"partnerUserId": "u-1", "exp": AT + 600})).eval();
    assert_eq!(
        out.profile,
        Profile::Adictiz,
        "a case variant selects adictiz"
    );
    let f = expect(
        &out,
        ids::ADICTIZ_PARTNER_USER_ID_CASE.id,
        Error,
        "/partnerUserId",
    );
    assert!(
        f.message.contains("did you mean 'partnerUserID'?"),
        "{}",
        f.message
    );
    absent(&out, ids::ADICTIZ_PARTNER_USER_ID_MISSING.id);
    absent(&out, ids::ADICTIZ_FIELD_CASE.id);
    let out = adictiz(json!({"partneruserid": "u-1", "exp": AT + 600}));
    expect(
        &out,
        ids::ADICTIZ_PARTNER_USER_ID_CASE.id,
        Error,
        "/partneruserid",
    );
}

#[test]
fn partner_user_id_empty_or_wrong_type() {
    let out = adictiz(json!({"partnerUserID": "", "exp": AT + 600}));
    expect(
        &out,
        ids::ADICTIZ_PARTNER_USER_ID_MISSING.id,
        Error,
        "/partnerUserID",
    );
    let out = adictiz(json!({"partnerUserID": {"id": 1}, "exp": AT + 600}));
    expect(
        &out,
        ids::ADICTIZ_PARTNER_USER_ID_TYPE.id,
        Error,
        "/partnerUserID",
    );
    let out = adictiz(json!({"partnerUserID": 42, "exp": AT + 600}));
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn civility_capitalised_is_an_error() {
    let out = adictiz(user(json!({"civility": "Mr"})));
    let f = expect(&out, ids::ADICTIZ_CIVILITY_FORMAT.id, Error, "/civility");
    assert!(
        f.message.contains("\"Mr\"") && f.message.contains("\"mr\""),
        "{}",
        f.message
    );
    for ok in ["mr", "miss", "mme"] {
        absent(
            &adictiz(user(json!({ "civility": ok }))),
            ids::ADICTIZ_CIVILITY_FORMAT.id,
        );
    }
}

#[test]
fn letters_only_fields() {
    for field in ["lastname", "firstname", "city", "country", "state"] {
        let out = adictiz(user(json!({ field: "R2-D2" })));
        let f = expect(
            &out,
            ids::ADICTIZ_LETTERS_FORMAT.id,
            Error,
            &format!("/{field}"),
        );
        assert!(
            f.message.starts_with(field) && f.message.contains("\"R2-D2\""),
            "{}",
            f.message
        );
        let out = adictiz(user(json!({ field: "Saint-Étienne du Rouvray" })));
        absent(&out, ids::ADICTIZ_LETTERS_FORMAT.id);
        let out = adictiz(user(json!({ field: 12 })));
        one(&out, ids::ADICTIZ_LETTERS_FORMAT.id);
    }
}

#[test]
fn email_must_be_valid() {
    for bad in [
        "not-an-email",
        "a@",
        "Ada <ada@example.com>",
        "ada@localhost",
        "a b@example.com",
    ] {
        let out = adictiz(user(json!({ "email": bad })));
        expect(&out, ids::ADICTIZ_EMAIL_FORMAT.id, Error, "/email");
    }
    for ok in ["ada@example.com", "first.last+tag@sub.example.co.uk"] {
        absent(
            &adictiz(user(json!({ "email": ok }))),
            ids::ADICTIZ_EMAIL_FORMAT.id,
        );
    }
}

#[test]
fn birthday_31_02_2020_is_not_a_real_date() {
    let out = adictiz(user(json!({"birthday": "31/02/2020"})));
    let f = expect(&out, ids::ADICTIZ_BIRTHDAY_DATE.id, Error, "/birthday");
    assert!(f.message.contains("\"31/02/2020\""), "{}", f.message);
    absent(&out, ids::ADICTIZ_BIRTHDAY_FORMAT.id);
    let out = adictiz(user(json!({"birthday": "2021-02-29"})));
    one(&out, ids::ADICTIZ_BIRTHDAY_DATE.id);
}

#[test]
fn birthday_formats() {
    for ok in ["29/02/2020", "2020-02-29", "01/01/1970"] {
        let out = adictiz(user(json!({ "birthday": ok })));
        assert!(out.findings.is_empty(), "{ok}: {:#?}", out.findings);
    }
    for bad in [
        "1/2/2020",
        "2020/02/01",
        "02-01-2020",
        "20200201",
        "",
        "31.12.1990",
    ] {
        let out = adictiz(user(json!({ "birthday": bad })));
        expect(&out, ids::ADICTIZ_BIRTHDAY_FORMAT.id, Error, "/birthday");
    }
    let out = adictiz(user(json!({"birthday": 19900101})));
    one(&out, ids::ADICTIZ_BIRTHDAY_FORMAT.id);
}

#[test]
fn phones_digits_only() {
    for field in ["deskPhone", "mobilePhone"] {
        for bad in [json!("+33612345678"), json!("06 12 34 56 78"), json!("")] {
            let out = adictiz(user(json!({ field: bad })));
            expect(
                &out,
                ids::ADICTIZ_PHONE_FORMAT.id,
                Error,
                &format!("/{field}"),
            );
        }
    }
}

#[test]
fn optin_fields_are_integers_0_or_1() {
    for field in ["rule", "newsletter", "optin_mobile", "optin_partner"] {
        for bad in [json!("1"), json!(true), json!(2), json!(1.0), json!(-1)] {
            let out = adictiz(user(json!({ field: bad })));
            expect(
                &out,
                ids::ADICTIZ_OPTIN_FORMAT.id,
                Error,
                &format!("/{field}"),
            );
        }
        for ok in [0, 1] {
            absent(
                &adictiz(user(json!({ field: ok }))),
                ids::ADICTIZ_OPTIN_FORMAT.id,
            );
        }
    }
}

#[test]
fn miscased_normalised_field_is_a_warning() {
    let out = adictiz(user(json!({"firstName": "Ada", "Custom_2": "x"})));
    let f = expect_at(&out, ids::ADICTIZ_FIELD_CASE.id, Warning, "/firstName");
    assert!(
        f.message.contains("did you mean 'firstname'"),
        "{}",
        f.message
    );
    expect_at(&out, ids::ADICTIZ_FIELD_CASE.id, Warning, "/Custom_2");
}

/// 003's introduction names RSA and ECDSA too: another alg is info (RULES.md section 4).
#[test]
fn other_alg_than_hs256_is_info() {
    for alg in ["HS512", "RS256", "ES256"] {
        let out = Fixture::jws(json!({ "alg": alg }), user(json!({})))
            .profile(Profile::Adictiz)
            .eval();
        expect(&out, ids::ADICTIZ_ALG.id, Info, "/header/alg");
        no_errors(&out);
    }
}

/// A String field sent as a JSON number works but loses a leading zero: a warning.
#[test]
fn string_fields_sent_as_numbers_are_a_warning() {
    for field in ["zipCode", "mobilePhone", "street_number", "loyalty"] {
        let out = adictiz(user(json!({ field: 59000 })));
        let f = expect(
            &out,
            ids::ADICTIZ_FIELD_NUMBER.id,
            Warning,
            &format!("/{field}"),
        );
        assert!(f.message.contains("\"59000\""), "{}", f.message);
        no_errors(&out);
    }
}

/// "Lettre uniquement" as real names use it: letters of any script, accents, spaces,
/// hyphens, apostrophes and periods; a digit or another symbol is an error.
#[test]
fn letters_fields_take_real_names() {
    for good in [
        "Villeneuve-d'Ascq",
        "O'Brien",
        "O’Brien",
        "St. Louis",
        "Zoë",
        "Jose\u{301}",
        "Łódź",
        "Москва",
        "東京",
    ] {
        let out = adictiz(user(json!({ "city": good })));
        absent(&out, ids::ADICTIZ_LETTERS_FORMAT.id);
    }
    for bad in ["Paris 15", "a@b", "x_y", "", "   ", "Lyon!"] {
        let out = adictiz(user(json!({ "lastname": bad })));
        expect(&out, ids::ADICTIZ_LETTERS_FORMAT.id, Error, "/lastname");
    }
}

#[test]
fn checklist_lists_partner_user_id_and_present_fields() {
    let items = crate::rules::checklist(
        Profile::Adictiz,
        Some(&json!({"partnerUserId": "x", "civility": "Mr", "email": "a@example.com"})),
    );
    assert_eq!(items[0].claim, "/partnerUserID");
    assert!(!items[0].present && !items[0].ok);
    assert!(items[0].note.contains("did you mean"), "{}", items[0].note);
    let civ = items
        .iter()
        .find(|i| i.claim == "/civility")
        .map(|i| (i.present, i.ok));
    assert_eq!(civ, Some((true, false)));
    let email = items
        .iter()
        .find(|i| i.claim == "/email")
        .map(|i| (i.present, i.ok));
    assert_eq!(email, Some((true, true)));
    assert_eq!(items.len(), 3);
}
