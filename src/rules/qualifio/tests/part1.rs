//! Tests of tests, continued (41 tests; the module holds the shared helpers).

use super::*;

#[test]
fn clean_token_has_no_findings_and_standard_outcomes() {
    let out = qualifio(qpayload(json!({})));
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
    participation(&out, P::Allowed, None, false);
    win(&out, W::Standard, None, false);
    assert_eq!(step(&out, "participation"), vec![3]);
    assert_eq!(step(&out, "win"), vec![6]);
    assert_eq!(step(&out, "profile"), vec![0]);
}

/// RULES.md section 3: no limit is the standard outcome, with a warning quoting 000 and
/// suggesting `"limit": {"canPlay": true}`.
#[test]
fn no_limit_is_standard_with_a_warning_quoting_000() {
    let out = qualifio(qpayload(json!({"limit": null})));
    participation(&out, P::Standard, None, false);
    assert_eq!(step(&out, "participation"), vec![0]);
    let f = out
        .findings
        .iter()
        .find(|f| f.id == ids::QUALIFIO_LIMIT_MISSING.id)
        .expect("limit.missing");
    assert_eq!(f.severity, Warning);
    assert!(f.message.contains("always mandatory (except when specifying the nb), even when only used to pass technical information via the token"), "{}", f.message);
    assert!(
        f.message.contains("\"limit\": {\"canPlay\": true}"),
        "{}",
        f.message
    );
}

#[test]
fn participation_row0_limit_absent_is_standard() {
    let out = qualifio(qpayload(json!({"limit": null})));
    participation(&out, P::Standard, None, false);
    assert_eq!(step(&out, "participation"), vec![0]);
}

#[test]
fn participation_row1_canplay_false_is_blocked_and_nb_ignored() {
    let out = limit(json!({"canPlay": false, "nb": 3}));
    participation(&out, P::Blocked, Some(3), true);
    assert_eq!(step(&out, "participation"), vec![1]);
    no_errors(&out);
    let out = limit(json!({"canPlay": false}));
    participation(&out, P::Blocked, None, false);
    assert_eq!(step(&out, "participation"), vec![1]);
}

#[test]
fn participation_row2_canplay_true_with_nb_is_limited() {
    let out = limit(json!({"canPlay": true, "nb": 2}));
    participation(&out, P::Limited, Some(2), false);
    assert_eq!(step(&out, "participation"), vec![2]);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn participation_row3_canplay_true_without_nb_is_allowed() {
    let out = limit(json!({"canPlay": true}));
    participation(&out, P::Allowed, None, false);
    assert_eq!(step(&out, "participation"), vec![3]);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn participation_row4_nb_without_canplay_is_limited() {
    let out = limit(json!({"nb": 5}));
    participation(&out, P::Limited, Some(5), false);
    assert_eq!(step(&out, "participation"), vec![4]);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn participation_row5_neither_is_invalid() {
    let out = limit(json!({"other": 1}));
    participation(&out, P::Invalid, None, false);
    assert_eq!(step(&out, "participation"), vec![5]);
    expect(&out, ids::QUALIFIO_LIMIT_EMPTY.id, Error, "/limit");
}

#[test]
fn canplay_string_true_is_an_error_and_invalid() {
    let out = limit(json!({"canPlay": "true"}));
    participation(&out, P::Invalid, None, false);
    let f = expect(
        &out,
        ids::QUALIFIO_LIMIT_CANPLAY_TYPE.id,
        Error,
        "/limit/canPlay",
    );
    assert!(
        f.message.contains("the string \"true\"") && f.message.contains("send true"),
        "{}",
        f.message
    );
    assert_eq!(f.source, "Qualifio \"Secure token\", Access limitation");
    assert_eq!(
        step(&out, "participation_rules"),
        vec![tables::P_RULE_CANPLAY_BOOLEAN]
    );
    assert!(step(&out, "participation").is_empty());
}

#[test]
fn nb_string_is_an_error_and_invalid() {
    let out = limit(json!({"canPlay": true, "nb": "3"}));
    participation(&out, P::Invalid, None, false);
    let f = expect(&out, ids::QUALIFIO_LIMIT_NB_TYPE.id, Error, "/limit/nb");
    assert!(
        f.message.contains("the string \"3\"") && f.message.contains("\"nb\": 3"),
        "{}",
        f.message
    );
    assert_eq!(
        step(&out, "participation_rules"),
        vec![tables::P_RULE_NB_INTEGER]
    );
}

#[test]
fn nb_negative_is_an_error_and_invalid() {
    let out = limit(json!({"canPlay": true, "nb": -1}));
    participation(&out, P::Invalid, None, false);
    let f = expect(&out, ids::QUALIFIO_LIMIT_NB_TYPE.id, Error, "/limit/nb");
    assert!(f.message.contains("negative"), "{}", f.message);
}

#[test]
fn nb_fractional_is_an_error_and_invalid() {
    let out = limit(json!({"nb": 1.5}));
    participation(&out, P::Invalid, None, false);
    let f = expect(&out, ids::QUALIFIO_LIMIT_NB_TYPE.id, Error, "/limit/nb");
    assert!(
        f.message.contains("1.5") && f.message.contains("not an integer"),
        "{}",
        f.message
    );
}

#[test]
fn nb_zero_is_a_warning_and_limited() {
    let out = limit(json!({"canPlay": true, "nb": 0}));
    participation(&out, P::Limited, Some(0), false);
    expect(&out, ids::QUALIFIO_LIMIT_NB_ZERO.id, Warning, "/limit/nb");
    no_errors(&out);
    assert_eq!(step(&out, "participation"), vec![2]);
    assert_eq!(
        step(&out, "participation_rules"),
        vec![tables::P_RULE_NB_ZERO]
    );
    let out = limit(json!({"nb": 0}));
    participation(&out, P::Limited, Some(0), false);
    one(&out, ids::QUALIFIO_LIMIT_NB_ZERO.id);
}

#[test]
fn nb_zero_with_canplay_false_is_not_read() {
    let out = limit(json!({"canPlay": false, "nb": 0}));
    participation(&out, P::Blocked, Some(0), true);
    absent(&out, ids::QUALIFIO_LIMIT_NB_ZERO.id);
}

#[test]
fn malformed_nb_with_canplay_false_is_only_a_warning() {
    for nb in [json!("3"), json!(-1), json!(1.5), json!(null)] {
        let out = limit(json!({"canPlay": false, "nb": nb}));
        participation(&out, P::Blocked, None, true);
        expect(
            &out,
            ids::QUALIFIO_LIMIT_NB_TYPE_IGNORED.id,
            Warning,
            "/limit/nb",
        );
        absent(&out, ids::QUALIFIO_LIMIT_NB_TYPE.id);
        no_errors(&out);
        assert_eq!(step(&out, "participation"), vec![1]);
        assert_eq!(
            step(&out, "participation_rules"),
            vec![tables::P_RULE_NB_IGNORED]
        );
    }
}

#[test]
fn limit_empty_object_is_invalid() {
    let out = limit(json!({}));
    participation(&out, P::Invalid, None, false);
    let f = expect(&out, ids::QUALIFIO_LIMIT_EMPTY.id, Error, "/limit");
    assert!(f.message.starts_with("limit is {}"), "{}", f.message);
    assert_eq!(step(&out, "participation"), vec![5]);
}

#[test]
fn limit_not_an_object_is_invalid() {
    for l in [json!(3), json!("yes"), json!(null), json!([true])] {
        let out = limit(l);
        participation(&out, P::Invalid, None, false);
        expect(&out, ids::QUALIFIO_LIMIT_TYPE.id, Error, "/limit");
        assert_eq!(
            step(&out, "participation_rules"),
            vec![tables::P_RULE_LIMIT_OBJECT]
        );
    }
}

#[test]
fn canplay_and_nb_both_malformed_report_both() {
    let out = limit(json!({"canPlay": "false", "nb": "2"}));
    participation(&out, P::Invalid, None, false);
    one(&out, ids::QUALIFIO_LIMIT_CANPLAY_TYPE.id);
    one(&out, ids::QUALIFIO_LIMIT_NB_TYPE.id);
}

#[test]
fn limit_member_with_wrong_case_is_named() {
    // RULES.md section 3: a case variant is an error with "did you mean".
    let out = limit(json!({"canplay": true}));
    let f = expect(&out, ids::QUALIFIO_MEMBER_CASE.id, Error, "/limit/canplay");
    assert!(
        f.message.contains("did you mean 'canPlay'"),
        "{}",
        f.message
    );
    participation(&out, P::Invalid, None, false);
}

#[test]
fn win_row0_cw_true_with_label_is_given_prize() {
    let out = gift(json!({"cw": true, "label": "a new barbecue"}));
    win(&out, W::GivenPrize, Some("a new barbecue"), false);
    assert_eq!(step(&out, "win"), vec![0]);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn win_row1_cw_true_without_label_is_any_prize_with_info_citing_both() {
    let out = gift(json!({"cw": true}));
    win(&out, W::AnyPrize, None, false);
    assert_eq!(step(&out, "win"), vec![1]);
    let f = expect(
        &out,
        ids::QUALIFIO_GIFT_LABEL_MISSING.id,
        Info,
        "/gift/label",
    );
    assert!(
        f.source.contains("\"Secure token\"") && f.source.contains("How to use the secure token"),
        "{}",
        f.source
    );
    no_errors(&out);
}

#[test]
fn win_row2_cw_false_with_label_ignores_the_label() {
    let out = gift(json!({"cw": false, "label": "spa day"}));
    win(&out, W::CannotWin, Some("spa day"), true);
    assert_eq!(step(&out, "win"), vec![2]);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn win_row3_cw_false_without_label_cannot_win() {
    let out = gift(json!({"cw": false}));
    win(&out, W::CannotWin, None, false);
    assert_eq!(step(&out, "win"), vec![3]);
    assert!(out.findings.is_empty(), "{:#?}", out.findings);
}

#[test]
fn win_row4_label_without_cw_is_given_prize_with_placeholder_info() {
    let out = gift(json!({"label": "cooking class"}));
    win(&out, W::GivenPrize, Some("cooking class"), false);
    assert_eq!(step(&out, "win"), vec![4]);
    let f = expect(&out, ids::QUALIFIO_GIFT_PLACEHOLDER.id, Info, "/gift/cw");
    assert!(f.message.contains("placeholder"), "{}", f.message);
    assert_eq!(
        f.source,
        "Qualifio \"Secure token\", Winner and gift definition"
    );
}

#[test]
fn win_row5_neither_cw_nor_label_is_standard() {
    let out = gift(json!({"other": 1}));
    win(&out, W::Standard, None, false);
    assert_eq!(step(&out, "win"), vec![5]);
}

#[test]
fn win_row6_no_gift_is_standard() {
    let out = qualifio(qpayload(json!({})));
    win(&out, W::Standard, None, false);
    assert_eq!(step(&out, "win"), vec![6]);
}

#[test]
fn gift_empty_object_is_standard_with_info() {
    let out = gift(json!({}));
    win(&out, W::Standard, None, false);
    assert_eq!(step(&out, "win"), vec![5]);
    expect(&out, ids::QUALIFIO_GIFT_EMPTY.id, Info, "/gift");
    no_errors(&out);
}

#[test]
fn cw_string_false_is_an_error_and_invalid() {
    let out = gift(json!({"cw": "false", "label": "x"}));
    win(&out, W::Invalid, Some("x"), false);
    let f = expect(&out, ids::QUALIFIO_GIFT_CW_TYPE.id, Error, "/gift/cw");
    assert!(
        f.message.contains("the string \"false\"") && f.message.contains("send false"),
        "{}",
        f.message
    );
    assert_eq!(step(&out, "win_rules"), vec![tables::W_RULE_CW_BOOLEAN]);
    assert!(step(&out, "win").is_empty());
}

#[test]
fn empty_label_counts_as_absent_with_a_warning() {
    let out = gift(json!({"cw": true, "label": ""}));
    win(&out, W::AnyPrize, None, false);
    expect(
        &out,
        ids::QUALIFIO_GIFT_LABEL_EMPTY.id,
        Warning,
        "/gift/label",
    );
    one(&out, ids::QUALIFIO_GIFT_LABEL_MISSING.id);
    assert_eq!(step(&out, "win"), vec![1]);
    let out = gift(json!({"label": ""}));
    win(&out, W::Standard, None, false);
    assert_eq!(step(&out, "win"), vec![5]);
    let out = gift(json!({"cw": false, "label": ""}));
    win(&out, W::CannotWin, None, false);
    assert_eq!(step(&out, "win"), vec![3]);
}

#[test]
fn label_not_a_string_is_invalid_unless_cw_false() {
    let out = gift(json!({"cw": true, "label": 5}));
    win(&out, W::Invalid, None, false);
    expect(&out, ids::QUALIFIO_GIFT_LABEL_TYPE.id, Error, "/gift/label");
    let out = gift(json!({"cw": false, "label": 5}));
    win(&out, W::CannotWin, None, true);
    expect(
        &out,
        ids::QUALIFIO_GIFT_LABEL_TYPE_IGNORED.id,
        Warning,
        "/gift/label",
    );
    no_errors(&out);
}

#[test]
fn gift_not_an_object_is_invalid() {
    for g in [json!(true), json!("prize"), json!(null)] {
        let out = gift(g);
        win(&out, W::Invalid, None, false);
        expect(&out, ids::QUALIFIO_GIFT_TYPE.id, Error, "/gift");
        assert_eq!(step(&out, "win_rules"), vec![tables::W_RULE_GIFT_OBJECT]);
    }
}

#[test]
fn gift_member_with_wrong_case_is_named() {
    let out = gift(json!({"CW": true, "label": "x"}));
    let f = expect(&out, ids::QUALIFIO_MEMBER_CASE.id, Error, "/gift/CW");
    assert!(f.message.contains("did you mean 'cw'"), "{}", f.message);
    win(&out, W::GivenPrize, Some("x"), false);
}

#[test]
fn full_matrix_matches_the_tables() {
    let can_plays: Vec<Cell> = vec![
        None,
        Some(json!(true)),
        Some(json!(false)),
        Some(json!("true")),
    ];
    let nbs: Vec<Cell> = vec![
        None,
        Some(json!(2)),
        Some(json!(0)),
        Some(json!("3")),
        Some(json!(-1)),
        Some(json!(1.5)),
    ];
    let cws: Vec<Cell> = vec![
        None,
        Some(json!(true)),
        Some(json!(false)),
        Some(json!("false")),
    ];
    let labels: Vec<Cell> = vec![None, Some(json!("prize")), Some(json!("")), Some(json!(5))];
    let mut cases = 0;
    for cp in &can_plays {
        for nb in &nbs {
            for cw in &cws {
                for label in &labels {
                    let mut l = serde_json::Map::new();
                    if let Some(v) = cp {
                        l.insert("canPlay".into(), v.clone());
                    }
                    if let Some(v) = nb {
                        l.insert("nb".into(), v.clone());
                    }
                    let mut g = serde_json::Map::new();
                    if let Some(v) = cw {
                        g.insert("cw".into(), v.clone());
                    }
                    if let Some(v) = label {
                        g.insert("label".into(), v.clone());
                    }
                    let out = qualifio(qpayload(json!({"limit": l, "gift": g})));
                    let ctx = format!("canPlay {cp:?} nb {nb:?} cw {cw:?} label {label:?}");
                    let (po, pnb, pign) = oracle_participation(cp, nb);
                    let p = &out.verdict.participation;
                    assert_eq!(
                        (p.outcome, p.nb, p.nb_ignored),
                        (po, pnb, pign),
                        "participation, {ctx}"
                    );
                    let (wo, wl, wign) = oracle_win(cw, label);
                    let w = &out.verdict.win;
                    assert_eq!(
                        (w.outcome, w.label.clone(), w.label_ignored),
                        (wo, wl, wign),
                        "win, {ctx}"
                    );
                    // An invalid outcome always comes with an error on that object, and a
                    // valid one never does.
                    let limit_error = out
                        .findings
                        .iter()
                        .any(|f| f.severity == Error && f.claim.starts_with("/limit"));
                    assert_eq!(
                        limit_error,
                        po == P::Invalid,
                        "limit errors, {ctx}: {:#?}",
                        out.findings
                    );
                    let gift_error = out
                        .findings
                        .iter()
                        .any(|f| f.severity == Error && f.claim.starts_with("/gift"));
                    assert_eq!(
                        gift_error,
                        wo == W::Invalid,
                        "gift errors, {ctx}: {:#?}",
                        out.findings
                    );
                    // Every table outcome is explained by a path step whose row has that outcome.
                    for s in &out.verdict.path {
                        match s.table {
                            "participation" => {
                                assert_eq!(tables::PARTICIPATION_ROWS[s.row].outcome, po, "{ctx}")
                            }
                            "win" => assert_eq!(tables::WIN_ROWS[s.row].outcome, wo, "{ctx}"),
                            _ => {}
                        }
                    }
                    assert!(
                        out.verdict
                            .path
                            .iter()
                            .any(|s| s.table.starts_with("participation")),
                        "{ctx}"
                    );
                    assert!(
                        out.verdict.path.iter().any(|s| s.table.starts_with("win")),
                        "{ctx}"
                    );
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 4 * 6 * 4 * 4);
}

#[test]
fn alg_outside_the_allow_list_is_an_error() {
    let out = Fixture::jws(json!({"alg": "PS256"}), qpayload(json!({})))
        .profile(Profile::Qualifio)
        .eval();
    let f = expect(&out, ids::QUALIFIO_ALG.id, Error, "/header/alg");
    assert!(f.message.contains("\"PS256\""), "{}", f.message);
    for alg in super::super::ALGS {
        let out = Fixture::jws(json!({ "alg": alg }), qpayload(json!({})))
            .profile(Profile::Qualifio)
            .eval();
        absent(&out, ids::QUALIFIO_ALG.id);
    }
}

#[test]
fn alg_none_is_reported_once_by_the_generic_rule() {
    let out = Fixture::jws(json!({"alg": "none"}), qpayload(json!({})))
        .profile(Profile::Qualifio)
        .eval();
    one(&out, ids::GENERIC_ALG_NONE.id);
    absent(&out, ids::QUALIFIO_ALG.id);
}

#[test]
fn kid_is_mandatory_with_a_jwks_key() {
    let mut key = rsa_public("qualifio-jwks#k1");
    key.from_jwks = true;
    let out = Fixture::jws(rs256(), qpayload(json!({})))
        .profile(Profile::Qualifio)
        .verified_by(key.clone())
        .eval();
    expect(&out, ids::QUALIFIO_KID_MISSING.id, Error, "/header/kid");
    let out = Fixture::jws(json!({"alg": "RS256", "kid": "k1"}), qpayload(json!({})))
        .profile(Profile::Qualifio)
        .verified_by(key)
        .eval();
    absent(&out, ids::QUALIFIO_KID_MISSING.id);
    // Not from a JWKS: kid is "useless for other signature methods".
    let out = Fixture::jws(rs256(), qpayload(json!({})))
        .profile(Profile::Qualifio)
        .verified_by(rsa_public("pem"))
        .eval();
    absent(&out, ids::QUALIFIO_KID_MISSING.id);
}

#[test]
fn kid_is_mandatory_when_the_campaign_uses_a_jwks() {
    let c = Campaign {
        id: "123456".into(),
        signature: Some(SignatureMethod::Jwks),
        ..Campaign::default()
    };
    let out = Fixture::jws(rs256(), qpayload(json!({})))
        .profile(Profile::Qualifio)
        .campaign(c)
        .eval();
    expect(&out, ids::QUALIFIO_KID_MISSING.id, Error, "/header/kid");
}

#[test]
fn pkcs1_public_key_is_a_warning_with_the_conversion_command() {
    let mut key = rsa_public("legacy.pem");
    key.pkcs1 = true;
    let out = Fixture::jws(rs256(), qpayload(json!({})))
        .profile(Profile::Qualifio)
        .verified_by(key)
        .eval();
    let f = expect(&out, ids::QUALIFIO_KEY_PKCS1.id, Warning, "");
    assert!(
        f.message
            .contains("openssl rsa -RSAPublicKey_in -in <filename> -pubout"),
        "{}",
        f.message
    );
    no_errors(&out);
}

#[test]
fn jwe_dir_with_an_allowed_enc_and_cty_is_clean() {
    for enc in super::super::JWE_ENCS {
        let out = nested(json!({"alg": "dir", "enc": enc, "cty": "JWT"})).eval();
        assert!(out.findings.is_empty(), "{enc}: {:#?}", out.findings);
    }
}

#[test]
fn jwe_with_another_alg_or_enc_is_an_error() {
    let out = nested(json!({"alg": "RSA-OAEP", "enc": "A256GCM", "cty": "JWT"})).eval();
    expect(&out, ids::QUALIFIO_JWE_ALG.id, Error, "/header/alg");
    absent(&out, ids::QUALIFIO_JWE_ENC.id);
    let out = nested(json!({"alg": "dir", "enc": "A128KW", "cty": "JWT"})).eval();
    expect(&out, ids::QUALIFIO_JWE_ENC.id, Error, "/header/enc");
    absent(&out, ids::QUALIFIO_JWE_ALG.id);
}

#[test]
fn jwe_nested_without_cty_is_info() {
    let out = nested(json!({"alg": "dir", "enc": "A256GCM"})).eval();
    expect(&out, ids::QUALIFIO_JWE_CTY.id, Info, "/header/cty");
    no_errors(&out);
}
