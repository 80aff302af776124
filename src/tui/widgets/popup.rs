//! Small popups: a text prompt, a delete confirmation, a finding's details.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::tui::state::{App, EncodingMenu, GEN_TYPES, PickRow, PromptKind};
use crate::tui::widgets::common::{centered, menu_keys, menu_row};
use crate::tui::widgets::findings::severity_cell;

fn frame<'a>(app: &App, title: String) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.popup_border)
        .title(Line::styled(format!(" {title} "), app.theme.popup_border))
}

/// What the input line shows: key material is never echoed.
fn shown_input(kind: &PromptKind, input: &str) -> String {
    match kind {
        PromptKind::KeyMaterial if !input.is_empty() => {
            let lines = input.trim().lines().count();
            let what = if input.contains("-----BEGIN ") {
                "PEM"
            } else if input.trim_start().starts_with('{') {
                "JSON"
            } else {
                "secret"
            };
            format!(
                "({what}: {} chars{}, hidden)",
                input.chars().count(),
                if lines > 1 {
                    format!(", {lines} lines")
                } else {
                    String::new()
                }
            )
        }
        _ => crate::escape::line(input).into_owned(),
    }
}

pub fn prompt(app: &App, kind: &PromptKind, input: &str, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let width = area.width.saturating_sub(8).min(90);
    let block = frame(app, kind.title().to_string());
    let mut lines = vec![
        Line::from(vec![
            Span::styled("> ", t.hint_key),
            Span::styled(format!("{}█", shown_input(kind, input)), t.popup_input),
        ]),
        Line::raw(""),
    ];
    let help = match kind {
        PromptKind::KeyMaterial => "paste (or type) the key, then Enter · Esc cancels",
        PromptKind::KeyName { material } => {
            let text = material.trim();
            if text.starts_with('{') || text.contains("-----BEGIN ") {
                "Enter stores it · Esc cancels"
            } else {
                "Enter asks how the secret is written (utf8, base64, base64url, hex) · Esc cancels"
            }
        }
        PromptKind::Time => "e.g. 2024-05-01T12:00:00Z or 1714564800 · Enter · Esc",
        PromptKind::OpenFile => {
            "a file holding a token or text around one · Tab completes · Enter · Esc"
        }
        PromptKind::Claim { .. } => {
            "JSON (123, true, \"123\") or text · empty removes the claim · Enter · Esc"
        }
        PromptKind::ExportFile { .. } => {
            "the file is created or replaced · Tab completes · Enter · Esc"
        }
        PromptKind::BaseUrl { .. } => "https://… · Enter · Esc",
        PromptKind::BrowseFilter => {
            "e.g. REJECTED, qualifio.exp, summer-quiz, blocked · Enter · Esc"
        }
        PromptKind::Skew => "as inspect --skew; the default is 60 · Enter · Esc",
        PromptKind::KeyFile => {
            "~/ works · Tab completes · the key's name is asked next · Enter · Esc"
        }
        PromptKind::GenerateName { .. } => {
            if app.demo {
                "Enter generates it (in memory: the demo stores nothing) · Esc cancels"
            } else {
                "Enter generates it into the key store · Esc cancels"
            }
        }
    };
    lines.push(Line::styled(help, t.dim));
    lines.push(Line::styled("Ctrl-U clears the line", t.dim));
    // The help and a long message (a file that could not be read, completions) wrap on a
    // narrow screen: room for all of it.
    let inner = usize::from(width.saturating_sub(2));
    let message_rows = app.message.as_ref().map_or(1, |m| {
        wrapped_rows(&crate::escape::line(&m.text), inner).min(5)
    });
    let popup = centered(area, width, 5 + wrapped_rows(help, inner) + message_rows);
    Clear.render(popup, buf);
    if let Some(m) = &app.message {
        lines.push(Line::styled(
            crate::escape::line(&m.text).into_owned(),
            if m.error {
                t.status_error
            } else {
                t.status_message
            },
        ));
    }
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(popup, buf);
}

/// Rows `text` takes wrapped at `width` columns (words wrap whole: a wrapped text may take a
/// row more than its width says).
fn wrapped_rows(text: &str, width: usize) -> u16 {
    let rows = unicode_width::UnicodeWidthStr::width(text).div_ceil(width.max(1));
    (if rows > 1 { rows + 1 } else { rows.max(1) }) as u16
}

pub fn confirm(app: &App, name: &str, area: Rect, buf: &mut Buffer) {
    let where_ = if app.demo {
        "from the demo's in-memory keys"
    } else {
        "from the key store"
    };
    let question = format!("Delete key '{}' {where_}?", crate::escape::line(name));
    yes_no(app, "Delete key", question, "delete", "keeps it", area, buf);
}

/// Leaving edit mode would drop changes: ask first.
pub fn confirm_leave_edit(app: &App, area: Rect, buf: &mut Buffer) {
    let question =
        "Drop the EDITED token and its changes? (export it first with y in edit mode)".to_string();
    yes_no(
        app,
        "Leave edit mode",
        question,
        "drop the edits",
        "keeps editing",
        area,
        buf,
    );
}

/// A question that `y` answers (doing `yes`) and any other key declines (`no`).
fn yes_no(
    app: &App,
    title: &str,
    question: String,
    yes: &str,
    no: &str,
    area: Rect,
    buf: &mut Buffer,
) {
    let t = &app.theme;
    let popup = centered(area, 60, 6);
    Clear.render(popup, buf);
    let lines = vec![
        Line::styled(question, t.popup_text),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", t.hint_key),
            Span::styled(format!(" {yes} · "), t.dim),
            Span::styled("any other key", t.hint_key),
            Span::styled(format!(" {no}"), t.dim),
        ]),
    ];
    Paragraph::new(lines)
        .block(frame(app, title.to_string()))
        .wrap(Wrap { trim: false })
        .render(popup, buf);
}

pub fn detail(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(f) = app.selected_finding() else {
        return;
    };
    let popup = centered(area, area.width.saturating_sub(8).min(100), 14);
    Clear.render(popup, buf);
    let (word, style) = severity_cell(f.severity, t);
    let claim = if f.claim.is_empty() {
        "(the token as a whole)".to_string()
    } else {
        crate::escape::line(&f.claim).into_owned()
    };
    let lines = vec![
        Line::from(vec![
            Span::styled(word, style),
            Span::styled(format!("  {}", crate::escape::line(&f.id)), t.dim),
        ]),
        Line::from(vec![
            Span::styled("claim  ", t.table_header),
            Span::styled(claim, t.json_key),
        ]),
        Line::raw(""),
        Line::styled(
            crate::escape::line(&crate::tui::widgets::keys::in_tui_words(app, &f.message))
                .into_owned(),
            t.popup_text,
        ),
        Line::raw(""),
        Line::from(vec![
            Span::styled("source ", t.table_header),
            Span::styled(crate::escape::line(&f.source).into_owned(), t.popup_text),
        ]),
    ];
    Paragraph::new(lines)
        .block(frame(app, "Finding · any key closes".to_string()))
        .wrap(Wrap { trim: false })
        .render(popup, buf);
}

/// The key types the Keys pane generates.
pub fn generate(app: &App, sel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let popup = centered(
        area,
        area.width.saturating_sub(8).min(70),
        GEN_TYPES.len() as u16 + 4,
    );
    Clear.render(popup, buf);
    let mut lines = Vec::new();
    for (i, (_, name, what)) in GEN_TYPES.iter().enumerate() {
        let (style, mut spans) = menu_row(t, i, i == sel, t.popup_text);
        spans.push(Span::styled(format!("{name:<9}"), style));
        spans.push(Span::styled(format!(" {what}"), t.dim));
        lines.push(Line::from(spans));
    }
    lines.push(menu_keys(t, GEN_TYPES.len(), "name it", "cancel"));
    Paragraph::new(lines)
        .block(frame(app, "Generate a key: type".to_string()))
        .render(popup, buf);
}

/// The token picker: a paste holding several tokens, one row each (kind, alg, first
/// characters), the chosen one shown on Enter.
pub fn pick(app: &App, sel: usize, rows: &[PickRow], area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let shown = rows
        .len()
        .min(area.height.saturating_sub(6) as usize)
        .max(1);
    let popup = centered(area, area.width.saturating_sub(8).min(76), shown as u16 + 4);
    Clear.render(popup, buf);
    // Keep the selected row in the window when there are more rows than fit.
    let first = sel.saturating_sub(shown - 1);
    let mut lines = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(first).take(shown) {
        let (style, mut spans) = menu_row(t, i, i == sel, t.popup_text);
        spans.push(Span::styled(
            format!("{} {:<12} ", row.kind, row.alg),
            style,
        ));
        spans.push(Span::styled(row.preview.clone(), t.dim));
        lines.push(Line::from(spans));
    }
    lines.push(menu_keys(t, 9, "show it", "keep the first"));
    Paragraph::new(lines)
        .block(frame(app, format!("{} tokens in the text", rows.len())))
        .render(popup, buf);
}

/// What the current token's JWE needs, and which encodings of the pasted secret give it:
/// `A256GCM needs 32 bytes: base64url gives 32`.
pub fn need_line(menu: &EncodingMenu) -> Option<String> {
    let (what, n) = menu.need.as_ref()?;
    let givers: Vec<&str> = menu
        .rows
        .iter()
        .filter(|r| r.bytes == Ok(*n))
        .map(|r| r.encoding.as_str())
        .collect();
    Some(match givers.as_slice() {
        [] => format!("{what} needs {n} bytes: no encoding of this text gives {n}"),
        [one] => format!("{what} needs {n} bytes: {one} gives {n}"),
        [init @ .., last] => format!(
            "{what} needs {n} bytes: {} and {last} give {n}",
            init.join(", ")
        ),
    })
}

/// The encoding menu of a pasted secret: each encoding with the bytes it gives (or why it
/// does not decode), the one that opens the current token marked.
pub fn encoding(app: &App, menu: &EncodingMenu, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let popup = centered(
        area,
        area.width.saturating_sub(8).min(90),
        menu.rows.len() as u16 + 5 + u16::from(app.message.is_some()),
    );
    Clear.render(popup, buf);
    let mut lines = Vec::new();
    for (i, row) in menu.rows.iter().enumerate() {
        let (style, mut spans) = menu_row(t, i, i == menu.sel, t.popup_text);
        spans.push(Span::styled(
            format!("{:<10}", row.encoding.as_str()),
            style,
        ));
        match &row.bytes {
            Ok(n) => spans.push(Span::styled(
                format!(" {n} byte{}", if *n == 1 { "" } else { "s" }),
                style,
            )),
            Err(e) => spans.push(Span::styled(format!(" does not decode: {e}"), t.dim)),
        }
        if row.opens {
            spans.push(Span::styled("  ✔ opens this token", t.layer_ok));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    match need_line(menu) {
        Some(need) => lines.push(Line::styled(need, t.popup_text)),
        None => lines.push(Line::styled(
            "the same text is different bytes in each encoding: pick how it was written",
            t.dim,
        )),
    }
    lines.push(menu_keys(t, menu.rows.len(), "store", "cancel"));
    if let Some(m) = &app.message {
        lines.push(Line::styled(
            crate::escape::line(&m.text).into_owned(),
            if m.error {
                t.status_error
            } else {
                t.status_message
            },
        ));
    }
    let title = format!(
        "Key '{}': how is the secret written?",
        crate::escape::line(&menu.name)
    );
    Paragraph::new(lines)
        .block(frame(app, title))
        .render(popup, buf);
}
