use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::token::tree::{Parsed, parse_with};

fn slow(text: &str) -> Result<Parsed<'_>, serde_json::Error> {
    parse_with(serde_json::Deserializer::from_str(text))
}

/// What the fast reader reads, serde_json reads the same, without duplicates; and the text
/// it calls compact is serde_json's compact writing of the value.
#[track_caller]
fn agrees(text: &str) -> Option<bool> {
    let (fast, compact) = parse(text)?;
    let slow = slow(text).unwrap_or_else(|e| panic!("{text:?}: serde_json refuses it: {e}"));
    assert_eq!(fast, slow.value, "{text:?}");
    assert!(slow.duplicates.is_empty(), "{text:?}");
    if compact {
        assert_eq!(serde_json::to_string(&fast).unwrap(), text, "{text:?}");
    }
    Some(compact)
}

#[test]
fn reads_a_claims_set_and_knows_it_is_compact() {
    let claims = r#"{"sub":"participant-00000001","iss":"ACME Games","iat":1796509087,"exp":-1796595547,"campaignId":"123456","limit":{"canPlay":true,"nb":3},"gift":{"cw":false,"label":"five-night getaway"},"form":{"firstname":"Élodie","n":[0,1,null,[],{}]},"optin":{"newsletter":1,"partners":"off"}}"#;
    assert_eq!(agrees(claims), Some(true));
    let spaced = " {\n\t\"sub\" : \"a\" , \"n\" : [ 1 , 2 ] }\r\n";
    assert_eq!(agrees(spaced), Some(false));
    for compact in [
        "0",
        "-1",
        "\"s\"",
        "[]",
        "{}",
        "true",
        "null",
        "999999999999999999",
    ] {
        assert_eq!(agrees(compact), Some(true), "{compact}");
    }
}

#[test]
fn leaves_everything_else_to_serde_json() {
    let deep = format!(
        "{}1{}",
        "[".repeat(MAX_DEPTH + 1),
        "]".repeat(MAX_DEPTH + 1)
    );
    let wide = format!(
        "{{{}}}",
        (0..=MAX_MEMBERS)
            .map(|i| format!("\"m{i}\":{i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    for text in [
        "",
        " ",
        r#"{"a":"esc\"aped"}"#,
        r#"{"a\u0062":1}"#,
        r#"{"a":1.5}"#,
        r#"{"a":1e3}"#,
        r#"{"a":1E3}"#,
        r#"{"a":-0}"#,
        r#"{"a":01}"#,
        r#"{"a":-}"#,
        r#"{"a":1234567890123456789}"#,
        r#"{"a":1,"a":2}"#,
        r#"{"a":{"b":1,"b":1}}"#,
        "{\"a\":\"tab\there\"}",
        r#"{"a":1,}"#,
        r#"[1,]"#,
        r#"{"a":1} x"#,
        r#"{"a":1}{}"#,
        r#"{"a" 1}"#,
        r#"{a:1}"#,
        r#"{"a":tru}"#,
        r#"{"a":nul"#,
        r#"{"a":"#,
        r#""open"#,
        &deep,
        &wide,
    ] {
        assert_eq!(parse(text), None, "{text:?}");
    }
    // Nesting up to the limit is read.
    let nested = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert_eq!(agrees(&nested), Some(true));
}

fn values() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-zé\"\\\\\n\u{1}\u{7f}\u{202e} ]{0,6}".prop_map(Value::from),
        "[a-zé\u{7f}\u{202e} ]{0,6}".prop_map(Value::from),
        "[a-z]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-c]{1,2}", inner), 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Documents as written (compact, pretty), then damaged: wherever the fast reader
    /// answers, serde_json answers the same.
    #[test]
    fn agrees_with_serde_json(
        value in values(),
        pretty in any::<bool>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(
            vec!["", " ", ",", ":", "\"", "{", "}", "[", "]", "0", "-", "1", "\\", "a", ",\"a\":1"]
        )), 0..3),
    ) {
        let mut text = match pretty {
            true => serde_json::to_string_pretty(&value).unwrap(),
            false => serde_json::to_string(&value).unwrap(),
        };
        for (at, insert) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, insert);
        }
        agrees(&text);
    }

    /// Documents of duplicate names built by hand: refused, or read the same.
    #[test]
    fn duplicates_are_never_read(names in prop::collection::vec("[ab]", 1..5)) {
        let text = format!(
            "{{{}}}",
            names.iter().map(|n| format!("\"{n}\":0")).collect::<Vec<_>>().join(",")
        );
        let unique = names.iter().collect::<std::collections::HashSet<_>>().len() == names.len();
        prop_assert_eq!(parse(&text).is_some(), unique);
        agrees(&text);
    }
}

#[test]
fn string_end_finds_the_first_quote_or_backslash() {
    for len in 0..40 {
        for at in 0..=len {
            for (found, other) in [(b'"', b'a'), (b'\\', b'"'), (b'"', b'\\')] {
                let mut bytes = vec![b'x'; len];
                let want = (at < len).then(|| {
                    bytes[at] = found;
                    at
                });
                // A second match later never hides the first.
                if at + 3 < len {
                    bytes[at + 3] = other;
                }
                assert_eq!(string_end(&bytes), want, "{len} {at}");
            }
        }
    }
    // Bytes a borrow could confuse: 0x21, 0x23, 0x5b, 0x5d next to a match.
    for fill in [0x21u8, 0x23, 0x5b, 0x5d, 0x00, 0xff] {
        let mut bytes = vec![fill; 16];
        bytes[9] = b'"';
        assert_eq!(string_end(&bytes), Some(9), "{fill:#x}");
    }
}
