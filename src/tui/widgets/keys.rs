//! Keys pane: the keys an inspection may use (name, type, kid, profile, fingerprint; key
//! material never shown), which one opened the current token, add and delete.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use unicode_width::UnicodeWidthStr;

use crate::escape::line;
use crate::tui::state::{App, Pane};
use crate::tui::widgets::common::{Areas, pane_block, slot_title};

/// Names of the keys that opened a layer of the current token.
pub fn used_keys(app: &App) -> Vec<String> {
    app.inspection()
        .map(|i| i.layers.iter().filter_map(|l| l.key.clone()).collect())
        .unwrap_or_default()
}

/// The core's advice when no key was given, written for the command line (jose's layer
/// detail, and the findings that quote it).
const CLI_NO_KEY: &str =
    "no key given: add one with `tokenscope keys add` or pass --key-file/--secret to ";

/// The keys that add a key, as labels: (paste one, one from a file).
pub fn add_key_labels(app: &App) -> (String, String) {
    let label = |b: &crate::tui::keymap::Binding| b.keys.first().map(|k| k.label());
    (
        label(&app.keymap.add_key).unwrap_or_else(|| "the add-key key".to_string()),
        label(&app.keymap.add_key_file).unwrap_or_else(|| "the key-file key".to_string()),
    )
}

/// A layer's reason or a finding's message in the TUI's words: the core's "no key given:
/// add one with `tokenscope keys add` or pass --key-file/--secret to verify RS256" (the
/// command line's advice) becomes "no key: press a to paste one, f to add one from a file".
pub fn in_tui_words<'a>(app: &App, text: &'a str) -> std::borrow::Cow<'a, str> {
    let Some(at) = text.find(CLI_NO_KEY) else {
        return text.into();
    };
    // The layer line names the alg already; what follows the advice is dropped with it.
    let (paste, file) = add_key_labels(app);
    format!(
        "{}no key: press {paste} to paste one, {file} to add one from a file",
        &text[..at]
    )
    .into()
}

/// Whether a layer of the token on screen is unopened for want of a key (no key given, or
/// none fits): the hint bar then offers the keys that add one.
pub fn wants_key(app: &App) -> bool {
    use crate::report::LayerStatus;
    app.inspection().is_some_and(|i| {
        i.layers
            .iter()
            .any(|l| matches!(l.status, LayerStatus::Unverified | LayerStatus::NoKey))
    })
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer, areas: &Areas) {
    let t = &app.theme;
    let focused = app.focus == Pane::Keys;
    let block = pane_block(slot_title(app, Pane::Keys, Some(areas), t), focused, t);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 {
        return;
    }
    let k = |b: &crate::tui::keymap::Binding| b.keys.first().map(|k| k.label()).unwrap_or_default();
    let source = if app.demo {
        "demo keys, in memory only"
    } else {
        "the key store"
    };
    let km = &app.keymap;
    let mut head = Vec::new();
    if inner.width >= 72 {
        head.push(Span::styled(format!("{source} · "), t.dim));
    }
    for (b, word) in [
        (&km.add_key, " add"),
        (&km.add_key_file, " file"),
        (&km.generate_key, " gen"),
        (&km.delete_key, " del"),
        (&km.reveal_key, " reveal"),
    ] {
        head.push(Span::styled(k(b), t.hint_key));
        head.push(Span::styled(format!("{word} "), t.dim));
    }
    Paragraph::new(Line::from(head)).render(Rect::new(inner.x, inner.y, inner.width, 1), buf);
    let footer = footer(app, inner.width);
    let footer_h = (footer.len() as u16).min(inner.height.saturating_sub(3));
    let rest = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(1 + footer_h),
    );
    if footer_h > 0 {
        Paragraph::new(footer).render(
            Rect::new(inner.x, rest.y + rest.height, inner.width, footer_h),
            buf,
        );
    }
    if app.key_rows.is_empty() {
        Paragraph::new(Line::styled(
            "no keys: tokens show NOT VERIFIED until a key opens them",
            t.dim,
        ))
        .render(rest, buf);
        return;
    }
    let used = used_keys(app);
    let narrow = narrow(inner.width);
    // Names and kids come from key files and JWKS endpoints: escaped.
    let rows = app.key_rows.iter().map(|r| {
        let is_used = used.contains(&r.name);
        let fp = shown_fingerprint(app, r);
        Row::new(vec![
            Cell::from(Span::styled(if is_used { "✔" } else { " " }, t.layer_ok)),
            Cell::from(Span::styled(
                line(&r.name).into_owned(),
                if is_used { t.layer_ok } else { t.text },
            )),
            Cell::from(Span::styled(
                match narrow || r.half.is_empty() {
                    true => r.kind.clone(),
                    false => format!("{} {}", r.kind, r.half),
                },
                t.text,
            )),
            Cell::from(Span::styled(line(&r.kid).into_owned(), t.json_string)),
            Cell::from(Span::styled(line(&r.profile).into_owned(), t.text)),
            Cell::from(Span::styled(fp, t.dim)),
        ])
    });
    // Narrow panes (80 columns) show what tells the keys apart, name and type (as wide as the
    // widest), and the selected key's other columns under the table.
    let (widths, header): (Vec<Constraint>, Vec<&str>) = if narrow {
        let kind = app
            .key_rows
            .iter()
            .map(|r| r.kind.width())
            .max()
            .unwrap_or(4)
            .clamp(4, 12);
        (
            vec![
                Constraint::Length(1),
                Constraint::Min(12),
                Constraint::Length(kind as u16),
            ],
            vec!["", "name", "type"],
        )
    } else {
        (
            vec![
                Constraint::Length(1),
                Constraint::Length(22),
                Constraint::Length(17),
                Constraint::Length(10),
                Constraint::Length(10),
                Constraint::Min(10),
            ],
            vec!["", "name", "type", "kid", "profile", "fingerprint"],
        )
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.table_header))
        .row_highlight_style(if focused {
            t.finding_selected
        } else {
            Style::default()
        })
        .highlight_symbol(if focused { "▶" } else { " " })
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(app.key_sel));
    StatefulWidget::render(table, rest, buf, &mut state);
}

/// A pane this narrow (80 or 100 columns) shows only name and type in its table, the rest of
/// the selected key under it.
fn narrow(width: u16) -> bool {
    width < 60
}

/// A key's fingerprint as shown: a key generated at startup has a new one each run, which
/// the snapshot tests leave out.
fn shown_fingerprint(app: &App, row: &crate::tui::state::KeyRow) -> String {
    if row.volatile && app.redact_volatile {
        "(generated at startup)".to_string()
    } else {
        row.fingerprint.clone()
    }
}

/// Under the table: in a narrow pane the selected key's columns that do not fit, which key
/// opened each layer, and the selected key's secret (masked unless revealed).
fn footer(app: &App, width: u16) -> Vec<Line<'static>> {
    let narrow = narrow(width);
    use crate::report::LayerStatus;
    let t = &app.theme;
    let mut lines = Vec::new();
    if narrow && let Some(row) = app.key_rows.get(app.key_sel) {
        lines.push(Line::from(vec![
            Span::styled("▶ ", t.dim),
            Span::styled(line(&row.name).into_owned(), t.table_header),
            Span::styled(format!(" {}", row.half), t.text),
        ]));
        let mut facts = vec![Span::raw(" ")];
        for (label, value) in [("profile", &row.profile), ("kid", &row.kid)] {
            if !value.is_empty() {
                facts.push(Span::styled(format!(" {label} "), t.dim));
                facts.push(Span::styled(line(value).into_owned(), t.text));
            }
        }
        if facts.len() > 1 {
            lines.push(Line::from(facts));
        }
        lines.push(Line::styled(
            format!("  {}", shown_fingerprint(app, row)),
            t.dim,
        ));
    }
    if let Some(insp) = app.inspection() {
        for (i, l) in insp.layers.iter().enumerate() {
            let kind = l.kind.label();
            let (mark, style, text) = match (&l.key, l.status) {
                (Some(k), LayerStatus::Valid | LayerStatus::Decrypted) if narrow => {
                    ("✔", t.layer_ok, format!("by {k}"))
                }
                (Some(k), LayerStatus::Valid) => ("✔", t.layer_ok, format!("verified by '{k}'")),
                (Some(k), LayerStatus::Decrypted) => {
                    ("✔", t.layer_ok, format!("decrypted by '{k}'"))
                }
                (Some(k), s) => ("✖", t.layer_failed, format!("{} with '{k}'", s.as_str())),
                (None, s) => (
                    "?",
                    t.layer_unchecked,
                    format!("{}: no key opened it", s.as_str().replace('_', " ")),
                ),
            };
            let layer = if narrow {
                format!("{} {kind} ", i + 1)
            } else {
                format!("layer {} {kind} ", i + 1)
            };
            lines.push(Line::from(vec![
                Span::styled(layer, t.dim),
                Span::styled(format!("{mark} "), style),
                Span::styled(line(&text).into_owned(), style),
            ]));
        }
    }
    if let Some(row) = app.key_rows.get(app.key_sel)
        && let Some((secret, encoding)) = app.secret_of(&row.name)
    {
        let reveal = app
            .keymap
            .reveal_key
            .keys
            .first()
            .map(|k| k.label())
            .unwrap_or_default();
        let name = line(&row.name);
        if app.revealed.as_deref() == Some(row.name.as_str()) {
            lines.push(Line::from(vec![
                Span::styled(format!("secret of '{name}' ({encoding}) "), t.table_header),
                Span::styled(format!("· {reveal} masks"), t.dim),
            ]));
            // The whole secret, over as many lines as it takes.
            let chars: Vec<char> = line(&secret).chars().collect();
            for chunk in chars.chunks(usize::from(width.max(1))) {
                lines.push(Line::styled(
                    chunk.iter().collect::<String>(),
                    t.popup_input,
                ));
            }
        } else {
            lines.push(Line::from(vec![
                Span::styled(format!("secret of '{name}': "), t.table_header),
                Span::styled(masked(secret.chars().count()), t.dim),
                Span::styled(format!("  {reveal} reveals"), t.dim),
            ]));
        }
    }
    lines
}

/// A masked secret: as many dots as characters, up to 16.
pub fn masked(len: usize) -> String {
    "•".repeat(len.min(16))
}
