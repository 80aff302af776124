//! Packaging a signed token for where it goes: the raw token, a Qualifio campaign URL with
//! `qual_token=`, a Qualifio JS tag (000) or `setMetaData` call (002), an Adictiz URL with
//! `?jwt=`, an `Authorization` header, a curl command. `tokenscope sign --format` and the TUI's export both call `format`, so the
//! bytes are the same.
//!
//! Where a URL is needed and none is given, an obvious placeholder stands in (a
//! `example.invalid` host, RFC 2606, or Adictiz's `UNIQUE-NAME`) and `placeholder_note` says
//! what to replace: a snippet is still useful to paste into a ticket or a test page.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use thiserror::Error;

/// How to package a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// The compact token alone.
    Raw,
    /// A Qualifio minisite or webview URL with `qual_token=` (000 "Integrate the secure token").
    QualifioUrl,
    /// The Qualifio JS tag of 000 "JS Tag": `createIframe` with `qual_token=`.
    QualifioJs,
    /// The `setMetaData` call of 002 "Share information at the campaign load", on its own:
    /// a different channel from 000's `qual_token=` (RULES.md 3, "Share at load (002)").
    QualifioSetMetaData,
    /// An Adictiz Box URL with `?jwt=` (003).
    AdictizUrl,
    /// `Authorization: Bearer TOKEN`.
    Bearer,
    /// A curl command sending the token as a Bearer header.
    Curl,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 7] = [
        ExportFormat::Raw,
        ExportFormat::QualifioUrl,
        ExportFormat::QualifioJs,
        ExportFormat::QualifioSetMetaData,
        ExportFormat::AdictizUrl,
        ExportFormat::Bearer,
        ExportFormat::Curl,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Raw => "raw",
            ExportFormat::QualifioUrl => "qualifio-url",
            ExportFormat::QualifioJs => "qualifio-js",
            ExportFormat::QualifioSetMetaData => "qualifio-setmetadata",
            ExportFormat::AdictizUrl => "adictiz-url",
            ExportFormat::Bearer => "bearer",
            ExportFormat::Curl => "curl",
        }
    }

    /// Whether the format puts a base URL in its output.
    pub fn uses_base_url(self) -> bool {
        matches!(
            self,
            ExportFormat::QualifioUrl | ExportFormat::AdictizUrl | ExportFormat::Curl
        )
    }

    /// The URL used when no base URL is given.
    pub fn placeholder_url(self) -> Option<&'static str> {
        match self {
            ExportFormat::QualifioUrl => Some(QUALIFIO_PLACEHOLDER),
            ExportFormat::AdictizUrl => Some(ADICTIZ_PLACEHOLDER),
            ExportFormat::Curl => Some(CURL_PLACEHOLDER),
            _ => None,
        }
    }
}

const QUALIFIO_PLACEHOLDER: &str = "https://example.invalid/your-qualifio-campaign";
/// 003: "https://adbx.io/[unique-name]?jwt=[token]".
const ADICTIZ_PLACEHOLDER: &str = "https://adbx.io/UNIQUE-NAME";
const CURL_PLACEHOLDER: &str = "https://example.invalid/api";

/// The Qualifio JS tag's div id (000 uses `qualifio_insert_place_<n>`), also the `divId` of
/// the `setMetaData` call, so the two snippets pasted together name the same iframe.
pub const QUALIFIO_DIV_ID: &str = "qualifio_insert_place_tokenscope";
/// Stands for the campaign's id in the JS tag (the 5th `createIframe` argument).
pub const QUALIFIO_CAMPAIGN_PLACEHOLDER: &str = "00000000-0000-0000-0000-000000000000";

/// Why a token could not be packaged.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ExportError {
    #[error(
        "the token holds '{ch}' at offset {offset}: a compact token is base64url segments and dots only"
    )]
    NotCompact { ch: char, offset: usize },
    #[error("the token is empty")]
    Empty,
    #[error("base URL '{url}' must start with https:// or http://")]
    BaseUrlScheme { url: String },
    #[error("base URL '{url}' holds {what} at offset {offset}: percent-encode it (a space is %20)")]
    BaseUrlChar {
        url: String,
        what: String,
        offset: usize,
    },
}

/// Package `token` as `fmt`. The text ends with a newline. `base_url` is used by the URL
/// formats and curl (see `ExportFormat::uses_base_url`), ignored by the others.
pub fn format(
    token: &str,
    fmt: ExportFormat,
    base_url: Option<&str>,
) -> Result<String, ExportError> {
    check_token(token)?;
    let base = match base_url {
        Some(url) if fmt.uses_base_url() => {
            check_base_url(url)?;
            url
        }
        _ => fmt.placeholder_url().unwrap_or_default(),
    };
    Ok(match fmt {
        ExportFormat::Raw => format!("{token}\n"),
        ExportFormat::QualifioUrl => format!("{}\n", with_param(base, "qual_token", token)),
        ExportFormat::AdictizUrl => format!("{}\n", with_param(base, "jwt", token)),
        ExportFormat::Bearer => format!("Authorization: Bearer {token}\n"),
        ExportFormat::Curl => format!(
            "curl -H {} {}\n",
            shell_quote(&format!("Authorization: Bearer {token}")),
            shell_quote(base)
        ),
        ExportFormat::QualifioJs => qualifio_js(token),
        ExportFormat::QualifioSetMetaData => qualifio_set_meta_data(token),
    })
}

/// What to replace in the output of `format`, when a placeholder stands in for a missing
/// base URL or for the campaign's id.
pub fn placeholder_note(fmt: ExportFormat, base_url: Option<&str>) -> Option<String> {
    match fmt {
        ExportFormat::QualifioJs => Some(format!(
            "the JS tag carries a placeholder campaign id '{QUALIFIO_CAMPAIGN_PLACEHOLDER}': replace it (and the empty domain argument) with your campaign's, from its JS tag in Qualifio"
        )),
        ExportFormat::QualifioSetMetaData => Some(format!(
            "the setMetaData call names the placeholder div '{QUALIFIO_DIV_ID}': use the div id of your campaign's JS tag (createIframe's second argument); 002 needs the campaign on your CNAME, not the mini-site channel"
        )),
        f if base_url.is_none() => f.placeholder_url().map(|url| {
            format!(
                "no --base-url given: the {} uses the placeholder '{url}'; pass the real URL with --base-url",
                match f {
                    ExportFormat::Curl => "curl command",
                    _ => "URL",
                }
            )
        }),
        _ => None,
    }
}

fn check_token(token: &str) -> Result<(), ExportError> {
    if token.is_empty() {
        return Err(ExportError::Empty);
    }
    // Only these characters, so the token needs no escaping in a URL, JS string or shell word.
    match token
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        Some((offset, ch)) => Err(ExportError::NotCompact { ch, offset }),
        None => Ok(()),
    }
}

fn check_base_url(url: &str) -> Result<(), ExportError> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(ExportError::BaseUrlScheme {
            url: url.to_string(),
        });
    }
    if let Some((offset, c)) = url
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'))
    {
        let what = if c == ' ' {
            "a space".to_string()
        } else {
            format!("{c:?}")
        };
        return Err(ExportError::BaseUrlChar {
            url: url.to_string(),
            what,
            offset,
        });
    }
    Ok(())
}

/// RFC 3986 unreserved characters stay as they are.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `base` with the query parameter `name` set to `value`: appended with `?` or `&`, replacing
/// a parameter of that name already there, and kept before any `#fragment`.
pub fn with_param(base: &str, name: &str, value: &str) -> String {
    let (before, fragment) = match base.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (base, None),
    };
    let pair = format!("{name}={}", utf8_percent_encode(value, QUERY_VALUE));
    let mut out = match before.split_once('?') {
        None => format!("{before}?{pair}"),
        Some((path, query)) => {
            let mut params: Vec<String> = Vec::new();
            let mut replaced = false;
            for p in query.split('&').filter(|p| !p.is_empty()) {
                let key = p.split_once('=').map_or(p, |(k, _)| k);
                if key == name {
                    if !replaced {
                        params.push(pair.clone());
                        replaced = true;
                    }
                } else {
                    params.push(p.to_string());
                }
            }
            if !replaced {
                params.push(pair);
            }
            format!("{path}?{}", params.join("&"))
        }
    };
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// A POSIX shell word: single quotes, with `'` written as `'\''`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A shell word for a command line a person reads: as it is when it holds only characters
/// no shell treats specially, else [`shell_quote`]d.
pub fn shell_word(s: &str) -> String {
    match s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./@:#".contains(c))
    {
        true => s.to_string(),
        false => shell_quote(s),
    }
}

/// The JS tag of 000 "JS Tag": the div, the script loader and `createIframe` with
/// `qual_token=` as its 8th argument, as 000 writes it. 000's copy has lost the loader's URL
/// (`'//'`); the one 002's example loads stands in. No `setMetaData`: that is 002's channel
/// (`qualifio_set_meta_data`).
fn qualifio_js(token: &str) -> String {
    let div = QUALIFIO_DIV_ID;
    let campaign = QUALIFIO_CAMPAIGN_PLACEHOLDER;
    format!(
        r#"<div id="{div}" class="qualifio_iframe_wrapper"></div>
<script type="text/javascript">
(function(b,o,n,u,s){{var a,t;a=b.createElement(u);a.async=1;a.src=s;t=b.getElementsByTagName(u)[0];t.parentNode.insertBefore(a,t);o[n]=o[n]||[]}}) (document,window,'_qual_async','script','https://files.qualifio.com/kit/qualp.2.min.js');
_qual_async.push(['createIframe', '{div}', '', '20', '{campaign}', '100%', '1200', 'qual_token={token}', '', '', 'max-width:810px;margin:0 auto;']);
</script>
"#
    )
}

/// 002 "SetMetaData method": `_qual_async.push(['setMetaData', 'JWT', yourJWT, divId]);`,
/// the token as a string literal and the div id as a string (002: "divId is the id related to
/// Qualifio iframe"), to add to the page that already holds the campaign's JS tag.
fn qualifio_set_meta_data(token: &str) -> String {
    format!("_qual_async.push(['setMetaData', 'JWT', '{token}', '{QUALIFIO_DIV_ID}']);\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";

    #[test]
    fn raw_bearer_curl() {
        assert_eq!(
            format(T, ExportFormat::Raw, None).unwrap(),
            format!("{T}\n")
        );
        assert_eq!(
            format(T, ExportFormat::Bearer, Some("https://ignored.example")).unwrap(),
            format!("Authorization: Bearer {T}\n")
        );
        assert_eq!(
            format(T, ExportFormat::Curl, Some("https://api.example/me?x='1'")).unwrap(),
            format!("curl -H 'Authorization: Bearer {T}' 'https://api.example/me?x='\\''1'\\'''\n")
        );
        assert_eq!(
            format(T, ExportFormat::Curl, None).unwrap(),
            format!("curl -H 'Authorization: Bearer {T}' 'https://example.invalid/api'\n")
        );
    }

    #[test]
    fn urls_append_the_parameter_correctly() {
        let q = |base| format(T, ExportFormat::QualifioUrl, base).unwrap();
        assert_eq!(
            q(Some("https://x.example/20/abc")),
            format!("https://x.example/20/abc?qual_token={T}\n")
        );
        assert_eq!(
            q(Some("https://x.example/p?lang=fr")),
            format!("https://x.example/p?lang=fr&qual_token={T}\n")
        );
        assert_eq!(
            q(Some("https://x.example/p?")),
            format!("https://x.example/p?qual_token={T}\n")
        );
        assert_eq!(
            q(Some("https://x.example/p?a=1&qual_token=old&b=2#top")),
            format!("https://x.example/p?a=1&qual_token={T}&b=2#top\n")
        );
        assert_eq!(
            q(None),
            format!("https://example.invalid/your-qualifio-campaign?qual_token={T}\n")
        );
        assert_eq!(
            format(T, ExportFormat::AdictizUrl, None).unwrap(),
            format!("https://adbx.io/UNIQUE-NAME?jwt={T}\n")
        );
        assert_eq!(
            format(T, ExportFormat::AdictizUrl, Some("https://adbx.io/summer")).unwrap(),
            format!("https://adbx.io/summer?jwt={T}\n")
        );
        assert_eq!(
            with_param("https://h/p", "v", "a b/c"),
            "https://h/p?v=a%20b%2Fc"
        );
    }

    #[test]
    fn js_tag_is_000s_and_set_meta_data_is_002s() {
        let js = format(T, ExportFormat::QualifioJs, None).unwrap();
        assert!(js.contains(&format!(
            "_qual_async.push(['createIframe', 'qualifio_insert_place_tokenscope', '', '20', '{QUALIFIO_CAMPAIGN_PLACEHOLDER}', '100%', '1200', 'qual_token={T}', '', '', 'max-width:810px;margin:0 auto;']);"
        )));
        assert!(!js.contains("setMetaData"), "{js}");
        assert_eq!(js.matches(T).count(), 1);
        assert!(js.ends_with("</script>\n"));
        let found = crate::token::find_token(&js).unwrap();
        assert_eq!(found.token, T);

        let call = format(T, ExportFormat::QualifioSetMetaData, None).unwrap();
        assert_eq!(
            call,
            format!(
                "_qual_async.push(['setMetaData', 'JWT', '{T}', 'qualifio_insert_place_tokenscope']);\n"
            )
        );
        let found = crate::token::find_token(&call).unwrap();
        assert_eq!(found.token, T);
        assert_eq!(found.stripped, vec!["JS setMetaData call"]);
    }

    #[test]
    fn intake_finds_the_token_in_every_format() {
        for fmt in ExportFormat::ALL {
            let text = format(T, fmt, None).unwrap();
            assert_eq!(
                crate::token::find_token(&text).unwrap().token,
                T,
                "{}",
                fmt.name()
            );
        }
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(
            format("a b", ExportFormat::Raw, None),
            Err(ExportError::NotCompact { ch: ' ', offset: 1 })
        );
        assert!(matches!(
            format(T, ExportFormat::QualifioUrl, Some("ftp://x")),
            Err(ExportError::BaseUrlScheme { .. })
        ));
        assert_eq!(
            format(T, ExportFormat::Curl, Some("https://x/a b"))
                .unwrap_err()
                .to_string(),
            "base URL 'https://x/a b' holds a space at offset 11: percent-encode it (a space is %20)"
        );
    }

    #[test]
    fn notes_name_the_placeholders() {
        assert!(placeholder_note(ExportFormat::Raw, None).is_none());
        assert!(placeholder_note(ExportFormat::QualifioUrl, Some("https://x")).is_none());
        assert!(
            placeholder_note(ExportFormat::AdictizUrl, None)
                .unwrap()
                .contains("https://adbx.io/UNIQUE-NAME")
        );
        assert!(
            placeholder_note(ExportFormat::QualifioJs, None)
                .unwrap()
                .contains(QUALIFIO_CAMPAIGN_PLACEHOLDER)
        );
        assert!(
            placeholder_note(ExportFormat::QualifioSetMetaData, Some("https://x"))
                .unwrap()
                .contains(QUALIFIO_DIV_ID)
        );
    }
}
