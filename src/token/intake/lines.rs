//! Tokens in the lines of a log or an export, for batch mode: one pass over the bytes for a
//! line that is just a token, a search of the line otherwise.

use super::{embedded, percent_decoded};

/// The line itself when it is just a token, give or take surrounding whitespace (the common
/// export format): one pass over the bytes, no search.
pub fn bare_token(line: &str) -> Option<&str> {
    let trimmed = line.trim();
    if !trimmed.starts_with("eyJ") {
        return None;
    }
    let bytes = trimmed.as_bytes();
    // Without early exits or branches, so that the compiler vectorises it: batch mode runs
    // this over every line of a log. The dots are found with memchr.
    let only_token_bytes = bytes.iter().fold(true, |ok, &b| ok & is_token_byte(b));
    let two_dots = memchr::memchr(b'.', bytes)
        .is_some_and(|first| memchr::memchr(b'.', &bytes[first + 1..]).is_some());
    (only_token_bytes && two_dots).then_some(trimmed)
}

/// base64url or '.', branch-free.
#[inline]
pub(super) fn is_token_byte(b: u8) -> bool {
    // `| 0x20` folds A-Z onto a-z and maps no other byte into a-z.
    ((b | 0x20).wrapping_sub(b'a') < 26)
        | (b.wrapping_sub(b'0') < 10)
        | (b == b'-')
        | (b == b'_')
        | (b == b'.')
}

/// Every token in one line of a log or export: compact JWS/JWE anywhere in the line,
/// including inside URLs (percent-encoded dots are decoded first).
pub fn tokens_in_line(line: &str) -> Vec<String> {
    // Fast path: a line that is just a token (the common export format) needs no search.
    if let Some(token) = bare_token(line) {
        return vec![token.to_string()];
    }
    embedded(&percent_decoded(line))
        .map(str::to_string)
        .collect()
}
