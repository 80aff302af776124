//! The one escaping policy for text that leaves tokenscope: the human report, messages,
//! warnings and errors on stderr, the batch summary, `keys` output, the TUI and every `--json`
//! document. Text that came from a token, a log, a key file or an endpoint must never reach a
//! terminal raw: `\u{1b}]52;c;...\u{7}` writes the clipboard, `\u{1b}[2J` clears the screen,
//! U+009B is a one-character CSI, a bidi override (U+202E) reorders what follows it and a
//! zero-width character hides text or desynchronises the TUI's idea of a line's width.
//!
//! Such characters are shown visibly, never passed through and never dropped: `\u{202e}` in
//! text, `\u202e` in JSON (which still decodes to the same string).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Characters never written raw.
pub fn must_escape(c: char) -> bool {
    matches!(
        c,
        // C0 controls, DEL and the C1 controls.
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Bidi controls: the Arabic letter mark, LRM and RLM (below), embeddings and
        // overrides, isolates (Unicode's Bidi_Control property).
        | '\u{61c}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        // Zero width: space, non-joiner, joiner, LRM, RLM; word joiner and the invisible
        // operators; the byte order mark (zero width no-break space).
        | '\u{200b}'..='\u{200f}'
        | '\u{2060}'..='\u{2064}'
        | '\u{feff}'
        // Line and paragraph separators: a line break to some terminals and editors.
        | '\u{2028}' | '\u{2029}'
    )
}

/// Text of several lines (a payload shown as text, a report line): newlines and tabs are
/// kept, everything else `must_escape` says is written `\u{hex}`.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

/// A value inside a one-line message (a kid, a key name, a campaign id, an error): newlines
/// and tabs are escaped too, so the value cannot start a line of its own.
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let shown = |c: char| !must_escape(c) || keep(c);
    let Some(first) = s.find(|c: char| !shown(c)) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        if shown(c) {
            out.push(c);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// `tokenscope: warning: MESSAGE` on stderr, the message on one line.
pub fn warn(message: &str) {
    eprintln!("tokenscope: warning: {}", line(message));
}

/// `tokenscope: MESSAGE` on stderr, the message on one line.
pub fn stderr(message: &str) {
    eprintln!("tokenscope: {}", line(message));
}

/// A serde_json formatter that writes, on top of what serde_json escapes (C0, `"`, `\`),
/// every character `must_escape` names as a `\uXXXX` escape (all of them are in the BMP).
struct Escaping<F>(F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // serde_json has already taken out C0, `"` and `\`: below DEL, nothing is left to
        // escape. A batch writes kilobytes of such text per token; this check reads it a
        // word at a time, where the search below goes a character at a time.
        if below_del(fragment.as_bytes()) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut rest = fragment;
        while let Some(at) = rest.find(must_escape) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            write!(writer, "\\u{:04x}", c as u32)?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    // What the pretty formatter does differently from the default methods: indentation.
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// True when no character of `s` must be escaped: written as it is, it is what every
/// escaping writer here writes.
pub fn nothing_to_escape(s: &str) -> bool {
    below_del(s.as_bytes()) || !s.chars().any(must_escape)
}

/// Every byte is below DEL (0x7f): ASCII with no character `must_escape` names but C0.
fn below_del(bytes: &[u8]) -> bool {
    // No early exit, so that the loop vectorises: a byte b has bit 7 set in `b | (b + 1)`
    // exactly when b >= 0x7f (0xff wraps to 0, but then b itself has it).
    bytes
        .iter()
        .fold(0u8, |seen, &b| seen | b | b.wrapping_add(1))
        & 0x80
        == 0
}

fn write_with<W, T, F>(writer: W, value: &T, formatter: F) -> serde_json::Result<()>
where
    W: io::Write,
    T: ?Sized + Serialize,
    F: Formatter,
{
    let mut ser = serde_json::Serializer::with_formatter(writer, Escaping(formatter));
    value.serialize(&mut ser)
}

/// `value` as pretty JSON (`serde_json::to_writer_pretty`), escaped.
pub fn write_json_pretty<W: io::Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    write_with(writer, value, PrettyFormatter::new())
}

/// `value` as pretty JSON (`serde_json::to_string_pretty`), escaped.
pub fn json_pretty<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    write_json_pretty(&mut out, value)?;
    Ok(utf8(out))
}

/// `value` as compact JSON on one line (`serde_json::to_string`), escaped.
pub fn json<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    write_with(&mut out, value, CompactFormatter)?;
    Ok(utf8(out))
}

/// `value` as compact JSON (`serde_json::to_writer`), escaped.
pub fn write_json<W: io::Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    write_with(writer, value, CompactFormatter)
}

/// `s` as a JSON string literal, escaped, appended to `out`: what [`write_json`] writes for
/// a string, without going through serde (a batch's records are mostly long strings: the
/// token, its segments, the payload text).
pub fn write_json_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    // Room for the text and a few escapes: pushes below rarely grow the buffer.
    out.reserve(bytes.len() + bytes.len() / 4 + 2);
    out.push(b'"');
    // A token and its segments need no escape: one check that vectorises, and one copy.
    if !any_special(bytes) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut i = 0;
    loop {
        // Each run of plain bytes is found a word at a time and copied at once: a token and
        // its segments are one run.
        let run = plain_run(&bytes[i..]);
        match run {
            // Between the quotes of a JSON text: shorter than a call to copy them.
            0..=15 => bytes[i..i + run].iter().for_each(|&b| out.push(b)),
            _ => out.extend_from_slice(&bytes[i..i + run]),
        }
        i += run;
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => b"",
        };
        if !short.is_empty() {
            out.extend_from_slice(short);
            i += 1;
            continue;
        }
        // A control character, DEL, or a character past ASCII.
        let c = s[i..].chars().next().unwrap_or_default();
        let len = c.len_utf8();
        if must_escape(c) {
            // Every character `must_escape` names is in the BMP: four hex digits.
            out.extend_from_slice(b"\\u");
            for shift in [12, 8, 4, 0] {
                out.push(HEX[(c as usize >> shift) & 0xf]);
            }
        } else {
            out.extend_from_slice(&bytes[i..i + len]);
        }
        i += len;
    }
    out.push(b'"');
}

/// Whether any byte of `bytes` may need a look (see [`special_bytes`]); without an early
/// exit, so that the loop vectorises.
fn any_special(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |seen, &b| seen | special(b))
}

/// A byte that may need a look: a control character, `"`, `\`, or a byte from DEL up (the
/// start of a character past ASCII).
fn special(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\') | (b >= 0x7f)
}

/// How many bytes at the start of `bytes` need no look (see [`special_bytes`]).
fn plain_run(bytes: &[u8]) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in words.by_ref() {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let special = special_bytes(u64::from_le_bytes(word));
        if special != 0 {
            // The lowest flagged byte is always a real one (a false flag only follows one).
            return at + special.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    at + words
        .remainder()
        .iter()
        .take_while(|&&b| !special(b))
        .count()
}

/// Bit 7 of each byte of `word` that may need a look: a control character, `"`, `\`, or a
/// byte from DEL up (each test is the classic "has a byte less than / equal to" bit trick,
/// exact for "any byte" and for the lowest such byte).
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    // A byte from 0x7f up sets bit 7 in itself or in itself plus one (a carry out of 0xff
    // only follows a byte that already has it).
    let high = (word | word.wrapping_add(ONES)) & HIGHS;
    control | quote | backslash | high
}

/// A JSON string literal, escaped.
pub fn json_string(s: &str) -> String {
    json(s).unwrap_or_default()
}

fn utf8(bytes: Vec<u8>) -> String {
    // The serializer writes UTF-8 only (str fragments and ASCII escapes).
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const HOSTILE: &str = "a\u{1b}]52;c;SGk=\u{7}\u{1b}[2J\u{7f}\u{85}\u{9b}\u{61c}\u{200b}\u{200c}\u{200d}\u{200e}\u{200f}\u{202a}\u{202e}\u{2060}\u{2066}\u{2069}\u{feff}\u{2028}\u{2029}\r\n\tz";

    #[test]
    fn text_keeps_lines_and_escapes_the_rest() {
        assert_eq!(
            text("a\u{1b}[2Jb\u{9b}\n\tc\u{202e}d\u{200b}"),
            "a\\u{1b}[2Jb\\u{9b}\n\tc\\u{202e}d\\u{200b}"
        );
        assert_eq!(line("kid\nforged\tline"), "kid\\u{a}forged\\u{9}line");
        assert!(matches!(text("plain é 漢字 ✔"), Cow::Borrowed(_)));
        let shown = line(HOSTILE);
        assert!(!shown.chars().any(must_escape), "{shown}");
        // Escaping twice changes nothing: escaped text is printable ASCII.
        assert_eq!(line(&shown), shown);
    }

    #[test]
    fn nothing_hidden_is_dropped() {
        let shown = line(HOSTILE);
        let escapes = shown.matches("\\u{").count();
        let hidden = HOSTILE.chars().filter(|c| must_escape(*c)).count();
        assert_eq!(escapes, hidden, "{shown}");
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw_and_decodes_the_same() {
        let v = json!({HOSTILE: [HOSTILE, {"n": 1, "s": "plain é"}], "e": [], "o": {}});
        for text in [json_pretty(&v).unwrap(), json(&v).unwrap()] {
            for c in text.chars() {
                assert!(
                    c == '\n' || !must_escape(c),
                    "raw U+{:04X}: {text}",
                    c as u32
                );
            }
            assert!(
                text.contains("\\u202e") && text.contains("\\u009b"),
                "{text}"
            );
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back, v);
        }
        // Same layout as serde_json's when nothing needs escaping.
        let plain = json!({"a": [1, {"b": null}], "c": "é"});
        assert_eq!(
            json_pretty(&plain).unwrap(),
            serde_json::to_string_pretty(&plain).unwrap()
        );
        assert_eq!(json(&plain).unwrap(), plain.to_string());
        assert_eq!(json_string("a\u{7f}b"), "\"a\\u007fb\"");
    }

    #[test]
    fn the_first_special_byte_of_a_word_is_found_exactly() {
        let plain = |b: u8| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\';
        for b in 0..=255u8 {
            for at in 0..8 {
                // After the byte looked at: plain bytes, or bytes that a borrow or a carry
                // out of it could flag wrongly.
                for fill in [b'a', b'~', b' ', b'!', b'#', b'[', b']', 0x7e, 0x00, 0xff] {
                    let mut word = [b'a'; 8];
                    word[at] = b;
                    for later in &mut word[at + 1..] {
                        *later = fill;
                    }
                    let special = special_bytes(u64::from_le_bytes(word));
                    let first = word.iter().position(|&b| !plain(b));
                    let found = (special != 0).then(|| special.trailing_zeros() as usize / 8);
                    assert_eq!(found, first, "{b:#x} at {at}, then {fill:#x}");
                    assert_eq!(plain_run(&word), first.unwrap_or(8));
                    assert_eq!(any_special(&word), first.is_some());
                    let longer = [&word[..], b"plain text"].concat();
                    assert_eq!(
                        plain_run(&longer),
                        first.unwrap_or(8 + 10),
                        "{b:#x} at {at}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The hand-written string writer writes what serde_json and the escaping formatter
        /// write.
        #[test]
        fn the_string_writer_writes_what_serde_writes(
            s in "[a\"\\\\/\u{0}-\u{1f}\u{7f}-\u{a0}\u{61c}\u{2000}-\u{2070}\u{feff}é漢\u{1f600}]{0,12}|[a-z{}\":,]{0,40}[\u{0}-\u{2070}]{0,3}[a-z{}\":,]{0,20}",
        ) {
            let mut out = Vec::new();
            write_json_string(&mut out, &s);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), json_string(&s));
        }
    }

    #[test]
    fn every_character_around_the_fast_path_is_escaped_as_before() {
        assert!(below_del(b"") && below_del(b"plain ~ text") && !below_del(b"a\x7f"));
        for b in 0..=255u8 {
            assert_eq!(below_del(&[b]), b < 0x7f, "{b:#x}");
            assert_eq!(below_del(&[b'a', b, b'z']), b < 0x7f, "{b:#x}");
        }
        let chars = ('\0'..='\u{3000}').chain(['\u{feff}', '\u{fffd}', '\u{1f600}']);
        for c in chars {
            let text = format!("ab{c}cd");
            let want = match c {
                '"' => "\\\"".to_string(),
                '\\' => "\\\\".to_string(),
                '\n' => "\\n".to_string(),
                '\t' => "\\t".to_string(),
                '\r' => "\\r".to_string(),
                '\u{8}' => "\\b".to_string(),
                '\u{c}' => "\\f".to_string(),
                c if must_escape(c) => format!("\\u{:04x}", c as u32),
                c => c.to_string(),
            };
            assert_eq!(
                json_string(&text),
                format!("\"ab{want}cd\""),
                "U+{:04X}",
                c as u32
            );
            let mut out = Vec::new();
            write_json_string(&mut out, &text);
            assert_eq!(out, json_string(&text).as_bytes(), "U+{:04X}", c as u32);
        }
    }
}
