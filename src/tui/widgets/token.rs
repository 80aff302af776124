//! Token pane: the layer chain (JWE -> JWS, each with alg/enc/kid/status and the key that
//! opened it), what intake removed, and the compact token with its segments coloured.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use unicode_width::UnicodeWidthStr;

use crate::report::{Inspection, Layer, TokenKind};
use crate::tui::state::{App, Pane};
use crate::tui::theme::Theme;
use crate::tui::widgets::common::pane_block;

/// Rows above the token text: one per layer, plus intake and error lines.
pub fn fixed_rows(app: &App) -> usize {
    let original = usize::from(app.edit.is_some());
    let Some(insp) = app.inspection() else {
        return 1 + original + usize::from(app.shown.error.is_some());
    };
    original
        + insp.layers.len().max(1)
        + usize::from(!insp.stripped.is_empty())
        + usize::from(app.shown.error.is_some())
}

/// All rows of the pane at this inner width.
pub fn len(app: &App, width: usize) -> usize {
    let rows = app.inspection().map_or(0, |insp| {
        if app.shown.token_plain {
            let chars = insp.segments.iter().map(String::len).sum::<usize>()
                + insp.segments.len().saturating_sub(1);
            chars.div_ceil(width.max(1))
        } else {
            laid_out(insp, width, 0, 0).1
        }
    });
    fixed_rows(app) + rows
}

/// Whether every segment is printable ASCII, as base64url is: one column per byte and nothing
/// to escape, so rows are sliced, not laid out. Worked out once per inspection
/// (`Shown::token_plain`): a 1 MB token is not read through at each frame.
pub fn plain(insp: &Inspection) -> bool {
    insp.segments
        .iter()
        .all(|s| s.bytes().all(|b| (0x20..0x7f).contains(&b)))
}

/// One row of a token that is not plain: its characters, each with its segment (None for
/// the dots between segments).
type LaidRow = Vec<(char, Option<usize>)>;

/// The rows of a token that is not plain (an unencoded `b64: false` payload can hold any
/// text): each segment escaped, then cut where the next character would pass `width`
/// columns. Only rows `first..first + count` are kept (a 1 MB token is walked, not copied, at
/// each frame); returns them and the number of rows in all.
fn laid_out(insp: &Inspection, width: usize, first: usize, count: usize) -> (Vec<LaidRow>, usize) {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(1);
    let keep = |n: usize| n >= first && n - first < count;
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let (mut n, mut used) = (0, 0);
    for (i, seg) in insp.segments.iter().enumerate() {
        let dot = (i > 0).then_some(('.', None));
        let shown = crate::escape::line(seg);
        for (c, seg) in dot.into_iter().chain(shown.chars().map(|c| (c, Some(i)))) {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                if keep(n) {
                    rows.push(std::mem::take(&mut row));
                }
                n += 1;
                used = 0;
            }
            used += w;
            if keep(n) {
                row.push((c, seg));
            }
        }
    }
    if keep(n) {
        rows.push(row);
    }
    (rows, n + 1)
}

fn layer_line<'a>(app: &App, i: usize, layer: &Layer, t: &Theme) -> Line<'a> {
    use crate::escape::line;
    let (symbol, style) = if layer.status.is_ok() {
        ("✔", t.layer_ok)
    } else if layer.status.is_failure() {
        ("✖", t.layer_failed)
    } else {
        ("?", t.layer_unchecked)
    };
    let mut spans = vec![
        Span::styled(if i == 0 { "" } else { "  └ " }, t.dim),
        Span::styled(format!("{} ", layer.kind.label()), t.pane_title),
    ];
    let mut facts = vec![format!("alg {}", line(layer.alg.as_deref().unwrap_or("-")))];
    if let Some(enc) = &layer.enc {
        facts.push(format!("enc {}", line(enc)));
    }
    if let Some(kid) = &layer.kid {
        facts.push(format!("kid {}", line(kid)));
    }
    spans.push(Span::styled(format!("{}  ", facts.join(" · ")), t.text));
    spans.push(Span::styled(
        format!("{symbol} {}", layer.status.as_str()),
        style,
    ));
    match &layer.key {
        Some(k) => spans.push(Span::styled(format!(" with key {}", line(k)), t.text)),
        None => {
            let detail = crate::tui::widgets::keys::in_tui_words(app, &layer.detail);
            spans.push(Span::styled(format!(" ({})", line(&detail)), t.dim))
        }
    }
    Line::from(spans)
}

/// Rows `first..first + rows` of the compact token wrapped at `width`, each segment in its
/// own style. Only those rows are built: a 1 MB token costs nothing off screen.
fn token_lines<'a>(app: &App, width: usize, t: &Theme, first: usize, rows: usize) -> Vec<Line<'a>> {
    let Some(insp) = app.inspection() else {
        return Vec::new();
    };
    let styles: &[Style] = match insp.kind {
        TokenKind::Jws => &[t.token_header, t.token_payload, t.token_signature],
        TokenKind::Jwe => &[
            t.token_header,
            t.token_encrypted_key,
            t.token_iv,
            t.token_ciphertext,
            t.token_tag,
        ],
    };
    // What changes from run to run (signatures, ciphertext) is drawn as dots in snapshots.
    let volatile = |i: usize| {
        app.redact_volatile
            && match insp.kind {
                TokenKind::Jws => i == 2,
                TokenKind::Jwe => i >= 1,
            }
    };
    let styled = |chars: &[(char, Style)]| {
        let mut spans: Vec<Span> = Vec::new();
        let mut run = String::new();
        let mut style = chars.first().map_or(t.text, |c| c.1);
        for (c, s) in chars {
            if *s != style {
                spans.push(Span::styled(std::mem::take(&mut run), style));
                style = *s;
            }
            run.push(*c);
        }
        spans.push(Span::styled(run, style));
        Line::from(spans)
    };
    if !app.shown.token_plain {
        return laid_out(insp, width, first, rows)
            .0
            .into_iter()
            .map(|row| {
                let chars: Vec<(char, Style)> = row
                    .into_iter()
                    .map(|(c, seg)| match seg {
                        None => (c, t.token_dot),
                        Some(i) if volatile(i) => ('·', styles.get(i).copied().unwrap_or(t.text)),
                        Some(i) => (c, styles.get(i).copied().unwrap_or(t.text)),
                    })
                    .collect();
                styled(&chars)
            })
            .collect();
    }
    let width = width.max(1);
    let from = first.saturating_mul(width);
    let want = rows.saturating_mul(width);
    let mut chars: Vec<(char, Style)> = Vec::with_capacity(want.min(insp.token.len() + 8));
    // Position (in characters) of the next character of the token.
    let mut pos = 0usize;
    for (i, seg) in insp.segments.iter().enumerate() {
        if chars.len() >= want {
            break;
        }
        if i > 0 {
            if pos >= from {
                chars.push(('.', t.token_dot));
            }
            pos += 1;
        }
        let count = seg.len();
        if pos + count <= from {
            pos += count;
            continue;
        }
        let skip = from.saturating_sub(pos);
        let style = styles.get(i).copied().unwrap_or(t.text);
        // Printable ASCII (base64url) is sliced, not walked.
        let rest = seg.get(skip..).unwrap_or("").chars();
        for c in rest.take(want - chars.len()) {
            chars.push((if volatile(i) { '·' } else { c }, style));
        }
        pos += count;
    }
    chars.chunks(width).map(styled).collect()
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let focused = app.focus == Pane::Token;
    let mut title = vec![Span::raw("Token")];
    if app.edit.is_some() {
        title.push(Span::raw(" · "));
        title.push(Span::styled(
            "EDITED",
            t.status_message
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    if let Some(insp) = app.inspection() {
        title.push(Span::raw(format!(
            " · {} · {} chars",
            insp.kind.label(),
            insp.token.len()
        )));
    }
    let block = pane_block(Line::from(title), focused, t);
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(e) = &app.edit {
        // The original stays visible, as pasted: never re-signed.
        let original = app.history.get(e.source).map_or("", |h| h.text.trim());
        let word = crate::tui::widgets::edit::overall_word(e.original_overall);
        let head = format!("original {}/{} {word} · ", e.source + 1, app.history.len());
        let room = (inner.width as usize).saturating_sub(head.width() + 1);
        let mut shown =
            crate::tui::widgets::common::cut_to_width(&crate::escape::line(original), room.min(40));
        shown.push('…');
        lines.push(Line::from(vec![
            Span::styled(head, t.dim),
            Span::styled(shown, t.dim),
        ]));
    }
    match app.inspection() {
        None => {
            let hint = app
                .keymap
                .clipboard
                .keys
                .first()
                .map(|k| k.label())
                .unwrap_or_default();
            lines.push(Line::styled(
                format!(
                    "no token yet: paste one (a URL, a ticket, a JS tag…), {hint} reads the clipboard"
                ),
                t.dim,
            ));
        }
        Some(insp) => {
            if insp.layers.is_empty() {
                lines.push(Line::styled("no layer could be opened", t.layer_failed));
            }
            for (i, l) in insp.layers.iter().enumerate() {
                lines.push(layer_line(app, i, l, t));
            }
            if !insp.stripped.is_empty() {
                lines.push(Line::from(vec![
                    Span::styled("intake removed: ", t.dim),
                    Span::styled(
                        crate::escape::line(&insp.stripped.join(", ")).into_owned(),
                        t.text,
                    ),
                ]));
            }
        }
    }
    if let Some(e) = &app.shown.error {
        lines.push(Line::styled(
            format!("✖ {}", crate::escape::line(e)),
            t.status_error,
        ));
    }
    // Rows `scroll..scroll + height` of the layer lines followed by the token's rows.
    let scroll = app.scroll_of(Pane::Token);
    let height = inner.height as usize;
    let fixed = lines.len();
    let mut shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
    let first = scroll.saturating_sub(fixed);
    let rows = height.saturating_sub(shown.len());
    shown.extend(token_lines(app, inner.width as usize, t, first, rows));
    Paragraph::new(shown).render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_of_rows_is_the_same_rows_of_the_whole() {
        let mut app = App::demo_for_tests(1_714_564_800, 100, 30).unwrap();
        app.redact_volatile = false;
        for _ in 0..2 {
            let t = app.theme.clone();
            for width in [1, 7, 40, 98] {
                let all = token_lines(&app, width, &t, 0, usize::MAX);
                assert_eq!(len(&app, width), fixed_rows(&app) + all.len());
                for first in [0, 1, 5, all.len().saturating_sub(2), all.len() + 3] {
                    let window = token_lines(&app, width, &t, first, 3);
                    let expected: Vec<_> = all.iter().skip(first).take(3).cloned().collect();
                    assert_eq!(window, expected, "width {width}, first {first}");
                }
            }
            // The JWE: five segments.
            app.update(crate::tui::Action::HistoryNext);
        }
    }

    #[test]
    fn a_token_that_is_not_plain_is_escaped_and_laid_out_in_columns() {
        use unicode_width::UnicodeWidthChar;
        let mut app = App::demo_for_tests(1_714_564_800, 100, 30).unwrap();
        // An unencoded payload (RFC 7797): wide characters and a bidi override in the token.
        let header = "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19";
        app.open_text("wide", format!("{header}.漢字\u{202e}x.c2ln"));
        let insp = app.inspection().unwrap();
        assert!(!plain(insp));
        for width in [1, 2, 3, 7, 40] {
            let (rows, n) = laid_out(insp, width, 0, usize::MAX);
            assert_eq!(rows.len(), n);
            for row in &rows {
                let w: usize = row.iter().map(|(c, _)| c.width().unwrap_or(0)).sum();
                // A double-width character alone is wider than a 1-column pane.
                assert!(w <= width.max(2), "width {width}: {row:?}");
            }
            let text: String = rows.iter().flatten().map(|(c, _)| *c).collect();
            assert_eq!(text, format!("{header}.漢字\\u{{202e}}x.c2ln"));
            assert_eq!(len(&app, width), fixed_rows(&app) + rows.len());
            // A window is the same rows of the whole, laid out alone.
            let t = app.theme.clone();
            let all = token_lines(&app, width, &t, 0, usize::MAX);
            for first in [0, 1, 4, all.len().saturating_sub(1), all.len() + 2] {
                let window = token_lines(&app, width, &t, first, 3);
                let expected: Vec<_> = all.iter().skip(first).take(3).cloned().collect();
                assert_eq!(window, expected, "width {width}, first {first}");
            }
        }
    }
}
