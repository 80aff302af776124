//! Laying a value out: the rows and text of a `JsonDoc`, in one pass over the value.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::{JsonDoc, Kind, NONE, Note, Row, Tok, offset};
// String literals that no terminal interprets.
use crate::escape::json_string;
use crate::time::{relative, rfc3339};

/// Time claims annotated with their date (RFC 7519 4.1.4-4.1.6, and OIDC's auth_time).
const TIME_CLAIMS: &[&str] = &["exp", "nbf", "iat", "auth_time"];

/// Values above this look like milliseconds (RULES.md section 2).
const MILLISECONDS: i64 = 100_000_000_000;

/// Where a value is laid out: what its first line is, in which object, at which depth.
struct Place<'k> {
    kind: Kind,
    up: u32,
    /// An element's index, a root's prefix's.
    index: u32,
    /// A member's name as written.
    key: Option<&'k str>,
    depth: u16,
    /// The last member or element (no comma).
    last: bool,
}

/// What is laid out: a value, or an object or array with members.
#[derive(Clone, Copy)]
enum Node<'v> {
    Value(&'v Value),
    Object(&'v Map<String, Value>),
    Array(&'v [Value]),
}

impl Note {
    /// The note of a top-level member `key` holding `value`, when it is a time claim: its
    /// date in UTC and its age at `at` (the human report writes the same notes).
    pub fn of_claim(key: &str, value: &serde_json::Number, at: i64) -> Option<Note> {
        if !TIME_CLAIMS.contains(&key) {
            return None;
        }
        let secs = value
            .as_i64()
            .or_else(|| value.as_f64().map(|f| f as i64))?;
        Some(Note::utc(secs, at))
    }

    /// The note in UTC, its age at `at`.
    fn utc(secs: i64, at: i64) -> Note {
        let millis = secs > MILLISECONDS;
        let text = if millis {
            format!(
                "  // looks like milliseconds: {} as seconds",
                rfc3339(secs / 1000)
            )
        } else {
            format!("  // {} ({})", rfc3339(secs), relative(secs, at))
        };
        Note {
            row: 0,
            secs,
            millis,
            text,
        }
    }
}

impl JsonDoc {
    /// Append `value` laid out whole, its pointers starting with `prefix` (`/header`); with
    /// `at`, its top-level time claims get a note with their UTC date and age at `at`.
    pub fn push_value(&mut self, value: &Value, prefix: &str, at: Option<i64>) {
        let place = self.root(prefix);
        self.walk(Node::Value(value), place, at);
    }

    /// Append an object laid out whole (a header, without making a `Value` of it), its
    /// pointers starting with `prefix`.
    pub fn push_object(&mut self, map: &Map<String, Value>, prefix: &str) {
        let place = self.root(prefix);
        self.walk(Node::Object(map), place, None);
    }

    fn root(&mut self, prefix: &str) -> Place<'static> {
        self.prefixes.push(prefix.to_string());
        Place {
            kind: Kind::Root,
            up: NONE,
            index: offset(self.prefixes.len() - 1),
            key: None,
            depth: 0,
            last: true,
        }
    }

    /// Append a line that is not JSON (a note, a line of a text payload): its text as
    /// given (the caller escapes it), its pointer `#`.
    pub fn push_text(&mut self, tok: Tok, text: &str) {
        let start = offset(self.text.len());
        self.text.push_str(text);
        let i = offset(self.rows.len());
        self.rows.push(Row {
            start,
            key: 0,
            up: NONE,
            close: i,
            index: 0,
            depth: 0,
            tok,
            kind: Kind::Text,
        });
    }

    /// Write a string literal as `escape::json_string` does, without allocating when it
    /// needs no escape (printable ASCII, as most member names and values are).
    fn push_string(&mut self, s: &str) {
        let plain = s
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
        if plain {
            self.text.push('"');
            self.text.push_str(s);
            self.text.push('"');
        } else {
            self.text.push_str(&json_string(s));
        }
    }

    /// Lay out `v` (one line, or an opening line, its members and a closing line).
    fn walk(&mut self, v: Node<'_>, at_place: Place<'_>, at: Option<i64>) {
        let Place {
            kind,
            up,
            index,
            key,
            depth,
            last,
        } = at_place;
        let start = offset(self.text.len());
        let key_len = match key {
            Some(k) => {
                self.push_string(k);
                let len = offset(self.text.len()).saturating_sub(start);
                self.text.push_str(": ");
                len
            }
            None => 0,
        };
        let comma = if last { "" } else { "," };
        let i = offset(self.rows.len());
        let mut row = Row {
            start,
            key: key_len,
            up,
            close: i,
            index,
            depth,
            tok: Tok::Punct,
            kind,
        };
        let v = match v {
            Node::Object(m) if !m.is_empty() => Node::Object(m),
            Node::Value(Value::Object(m)) if !m.is_empty() => Node::Object(m),
            Node::Value(Value::Array(a)) if !a.is_empty() => Node::Array(a),
            other => other,
        };
        let children = match v {
            Node::Object(m) if m.is_empty() => {
                self.text.push_str("{}");
                None
            }
            Node::Object(m) => Some(m.len()),
            Node::Array(a) => Some(a.len()),
            Node::Value(v) => self.scalar(v, &mut row),
        };
        let Some(n) = children else {
            self.text.push_str(comma);
            self.rows.push(row);
            if depth == 1
                && let Some(k) = key
                && let Some(at) = at
                && let Node::Value(Value::Number(n)) = v
                && let Some(mut note) = Note::of_claim(k, n, at)
            {
                note.row = i as usize;
                self.notes.push(note);
            }
            return;
        };
        let (open, close) = match v {
            Node::Array(_) => ("[", "]"),
            _ => ("{", "}"),
        };
        self.text.push_str(open);
        self.rows.push(row);
        let depth_in = depth.saturating_add(1);
        match v {
            Node::Object(m) => {
                for (k, (key, child)) in m.iter().enumerate() {
                    let place = Place {
                        kind: Kind::Member,
                        up: i,
                        index: 0,
                        key: Some(key),
                        depth: depth_in,
                        last: k + 1 == n,
                    };
                    self.walk(Node::Value(child), place, at);
                }
            }
            Node::Array(a) => {
                for (k, child) in a.iter().enumerate() {
                    let place = Place {
                        kind: Kind::Element,
                        up: i,
                        index: offset(k),
                        key: None,
                        depth: depth_in,
                        last: k + 1 == n,
                    };
                    self.walk(Node::Value(child), place, at);
                }
            }
            Node::Value(_) => {}
        }
        let closing = offset(self.rows.len());
        if let Some(r) = self.rows.get_mut(i as usize) {
            r.close = closing;
        }
        let start = offset(self.text.len());
        self.text.push_str(close);
        self.text.push_str(comma);
        self.rows.push(Row {
            start,
            key: 0,
            up: i,
            close: closing,
            index: 0,
            depth,
            tok: Tok::Punct,
            kind: Kind::Close,
        });
    }

    /// Write a scalar (or an empty object or array) on the row; None: it has no members.
    fn scalar(&mut self, v: &Value, row: &mut Row) -> Option<usize> {
        match v {
            Value::Object(_) => self.text.push_str("{}"),
            Value::Array(_) => self.text.push_str("[]"),
            Value::Null => {
                row.tok = Tok::Null;
                self.text.push_str("null");
            }
            Value::Bool(b) => {
                row.tok = Tok::Bool;
                self.text.push_str(if *b { "true" } else { "false" });
            }
            Value::Number(n) => {
                row.tok = Tok::Num;
                let _ = write!(self.text, "{n}");
            }
            Value::String(s) => {
                row.tok = Tok::Str;
                self.push_string(s);
            }
        }
        None
    }
}
