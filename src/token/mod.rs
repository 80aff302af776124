//! Tokens before any key is involved: intake, compact parsing, base64url and JSON decoding.

pub mod intake;
pub mod json;
pub mod pointer;
pub mod tree;

use std::rc::Rc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::report::TokenKind;

pub use intake::{Intake, find_token};

/// What is wrong with the input, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    #[error("empty input: paste a token, a URL holding one, or give --file PATH")]
    Empty,
    #[error(
        "no token found in the input: expected a compact JWS (3 segments separated by '.') or JWE (5), \
         a URL with qual_token=, jwt=, token=, access_token= or id_token=, a Bearer header or a JS snippet"
    )]
    NotFound,
    /// `--index` past the tokens the text holds.
    #[error("--index {index}: the text holds {total} token(s); pick 1 to {total}")]
    NoSuchIndex { index: usize, total: usize },
    /// The documentation's placeholder where the token goes (000's JS tag verbatim).
    #[error(
        "the text holds the documentation's placeholder '{placeholder}', not a token: replace it with a signed token (tokenscope sign makes one)"
    )]
    Placeholder { placeholder: String },
    /// A JWS or JWE in the JSON serialization (RFC 7515 section 7.2, RFC 7516 section 7.2).
    #[error(
        "this is a {kind} in the JSON serialization (RFC {rfc} section 7.2), which tokenscope does not read: it reads the compact serialization (header.payload.signature); a JSON serialization with one {what} converts to it by joining {parts} with '.'"
    )]
    JsonSerialization {
        kind: &'static str,
        rfc: u16,
        what: &'static str,
        parts: &'static str,
    },
    #[error(
        "expected 3 segments (JWS) or 5 (JWE) separated by '.', found {found} (is the token truncated or two tokens pasted together?)"
    )]
    SegmentCount { found: usize },
    #[error("{segment} segment: invalid base64url character '{ch}' at offset {offset}{}", bad_char_hint(*.ch))]
    BadChar {
        segment: &'static str,
        ch: char,
        offset: usize,
    },
    #[error(
        "{segment} segment: {len} characters cannot be base64url (a length of 4n+1 never decodes: is the segment truncated?)"
    )]
    BadLength { segment: &'static str, len: usize },
    #[error(
        "{segment} segment: the last character '{ch}' carries bits that base64url does not allow (the segment was altered or truncated)"
    )]
    BadLastSymbol { segment: &'static str, ch: char },
    #[error("header segment: {detail}")]
    BadHeader { detail: String },
    /// A batch line longer than tokenscope searches (README "Bounded work").
    #[error(
        "the line is {len} bytes long, more than {}, the longest line tokenscope searches for a token (a token input at most): skipped",
        crate::limits::size(*max)
    )]
    LineTooLong { len: u64, max: u64 },
}

fn bad_char_hint(ch: char) -> &'static str {
    match ch {
        '%' => {
            " (was the token URL-encoded? tokenscope decodes %xx when the input is a URL with the token in a parameter)"
        }
        '+' | '/' => " (the standard base64 alphabet: JOSE uses base64url, with '-' and '_')",
        '=' => " (base64url in JOSE carries no '=' padding)",
        _ => "",
    }
}

/// Decode one base64url segment (no padding, URL-safe alphabet), naming it in errors.
pub fn decode_segment(segment: &'static str, text: &str) -> Result<Vec<u8>, TokenError> {
    // The SIMD decoder checks every character and the unused bits of the last one itself;
    // the slower scan below only runs to locate and explain a failure.
    if let Ok(bytes) = base64_simd::URL_SAFE_NO_PAD.decode_to_vec(text) {
        return Ok(bytes);
    }
    if let Some((offset, ch)) = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(TokenError::BadChar {
            segment,
            ch,
            offset,
        });
    }
    URL_SAFE_NO_PAD.decode(text).map_err(|e| match e {
        base64::DecodeError::InvalidLength(len) => TokenError::BadLength { segment, len },
        base64::DecodeError::InvalidLastSymbol(_, b) => TokenError::BadLastSymbol {
            segment,
            ch: b as char,
        },
        // Every character was checked above, so other errors cannot occur; still report them.
        base64::DecodeError::InvalidByte(offset, b) => TokenError::BadChar {
            segment,
            ch: b as char,
            offset,
        },
        base64::DecodeError::InvalidPadding => TokenError::BadChar {
            segment,
            ch: '=',
            offset: text.len(),
        },
    })
}

/// A compact serialization split into its segments, borrowed from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compact<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
    pub segments: Vec<&'a str>,
}

impl<'a> Compact<'a> {
    /// Split on '.', requiring 3 (JWS) or 5 (JWE) segments.
    pub fn split(token: &'a str) -> Result<Compact<'a>, TokenError> {
        let mut segments = Vec::with_capacity(5);
        let mut start = 0;
        for dot in memchr::memchr_iter(b'.', token.as_bytes()) {
            segments.push(&token[start..dot]);
            start = dot + 1;
        }
        segments.push(&token[start..]);
        let kind = match segments.len() {
            3 => TokenKind::Jws,
            5 => TokenKind::Jwe,
            found => return Err(TokenError::SegmentCount { found }),
        };
        Ok(Compact {
            kind,
            text: token,
            segments,
        })
    }

    /// The JWS signing input or JWE AAD prefix: the header segment as it appears.
    pub fn header_b64(&self) -> &'a str {
        self.segments[0]
    }
}

/// A protected header decoded from its segment.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedHeader {
    pub map: Map<String, Value>,
    /// Pointers of duplicate members, relative to the header (`/alg`).
    pub duplicates: Vec<String>,
}

/// Decode a header segment into a JSON object.
///
/// Tokens from one issuer share their header segment, so each thread keeps the last header
/// it decoded: a batch of such tokens decodes it once and shares it with every other token
/// (the caller copies it only where it keeps it).
pub fn decode_header(segment: &str) -> Result<Rc<DecodedHeader>, TokenError> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, Rc<DecodedHeader>)>> =
            const { std::cell::RefCell::new(None) };
    }
    if let Some(header) = LAST.with_borrow(|last| match last {
        Some((seen, header)) if seen == segment => Some(Rc::clone(header)),
        _ => None,
    }) {
        return Ok(header);
    }
    let header = Rc::new(decode_header_uncached(segment)?);
    LAST.set(Some((segment.to_string(), Rc::clone(&header))));
    Ok(header)
}

fn decode_header_uncached(segment: &str) -> Result<DecodedHeader, TokenError> {
    let bytes = decode_segment("header", segment)?;
    let decoded = json::parse(&bytes).map_err(|e| TokenError::BadHeader {
        detail: format!("not JSON: {e}"),
    })?;
    match decoded.value {
        Value::Object(map) => Ok(DecodedHeader {
            map,
            duplicates: decoded.duplicates,
        }),
        other => Err(TokenError::BadHeader {
            detail: format!(
                "a JOSE header must be a JSON object, found {}",
                json_type(&other)
            ),
        }),
    }
}

/// The JSON type name of a value, for messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A member of a header. A JOSE header has a handful of members: comparing their names is
/// cheaper than hashing `name` for the map's index, and every token looks up several.
pub fn header_member<'a>(header: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if header.len() > 8 {
        return header.get(name);
    }
    header.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Read a string member of a header.
pub fn header_str<'a>(header: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    header_member(header, name).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_jws_and_jwe() {
        assert_eq!(Compact::split("a.b.c").unwrap().kind, TokenKind::Jws);
        assert_eq!(Compact::split("a.b.c.d.e").unwrap().kind, TokenKind::Jwe);
        assert_eq!(
            Compact::split("a.b").unwrap_err(),
            TokenError::SegmentCount { found: 2 }
        );
    }

    #[test]
    fn segment_errors_name_segment_and_offset() {
        assert_eq!(
            decode_segment("payload", "abc+def")
                .unwrap_err()
                .to_string(),
            "payload segment: invalid base64url character '+' at offset 3 (the standard base64 alphabet: JOSE uses base64url, with '-' and '_')"
        );
        assert!(matches!(
            decode_segment("signature", "abcde").unwrap_err(),
            TokenError::BadLength {
                segment: "signature",
                len: 5
            }
        ));
        assert!(matches!(
            decode_segment("payload", "QR").unwrap_err(),
            TokenError::BadLastSymbol { .. }
        ));
    }

    proptest::proptest! {
        /// The SIMD fast path accepts exactly what the strict decoder accepts, with the same
        /// bytes: every length, every trailing-bit pattern, stray padding and other alphabets.
        #[test]
        fn fast_decoder_agrees_with_the_strict_one(
            text in "[A-Za-z0-9_-]{0,70}|[A-Za-z0-9_=+/-]{0,12}",
        ) {
            let strict = URL_SAFE_NO_PAD.decode(&text);
            let fast = decode_segment("payload", &text);
            proptest::prop_assert_eq!(strict.ok(), fast.ok());
        }
    }

    #[test]
    fn the_kept_header_is_only_reused_for_the_same_segment() {
        let a = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","kid":"a"}"#);
        let b = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","alg":"ES256"}"#);
        let first = decode_header(&a).unwrap();
        assert_eq!(decode_header(&a).unwrap(), first);
        let other = decode_header(&b).unwrap();
        assert_eq!(other.map["alg"], "ES256");
        assert_eq!(other.duplicates, ["/alg"]);
        assert_eq!(decode_header(&a).unwrap(), first);
        // A bad segment right after a good one is still refused, every time.
        for _ in 0..2 {
            assert!(decode_header("WzFd").is_err());
        }
        assert_eq!(decode_header(&b).unwrap(), other);
    }

    #[test]
    fn header_must_be_an_object() {
        let err = decode_header("WzFd").unwrap_err().to_string();
        assert_eq!(
            err,
            "header segment: a JOSE header must be a JSON object, found an array"
        );
        let err = decode_header("eyJh").unwrap_err().to_string();
        assert!(err.starts_with("header segment: not JSON"), "{err}");
    }
}
