//! JSON pointers (RFC 6901): how findings, duplicates and the value views name a member.

/// Escape one reference token of a JSON pointer (RFC 6901 section 3).
pub fn escape_pointer_token(s: &str) -> Cow<'_> {
    if s.contains(['~', '/']) {
        Cow::Owned(s.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(s)
    }
}

type Cow<'a> = std::borrow::Cow<'a, str>;
