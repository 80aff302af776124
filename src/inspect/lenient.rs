//! Claims that do not read as strict JSON, read leniently so that the rules still run on what
//! could be read (RULES.md section 2, Acceptance fails closed: the token is not accepted, but
//! a payload that names `campaignId` is still checked as Qualifio).
//!
//! The lenient reading takes the bytes as UTF-8 (invalid sequences replaced), drops a byte
//! order mark and trailing NULs, keeps the first JSON value when others follow, and when that
//! value still does not parse (a number out of range, a lone surrogate escape, nesting past
//! the parser's limit), keeps the top-level members that do parse, one by one.

use serde::de::IgnoredAny;

/// The lenient text of the claims (a JSON document the strict parser reads), if anything
/// could be read, and one line saying what was wrong with the payload (`strict` is the
/// strict parser's error).
pub fn read(bytes: &[u8], strict: &serde_json::Error) -> (Option<String>, String) {
    let problem = problem(bytes, strict);
    let text = String::from_utf8_lossy(bytes);
    let text = text
        .trim_start_matches('\u{feff}')
        .trim_matches(|c: char| c.is_whitespace() || c == '\0');
    let first = first_value(text);
    if reads(first) {
        return (Some(first.to_string()), problem);
    }
    (readable_members(first), problem)
}

/// True when the strict reader reads `text` (skipping a value, as `IgnoredAny` does, checks
/// neither number ranges nor nesting).
fn reads(text: &str) -> bool {
    crate::token::tree::parse(text.as_bytes()).is_ok()
}

/// What is wrong with a payload that does not read as a JSON object.
fn problem(bytes: &[u8], strict: &serde_json::Error) -> String {
    if bytes.is_empty() {
        return "the payload is empty".to_string();
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return format!(
            "the payload is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        );
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return "the payload starts with a byte order mark (U+FEFF), which JSON sent between systems must not carry (RFC 8259 section 8.1)".to_string();
    }
    let what = match strict.classify() {
        serde_json::error::Category::Eof => "the JSON ends early",
        _ => "the payload is not valid JSON",
    };
    let detail = strict.to_string();
    let hint = if detail.contains("trailing characters") {
        " (bytes follow the JSON value: a second value, a NUL or junk)"
    } else if detail.contains("recursion limit") {
        " (nested deeper than the parser's 128 levels)"
    } else {
        ""
    };
    format!("{what}: {detail}{hint}")
}

/// The first JSON value of `text`, as a slice: what a streaming reader would take before
/// the trailing bytes.
fn first_value(text: &str) -> &str {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
    match stream.next() {
        Some(Ok(_)) => &text[..stream.byte_offset()],
        _ => text,
    }
}

/// An object of the top-level members of `text` whose values parse on their own, when
/// `text` is an object; None when nothing could be kept.
fn readable_members(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let mut kept = Vec::new();
    let mut i = 1;
    while i < bytes.len() {
        i = skip_space(bytes, i);
        if bytes.get(i) != Some(&b'"') {
            break;
        }
        let name_end = end_of_string(bytes, i)?;
        let name = &text[i..name_end];
        i = skip_space(bytes, name_end);
        if bytes.get(i) != Some(&b':') {
            break;
        }
        let value_start = i + 1;
        let value_end = end_of_value(bytes, value_start);
        let value = &text[value_start..value_end];
        if serde_json::from_str::<String>(name).is_ok() && reads(value) {
            kept.push(format!("{name}:{value}"));
        }
        i = value_end + 1;
    }
    match kept.is_empty() {
        true => None,
        false => Some(format!("{{{}}}", kept.join(","))),
    }
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The index just past the string that opens at `start` (a `"`).
fn end_of_string(bytes: &[u8], start: usize) -> Option<usize> {
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate().skip(start + 1) {
        match (escaped, b) {
            (true, _) => escaped = false,
            (false, b'\\') => escaped = true,
            (false, b'"') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The index of the `,` or `}` that ends the member value starting at `start` (or the end of
/// the text): brackets are counted, strings skipped, nothing is parsed.
fn end_of_value(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => match end_of_string(bytes, i) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => return bytes.len(),
            },
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return i,
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lenient(bytes: &[u8]) -> (Option<String>, String) {
        let strict = crate::token::tree::parse(bytes).expect_err("strict parse fails");
        read(bytes, &strict)
    }

    #[test]
    fn what_could_be_read_is_kept() {
        let cases: [(&[u8], Option<&str>); 9] = [
            (b"{\"campaignId\":\"c\"}\0", Some("{\"campaignId\":\"c\"}")),
            (b"{\"a\":1} junk", Some("{\"a\":1}")),
            (b"{\"a\":1}{\"b\":2}", Some("{\"a\":1}")),
            (b"\xEF\xBB\xBF{\"a\":1}", Some("{\"a\":1}")),
            (
                b"{\"campaignId\":\"c\",\"exp\":1e400}",
                Some("{\"campaignId\":\"c\"}"),
            ),
            (
                b"{\"sub\":\"\\ud800\",\"campaignId\":\"c\"}",
                Some("{\"campaignId\":\"c\"}"),
            ),
            (b"{\"sub\":\"\xff\"}", Some("{\"sub\":\"\u{fffd}\"}")),
            (b"", None),
            (b"not json", None),
        ];
        for (bytes, want) in cases {
            let (text, problem) = lenient(bytes);
            assert_eq!(text.as_deref(), want, "{bytes:?}: {problem}");
            assert!(!problem.is_empty());
        }
    }

    #[test]
    fn deep_members_are_dropped_and_the_rest_kept() {
        let deep = format!(
            "{{\"campaignId\":\"c\",\"x\":{}1{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        let (text, problem) = lenient(deep.as_bytes());
        assert_eq!(text.as_deref(), Some("{\"campaignId\":\"c\"}"));
        assert!(problem.contains("128 levels"), "{problem}");
    }

    #[test]
    fn problems_say_what_was_wrong() {
        for (bytes, want) in [
            (&b""[..], "empty"),
            (b"{\"a\":\xff}", "not UTF-8 (invalid byte at offset 5)"),
            (b"\xEF\xBB\xBF{}", "byte order mark"),
            (b"{} {}", "a second value"),
            (b"{\"a\":", "ends early"),
        ] {
            let (_, problem) = lenient(bytes);
            assert!(problem.contains(want), "{bytes:?}: {problem}");
        }
    }
}
