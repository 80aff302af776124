//! Small helpers that shape what findings say: JSON pointers (RFC 6901), values rendered as
//! JSON and truncated, "did you mean" lookups, and instants in UTC with a relative age.

use chrono::{DateTime, SecondsFormat};
use serde::Serialize;
use serde_json::Value;

use crate::token::tree::{Json, Object};

/// A JSON value as the messages describe it: a header member (`Value`) or a claim (`Json`).
pub trait Described: Serialize {
    /// `null`, `boolean`, `number`, `string`, `array` or `object`.
    fn noun(&self) -> &'static str;
    /// A number written with a fraction or an exponent.
    fn is_fraction(&self) -> bool;
}

impl<T: Described + ?Sized> Described for &T {
    fn noun(&self) -> &'static str {
        (**self).noun()
    }

    fn is_fraction(&self) -> bool {
        (**self).is_fraction()
    }
}

impl Described for Value {
    fn noun(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    fn is_fraction(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_f64())
    }
}

impl Described for Json<'_> {
    fn noun(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }

    fn is_fraction(&self) -> bool {
        matches!(self, Json::Number(n) if n.is_f64())
    }
}

/// Longest rendering of a value in a message, in characters: a message is one line a support
/// agent pastes into a ticket.
pub const MAX_VALUE_CHARS: usize = 60;

/// Escape one reference token (RFC 6901 section 3: `~` -> `~0`, `/` -> `~1`).
pub use crate::token::pointer::escape_pointer_token as escape_token;

/// A JSON pointer from unescaped reference tokens: `pointer(&["limit", "canPlay"])` is
/// `/limit/canPlay`.
pub fn pointer(tokens: &[&str]) -> String {
    let mut out = String::new();
    for t in tokens {
        out.push('/');
        out.push_str(&escape_token(t));
    }
    out
}

/// Append one reference token to a pointer.
pub fn child(base: &str, token: &str) -> String {
    let token = escape_token(token);
    let mut out = String::with_capacity(base.len() + 1 + token.len());
    out.push_str(base);
    out.push('/');
    out.push_str(&token);
    out
}

/// The value as compact JSON, truncated to `MAX_VALUE_CHARS` characters.
pub fn render(value: &(impl Serialize + ?Sized)) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| String::from("?"));
    truncate(&json)
}

/// A string quoted as JSON, truncated.
pub fn quote(s: &str) -> String {
    render(s)
}

/// Truncate to `MAX_VALUE_CHARS` characters (never inside a character).
pub fn truncate(s: &str) -> String {
    if s.chars().count() <= MAX_VALUE_CHARS {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(MAX_VALUE_CHARS - 1).collect();
    out.push('…');
    out
}

/// What kind of JSON value this is, with its article: "a string", "a number"...
pub fn kind(value: &impl Described) -> &'static str {
    match value.noun() {
        "null" => "null",
        "number" if value.is_fraction() => "a fractional number",
        "number" => "a number",
        "boolean" => "a boolean",
        "string" => "a string",
        "array" => "an array",
        _ => "an object",
    }
}

/// "the string \"true\"", "the number 1.5", "null": the value seen, for a message.
pub fn seen(value: &impl Described) -> String {
    match value.noun() {
        "null" => "null".to_owned(),
        noun => format!("the {noun} {}", render(value)),
    }
}

/// A member of `map` whose name differs from `name` only by letter case.
pub fn case_variant<'m>(map: &'m Object<'_>, name: &str) -> Option<&'m str> {
    map.keys().find(|k| *k != name && same_but_case(k, name))
}

/// Equal once lowercased (Unicode case folding, so the Kelvin sign matches 'k'); ASCII
/// names, nearly all of them, are compared without allocating.
fn same_but_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// Among `candidates`, the one that differs from `given` only by letter case.
pub fn did_you_mean<'c, I>(given: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    candidates
        .into_iter()
        .find(|c| *c != given && same_but_case(c, given))
}

/// An instant in UTC, RFC 3339 to the second; values chrono cannot represent are said so.
pub fn rfc3339(secs: i64) -> String {
    match DateTime::from_timestamp(secs, 0) {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        None => String::from("a date beyond the calendar"),
    }
}

/// `1619101489 (2021-04-22T14:24:49Z)`.
pub fn instant(secs: i64) -> String {
    format!("{secs} ({})", rfc3339(secs))
}

/// A duration in words, rounded down to its largest sensible unit: "25 minutes", "2 days".
pub fn span(secs: i64) -> String {
    let secs = secs.unsigned_abs();
    let (n, unit) = if secs < 120 {
        (secs, "second")
    } else if secs < 120 * 60 {
        (secs / 60, "minute")
    } else if secs < 48 * 3600 {
        (secs / 3600, "hour")
    } else if secs < 730 * 86_400 {
        (secs / 86_400, "day")
    } else {
        (secs / (365 * 86_400), "year")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(pointer(&["limit", "canPlay"]), "/limit/canPlay");
        assert_eq!(pointer(&["form", "a/b~c"]), "/form/a~1b~0c");
        assert_eq!(child("/header", "x5u"), "/header/x5u");
    }

    #[test]
    fn render_truncates_long_values() {
        let long = "x".repeat(200);
        let r = render(&json!(long));
        assert_eq!(r.chars().count(), MAX_VALUE_CHARS);
        assert!(r.ends_with('…'));
        assert_eq!(render(&json!("true")), "\"true\"");
        assert_eq!(seen(&json!("true")), "the string \"true\"");
        assert_eq!(seen(&json!(1.5)), "the number 1.5");
        // A claim from the tree reads exactly like the same header value.
        for v in [
            json!(null),
            json!(true),
            json!(3),
            json!(1.5),
            json!("x"),
            json!([1]),
            json!({"a": {"b": 2}}),
        ] {
            let tree = Json::from_value(&v);
            assert_eq!(seen(&tree), seen(&v));
            assert_eq!(kind(&tree), kind(&v));
            assert_eq!(render(&tree), render(&v));
        }
        assert_eq!(kind(&json!(1.5)), "a fractional number");
        assert_eq!(kind(&json!([])), "an array");
    }

    #[test]
    fn instants_and_spans() {
        assert_eq!(rfc3339(1_704_067_200), "2024-01-01T00:00:00Z");
        assert_eq!(span(1500), "25 minutes");
        assert_eq!(span(2 * 86_400), "2 days");
        assert_eq!(span(1), "1 second");
        assert_eq!(span(3 * 3600), "3 hours");
        assert_eq!(span(3 * 365 * 86_400), "3 years");
        assert_eq!(rfc3339(i64::MAX), "a date beyond the calendar");
    }

    #[test]
    fn case_lookups() {
        let v = json!({"partnerUserId": "1"});
        let m = Object::from_map(v.as_object().unwrap());
        assert_eq!(case_variant(&m, "partnerUserID"), Some("partnerUserId"));
        assert_eq!(case_variant(&m, "partnerUserId"), None);
        assert_eq!(did_you_mean("yes", ["Yes", "No"]), Some("Yes"));
        assert_eq!(did_you_mean("Yes", ["Yes", "No"]), None);
    }
}
