//! Intake: find the compact token in what a user pasted (a ticket, a URL, a JS tag, a header).
//!
//! This file takes the wrappers off in turn; `mail` undoes what a mail client did first,
//! `not_found` names text that holds no token, and `lines` finds the tokens of a log line for
//! batch mode.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::TokenError;

mod lines;
mod mail;
mod not_found;

pub use lines::{bare_token, tokens_in_line};
use mail::unwrap_mail;
use not_found::{json_serialization, placeholder};

/// The token found in some text, and what was removed around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    /// The compact serialization, with nothing around or inside it.
    pub token: String,
    /// What intake removed, in the order it was removed (`Bearer prefix`, ...).
    pub stripped: Vec<String>,
    /// The URL parameter whose value holds the token's parameter, when the URL has a second
    /// `?` (`?utm=x?jwt=TOKEN`): a URL parser sees no token parameter there.
    pub swallowed_by: Option<String>,
    /// How many other tokens the text holds.
    pub others: usize,
    /// Those other tokens, in the order they appear.
    pub alternatives: Vec<String>,
    /// The div ids of a `createIframe` tag and a `setMetaData` call in the text, when they
    /// differ (002: the token would reach no campaign iframe).
    pub div_mismatch: Option<(String, String)>,
}

impl Intake {
    /// The token came out of a Qualifio `setMetaData` call (002).
    pub fn from_set_meta_data(&self) -> bool {
        self.stripped.iter().any(|s| s == SET_META_DATA_NOTE)
    }
}

/// What `stripped` says of a token taken from a `setMetaData` call.
const SET_META_DATA_NOTE: &str = "JS setMetaData call";

static CREATE_IFRAME_DIV: LazyLock<Regex> = LazyLock::new(|| {
    // 000 "JS Tag": _qual_async.push(['createIframe', 'qualifio_insert_place_896863', ...
    Regex::new(r#"createIframe['"]\s*,\s*['"]([^'"]*)['"]"#).expect("static regex")
});

static SET_META_DATA_DIV: LazyLock<Regex> = LazyLock::new(|| {
    // 002: _qual_async.push(['setMetaData', 'JWT', token, divId]), the token quoted or a
    // variable, the div id quoted or (as 002's own example writes it) bare.
    Regex::new(
        r#"setMetaData['"]\s*,\s*['"]JWT['"]\s*,\s*(?:['"`][^'"`]*['"`]|[A-Za-z_$][\w$.]*)\s*,\s*['"]?([\w$-]+)"#,
    )
    .expect("static regex")
});

/// The two div ids when the text holds both a `createIframe` tag and a `setMetaData` call
/// and they differ.
fn div_mismatch(text: &str) -> Option<(String, String)> {
    if !text.contains("createIframe") || !text.contains("setMetaData") {
        return None;
    }
    let iframe = CREATE_IFRAME_DIV.captures(text)?.get(1)?.as_str();
    let meta = SET_META_DATA_DIV.captures(text)?.get(1)?.as_str();
    (iframe != meta).then(|| (iframe.to_string(), meta.to_string()))
}

/// Query parameters that carry a token in the integrations tokenscope knows
/// (Qualifio `qual_token=`, Adictiz `jwt=`, OAuth `access_token=`/`id_token=`, generic `token=`).
const PARAMS: &[&str] = &["qual_token", "jwt", "token", "access_token", "id_token"];

static SET_META_DATA: LazyLock<Regex> = LazyLock::new(|| {
    // Qualifio 002 "SetMetaData method": _qual_async.push(['setMetaData', 'JWT', token, divId])
    Regex::new(r#"setMetaData['"]\s*,\s*['"]JWT['"]\s*,\s*['"`]([^'"`]*)['"`]"#)
        .expect("static regex")
});

static PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:^|[?&#;/\s'",(])(qual_token|jwt|token|access_token|id_token)=([^&#\s'"<>`]*)"#,
    )
    .expect("static regex")
});

static BEARER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:authorization\s*:\s*)?bearer\s+").expect("static regex"));

static EMBEDDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?",
    )
    .expect("static regex")
});

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Find the token in `text`.
///
/// Plain tokens take the fast path (no regex is compiled). Otherwise the known wrappers are
/// removed in turn; text that still holds foreign characters is searched for an embedded
/// token, and a token-looking string with a bad character gets an error naming the segment
/// and the offset.
pub fn find_token(text: &str) -> Result<Intake, TokenError> {
    // A terminal's paste (and an old Mac file) ends lines with a lone CR: read it as a line
    // break, so a folded or quoted ticket unwraps as it does from a file.
    if text.contains('\r') {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        return find_token_lines(&text);
    }
    find_token_lines(text)
}

fn find_token_lines(text: &str) -> Result<Intake, TokenError> {
    // A ticket's text: an email client wrapped it, quoted it or encoded it quoted-printable.
    // Undone first when that gives a token whose header decodes; the text as it is otherwise.
    if let Some((unwrapped, notes)) = unwrap_mail(text)
        && let Ok(mut intake) = find_token_in(&unwrapped)
        && header_decodes(&intake.token)
    {
        let mut stripped = notes;
        stripped.append(&mut intake.stripped);
        intake.stripped = stripped;
        return Ok(intake);
    }
    find_token_in(text)
}

/// The token's header segment decodes to a JOSE header.
fn header_decodes(token: &str) -> bool {
    token
        .split('.')
        .next()
        .is_some_and(|h| super::decode_header(h).is_ok())
}

fn find_token_in(text: &str) -> Result<Intake, TokenError> {
    let mut intake = find_first(text)?;
    if !intake.stripped.is_empty() {
        intake.alternatives = other_tokens(text, &intake.token);
        intake.others = intake.alternatives.len();
        intake.div_mismatch = div_mismatch(text);
    }
    Ok(intake)
}

/// The distinct tokens besides `found` the text holds, in order (fragments of `found`, as a
/// line-wrapped token leaves, do not count).
fn other_tokens(text: &str, found: &str) -> Vec<String> {
    let text = percent_decoded(text);
    let mut seen: Vec<&str> = Vec::new();
    for t in embedded(&text) {
        let header = t.split('.').next().unwrap_or_default();
        if found.contains(t) || seen.contains(&t) || super::decode_header(header).is_err() {
            continue;
        }
        seen.push(t);
    }
    seen.into_iter().map(str::to_string).collect()
}

/// RULES.md section 2, "Where the token was found": the parameter at `name_start` of `text`
/// lies inside another parameter's value when the URL around it already has a query (a
/// second `?`). Returns that parameter's name.
fn swallowing_parameter(text: &str, name_start: usize) -> Option<String> {
    let before = &text[..name_start];
    let url_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '(' | '<'))
        .map_or(0, |i| i + 1);
    let url = &before[url_start..];
    let separator = url.chars().last()?;
    let query = &url[url.find('?')? + 1..];
    if separator != '?' || query.is_empty() {
        return None;
    }
    let swallowing = query[..query.len() - 1].rsplit(['&', ';']).next()?;
    let name = swallowing.split('=').next().unwrap_or(swallowing);
    Some(name.to_string())
}

fn find_first(text: &str) -> Result<Intake, TokenError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(TokenError::Empty);
    }
    if trimmed.chars().all(is_token_char) {
        return Ok(Intake {
            token: trimmed.to_string(),
            stripped: Vec::new(),
            swallowed_by: None,
            others: 0,
            alternatives: Vec::new(),
            div_mismatch: None,
        });
    }

    if unencoded_payload_token(trimmed) {
        return Ok(Intake {
            token: trimmed.to_string(),
            stripped: Vec::new(),
            swallowed_by: None,
            others: 0,
            alternatives: Vec::new(),
            div_mismatch: None,
        });
    }

    let mut stripped = Vec::new();
    let mut swallowed_by = None;
    let mut current: Cow<'_, str> = Cow::Borrowed(trimmed);

    if let Some(c) = SET_META_DATA.captures(&current) {
        let inner = c[1].to_string();
        stripped.push(SET_META_DATA_NOTE.to_string());
        current = Cow::Owned(inner);
    } else if let Some(c) = PARAM.captures(&current) {
        let name = c[1].to_ascii_lowercase();
        swallowed_by = c
            .get(1)
            .and_then(|m| swallowing_parameter(trimmed, m.start()));
        let raw = &c[2];
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
        let what = if trimmed.contains("_qual_async") || trimmed.contains("<script") {
            "JS tag"
        } else if trimmed.contains("://") || trimmed.starts_with('?') || trimmed.contains('?') {
            "URL"
        } else {
            "query string"
        };
        let mut note = format!("{what} around the token (parameter '{name}')");
        if decoded != raw {
            note.push_str(", percent-decoded");
        }
        debug_assert!(PARAMS.contains(&name.as_str()));
        stripped.push(note);
        current = Cow::Owned(decoded.into_owned());
    }

    // Quotes and a Bearer prefix may nest either way round: `"Bearer x"` or `Bearer "x"`.
    loop {
        let before = current.len();
        let t = current.trim();
        if let Some(m) = BEARER.find(t) {
            stripped.push("Bearer prefix".to_string());
            current = Cow::Owned(t[m.end()..].to_string());
            continue;
        }
        if let Some(inner) = strip_quotes(t) {
            stripped.push("quotes".to_string());
            current = Cow::Owned(inner.to_string());
            continue;
        }
        if t.len() != before {
            current = Cow::Owned(t.to_string());
        }
        break;
    }

    // Tokens one per line (or side by side) are several tokens, not one wrapped token.
    let parts: Vec<&str> = current.split_whitespace().collect();
    if parts.len() > 1
        && parts.iter().all(|p| {
            p.starts_with("eyJ") && p.matches('.').count() >= 2 && p.chars().all(is_token_char)
        })
    {
        stripped.push("text around the token".to_string());
        return Ok(Intake {
            token: parts[0].to_string(),
            stripped,
            swallowed_by,
            others: 0,
            alternatives: Vec::new(),
            div_mismatch: None,
        });
    }

    if current.chars().any(char::is_whitespace) {
        let joined: String = current.chars().filter(|c| !c.is_whitespace()).collect();
        if joined.starts_with("eyJ")
            && joined.chars().all(is_token_char)
            && joined.matches('.').count() >= 2
        {
            stripped.push("whitespace and line breaks inside the token".to_string());
            current = Cow::Owned(joined);
        }
    }

    if current.chars().all(is_token_char) && current.matches('.').count() >= 2 {
        return Ok(Intake {
            token: current.into_owned(),
            stripped,
            swallowed_by,
            others: 0,
            alternatives: Vec::new(),
            div_mismatch: None,
        });
    }

    // A token with a bad character is a token to report on, not text to search: decoding
    // names the segment and offset, and still shows the segments that do decode.
    let candidate: String = current.chars().filter(|c| !c.is_whitespace()).collect();
    if looks_like_token(&candidate) {
        if candidate.len() != current.len() {
            stripped.push("whitespace and line breaks inside the token".to_string());
        }
        return Ok(Intake {
            token: candidate,
            stripped,
            swallowed_by,
            others: 0,
            alternatives: Vec::new(),
            div_mismatch: None,
        });
    }

    if let Some(m) = embedded(trimmed).next() {
        stripped.push("text around the token".to_string());
        return Ok(Intake {
            token: m.to_string(),
            stripped,
            swallowed_by,
            others: 0,
            alternatives: Vec::new(),
            div_mismatch: None,
        });
    }
    Err(json_serialization(trimmed)
        .or_else(|| placeholder(trimmed))
        .unwrap_or(TokenError::NotFound))
}

/// `text` with `%xx` decoded when it holds any (a token in a URL: `%2E` for its dots).
fn percent_decoded(text: &str) -> Cow<'_, str> {
    match text.contains('%') {
        true => percent_encoding::percent_decode_str(text).decode_utf8_lossy(),
        false => Cow::Borrowed(text),
    }
}

/// The tokens in `text` that stand on their own: not glued to a base64url character or a
/// dot before them (`77u_eyJ...`, `.eyJ...`: part of something else), nor to `=` padding
/// after them (`eyJ...=`: not base64url). A `param=` before a token is fine.
fn embedded(text: &str) -> impl Iterator<Item = &str> {
    EMBEDDED.find_iter(text).filter_map(move |m| {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let glued_before = before.is_some_and(is_token_char);
        let padded_after = after == Some('=');
        (!glued_before && !padded_after).then_some(m.as_str())
    })
}

/// A compact JWS whose header says `b64: false` (RFC 7797 section 5.2) carries its payload
/// as-is: spaces and any character but '.' belong to the token and must not be stripped.
fn unencoded_payload_token(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    let b64url = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if parts.len() != 3 || !b64url(parts[0]) || !b64url(parts[2]) {
        return false;
    }
    super::decode_header(parts[0])
        .map(|h| h.map.get("b64") == Some(&serde_json::Value::Bool(false)))
        .unwrap_or(false)
}

/// Starts like a JOSE header (`{"` base64url-encoded) and has at least one dot.
fn looks_like_token(s: &str) -> bool {
    s.starts_with("eyJ") && s.contains('.') && !s.contains("://")
}

fn strip_quotes(s: &str) -> Option<&str> {
    for q in ['"', '\'', '`'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return Some(&s[1..s.len() - 1]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::lines::is_token_byte;
    use super::*;

    const T: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";

    fn found(text: &str) -> Intake {
        find_token(text).unwrap_or_else(|e| panic!("no token in {text:?}: {e}"))
    }

    #[test]
    fn plain_token_is_taken_as_is() {
        let i = found(T);
        assert_eq!(i.token, T);
        assert!(i.stripped.is_empty());
    }

    #[test]
    fn bearer_prefix_and_quotes() {
        let i = found(&format!("  Authorization: Bearer \"{T}\"\n"));
        assert_eq!(i.token, T);
        assert_eq!(i.stripped, vec!["Bearer prefix", "quotes"]);
        let i = found(&format!("'bearer {T}'"));
        assert_eq!(i.token, T);
        assert_eq!(i.stripped, vec!["quotes", "Bearer prefix"]);
    }

    #[test]
    fn line_breaks_inside_the_token() {
        let wrapped = format!("{}\n  {}\r\n{}", &T[..10], &T[10..25], &T[25..]);
        let i = found(&wrapped);
        assert_eq!(i.token, T);
        assert_eq!(
            i.stripped,
            vec!["whitespace and line breaks inside the token"]
        );
    }

    #[test]
    fn url_parameters() {
        for p in PARAMS {
            let i = found(&format!("https://example.test/c?x=1&{p}={T}&y=2"));
            assert_eq!(i.token, T, "param {p}");
            assert_eq!(
                i.stripped,
                vec![format!("URL around the token (parameter '{p}')")]
            );
        }
    }

    #[test]
    fn percent_encoded_parameter() {
        let enc = T.replace('.', "%2E");
        let i = found(&format!("?qual_token={enc}"));
        assert_eq!(i.token, T);
        assert!(
            i.stripped[0].ends_with("percent-decoded"),
            "{:?}",
            i.stripped
        );
    }

    #[test]
    fn qualifio_js_tag() {
        let tag = format!(
            "_qual_async.push(['createIframe', 'qualifio_insert_place_896863', '', '20', 'E7A9', '100%', '1200', 'qual_token={T}', '', '', 'max-width:810px;']);"
        );
        let i = found(&tag);
        assert_eq!(i.token, T);
        assert_eq!(
            i.stripped,
            vec!["JS tag around the token (parameter 'qual_token')"]
        );
    }

    #[test]
    fn set_meta_data_snippet() {
        let js = format!(
            "<script>_qual_async.push(['setMetaData', 'JWT', '{T}', 'qualifio_insert_place_1']);</script>"
        );
        let i = found(&js);
        assert_eq!(i.token, T);
        assert_eq!(i.stripped, vec!["JS setMetaData call"]);
    }

    #[test]
    fn embedded_in_a_log_line() {
        let i = found(&format!(
            "2024-01-01 12:00:00 WARN rejected token={T} reason=x"
        ));
        assert_eq!(i.token, T);
        let i = found(&format!("ticket #42: customer sent {T} yesterday"));
        assert_eq!(i.token, T);
        assert_eq!(i.stripped, vec!["text around the token"]);
    }

    #[test]
    fn a_token_with_a_bad_character_is_passed_on_for_decoding() {
        let bad = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0%.c2ln";
        assert_eq!(found(bad).token, bad);
        let payload = bad.split('.').nth(1).unwrap();
        let err = crate::token::decode_segment("payload", payload)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("payload segment: invalid base64url character '%' at offset 15"),
            "{err}"
        );
    }

    #[test]
    fn unencoded_payload_keeps_its_spaces() {
        // RFC 7797 section 5.2: {"alg":"HS256","b64":false,"crit":["b64"]}
        let t = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.This is the payload string!.c2ln";
        let i = found(t);
        assert_eq!(i.token, t);
        assert!(i.stripped.is_empty());
    }

    #[test]
    fn every_token_of_a_log_line() {
        let line = format!(
            "a={T} b=https://x.test/?jwt={} c=\"{T}\"",
            T.replace('.', "%2E")
        );
        assert_eq!(tokens_in_line(&line), vec![T, T, T]);
        assert!(tokens_in_line("nothing here").is_empty());
    }

    #[test]
    fn a_parameter_inside_another_ones_value_is_named() {
        let i = found(&format!("https://adbx.io/game?utm=x?jwt={T}"));
        assert_eq!(i.token, T);
        assert_eq!(i.swallowed_by.as_deref(), Some("utm"));
        let i = found(&format!("https://adbx.io/game?a=1&utm=x?jwt={T}&b=2"));
        assert_eq!(i.swallowed_by.as_deref(), Some("utm"));
        for ok in [
            format!("https://adbx.io/game?jwt={T}"),
            format!("https://adbx.io/game?utm=x&jwt={T}"),
            format!("see https://a.test/?x=1 then ?jwt={T}"),
            format!("'qual_token={T}'"),
        ] {
            assert_eq!(found(&ok).swallowed_by, None, "{ok}");
        }
    }

    #[test]
    fn other_tokens_are_counted_once_each() {
        let u = "eyJhbGciOiJIUzM4NCJ9.eyJzdWIiOiIyIn0.c2ln";
        let i = found(&format!("first {T} then {u} and {u} again"));
        assert_eq!(i.token, T);
        assert_eq!(i.others, 1);
        let wrapped = format!("{}\n{}", &T[..30], &T[30..]);
        assert_eq!(found(&wrapped).others, 0);
        assert_eq!(found(T).others, 0);
        let i = found(&format!("{T}\n{u}\n"));
        assert_eq!((i.token.as_str(), i.others), (T, 1));
    }

    /// What a ticket's mail client does to a URL: folded at 76 columns, quoted with '> ',
    /// encoded quoted-printable, wrapped inside the token.
    #[test]
    fn mail_wrapping_is_undone() {
        let long = format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.c2lnYXR1cmVzaWduYXR1cmVzaWduYXR1cmU",
            "eyJzdWIiOiIxIn0".repeat(12)
        );
        let url = format!("https://qualifio.test/campaign?x=1&qual_token={long}&y=2");
        let fold = |s: &str, w: usize| {
            s.as_bytes()
                .chunks(w)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let folded = format!(
            "Hello,\n\nthe customer clicked:\n{}\n\nThanks",
            fold(&url, 76)
        );
        let i = found(&folded);
        assert_eq!(i.token, long);
        assert!(
            i.stripped.iter().any(|s| s.contains("mail wrapping")),
            "{:?}",
            i.stripped
        );
        let quoted: String = folded.lines().map(|l| format!("> {l}\n")).collect();
        let i = found(&quoted);
        assert_eq!(i.token, long);
        assert!(
            i.stripped.iter().any(|s| s.contains("quote")),
            "{:?}",
            i.stripped
        );
        let qp = url.replace('=', "=3D");
        let qp: String = qp
            .as_bytes()
            .chunks(75)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("=\n");
        let i = found(&format!("Link:\n{qp}\n"));
        assert_eq!(i.token, long);
        assert!(
            i.stripped[0].contains("quoted-printable"),
            "{:?}",
            i.stripped
        );
        // Text that is not ASCII around a break (found by the differential proptest).
        let _ = find_token(&format!("{}é\n{}", "a".repeat(50), T));
        // Two tokens one per line stay two tokens.
        let i = found(&format!("{long}\n{T}\n"));
        assert_eq!((i.token.as_str(), i.others), (long.as_str(), 1));
    }

    /// A token glued to other base64url text or followed by padding is not a token on its
    /// own: a log line holding one yields nothing rather than the clean part.
    #[test]
    fn glued_or_padded_tokens_are_not_pulled_out() {
        for line in [
            format!("x {T}="),
            format!("x {T}=="),
            format!("x .{T}"),
            format!("x 77u_{T}"),
        ] {
            assert!(tokens_in_line(&line).is_empty(), "{line}");
        }
        for line in [
            format!("token={T}&x=1"),
            format!("sent {T}."),
            format!("\"{T}\""),
        ] {
            assert_eq!(tokens_in_line(&line), vec![T], "{line}");
        }
    }

    #[test]
    fn nothing_to_find() {
        assert_eq!(find_token("   ").unwrap_err(), TokenError::Empty);
        assert_eq!(find_token("hello world").unwrap_err(), TokenError::NotFound);
    }

    #[test]
    fn token_bytes_are_exactly_base64url_and_dot() {
        for b in 0..=255u8 {
            let c = b as char;
            assert_eq!(
                is_token_byte(b),
                b.is_ascii() && is_token_char(c),
                "byte {b:#04x}"
            );
        }
        assert_eq!(bare_token("  eyJh.b-_.c9 \r\n"), Some("eyJh.b-_.c9"));
        assert_eq!(bare_token("eyJh.b.c d"), None);
        assert_eq!(bare_token("eyJh.bc"), None);
        assert_eq!(bare_token("xeyJh.b.c"), None);
        assert_eq!(bare_token("eyJh.b.cé"), None);
    }
}
