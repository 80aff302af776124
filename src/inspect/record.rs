//! A batch's JSON Lines record: one token's inspection as `inspect --json` serialises an
//! [`Inspection`](crate::report::Inspection) (its members, in its order, compact and
//! escaped), then `error` for a token that did not decode whole, then `line`. Written
//! straight from the borrowed [`Evaluation`]: no `Inspection` and no `serde_json::Value` is
//! built, and claims already written as a report writes them are copied as they are.

use std::borrow::Cow;

use serde::Serialize;

use super::{Evaluation, Unreadable};
use crate::escape;
use crate::report::Layer;

/// Writes records for one batch (every token is evaluated at the same instant).
#[derive(Debug, Clone)]
pub struct Records {
    at: i64,
    at_rfc3339: String,
}

impl Records {
    pub fn new(at: i64) -> Records {
        Records {
            at,
            at_rfc3339: crate::time::rfc3339(at),
        }
    }

    /// Append the record of a token found on `line`, and a newline, to `out`; with a
    /// `generation` (a followed log), that too.
    pub fn write(
        &self,
        out: &mut Vec<u8>,
        result: Result<&Evaluation<'_>, Unreadable<'_>>,
        line: usize,
        generation: Option<u32>,
    ) {
        let (evaluation, error) = match result {
            Ok(evaluation) => (Some(evaluation), None),
            Err(unreadable) => (unreadable.partial, Some(unreadable.error)),
        };
        let mut first = true;
        if let Some(e) = evaluation {
            self.members(out, e);
            first = false;
        }
        if let Some(error) = error {
            member(out, first, "error", &error.to_string());
            first = false;
        }
        member(out, first, "line", &line);
        if let Some(generation) = generation {
            member(out, false, "generation", &generation);
        }
        out.extend_from_slice(b"}\n");
    }

    /// The members of `Inspection`, in its order (`to_inspection` says what a summary-only
    /// inspection leaves empty).
    fn members(&self, out: &mut Vec<u8>, e: &Evaluation<'_>) {
        let full = !e.summary_only;
        member(out, true, "kind", &e.kind);
        member(out, false, "stripped", &[] as &[String]);
        name(out, false, "token");
        string(out, if full { e.token } else { "" });
        name(out, false, "segments");
        out.push(b'[');
        for (i, segment) in e.segments.iter().enumerate().filter(|_| full) {
            if i > 0 {
                out.push(b',');
            }
            string(out, segment);
        }
        out.push(b']');
        if full {
            member(out, false, "header", e.header);
        } else {
            member(out, false, "header", &serde_json::Map::new());
        }
        match (full, e.payload_text, e.payload) {
            (true, Some(text), Some(_)) => {
                // Checked when the claims were read: written as the serializer would.
                out.extend_from_slice(b",\"payload\":");
                out.extend_from_slice(text.as_bytes());
            }
            (true, _, Some(claims)) => member(out, false, "payload", claims),
            _ => member(out, false, "payload", &()),
        }
        member(out, false, "payload_view", e.payload_view);
        name(out, false, "layers");
        out.push(b'[');
        for (i, layer) in e.layers.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_layer(out, layer);
        }
        out.push(b']');
        member(out, false, "findings", e.findings);
        member(out, false, "verdict", e.verdict);
        member(out, false, "accepted", &e.accepted);
        member(out, false, "evaluated_at", &e.at);
        let rfc3339: Cow<'_, str> = match (full, e.at == self.at) {
            (false, _) => Cow::Borrowed(""),
            (true, true) => Cow::Borrowed(&self.at_rfc3339),
            (true, false) => Cow::Owned(crate::time::rfc3339(e.at)),
        };
        member(out, false, "evaluated_at_rfc3339", &*rfc3339);
        member(out, false, "skew", &e.skew);
    }
}

/// A [`Layer`] as it serialises (its members, in its order): its content, the payload
/// again, is most of a record's text.
fn write_layer(out: &mut Vec<u8>, layer: &Layer) {
    member(out, true, "kind", &layer.kind);
    member(out, false, "alg", &layer.alg);
    member(out, false, "enc", &layer.enc);
    member(out, false, "kid", &layer.kid);
    member(out, false, "status", &layer.status);
    member(out, false, "key", &layer.key);
    if let Some(facts) = &layer.key_facts {
        member(out, false, "key_facts", facts);
    }
    member(out, false, "attempts", &layer.attempts);
    member(out, false, "detail", &layer.detail);
    member(out, false, "header", &layer.header);
    name(out, false, "content");
    match &layer.content {
        Some(content) => string(out, content),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
}

/// `{"name":value` or `,"name":value`; `name` needs no escaping.
fn member<T: Serialize + ?Sized>(out: &mut Vec<u8>, first: bool, name: &str, value: &T) {
    self::name(out, first, name);
    // Writing to memory fails only on a value that cannot be JSON (a map with non-string
    // keys), which no member is.
    let _ = escape::write_json(&mut *out, value);
}

/// `{"name":` or `,"name":`.
fn name(out: &mut Vec<u8>, first: bool, name: &str) {
    out.push(if first { b'{' } else { b',' });
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
}

/// A JSON string: the token, its segments and the payload text are most of a record.
fn string(out: &mut Vec<u8>, s: &str) {
    escape::write_json_string(out, s);
}

#[cfg(test)]
pub(super) mod tests;
