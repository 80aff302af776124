//! JSON decoding that keeps member order and reports duplicate member names.
//!
//! serde_json keeps the last of two members with the same name; other parsers keep the first.
//! RFC 7519 section 4 lets a receiver reject such a token, and RULES.md section 2 makes it an
//! error, so the decoder records the JSON pointer of every duplicate while building the value.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A decoded JSON document and the pointers of its duplicate member names.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub value: Value,
    pub duplicates: Vec<String>,
}

/// Parse `bytes` as JSON, keeping member order and recording duplicates.
///
/// Pointers are relative to the document root (`/limit/nb`). serde_json's recursion limit
/// (128 levels) turns hostile nesting into an error instead of a stack overflow.
pub fn parse(bytes: &[u8]) -> Result<Decoded, serde_json::Error> {
    let state = State::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Seed { state: &state }.deserialize(&mut de)?;
    de.end()?;
    Ok(Decoded {
        value,
        duplicates: state.dups.into_inner(),
    })
}

/// Escape one reference token of a JSON pointer (RFC 6901 section 3).
pub fn escape_pointer_token(s: &str) -> Cow<'_> {
    if s.contains(['~', '/']) {
        Cow::Owned(s.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(s)
    }
}

type Cow<'a> = std::borrow::Cow<'a, str>;

/// One step of the path from the root to the value being read.
enum Step {
    Member(String),
    Index(usize),
}

/// The path to the current value, kept as a stack so that a pointer is only formatted when a
/// duplicate is found (formatting one per member would dominate the cost of a claims set).
#[derive(Default)]
struct State {
    path: RefCell<Vec<Step>>,
    dups: RefCell<Vec<String>>,
}

impl State {
    fn pointer_to(&self, last: &str) -> String {
        let mut out = String::new();
        for step in self.path.borrow().iter() {
            out.push('/');
            match step {
                Step::Member(k) => out.push_str(&escape_pointer_token(k)),
                Step::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out.push('/');
        out.push_str(&escape_pointer_token(last));
        out
    }
}

struct Seed<'a> {
    state: &'a State,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.state.path.borrow_mut().push(Step::Index(items.len()));
            let next = seq.next_element_seed(Seed { state: self.state });
            self.state.path.borrow_mut().pop();
            match next? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut obj = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.state.path.borrow_mut().push(Step::Member(key));
            let value = map.next_value_seed(Seed { state: self.state });
            let key = match self.state.path.borrow_mut().pop() {
                Some(Step::Member(k)) => k,
                // The stack is balanced by construction; an index here cannot happen.
                _ => String::new(),
            };
            let value = value?;
            // One lookup: the entry tells whether the name was already there.
            match obj.entry(key) {
                serde_json::map::Entry::Occupied(mut seen) => {
                    let pointer = self.state.pointer_to(seen.key());
                    self.state.dups.borrow_mut().push(pointer);
                    seen.insert(value);
                }
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
            }
        }
        Ok(Value::Object(obj))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_member_order() {
        let d = parse(br#"{"z":1,"a":2,"m":{"y":1,"b":2}}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&d.value).unwrap(),
            r#"{"z":1,"a":2,"m":{"y":1,"b":2}}"#
        );
        assert!(d.duplicates.is_empty());
    }

    #[test]
    fn reports_duplicates_with_pointers() {
        let d = parse(
            br#"{"sub":"a","limit":{"nb":1,"nb":2},"sub":"b","a/b":[{"x":1,"x":1}],"a/b":0}"#,
        )
        .unwrap();
        assert_eq!(
            d.duplicates,
            vec!["/limit/nb", "/sub", "/a~1b/0/x", "/a~1b"]
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(deep.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(parse(br#"{"a":1} x"#).is_err());
    }
}
