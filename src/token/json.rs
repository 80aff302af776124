//! JSON decoding that keeps member order and reports duplicate member names.
//!
//! serde_json keeps the last of two members with the same name; other parsers keep the first.
//! RFC 7519 section 4 lets a receiver reject such a token, and RULES.md section 2 makes it an
//! error, so the decoder records the JSON pointer of every duplicate while building the value.

use serde_json::Value;

/// A decoded JSON document and the pointers of its duplicate member names.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub value: Value,
    pub duplicates: Vec<String>,
}

/// Parse `bytes` as JSON, keeping member order and recording duplicates.
///
/// Pointers are relative to the document root (`/limit/nb`). serde_json's recursion limit
/// (128 levels) turns hostile nesting into an error instead of a stack overflow. The
/// document is read by [`super::tree::parse`], so both views resolve duplicates alike.
pub fn parse(bytes: &[u8]) -> Result<Decoded, serde_json::Error> {
    let parsed = super::tree::parse(bytes)?;
    Ok(Decoded {
        value: parsed.value.to_value(),
        duplicates: parsed.duplicates,
    })
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
