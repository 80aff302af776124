use serde_json::{Value, json};

use super::super::{Style, write_json};
use super::write_payload;
use crate::inspect::Claims;
use crate::json_lines::JsonDoc;
use crate::token::tree::{self, Json};

const AT: i64 = 1_300_819_380;

/// What the report wrote before it streamed: the document's lines, each coloured.
fn by_lines(v: &Value, style: Style) -> String {
    let mut out = String::new();
    write_json(&mut out, &JsonDoc::from_value(v, Some(AT)), style, false);
    out
}

fn streamed(claims: Claims<'_>, style: Style) -> String {
    let mut out = String::new();
    write_payload(&mut out, claims, AT, style);
    out
}

/// Both trees stream what the lines wrote: the `Value`, and the tree the evaluation reads
/// from the payload's text.
#[track_caller]
fn same(v: &Value) {
    let text = serde_json::to_vec(v).unwrap();
    let parsed = tree::parse(&text).unwrap();
    let borrowed = Json::from_value(v);
    for color in [false, true] {
        let style = Style { color };
        let expected = by_lines(v, style);
        assert_eq!(
            streamed(Claims::Value(v), style),
            expected,
            "color {color}: {v}"
        );
        assert_eq!(
            streamed(Claims::Tree(&parsed.value), style),
            expected,
            "{v}"
        );
        assert_eq!(streamed(Claims::Tree(&borrowed), style), expected, "{v}");
    }
}

#[test]
fn writes_what_the_lines_write() {
    same(&json!({
        "sub": "a", "exp": AT + 60, "nbf": 1_300_819_380_000_i64, "iat": 1.5e9, "auth_time": "x",
        "limit": {"nb": 1, "canPlay": true, "exp": AT, "n": null},
        "l": [], "x": {}, "deep": [[[], {}], [1, -2.5, 1e300, u64::MAX], {"k": [null, false]}],
        "custom": {"items": [{"id": 0, "sku": "SKU-000000", "active": true}, {"id": 1}]},
    }));
    for scalar in [
        json!(null),
        json!(true),
        json!(12),
        json!("s"),
        json!([]),
        json!({}),
    ] {
        same(&scalar);
    }
    same(&json!([1, [2, [3, {"exp": 4}]], {}]));
}

#[test]
fn escapes_what_the_lines_escape() {
    let hostile = "a\u{1b}]52;c;SGk=\u{7}\u{1b}[2J\u{7f}\u{85}\u{9b}\u{61c}\u{200b}\u{202e}\u{2028}\u{feff}\r\n\t\"\\é😀z";
    same(&json!({ hostile: hostile, "k": [hostile, {hostile: {}}] }));
    let text = streamed(
        Claims::Value(&json!({ hostile: hostile })),
        Style { color: true },
    );
    assert!(!text.contains("\u{1b}]"), "{text}");
    assert!(!text.contains('\u{202e}'), "{text}");
}
