use serde_json::json;

use super::*;
use crate::rules::checklist;
use crate::rules::testkit::*;

fn lines(out: &crate::rules::RulesOutcome) -> Vec<String> {
    render_tables(&out.verdict)
}

fn marked_lines(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .filter(|l| l.starts_with("  > "))
        .map(String::as_str)
        .collect()
}

#[test]
fn tables_match_rules_md_row_counts() {
    assert_eq!(PARTICIPATION_ROWS.len(), 6);
    assert_eq!(WIN_ROWS.len(), 7);
    assert_eq!(PROFILE_ROWS.len(), 4);
    assert_eq!(PARTICIPATION_RULES.len(), 5);
    assert_eq!(WIN_RULES.len(), 5);
    for p in Profile::ALL {
        assert_eq!(PROFILE_ROWS[profile_row(p)].profile, p);
    }
}

#[test]
fn render_marks_the_deciding_rows() {
    let out = qualifio(qpayload(
        json!({"limit": {"canPlay": true, "nb": 2}, "gift": {"cw": true, "label": "spa day"}}),
    ));
    let l = lines(&out);
    assert_eq!(l[0], "Participation: limited, nb 2");
    let marked = marked_lines(&l);
    assert_eq!(marked.len(), 2, "{l:#?}");
    assert!(
        marked[0].starts_with("  > present  true") && marked[0].contains("limited (n)"),
        "{l:#?}"
    );
    assert!(
        marked[1].starts_with("  > true") && marked[1].contains("given_prize"),
        "{l:#?}"
    );
    assert!(
        l.iter().any(|x| x == "Win: given_prize, label \"spa day\""),
        "{l:#?}"
    );
}

#[test]
fn render_shows_ignored_nb_and_label() {
    let out = qualifio(qpayload(
        json!({"limit": {"canPlay": false, "nb": 3}, "gift": {"cw": false, "label": "x"}}),
    ));
    let l = lines(&out);
    assert_eq!(l[0], "Participation: blocked, nb 3 (ignored)");
    let marked = marked_lines(&l);
    assert!(marked[0].contains("any (ignored)"), "{l:#?}");
    assert!(marked[1].contains("yes (ignored)"), "{l:#?}");
    assert!(
        l.iter()
            .any(|x| x == "Win: cannot_win, label \"x\" (ignored)"),
        "{l:#?}"
    );
}

#[test]
fn render_marks_type_rules_for_invalid_outcomes() {
    let out = qualifio(qpayload(
        json!({"limit": {"canPlay": "true"}, "gift": {"cw": "false"}}),
    ));
    let l = lines(&out);
    let marked = marked_lines(&l);
    assert_eq!(marked.len(), 2, "{l:#?}");
    assert!(
        marked[0].contains("canPlay must be a JSON boolean"),
        "{l:#?}"
    );
    assert!(marked[1].contains("cw must be a JSON boolean"), "{l:#?}");
    assert_eq!(l[0], "Participation: invalid");
    let out = qualifio(qpayload(json!({"limit": {"canPlay": false, "nb": "3"}})));
    assert_eq!(lines(&out)[0], "Participation: blocked, nb ignored");
}

#[test]
fn render_under_other_profiles_is_a_summary() {
    let out = Fixture::jws(hs256(), json!({"partnerUserID": "u"})).eval();
    let l = lines(&out);
    assert_eq!(
        l,
        vec![
            "Participation: standard (profile adictiz has no participation table)".to_owned(),
            "Win: standard (profile adictiz has no win table)".to_owned(),
        ]
    );
}

#[test]
fn verdict_json_shape_is_the_contract() {
    let out = qualifio(qpayload(
        json!({"limit": {"canPlay": false, "nb": 3}, "gift": {"label": "x"}}),
    ));
    let v = serde_json::to_value(&out.verdict).expect("serialise");
    assert_eq!(v["profile"], "qualifio");
    assert_eq!(
        v["participation"],
        json!({"outcome": "blocked", "nb": 3, "nb_ignored": true})
    );
    assert_eq!(
        v["win"],
        json!({"outcome": "given_prize", "label": "x", "label_ignored": false})
    );
    assert_eq!(v["path"][0]["table"], "profile");
    assert_eq!(
        v["path"][1],
        json!({"table": "participation", "row": 1, "text": "limit present, canPlay false, nb any -> blocked"})
    );
    assert_eq!(v["path"][2]["table"], "win");
    assert_eq!(v["path"][2]["row"], 4);
    let out = qualifio(qpayload(json!({"limit": null})));
    let v = serde_json::to_value(&out.verdict).expect("serialise");
    assert_eq!(
        v["participation"],
        json!({"outcome": "standard", "nb": null, "nb_ignored": false})
    );
    assert_eq!(
        v["win"],
        json!({"outcome": "standard", "label": null, "label_ignored": false})
    );
}

#[test]
fn checklists_per_profile() {
    let q = checklist(
        Profile::Qualifio,
        Some(&json!({"sub": 12, "campaignId": 5})),
    );
    let got: Vec<(&str, bool, bool)> = q
        .iter()
        .map(|i| (i.claim.as_str(), i.present, i.ok))
        .collect();
    assert_eq!(
        got,
        vec![
            ("/sub", true, false),
            ("/campaignId", true, false),
            ("/exp", false, false),
            ("/optin", false, true)
        ]
    );
    let g = checklist(Profile::Generic, None);
    assert_eq!(g.len(), 1);
    assert!(g[0].ok && !g[0].present);
}
