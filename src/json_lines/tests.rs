use super::*;
use crate::escape::json_string;
use crate::token::pointer::escape_pointer_token;
use serde_json::json;

#[test]
fn pretty_lines_with_pointers_and_notes() {
    let v = json!({"sub": "a", "exp": 1300819380, "limit": {"nb": 1, "canPlay": true}, "l": [], "x": {}});
    let doc = JsonDoc::from_value(&v, Some(1300819380 - 3 * 86_400));
    let text: Vec<String> = (0..doc.len()).map(|i| doc.text(i)).collect();
    assert_eq!(
        text,
        vec![
            "{",
            "  \"sub\": \"a\",",
            "  \"exp\": 1300819380,  // 2011-03-22T18:43:00Z (in 3 days)",
            "  \"limit\": {",
            "    \"nb\": 1,",
            "    \"canPlay\": true",
            "  },",
            "  \"l\": [],",
            "  \"x\": {}",
            "}",
        ]
    );
    let opens: Vec<usize> = (0..doc.len()).filter(|i| doc.opens(*i)).collect();
    assert_eq!(opens, [0, 3]);
    assert_eq!(
        doc.pointers(),
        vec![
            "",
            "/sub",
            "/exp",
            "/limit",
            "/limit/nb",
            "/limit/canPlay",
            "/limit",
            "/l",
            "/x",
            ""
        ]
    );
}

#[test]
fn escapes_reach_no_terminal() {
    let all = |v: &Value| {
        let doc = JsonDoc::from_value(v, None);
        (0..doc.len()).map(|i| doc.text(i)).collect::<String>()
    };
    let text = all(&json!({"name": "\u{1b}]52;c;SGk=\u{7}\u{1b}[2J"}));
    assert!(!text.contains('\u{1b}'), "{text}");
    let text = all(&json!({"name\u{202e}": "\u{7f}\u{9b}\u{200b}"}));
    assert_eq!(text, "{  \"name\\u202e\": \"\\u007f\\u009b\\u200b\"}");
}

#[test]
fn strings_read_as_the_escaping_serializer_writes_them() {
    for s in [
        "plain",
        "",
        "quote \" and \\ backslash",
        "tab\there",
        "é 漢字 ✔",
        "\u{202e}rtl",
        "\u{7f}",
        "~/",
        "~1",
        "a~0b/~",
        "\u{1}ctl",
    ] {
        let doc = JsonDoc::from_value(&json!({ s: s }), None);
        let expected = format!("  {}: {}", json_string(s), json_string(s));
        assert_eq!(doc.text(1), expected, "{s:?}");
        // The pointer names the member as RFC 6901 escapes it, and finds it.
        let pointer = format!("/{}", escape_pointer_token(s));
        assert_eq!(doc.pointer(1), pointer);
        assert_eq!(doc.find(&pointer), Some(1), "{s:?}");
    }
}

#[test]
fn every_line_has_its_pointer_and_the_pointer_finds_its_line() {
    let v = json!({
        "a": [1, {"b": [[], {}, [2, 3]]}, "x"],
        "c~d/e": {"f": null, "g": {"h": true}},
        "10": 1,
        "i": []
    });
    let doc = JsonDoc::from_value(&v, None);
    let all = doc.pointers();
    assert_eq!(all.len(), doc.len());
    for (i, p) in all.iter().enumerate() {
        assert_eq!(&doc.pointer(i), p, "line {i}");
        // A closing line shares its pointer with the line that opens its object, which
        // is the one found.
        let found = doc.find(p).unwrap();
        assert_eq!(found, if doc.opens(found) { found } else { i }, "{p}");
        assert_eq!(&doc.pointer(found), p);
    }
    assert_eq!(
        doc.find("/a/1/b/2/1").map(|i| doc.text(i)),
        Some("          3".into())
    );
    assert_eq!(
        doc.find("/c~0d~1e/g/h").map(|i| doc.text(i)),
        Some("      \"h\": true".into())
    );
    assert_eq!(
        doc.find("/10").map(|i| doc.text(i)),
        Some("  \"10\": 1,".into())
    );
    for missing in [
        "/a/3",
        "/a/01",
        "/a/+1",
        "/a/",
        "/z",
        "/c~0d~1e/g/h/i",
        "a",
        "#",
    ] {
        assert_eq!(doc.find(missing), None, "{missing}");
    }
    // The containers: a member's object, a closing line's outer object.
    let b = doc.find("/a/1/b").unwrap();
    assert_eq!(doc.container(b), doc.find("/a/1"));
    assert_eq!(doc.container(doc.closing(b)), doc.find("/a/1"));
    assert_eq!(doc.container(0), None);
    assert_eq!(doc.container(doc.closing(0)), None);
}

#[test]
fn several_values_and_text_lines_in_one_document() {
    let mut doc = JsonDoc::default();
    doc.push_text(Tok::Note, "// layer 1: JWE");
    doc.push_value(&json!({"alg": "dir"}), "/header", None);
    doc.push_text(Tok::Note, "// layer 2: JWS");
    doc.push_value(&json!({"alg": "HS256"}), "/layers/1/header", None);
    let all = doc.pointers();
    assert_eq!(
        all,
        [
            "#",
            "/header",
            "/header/alg",
            "/header",
            "#",
            "/layers/1/header",
            "/layers/1/header/alg",
            "/layers/1/header"
        ]
    );
    assert_eq!(doc.find("/layers/1/header/alg"), Some(6));
    assert_eq!(doc.find("/header/alg"), Some(2));
    assert_eq!(doc.find("/headerx"), None);
    assert_eq!(doc.text(0), "// layer 1: JWE");
    assert_eq!(
        doc.parts(0).collect::<Vec<_>>(),
        [(Tok::Note, "// layer 1: JWE")]
    );
}

#[test]
fn parts_are_typed_slices_and_notes_can_be_written_again() {
    let v = json!({"exp": 1300819380, "nbf": 1300819380000_i64, "s": "x", "n": null, "o": {}});
    let mut doc = JsonDoc::from_value(&v, Some(1300819380));
    let parts: Vec<(Tok, &str)> = doc.parts(1).collect();
    assert_eq!(
        parts,
        [
            (Tok::Key, "\"exp\""),
            (Tok::Punct, ": "),
            (Tok::Num, "1300819380"),
            (Tok::Punct, ","),
            (Tok::Note, "  // 2011-03-22T18:43:00Z (now)")
        ]
    );
    assert_eq!(
        doc.note(2).map(|n| (n.millis, n.text.as_str())),
        Some((
            true,
            "  // looks like milliseconds: 2011-03-22T18:43:00Z as seconds"
        ))
    );
    assert_eq!(doc.parts(4).nth(2), Some((Tok::Null, "null")));
    assert_eq!(doc.parts(5).nth(2), Some((Tok::Punct, "{}")));
    for note in doc.notes_mut() {
        note.text = format!("  // {}", note.secs);
    }
    assert_eq!(doc.text(1), "  \"exp\": 1300819380,  // 1300819380");
}

#[test]
fn a_big_document_costs_a_fixed_row_per_line() {
    assert_eq!(std::mem::size_of::<Row>(), 24);
    let items: Vec<Value> = (0..1000).map(|i| json!({"id": i, "tags": ["a"]})).collect();
    let doc = JsonDoc::from_value(&json!({ "items": items }), None);
    assert_eq!(doc.len(), 3 + 1000 * 6 + 1);
    assert_eq!(
        doc.find("/items/999/tags/0").map(|i| doc.text(i)),
        Some("        \"a\"".into())
    );
}
