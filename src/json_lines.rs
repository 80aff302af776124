//! Presentation data shared by the human report and the TUI: JSON as lines of typed tokens,
//! with the JSON pointer of each line and time-claim annotations. No colours here: each face
//! maps `Tok` to its own styles (ANSI for the CLI, the theme for the TUI).

use serde_json::Value;

// String literals that no terminal interprets.
use crate::escape::json_string;
use crate::time::{relative, rfc3339};
use crate::token::pointer::escape_pointer_token;

/// What a piece of a JSON line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Punct,
    Key,
    Str,
    Num,
    Bool,
    Null,
    /// A comment tokenscope adds (a time claim's date and age).
    Note,
}

/// One rendered line of pretty JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonLine {
    /// Nesting depth (0 for the outer braces).
    pub depth: usize,
    /// JSON pointer of the member or element this line starts (empty for the root).
    pub pointer: String,
    /// True when this line opens an object or array that can be folded.
    pub opens: bool,
    pub parts: Vec<(Tok, String)>,
}

impl JsonLine {
    /// The line as plain text (with indentation).
    pub fn text(&self) -> String {
        let mut s = "  ".repeat(self.depth);
        for (_, t) in &self.parts {
            s.push_str(t);
        }
        s
    }
}

/// Time claims annotated with their date (RFC 7519 4.1.4-4.1.6, and OIDC's auth_time).
const TIME_CLAIMS: &[&str] = &["exp", "nbf", "iat", "auth_time"];

/// Pretty JSON lines; top-level time claims get a note with their UTC date and age at `at`.
pub fn json_lines(value: &Value, at: Option<i64>) -> Vec<JsonLine> {
    let mut out = Vec::new();
    walk(value, None, String::new(), 0, true, at, &mut out);
    out
}

fn scalar(v: &Value) -> (Tok, String) {
    match v {
        Value::Null => (Tok::Null, "null".into()),
        Value::Bool(b) => (Tok::Bool, b.to_string()),
        Value::Number(n) => (Tok::Num, n.to_string()),
        Value::String(s) => (Tok::Str, json_string(s)),
        Value::Array(_) | Value::Object(_) => (Tok::Punct, String::new()),
    }
}

fn time_note(key: Option<&str>, v: &Value, depth: usize, at: Option<i64>) -> Option<String> {
    let at = at?;
    if depth != 1 || !TIME_CLAIMS.contains(&key?) {
        return None;
    }
    let secs = v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))?;
    // Values that look like milliseconds get a note of their own (RULES.md section 2).
    if secs > 100_000_000_000 {
        return Some(format!(
            "  // looks like milliseconds: {} as seconds",
            rfc3339(secs / 1000)
        ));
    }
    Some(format!("  // {} ({})", rfc3339(secs), relative(secs, at)))
}

fn walk(
    v: &Value,
    key: Option<&str>,
    pointer: String,
    depth: usize,
    last: bool,
    at: Option<i64>,
    out: &mut Vec<JsonLine>,
) {
    let comma = if last { "" } else { "," };
    let mut parts = Vec::new();
    if let Some(k) = key {
        parts.push((Tok::Key, json_string(k)));
        parts.push((Tok::Punct, ": ".into()));
    }
    let (open, close, children): (&str, &str, Vec<(Option<&str>, &Value)>) = match v {
        Value::Object(m) if !m.is_empty() => (
            "{",
            "}",
            m.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
        ),
        Value::Array(a) if !a.is_empty() => ("[", "]", a.iter().map(|v| (None, v)).collect()),
        Value::Object(_) => {
            parts.push((Tok::Punct, format!("{{}}{comma}")));
            out.push(JsonLine {
                depth,
                pointer,
                opens: false,
                parts,
            });
            return;
        }
        Value::Array(_) => {
            parts.push((Tok::Punct, format!("[]{comma}")));
            out.push(JsonLine {
                depth,
                pointer,
                opens: false,
                parts,
            });
            return;
        }
        scalar_value => {
            parts.push(scalar(scalar_value));
            if !comma.is_empty() {
                parts.push((Tok::Punct, comma.into()));
            }
            if let Some(note) = time_note(key, scalar_value, depth, at) {
                parts.push((Tok::Note, note));
            }
            out.push(JsonLine {
                depth,
                pointer,
                opens: false,
                parts,
            });
            return;
        }
    };
    parts.push((Tok::Punct, open.into()));
    out.push(JsonLine {
        depth,
        pointer: pointer.clone(),
        opens: true,
        parts,
    });
    let n = children.len();
    for (i, (k, child)) in children.into_iter().enumerate() {
        let child_pointer = match k {
            Some(k) => format!("{pointer}/{}", escape_pointer_token(k)),
            None => format!("{pointer}/{i}"),
        };
        walk(child, k, child_pointer, depth + 1, i + 1 == n, at, out);
    }
    out.push(JsonLine {
        depth,
        pointer,
        opens: false,
        parts: vec![(Tok::Punct, format!("{close}{comma}"))],
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pretty_lines_with_pointers_and_notes() {
        let v = json!({"sub": "a", "exp": 1300819380, "limit": {"nb": 1, "canPlay": true}, "l": [], "x": {}});
        let lines = json_lines(&v, Some(1300819380 - 3 * 86_400));
        let text: Vec<String> = lines.iter().map(JsonLine::text).collect();
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
        let pointers: Vec<&str> = lines.iter().map(|l| l.pointer.as_str()).collect();
        assert_eq!(
            pointers,
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
        let v = json!({"name": "\u{1b}]52;c;SGk=\u{7}\u{1b}[2J"});
        let text: String = json_lines(&v, None).iter().map(JsonLine::text).collect();
        assert!(!text.contains('\u{1b}'), "{text}");
        let v = json!({"name\u{202e}": "\u{7f}\u{9b}\u{200b}"});
        let text: String = json_lines(&v, None).iter().map(JsonLine::text).collect();
        assert_eq!(text, "{  \"name\\u202e\": \"\\u007f\\u009b\\u200b\"}");
    }
}
