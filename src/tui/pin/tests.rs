use serde_json::json;

use super::*;
use crate::diff::json_changes;
use crate::json_lines::{JsonDoc, Tok};

/// The texts of the aligned rows: (left, right), "·" for a blank side.
fn aligned(a: &serde_json::Value, b: &serde_json::Value) -> Vec<(String, String)> {
    let (la, lb) = (JsonDoc::from_value(a, None), JsonDoc::from_value(b, None));
    let text = |doc: &JsonDoc, i: Option<usize>| {
        i.map_or(String::from("·"), |i| doc.text(i).trim().to_string())
    };
    align(&la.pointers(), &lb.pointers())
        .into_iter()
        .map(|(l, r)| (text(&la, l), text(&lb, r)))
        .collect()
}

#[test]
fn members_face_their_own_and_a_member_one_side_has_faces_a_blank() {
    let a = json!({"sub": "1", "gift": {"cw": true}, "exp": 10});
    let b = json!({"sub": "1", "exp": 20, "custom": {"x": 1}});
    let rows = aligned(&a, &b);
    let pair = |l: &str, r: &str| (l.to_string(), r.to_string());
    assert_eq!(
        rows,
        vec![
            pair("{", "{"),
            pair("\"sub\": \"1\",", "\"sub\": \"1\","),
            pair("\"gift\": {", "·"),
            pair("\"cw\": true", "·"),
            pair("},", "·"),
            pair("\"exp\": 10", "\"exp\": 20,"),
            pair("·", "\"custom\": {"),
            pair("·", "\"x\": 1"),
            pair("·", "}"),
            pair("}", "}"),
        ]
    );
}

#[test]
fn an_object_against_a_scalar_pairs_its_first_line_and_its_closing_line_stands_alone() {
    let rows = aligned(&json!({"gift": {"cw": true}}), &json!({"gift": "none"}));
    assert_eq!(
        rows[1],
        ("\"gift\": {".to_string(), "\"gift\": \"none\"".to_string())
    );
    assert_eq!(rows[2], ("\"cw\": true".to_string(), "·".to_string()));
    assert_eq!(rows[3], ("}".to_string(), "·".to_string()));
    assert_eq!(rows.len(), 5);
}

#[test]
fn members_in_another_order_are_each_shown_once() {
    let a = json!({"a": 1, "b": 2, "c": 3});
    let b = json!({"c": 3, "a": 1, "b": 2});
    let rows = aligned(&a, &b);
    let left: Vec<&str> = rows
        .iter()
        .map(|r| r.0.as_str())
        .filter(|s| *s != "·")
        .collect();
    let right: Vec<&str> = rows
        .iter()
        .map(|r| r.1.as_str())
        .filter(|s| *s != "·")
        .collect();
    assert_eq!(left.len(), 5, "{rows:?}");
    assert_eq!(right.len(), 5, "{rows:?}");
}

#[test]
fn each_side_marks_what_it_has_and_a_removed_object_marks_all_its_lines() {
    let a = json!({"limit": {"canPlay": true}, "gift": {"cw": true}, "exp": 1});
    let b = json!({"limit": {"canPlay": "true"}, "exp": 2, "new": [1]});
    let changes = json_changes(&a, &b);
    let kinds = |v: &serde_json::Value, side| -> Vec<(String, Option<ChangeKind>)> {
        let doc = JsonDoc::from_value(v, None);
        marks(&doc.pointers(), &changes, side)
            .into_iter()
            .enumerate()
            .map(|(i, m)| (doc.text(i).trim().to_string(), m.map(|i| changes[i].change)))
            .collect()
    };
    let left = kinds(&a, Side::Pinned);
    assert_eq!(
        left[2],
        ("\"canPlay\": true".into(), Some(ChangeKind::TypeChanged))
    );
    for row in &left[4..7] {
        assert_eq!(row.1, Some(ChangeKind::Removed), "{row:?}");
    }
    assert_eq!(left[7], ("\"exp\": 1".into(), Some(ChangeKind::Changed)));
    assert_eq!(left[0].1, None);
    assert_eq!(
        left[1].1, None,
        "the object holding a change is not a change"
    );
    let right = kinds(&b, Side::Current);
    assert!(
        right.iter().all(|r| r.1 != Some(ChangeKind::Removed)),
        "{right:?}"
    );
    let added: Vec<&str> = right
        .iter()
        .filter(|r| r.1 == Some(ChangeKind::Added))
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(added, vec!["\"new\": [", "1", "]"]);
}

#[test]
fn escaped_member_names_are_marked_and_a_text_payload_is_marked_whole() {
    let a = json!({"a/b": {"m~n": 1}});
    let b = json!({"a/b": {"m~n": 2}});
    let changes = json_changes(&a, &b);
    let doc = JsonDoc::from_value(&a, None);
    let m = marks(&doc.pointers(), &changes, Side::Pinned);
    assert_eq!(m.iter().filter(|m| m.is_some()).count(), 1);
    // Not JSON: the payload is one string, its lines are the note's "#".
    let changes = json_changes(&json!("one"), &json!("two"));
    let mut text = JsonDoc::default();
    text.push_text(Tok::Str, "one");
    text.push_text(Tok::Str, "more");
    let m = marks(&text.pointers(), &changes, Side::Current);
    assert_eq!(m, vec![Some(0), Some(0)]);
}

#[test]
fn a_comparison_starts_a_run_at_each_change() {
    let a = json!({"x": 1, "y": 1, "z": 1, "w": {"k": 1}});
    let b = json!({"x": 2, "y": 2, "z": 1});
    let (la, lb) = (JsonDoc::from_value(&a, None), JsonDoc::from_value(&b, None));
    let diff = crate::diff::Diff {
        payload: json_changes(&a, &b),
        ..empty_diff()
    };
    let c = Compared::new(diff, &la, &lb, 7);
    // x and y are two changes side by side, w (3 lines) one more.
    assert_eq!(c.starts, vec![1, 2, 4]);
    assert_eq!(c.kind(c.change_at(4)), Some(ChangeKind::Removed));
    assert_eq!(c.change_at(3), None);
    assert_eq!(c.change_at(99), None);
}

fn empty_diff() -> crate::diff::Diff {
    let insp = crate::inspect_text(
        "eyJhbGciOiJub25lIn0.e30.",
        &crate::keys::KeyRing::default(),
        &crate::Options::default(),
    )
    .expect("a token");
    crate::diff::diff(&insp, &insp)
}

#[test]
fn a_fingerprint_tells_tokens_and_their_index_apart() {
    assert_eq!(fingerprint("a", 0), fingerprint("a", 0));
    assert_ne!(fingerprint("a", 0), fingerprint("a", 1));
    assert_ne!(fingerprint("a", 0), fingerprint("b", 0));
}

#[test]
fn values_are_one_escaped_line_cut_to_their_bound() {
    assert_eq!(shown_value(None), None);
    assert_eq!(shown_value(Some(&json!(true))).as_deref(), Some("true"));
    assert_eq!(
        shown_value(Some(&json!("true"))).as_deref(),
        Some("\"true\"")
    );
    let hostile = shown_value(Some(&json!({"a\u{1b}": "\u{202e}x"}))).unwrap();
    assert!(
        !hostile.chars().any(crate::escape::must_escape),
        "{hostile}"
    );
    for long in [json!("é".repeat(100_000)), json!(vec![1; 100_000])] {
        let v = shown_value(Some(&long)).unwrap();
        assert_eq!(v.chars().count(), MAX_VALUE, "{v}");
        assert!(v.ends_with('…'));
    }
    // Just at the bound: whole.
    let exact = "x".repeat(MAX_VALUE - 2);
    assert_eq!(
        shown_value(Some(&json!(exact))).unwrap().chars().count(),
        MAX_VALUE
    );
}
