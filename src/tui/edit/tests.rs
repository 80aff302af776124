use super::*;

#[test]
fn cw_cycles_true_false_absent_true() {
    let mut c = json!({"gift": {"cw": true, "label": "Prize"}});
    let mut seen = Vec::new();
    for _ in 0..4 {
        cycle_bool(&mut c, CW).unwrap();
        seen.push(shown(&c, CW));
    }
    assert_eq!(seen, ["false", "absent", "true", "false"]);
    assert_eq!(shown(&c, LABEL), "\"Prize\"", "the label is untouched");
    // A wrong type (a string) becomes true.
    let mut c = json!({"gift": {"cw": "true"}});
    cycle_bool(&mut c, CW).unwrap();
    assert_eq!(get(&c, CW), Some(&Value::Bool(true)));
}

#[test]
fn can_play_cycles_and_creates_limit() {
    let mut c = json!({"sub": "x"});
    let mut seen = Vec::new();
    for _ in 0..3 {
        cycle_bool(&mut c, CAN_PLAY).unwrap();
        seen.push(shown(&c, CAN_PLAY));
    }
    assert_eq!(seen, ["true", "false", "absent"]);
    assert_eq!(c, json!({"sub": "x", "limit": {}}));
}

#[test]
fn nb_steps_up_down_and_goes_absent() {
    let mut c = json!({"limit": {"canPlay": true}});
    step_nb(&mut c, 1).unwrap();
    step_nb(&mut c, 1).unwrap();
    assert_eq!(shown(&c, NB), "2");
    step_nb(&mut c, -1).unwrap();
    step_nb(&mut c, -1).unwrap();
    step_nb(&mut c, -1).unwrap();
    assert_eq!(shown(&c, NB), "0", "nb never goes below 0");
    remove(&mut c, NB).unwrap();
    assert_eq!(shown(&c, NB), "absent");
    step_nb(&mut c, -1).unwrap();
    assert_eq!(shown(&c, NB), "0");
}

#[test]
fn exp_is_relative_to_the_instant() {
    let mut c = json!({"exp": 1});
    set_exp(&mut c, "+1h", 1000).unwrap();
    assert_eq!(c["exp"], json!(4600));
    set_exp(&mut c, "+1d", 1000).unwrap();
    assert_eq!(c["exp"], json!(87_400));
    set_exp(&mut c, "-1m", 1000).unwrap();
    assert_eq!(c["exp"], json!(940));
}

/// campaignId, sub and gift.label are strings on every platform: typed digits stay a
/// string, a quoted literal is decoded, empty removes the claim.
/// `p` cycles canPlay through absent without moving it behind nb.
#[test]
fn cycling_through_absent_keeps_the_member_order() {
    let mut c = json!({"limit": {"canPlay": true, "nb": 3}});
    for _ in 0..3 {
        cycle_bool(&mut c, CAN_PLAY).unwrap();
    }
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        r#"{"limit":{"canPlay":true,"nb":3}}"#
    );
}

#[test]
fn string_claims_stay_strings_and_empty_removes() {
    let mut c = json!({"sub": "a", "campaignId": 42});
    assert_eq!(prompt_text(&c, &["campaignId"]), "42");
    set_string(&mut c, "campaignId", "987654").unwrap();
    assert_eq!(c["campaignId"], json!("987654"));
    assert_eq!(prompt_text(&c, &["campaignId"]), "987654");
    set_string(&mut c, "campaignId", "\"12 3\"").unwrap();
    assert_eq!(c["campaignId"], json!("12 3"));
    set_string(&mut c, "sub", "true").unwrap();
    assert_eq!(c["sub"], json!("true"));
    set_string(&mut c, "sub", "").unwrap();
    assert_eq!(c, json!({"campaignId": "12 3"}));
}

#[test]
fn a_bad_document_reports_line_and_column() {
    let e = parse_document("{\n  \"header\": {},\n  \"payload\": {\"a\": tru}\n}").unwrap_err();
    assert_eq!((e.line, e.column), (3, 23), "{e}");
    assert!(
        e.to_string()
            .starts_with("invalid JSON at line 3, column 23: ")
    );
    let e = parse_document("{\"header\": {}, \"payload\": {}, \"x\": 1}").unwrap_err();
    assert_eq!(e.line, 0);
    assert!(e.message.contains("'x'"));
    let (h, c) = parse_document("{\"header\": {\"alg\": \"HS256\"}, \"payload\": [1]}").unwrap();
    assert_eq!(h.get("alg"), Some(&json!("HS256")));
    assert_eq!(c, json!([1]));
}
