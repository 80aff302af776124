//! Presentation data shared by the human report and the TUI: JSON as lines of typed tokens,
//! with the JSON pointer of each line and time-claim annotations. No colours here: each face
//! maps `Tok` to its own styles (ANSI for the CLI, the theme for the TUI).
//!
//! A [`JsonDoc`] lays a value out once: the text of every line in one string and a 24-byte
//! row per line (where it starts, its depth, the rows that open and close its object), so
//! that a 1 MB payload's 100,000 lines cost a few MB and no allocation each; a line's parts
//! are slices of the shared text, its pointer is worked out when asked.

use std::borrow::Cow;

use serde_json::Value;

use crate::token::pointer::escape_pointer_token;

/// What a piece of a JSON line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Punct,
    Key,
    Str,
    Num,
    Bool,
    Null,
    /// A comment tokenscope adds (a time claim's date and age).
    Note,
}

/// What a row is, for its pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The first line of a value laid out whole; its pointer is the prefix it was given.
    Root,
    /// A member of an object: its pointer is the object's and its name.
    Member,
    /// An element of an array: its pointer is the array's and its index.
    Element,
    /// The line that closes an object or array: its pointer is the opening line's.
    Close,
    /// A line that is not JSON (a note, a text payload): pointer `#`.
    Text,
}

/// No row (the parent of a root).
const NONE: u32 = u32::MAX;

/// One line, without its text: 24 bytes. What it does not hold is read from its text: the
/// member name (the literal at its start, decoded), where its value ends (before a final
/// comma; an opening line's value is its bracket, a closing line's all punctuation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    /// Where its text starts in `JsonDoc::text`; it ends where the next row's starts.
    start: u32,
    /// Bytes of the member name's literal at the start (0: none); `": "` follows it.
    key: u32,
    /// Member, element: the row that opens its object or array. Close: the row it closes.
    up: u32,
    /// A row that opens an object or array: the row that closes it (else its own index).
    close: u32,
    /// Element: its index. Root: its prefix's, in `JsonDoc::prefixes`.
    index: u32,
    depth: u16,
    tok: Tok,
    kind: Kind,
}

/// A time claim's note, kept apart from the text so that it can be written again when the
/// instant moves (`JsonDoc::notes_mut`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The row it follows.
    pub row: usize,
    /// The claim's value, whole seconds.
    pub secs: i64,
    /// The value looks like milliseconds: the note says so and does not age.
    pub millis: bool,
    pub text: String,
}

/// Pretty JSON (and lines of text) laid out as rows over one shared text. See the module
/// documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonDoc {
    text: String,
    rows: Vec<Row>,
    /// The pointer prefixes of the values laid out (`/header`; "" for a payload).
    prefixes: Vec<String>,
    /// Notes of top-level time claims, by row.
    notes: Vec<Note>,
}

/// Offsets are u32: a document's text is bounded by the token input limit (16 MiB) times the
/// layout's growth, far below 4 GiB; were it not, the offsets saturate and the lines read
/// empty rather than wrong.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Spaces for indentation, sliced rather than allocated for each line drawn.
const SPACES: &str = "                                                                                                                                ";

/// `depth` levels of indentation (two spaces each).
pub fn indent(depth: usize) -> Cow<'static, str> {
    match SPACES.get(..depth.saturating_mul(2)) {
        Some(s) => s.into(),
        None => "  ".repeat(depth).into(),
    }
}

impl JsonDoc {
    /// A document of one value, pointers from the root (""): top-level time claims get a
    /// note with their UTC date and age at `at`.
    pub fn from_value(value: &Value, at: Option<i64>) -> JsonDoc {
        let mut doc = JsonDoc::default();
        doc.push_value(value, "", at);
        doc
    }

    /// Lines of the document.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn row(&self, i: usize) -> Option<&Row> {
        self.rows.get(i)
    }

    /// The text of row `i`, without indentation and note.
    fn row_text(&self, i: usize) -> &str {
        let Some(r) = self.row(i) else {
            return "";
        };
        let end = self
            .rows
            .get(i + 1)
            .map_or(self.text.len(), |n| n.start as usize);
        self.text.get(r.start as usize..end).unwrap_or_default()
    }

    /// A member row's name as the line writes it: a JSON string literal, escaped.
    fn key_literal(&self, i: usize) -> Option<&str> {
        let r = self.row(i).filter(|r| r.kind == Kind::Member)?;
        self.row_text(i).get(..r.key as usize)
    }

    /// A member row's name, as written (its literal decoded).
    fn member_name(&self, i: usize) -> Option<Cow<'_, str>> {
        let literal = self.key_literal(i)?;
        let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
        if !inner.contains('\\') {
            return Some(Cow::Borrowed(inner));
        }
        // Written by the escaping serializer: JSON that decodes to the name.
        serde_json::from_str::<String>(literal).ok().map(Cow::Owned)
    }

    /// The pointer token of row `i` (after its object's or array's pointer and a '/').
    fn token(&self, i: usize) -> Option<Cow<'_, str>> {
        let r = self.row(i)?;
        match r.kind {
            Kind::Member => {
                let name = self.member_name(i)?;
                let escaped = match escape_pointer_token(&name) {
                    Cow::Owned(t) => Some(t),
                    Cow::Borrowed(_) => None,
                };
                Some(escaped.map_or(name, Cow::Owned))
            }
            Kind::Element => Some(Cow::Owned(r.index.to_string())),
            _ => None,
        }
    }

    /// The pointer of a root or text row.
    fn prefix(&self, r: &Row) -> &str {
        match r.kind {
            Kind::Root => self
                .prefixes
                .get(r.index as usize)
                .map_or("", String::as_str),
            _ => "#",
        }
    }

    /// Nesting depth of line `i` (0 for a root's braces and for text lines).
    pub fn depth(&self, i: usize) -> usize {
        self.row(i).map_or(0, |r| usize::from(r.depth))
    }

    /// Line `i` opens an object or array (that can be folded).
    pub fn opens(&self, i: usize) -> bool {
        self.row(i).is_some_and(|r| r.close as usize != i)
    }

    /// The line that closes the object or array line `i` opens (`i` itself when it opens
    /// none).
    pub fn closing(&self, i: usize) -> usize {
        self.row(i).map_or(i, |r| r.close as usize)
    }

    /// The line that opens the innermost object or array holding line `i` (for a closing
    /// line: the one holding the object it closes), if any.
    pub fn container(&self, i: usize) -> Option<usize> {
        let r = self.row(i)?;
        let up = match r.kind {
            Kind::Member | Kind::Element => r.up,
            Kind::Close => self.row(r.up as usize)?.up,
            Kind::Root | Kind::Text => NONE,
        };
        (up != NONE).then_some(up as usize)
    }

    /// The parts of line `i` (without indentation), as slices of the document's text, its
    /// note last.
    pub fn parts(&self, i: usize) -> impl Iterator<Item = (Tok, &str)> {
        let text = self.row_text(i);
        let (key, kind, opens, tok) = self.row(i).map_or((0, Kind::Text, false, Tok::Punct), |r| {
            (r.key as usize, r.kind, r.close as usize != i, r.tok)
        });
        let (name, rest) = text.split_at_checked(key).unwrap_or((text, ""));
        let (colon, rest) = match key {
            0 => ("", rest),
            _ => rest.split_at_checked(2).unwrap_or((rest, "")),
        };
        // The value, then punctuation: an opening line's bracket, a closing line's nothing,
        // a scalar's all but its comma (a literal ends in '"', a number or word in neither).
        let value = match kind {
            Kind::Text => rest.len(),
            Kind::Close => 0,
            _ if opens => 1,
            _ => rest.len() - usize::from(rest.ends_with(',')),
        };
        let (value, punct) = rest.split_at_checked(value).unwrap_or((rest, ""));
        let note = self.note(i).map_or("", |n| n.text.as_str());
        [
            (Tok::Key, name),
            (Tok::Punct, colon),
            (tok, value),
            (Tok::Punct, punct),
            (Tok::Note, note),
        ]
        .into_iter()
        .filter(|(_, s)| !s.is_empty())
    }

    /// The note after line `i`, if it has one.
    pub fn note(&self, i: usize) -> Option<&Note> {
        self.notes
            .binary_search_by_key(&i, |n| n.row)
            .ok()
            .and_then(|k| self.notes.get(k))
    }

    /// The notes of top-level time claims, to write them again (another instant, another
    /// time zone).
    pub fn notes_mut(&mut self) -> &mut [Note] {
        &mut self.notes
    }

    /// Line `i` as plain text, with indentation and note.
    pub fn text(&self, i: usize) -> String {
        let mut s = indent(self.depth(i)).into_owned();
        for (_, part) in self.parts(i) {
            s.push_str(part);
        }
        s
    }

    /// The JSON pointer of line `i` (a closing line has its opening line's; a line that is
    /// not JSON has `#`).
    pub fn pointer(&self, i: usize) -> String {
        let mut chain = Vec::new();
        let mut at = i;
        while let Some(r) = self.row(at) {
            match r.kind {
                Kind::Close => at = r.up as usize,
                Kind::Root | Kind::Text => {
                    chain.push(at);
                    break;
                }
                Kind::Member | Kind::Element => {
                    chain.push(at);
                    at = r.up as usize;
                }
            }
        }
        let mut out = String::new();
        for &k in chain.iter().rev() {
            match self.token(k) {
                Some(t) => {
                    out.push('/');
                    out.push_str(&t);
                }
                None => {
                    if let Some(r) = self.row(k) {
                        out.push_str(self.prefix(r));
                    }
                }
            }
        }
        out
    }

    /// Every line's pointer, in order (one pass).
    pub fn pointers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(self.rows.len());
        for (i, r) in self.rows.iter().enumerate() {
            let p = match r.kind {
                Kind::Root | Kind::Text => self.prefix(r).to_string(),
                Kind::Close => out.get(r.up as usize).cloned().unwrap_or_default(),
                Kind::Member | Kind::Element => {
                    let mut p = out.get(r.up as usize).cloned().unwrap_or_default();
                    p.push('/');
                    p.push_str(&self.token(i).unwrap_or_default());
                    p
                }
            };
            out.push(p);
        }
        out
    }

    /// The line a JSON pointer names: the member's or element's line (an object's opening
    /// line), or None. Text lines (`#`) are never found.
    pub fn find(&self, pointer: &str) -> Option<usize> {
        let mut i = 0;
        while let Some(r) = self.row(i) {
            if r.kind == Kind::Root {
                let prefix = self.prefix(r);
                if let Some(rest) = pointer.strip_prefix(prefix) {
                    if rest.is_empty() {
                        return Some(i);
                    }
                    if let Some(rest) = rest.strip_prefix('/')
                        && let Some(found) = self.descend(i, rest)
                    {
                        return Some(found);
                    }
                }
            }
            i = self.closing(i) + 1;
        }
        None
    }

    /// Follow the reference tokens of `rest` (a pointer without its leading '/') from the
    /// line that opens an object or array.
    fn descend(&self, mut at: usize, rest: &str) -> Option<usize> {
        for token in rest.split('/') {
            let end = self.closing(at);
            if end == at {
                return None;
            }
            let mut child = at + 1;
            let index = array_index(token);
            // The member name as the lines write it: compared with each member's literal,
            // none of them decoded (an object of a million escaped names stays cheap).
            let literal = crate::escape::json_string(&unescape_pointer_token(token));
            loop {
                if child >= end {
                    return None;
                }
                let r = self.row(child)?;
                let hit = match r.kind {
                    Kind::Member => self.key_literal(child) == Some(literal.as_str()),
                    Kind::Element => index == Some(r.index),
                    _ => false,
                };
                if hit {
                    break;
                }
                child = self.closing(child) + 1;
            }
            at = child;
        }
        Some(at)
    }
}

/// A pointer token back to the name it escapes (RFC 6901 section 4: `~1` is '/', then `~0`
/// is '~').
fn unescape_pointer_token(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// An array index as RFC 6901 writes it: digits, no leading zero.
fn array_index(token: &str) -> Option<u32> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
}

mod layout;
#[cfg(test)]
mod tests;
