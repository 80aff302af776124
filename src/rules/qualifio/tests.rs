use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::profile::Profile;
use crate::report::Severity::{Error, Info, Warning};
use crate::rules::testkit::*;
use crate::rules::{
    Campaign, ParticipationOutcome as P, PlaintextKind, RulesOutcome, SignatureMethod,
    WinOutcome as W, ids, tables,
};

/// The clean payload with `name` set to `value` as is (even `null`).
fn with(name: &str, value: Value) -> Value {
    let mut p = qpayload(json!({}));
    if let Some(m) = p.as_object_mut() {
        m.insert(name.to_owned(), value);
    }
    p
}

fn limit(l: Value) -> RulesOutcome {
    qualifio(with("limit", l))
}

fn gift(g: Value) -> RulesOutcome {
    qualifio(with("gift", g))
}

/// The path step of `table`, as (row, table).
fn step(out: &RulesOutcome, table: &str) -> Vec<usize> {
    out.verdict
        .path
        .iter()
        .filter(|s| s.table == table)
        .map(|s| s.row)
        .collect()
}

#[track_caller]
fn participation(out: &RulesOutcome, outcome: P, nb: Option<i64>, nb_ignored: bool) {
    let p = &out.verdict.participation;
    assert_eq!(
        (p.outcome, p.nb, p.nb_ignored),
        (outcome, nb, nb_ignored),
        "findings: {:#?}",
        out.findings
    );
}

#[track_caller]
fn win(out: &RulesOutcome, outcome: W, label: Option<&str>, label_ignored: bool) {
    let w = &out.verdict.win;
    assert_eq!(
        (w.outcome, w.label.as_deref(), w.label_ignored),
        (outcome, label, label_ignored),
        "findings: {:#?}",
        out.findings
    );
}

// ---- A clean token -------------------------------------------------------------------------

// ---- Participation: every row of the table -------------------------------------------------

// ---- Participation: type rules and edge cases ----------------------------------------------

// ---- Win: every row of the table -----------------------------------------------------------

// ---- Win: type rules and edge cases --------------------------------------------------------

// ---- The full canPlay x nb x cw x label matrix ---------------------------------------------

/// A cell of the matrix: absent, or a JSON value (well-typed or not).
type Cell = Option<Value>;

/// RULES.md section 3, written again independently of the implementation: participation.
fn oracle_participation(can_play: &Cell, nb: &Cell) -> (P, Option<i64>, bool) {
    let nb_int = nb
        .as_ref()
        .and_then(|v| v.as_i64())
        .filter(|n| *n >= 0 && nb.as_ref().is_some_and(|v| v.is_i64() || v.is_u64()));
    let nb_bad = nb.is_some() && nb_int.is_none();
    match can_play {
        Some(Value::Bool(false)) => (P::Blocked, nb_int, nb.is_some()),
        Some(Value::Bool(true)) if nb_bad => (P::Invalid, None, false),
        Some(Value::Bool(true)) => match nb_int {
            Some(n) => (P::Limited, Some(n), false),
            None => (P::Allowed, None, false),
        },
        Some(_) => (P::Invalid, nb_int, false),
        None if nb_bad => (P::Invalid, None, false),
        None => match nb_int {
            Some(n) => (P::Limited, Some(n), false),
            None => (P::Invalid, None, false),
        },
    }
}

/// RULES.md section 3, written again independently: win.
fn oracle_win(cw: &Cell, label: &Cell) -> (W, Option<String>, bool) {
    let label_str = match label {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let label_bad = matches!(label, Some(v) if !v.is_string());
    let label_present = label_str.is_some() || label_bad;
    match cw {
        Some(Value::Bool(false)) => (W::CannotWin, label_str, label_present),
        Some(Value::Bool(_)) | None if label_bad => (W::Invalid, None, false),
        Some(Value::Bool(true)) if label_present => (W::GivenPrize, label_str, false),
        Some(Value::Bool(true)) => (W::AnyPrize, None, false),
        None if label_present => (W::GivenPrize, label_str, false),
        None => (W::Standard, None, false),
        Some(_) => (W::Invalid, label_str, false),
    }
}

// ---- Header, keys and encryption -----------------------------------------------------------

fn nested(outer: Value) -> Fixture {
    Fixture::jwe(
        outer,
        Some(hs256()),
        qpayload(json!({})),
        PlaintextKind::NestedJws,
    )
    .profile(Profile::Qualifio)
}

// ---- Required claims -----------------------------------------------------------------------

// ---- Prefill data --------------------------------------------------------------------------

fn with_campaign(payload: Value) -> RulesOutcome {
    let mut form = BTreeMap::new();
    form.insert("country".to_owned(), vec!["BE".to_owned(), "FR".to_owned()]);
    form.insert("firstname".to_owned(), vec![]);
    form.insert(
        "subscribed".to_owned(),
        vec!["Yes".to_owned(), "No".to_owned()],
    );
    let c = Campaign {
        id: "123456".into(),
        form: Some(form),
        optins: Some(vec!["newsletter".into()]),
        ..Campaign::default()
    };
    Fixture::jws(hs256(), payload)
        .profile(Profile::Qualifio)
        .campaign(c)
        .eval()
}

mod part1;
mod part2;
