//! Claims as a borrowed JSON tree: what the rules read.
//!
//! Rules run on every token of a batch. A `serde_json::Value` allocates every member name
//! and string and hashes every name into an index; this tree borrows names and strings from
//! the decoded payload (copying only those with escapes) and keeps each object's members in
//! a vector, which for a claims set of a few dozen members is also the faster lookup. It
//! reads like a `Value` (same variants and accessors) and converts to one when a report
//! needs it (`json::parse` is this parser followed by that conversion). Duplicate member names
//! are reported as JSON pointers and resolved as serde_json does: the last value, at the place
//! of the first.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Number, Value};

use super::pointer::escape_pointer_token;

mod fast;

/// A JSON value whose strings borrow from the text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// An object's members in document order, each name once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object<'a> {
    members: Vec<(Cow<'a, str>, Json<'a>)>,
}

/// Two member names are the same: their lengths and last bytes first, before a call to compare
/// them whole (most names of a claims set differ there).
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

/// Objects with more members than this get a name index while they are parsed, so that a
/// hostile object with a million members does not cost a million squared comparisons.
const LINEAR_MEMBERS: usize = 32;

impl<'a> Object<'a> {
    /// The object `{}`.
    pub const EMPTY: Object<'static> = Object {
        members: Vec::new(),
    };

    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        self.members
            .iter()
            .find(|(k, _)| same_name(k, name))
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(k, _)| k.as_ref())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.members.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The same object as a `serde_json` map.
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_value()))
            .collect()
    }

    /// Borrow a `serde_json` map (its names and strings) as an object.
    pub fn from_map(map: &'a Map<String, Value>) -> Object<'a> {
        Object {
            members: map
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from_value(v)))
                .collect(),
        }
    }
}

impl<'o, 'a> IntoIterator for &'o Object<'a> {
    type Item = (&'o str, &'o Json<'a>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'o, (Cow<'a, str>, Json<'a>)>,
        fn(&'o (Cow<'a, str>, Json<'a>)) -> (&'o str, &'o Json<'a>),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.members.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<'a> Json<'a> {
    pub fn get(&self, name: &str) -> Option<&Json<'a>> {
        self.as_object().and_then(|o| o.get(name))
    }

    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Json<'a>>> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    pub fn is_u64(&self) -> bool {
        matches!(self, Json::Number(n) if n.is_u64())
    }

    pub fn is_i64(&self) -> bool {
        matches!(self, Json::Number(n) if n.is_i64())
    }

    /// RFC 6901 lookup, as `Value::pointer`.
    pub fn pointer(&self, pointer: &str) -> Option<&Json<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |node, token| {
            let token = match token.contains('~') {
                true => Cow::Owned(token.replace("~1", "/").replace("~0", "~")),
                false => Cow::Borrowed(token),
            };
            match node {
                Json::Object(o) => o.get(&token),
                Json::Array(a) => token.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            }
        })
    }

    /// The same value as a `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(a) => Value::Array(a.iter().map(Json::to_value).collect()),
            Json::Object(o) => Value::Object(o.to_map()),
        }
    }

    /// Borrow a `serde_json::Value` as a tree.
    pub fn from_value(value: &'a Value) -> Json<'a> {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(a) => Json::Array(a.iter().map(Json::from_value).collect()),
            Value::Object(m) => Json::Object(Object::from_map(m)),
        }
    }
}

impl PartialEq<&str> for Json<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<bool> for Json<'_> {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

/// Compact JSON, as `Value`'s `Display`.
impl fmt::Display for Json<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match serde_json::to_string(self) {
            Ok(text) => f.write_str(&text),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(v) => s.serialize_str(v),
            Json::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Json::Object(o) => o.serialize(s),
        }
    }
}

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A parsed document and the pointers of its duplicate member names.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<'a> {
    pub value: Json<'a>,
    pub duplicates: Vec<String>,
    /// The text is byte for byte what serde_json's compact writer gives for `value` (when
    /// false, it may still be).
    pub compact: bool,
}

/// Parse `bytes` as JSON into a tree that borrows from them.
///
/// serde_json's recursion limit (128 levels) turns hostile nesting into an error.
pub fn parse(bytes: &[u8]) -> Result<Parsed<'_>, serde_json::Error> {
    // Valid JSON is valid UTF-8. Checking the whole text once (an ASCII fast path) spares
    // serde_json checking every string on its own; text that is not UTF-8 goes through the
    // byte reader, which fails at the same place with the same message.
    match std::str::from_utf8(bytes) {
        Ok(text) => match fast::parse(text) {
            // The common claims set, read in one pass; anything else goes through serde_json.
            Some((value, compact)) => Ok(Parsed {
                value,
                duplicates: Vec::new(),
                compact,
            }),
            None => parse_with(serde_json::Deserializer::from_str(text)),
        },
        Err(_) => parse_with(serde_json::Deserializer::from_slice(bytes)),
    }
}

fn parse_with<'a, R: serde_json::de::Read<'a>>(
    mut de: serde_json::Deserializer<R>,
) -> Result<Parsed<'a>, serde_json::Error> {
    let state = State::default();
    let value = Seed { state: &state }.deserialize(&mut de)?;
    de.end()?;
    Ok(Parsed {
        value,
        duplicates: state.pointers(),
        compact: false,
    })
}

/// One step of a duplicate member's path.
enum Step<'a> {
    Member(Cow<'a, str>),
    Index(usize),
}

/// The duplicate members found so far, each as its path from the duplicate up to the root:
/// an object or array that held some adds its own step once they are found, so that a
/// document without duplicates pays no path bookkeeping.
#[derive(Default)]
struct State<'a> {
    dups: std::cell::RefCell<Vec<Vec<Step<'a>>>>,
}

impl<'a> State<'a> {
    /// How many duplicates are known: what [`State::within`] is given after a value is read.
    fn mark(&self) -> usize {
        self.dups.borrow().len()
    }

    /// The duplicates found since `mark` lie within `step`.
    fn within(&self, mark: usize, step: impl Fn() -> Step<'a>) {
        let mut dups = self.dups.borrow_mut();
        if dups.len() > mark {
            for path in &mut dups[mark..] {
                path.push(step());
            }
        }
    }

    /// The duplicates as JSON pointers, in document order.
    fn pointers(self) -> Vec<String> {
        let pointer = |path: Vec<Step<'_>>| {
            let mut out = String::new();
            for step in path.iter().rev() {
                out.push('/');
                match step {
                    Step::Member(k) => out.push_str(&escape_pointer_token(k)),
                    Step::Index(i) => out.push_str(&i.to_string()),
                }
            }
            out
        };
        self.dups.into_inner().into_iter().map(pointer).collect()
    }
}

struct Seed<'s, 'a> {
    state: &'s State<'a>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_, 'de> {
    type Value = Json<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Json<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

/// A member name, borrowed when it has no escape.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> Visitor<'de> for Seed<'_, 'de> {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::new();
        loop {
            let mark = self.state.mark();
            match seq.next_element_seed(Seed { state: self.state })? {
                Some(v) => {
                    self.state.within(mark, || Step::Index(items.len()));
                    items.push(v);
                }
                None => break,
            }
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Json<'de>)> = Vec::new();
        // Built once the object outgrows a linear search.
        let mut index: Option<HashMap<Cow<'de, str>, usize>> = None;
        while let Some(key) = map.next_key_seed(Name)? {
            let mark = self.state.mark();
            let value = map.next_value_seed(Seed { state: self.state })?;
            self.state.within(mark, || Step::Member(key.clone()));
            let seen = match &index {
                Some(index) => index.get(&key).copied(),
                None => members.iter().position(|(k, _)| *k == key),
            };
            match seen {
                Some(i) => {
                    self.state.dups.borrow_mut().push(vec![Step::Member(key)]);
                    members[i].1 = value;
                }
                None => {
                    if let Some(index) = &mut index {
                        index.insert(key.clone(), members.len());
                    }
                    members.push((key, value));
                    if index.is_none() && members.len() > LINEAR_MEMBERS {
                        index = Some(
                            members
                                .iter()
                                .enumerate()
                                .map(|(i, (k, _))| (k.clone(), i))
                                .collect(),
                        );
                    }
                }
            }
        }
        Ok(Json::Object(Object { members }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_as_serde_json_and_every_duplicate() {
        let many: String = (0..100)
            .map(|i| format!("\"m{}\":{i},", i % 60))
            .collect::<String>();
        let many_dups: Vec<String> = (0..40).map(|i| format!("/m{i}")).collect();
        let docs = [
            (r#"{"z":1,"a":2,"m":{"y":1,"b":2}}"#.to_string(), vec![]),
            (
                r#"{"sub":"a","limit":{"nb":1,"nb":2},"sub":"b","a/b":[{"x":1,"x":1}],"a/b":0}"#
                    .to_string(),
                ["/limit/nb", "/sub", "/a~1b/0/x", "/a~1b"]
                    .map(String::from)
                    .to_vec(),
            ),
            (
                r#"{"esc\"aped":"t\u00e9xt\n","n":-1.5e3,"big":18446744073709551615,"a":[null,true,{}]}"#
                    .to_string(),
                vec![],
            ),
            (format!("{{{many}\"last\":true}}"), many_dups),
            (
                r#"{"a":{"b":1,"b":2},"a":{"c":[0,{"d":1,"e~":[{"f":1,"f":2}],"d":1}]},"g":[[{"h":0,"h":0}]]}"#
                    .to_string(),
                ["/a/b", "/a/c/1/e~0/0/f", "/a/c/1/d", "/a", "/g/0/0/h"]
                    .map(String::from)
                    .to_vec(),
            ),
            (r#""just a string""#.to_string(), vec![]),
            ("[1,2,[3]]".to_string(), vec![]),
        ];
        for (doc, duplicates) in &docs {
            let tree = parse(doc.as_bytes()).unwrap();
            // serde_json (preserve_order) also keeps the last value at the place of the first.
            let value: Value = serde_json::from_slice(doc.as_bytes()).unwrap();
            assert_eq!(tree.value.to_value(), value, "{doc}");
            assert_eq!(
                serde_json::to_string(&tree.value).unwrap(),
                value.to_string(),
                "{doc}"
            );
            assert_eq!(&tree.duplicates, duplicates, "{doc}");
            assert_eq!(Json::from_value(&value), tree.value, "{doc}");
        }
    }

    #[test]
    fn reads_like_a_value() {
        let doc = br#"{"limit":{"nb":3,"canPlay":true},"gift":{"label":"P"},"a/b":{"~":[0,1]}}"#;
        let tree = parse(doc).unwrap().value;
        assert_eq!(tree.pointer("/limit/nb").and_then(Json::as_i64), Some(3));
        assert_eq!(tree.pointer("/a~1b/~0/1").and_then(Json::as_u64), Some(1));
        assert!(tree.pointer("/gift/label").is_some_and(|l| *l == "P"));
        assert!(tree.pointer("/limit/canPlay").is_some_and(|c| *c == true));
        assert_eq!(tree.pointer(""), Some(&tree));
        assert!(tree.pointer("/nope").is_none() && tree.pointer("x").is_none());
        let keys: Vec<&str> = tree.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["limit", "gift", "a/b"]);
    }

    #[test]
    fn hostile_input_is_an_error_or_linear() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(deep.as_bytes()).is_err());
        assert!(parse(br#"{"a":1} x"#).is_err());
        // 200,000 members, every name twice: indexed, so this stays fast.
        let members: String = (0..200_000)
            .map(|i| format!("\"k{}\":0,", i % 100_000))
            .collect();
        let doc = format!("{{{members}\"end\":0}}");
        let tree = parse(doc.as_bytes()).unwrap();
        assert_eq!(tree.duplicates.len(), 100_000);
        assert_eq!(tree.value.as_object().unwrap().len(), 100_001);
    }
}
