//! The payload of the human report, pretty-printed straight to the report as the tree is
//! walked: the same text as `json_lines` coloured line by line (its tests compare the two),
//! without a line, a pointer or a token string held per member of a 1 MiB payload. It walks
//! the claims as the evaluation read them (the borrowed tree) or as an `Inspection` holds
//! them (a `serde_json::Value`).

use std::fmt::Write;

use serde_json::{Number, Value};

use super::{Style, indent, paint};
use crate::inspect::Claims;
use crate::json_lines::{Note, Tok};
use crate::token::tree::Json;

/// A JSON value, read the same way from either tree.
trait Node: Sized {
    fn read(&self) -> Read<'_, Self>;
}

enum Read<'n, N> {
    Null,
    Bool(bool),
    Number(&'n Number),
    String(&'n str),
    Array(&'n [N]),
    Object(Box<dyn ExactSizeIterator<Item = (&'n str, &'n N)> + 'n>),
}

impl Node for Value {
    fn read(&self) -> Read<'_, Self> {
        match self {
            Value::Null => Read::Null,
            Value::Bool(b) => Read::Bool(*b),
            Value::Number(n) => Read::Number(n),
            Value::String(s) => Read::String(s),
            Value::Array(a) => Read::Array(a),
            Value::Object(m) => Read::Object(Box::new(m.iter().map(|(k, v)| (k.as_str(), v)))),
        }
    }
}

impl Node for Json<'_> {
    fn read(&self) -> Read<'_, Self> {
        match self {
            Json::Null => Read::Null,
            Json::Bool(b) => Read::Bool(*b),
            Json::Number(n) => Read::Number(n),
            Json::String(s) => Read::String(s),
            Json::Array(a) => Read::Array(a),
            Json::Object(o) => Read::Object(Box::new(o.into_iter())),
        }
    }
}

/// The claims as pretty JSON; top-level time claims get a note with their UTC date and age
/// at `at`.
pub(super) fn write_payload(out: &mut impl Write, claims: Claims<'_>, at: i64, style: Style) {
    let mut walk = Walk {
        out,
        style,
        at,
        scratch: Vec::new(),
    };
    match claims {
        Claims::Value(v) => walk.value(v, None, 0, true),
        Claims::Tree(t) => walk.value(t, None, 0, true),
    }
}

struct Walk<'o, O> {
    out: &'o mut O,
    style: Style,
    at: i64,
    /// A string literal being escaped (reused: no allocation per string).
    scratch: Vec<u8>,
}

impl<O: Write> Walk<'_, O> {
    fn value<N: Node>(&mut self, v: &N, key: Option<&str>, depth: usize, last: bool) {
        let comma = if last { "" } else { "," };
        indent(self.out, depth);
        if let Some(k) = key {
            self.string(Tok::Key, k);
            paint(self.out, Tok::Punct, ": ", self.style);
        }
        match v.read() {
            Read::Object(members) if members.len() > 0 => {
                self.line_end(Tok::Punct, "{");
                let n = members.len();
                for (i, (k, child)) in members.enumerate() {
                    self.value(child, Some(k), depth + 1, i + 1 == n);
                }
                self.close(depth, "}", comma);
            }
            Read::Array(a) if !a.is_empty() => {
                self.line_end(Tok::Punct, "[");
                let n = a.len();
                for (i, child) in a.iter().enumerate() {
                    self.value(child, None, depth + 1, i + 1 == n);
                }
                self.close(depth, "]", comma);
            }
            Read::Object(_) => self.empty("{}", comma),
            Read::Array(_) => self.empty("[]", comma),
            Read::String(s) => {
                self.string(Tok::Str, s);
                self.scalar_end(key, None, depth, comma);
            }
            Read::Number(n) => {
                paint(self.out, Tok::Num, &n.to_string(), self.style);
                self.scalar_end(key, Some(n), depth, comma);
            }
            Read::Bool(b) => {
                paint(
                    self.out,
                    Tok::Bool,
                    if b { "true" } else { "false" },
                    self.style,
                );
                self.scalar_end(key, None, depth, comma);
            }
            Read::Null => {
                paint(self.out, Tok::Null, "null", self.style);
                self.scalar_end(key, None, depth, comma);
            }
        }
    }

    /// A string literal, escaped as `escape::json_string` escapes it.
    fn string(&mut self, tok: Tok, s: &str) {
        self.scratch.clear();
        crate::escape::write_json_string(&mut self.scratch, s);
        paint(
            self.out,
            tok,
            &String::from_utf8_lossy(&self.scratch),
            self.style,
        );
    }

    /// A scalar's comma, a time claim's note (only a number has one) and the line's end.
    fn scalar_end(&mut self, key: Option<&str>, n: Option<&Number>, depth: usize, comma: &str) {
        if !comma.is_empty() {
            paint(self.out, Tok::Punct, comma, self.style);
        }
        if depth == 1
            && let (Some(key), Some(n)) = (key, n)
            && let Some(note) = Note::of_claim(key, n, self.at)
        {
            paint(self.out, Tok::Note, &note.text, self.style);
        }
        let _ = self.out.write_char('\n');
    }

    fn line_end(&mut self, tok: Tok, text: &str) {
        paint(self.out, tok, text, self.style);
        let _ = self.out.write_char('\n');
    }

    fn empty(&mut self, braces: &str, comma: &str) {
        paint(
            self.out,
            Tok::Punct,
            &format!("{braces}{comma}"),
            self.style,
        );
        let _ = self.out.write_char('\n');
    }

    fn close(&mut self, depth: usize, bracket: &str, comma: &str) {
        indent(self.out, depth);
        paint(
            self.out,
            Tok::Punct,
            &format!("{bracket}{comma}"),
            self.style,
        );
        let _ = self.out.write_char('\n');
    }
}

#[cfg(test)]
mod tests;
