//! The common claims set read in one pass, without serde: strings without escapes, integers
//! that fit 18 digits, no duplicate member, nesting under [`MAX_DEPTH`]. Anything else (an
//! escape, a fraction or an exponent, a duplicate, a syntax error) makes it give up, and
//! serde_json reads the document as before: its errors and its duplicate pointers stay the
//! only ones. What it does read, it reads exactly as serde_json does (the tests compare
//! both on documents of every shape).
//!
//! It also tells whether the text is byte for byte what serde_json's compact writer gives
//! for the value (no white space, no escape, integers only): a report can then copy the
//! text instead of writing the value again.

use std::borrow::Cow;

use serde_json::Number;

use super::{Json, Object, same_name};

/// Nesting given up on, well below serde_json's limit of 128.
const MAX_DEPTH: usize = 64;

/// Objects with more members are left to serde_json, which indexes their names.
const MAX_MEMBERS: usize = super::LINEAR_MEMBERS;

/// The value of `text` and whether `text` is its compact form; None to leave it to serde_json.
pub(super) fn parse(text: &str) -> Option<(Json<'_>, bool)> {
    let bytes = text.as_bytes();
    let mut reader = Reader {
        text,
        bytes,
        at: 0,
        compact: true,
        // No byte below 0x20: the end of a string is its first `"` or `\`, found with SIMD.
        // (Without a fold that exits early, so that the check itself vectorises.)
        no_controls: bytes.iter().fold(true, |ok, &b| ok & (b >= 0x20)),
    };
    reader.space();
    let value = reader.value(0)?;
    reader.space();
    (reader.at == reader.bytes.len()).then_some((value, reader.compact))
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    compact: bool,
    no_controls: bool,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// White space as JSON (and serde_json) knows it; any makes the text not compact.
    fn space(&mut self) {
        let start = self.at;
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
        if self.at != start {
            self.compact = false;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.space();
        let found = self.peek() == Some(b);
        if found {
            self.at += 1;
        }
        found
    }

    fn value(&mut self, depth: usize) -> Option<Json<'a>> {
        self.space();
        match self.peek()? {
            b'"' => self.string().map(Json::String),
            b'{' if depth < MAX_DEPTH => self.object(depth + 1),
            b'[' if depth < MAX_DEPTH => self.array(depth + 1),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'n' => self.literal("null", Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str, value: Json<'a>) -> Option<Json<'a>> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            value
        })
    }

    /// A string with no escape (`\`) and no control character, borrowed.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.at + 1;
        let rest = &self.bytes[start..];
        let len = match self.no_controls {
            true => string_end(rest)?,
            false => rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?,
        };
        let end = start + len;
        if self.bytes[end] != b'"' {
            return None;
        }
        self.at = end + 1;
        // Both ends are ASCII quotes in a `str`: character boundaries.
        self.text.get(start..end).map(Cow::Borrowed)
    }

    /// `-?(0|[1-9][0-9]*)` of at most 18 digits, as serde_json reads it: a u64, or an i64
    /// when negative. A fraction, an exponent, `-0` and longer integers are left to it.
    fn number(&mut self) -> Option<Json<'a>> {
        let negative = self.peek() == Some(b'-');
        let start = self.at + usize::from(negative);
        let digits = self.bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = start + digits;
        let leading_zero = self.bytes.get(start) == Some(&b'0');
        if digits == 0
            || digits > 18
            || (leading_zero && (digits > 1 || negative))
            || matches!(self.bytes.get(end), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        let magnitude = self.bytes[start..end]
            .iter()
            .fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
        self.at = end;
        Some(Json::Number(match negative {
            // 18 digits fit an i64 either way.
            true => Number::from(-(magnitude as i64)),
            false => Number::from(magnitude),
        }))
    }

    fn array(&mut self, depth: usize) -> Option<Json<'a>> {
        self.at += 1;
        let mut items = Vec::new();
        if !self.eat(b']') {
            loop {
                items.push(self.value(depth)?);
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        Some(Json::Array(items))
    }

    fn object(&mut self, depth: usize) -> Option<Json<'a>> {
        self.at += 1;
        // Most claims objects have a handful of members; a claims set a dozen.
        let mut members: Vec<(Cow<'a, str>, Json<'a>)> = Vec::with_capacity(8);
        if !self.eat(b'}') {
            loop {
                self.space();
                if self.peek() != Some(b'"') {
                    return None;
                }
                let name = self.string()?;
                if !self.eat(b':') {
                    return None;
                }
                let value = self.value(depth)?;
                if members.len() == MAX_MEMBERS || members.iter().any(|(k, _)| same_name(k, &name))
                {
                    return None;
                }
                members.push((name, value));
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        Some(Json::Object(Object { members }))
    }
}

/// Where the first `"` or `\` of `bytes` is, eight bytes at a time (claims strings are
/// short: a call to a SIMD search costs more than it saves).
fn string_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let mut word = [0; 8];
        word.copy_from_slice(&bytes[at..at + 8]);
        let word = u64::from_le_bytes(word);
        // The lowest flagged byte is always a real match (a false one only follows it).
        let found = zero_byte(word ^ (ONES * u64::from(b'"')))
            | zero_byte(word ^ (ONES * u64::from(b'\\')));
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|i| at + i)
}

#[cfg(test)]
mod tests;
