//! Edit mode's widgets: the edit pane (the claim toggles with their values, the signing key,
//! alg and JWE wrapping, in the Header pane's place), the JSON editor popup and the export
//! menu, and the template menu edit mode opens with when there is no token. Everything here
//! is about the EDITED copy and says so.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::export::{ExportFormat, placeholder_note};
use crate::report::Overall;
use crate::sign::Template;
use crate::tui::edit::json_editor::{TextEditor, editor_rows};
use crate::tui::edit::{self, Edit};
use crate::tui::keymap::Binding;
use crate::tui::state::{App, Pane};
use crate::tui::theme::Theme;
use crate::tui::widgets::common::{centered, fit_line, menu_row, pane_block};

/// Rows of the edit pane's content.
pub const HEIGHT: u16 = 7;

fn key_label(b: &Binding) -> String {
    b.keys.first().map(|k| k.label()).unwrap_or_default()
}

/// `key name value` as spans.
fn item<'a>(keys: String, name: &str, value: String, t: &Theme) -> Vec<Span<'a>> {
    vec![
        Span::styled(keys, t.hint_key),
        Span::styled(format!(" {name} "), t.dim),
        Span::styled(value, t.text),
    ]
}

fn gap<'a>() -> Span<'a> {
    Span::raw("  ")
}

/// Items (`item`'s three spans each) on one line, two spaces apart; when they are wider than
/// `width`, the longest values are cut with `…` until the line fits.
fn fit<'a>(mut items: Vec<Vec<Span<'a>>>, width: usize) -> Line<'a> {
    let total = |items: &Vec<Vec<Span<'a>>>| -> usize {
        items
            .iter()
            .map(|i| i.iter().map(Span::width).sum::<usize>())
            .sum::<usize>()
            + 2 * items.len().saturating_sub(1)
    };
    while total(&items) > width {
        let Some(longest) = items
            .iter_mut()
            .filter_map(|i| i.get_mut(2))
            .filter(|v| v.width() > 2)
            .max_by_key(|v| v.width())
        else {
            break;
        };
        let keep = longest.content.chars().count().saturating_sub(2);
        let cut: String = longest.content.chars().take(keep).collect();
        longest.content = format!("{cut}…").into();
    }
    let mut spans = Vec::new();
    for (i, it) in items.into_iter().enumerate() {
        if i > 0 {
            spans.push(gap());
        }
        spans.extend(it);
    }
    Line::from(spans)
}

/// The verdict word of the original, as the status bar writes it.
pub fn overall_word(o: Overall) -> String {
    let symbol = match o {
        Overall::Accepted => "✔",
        Overall::Rejected => "✖",
        Overall::NotVerified => "?",
    };
    format!("{symbol} {}", o.label())
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(e) = &app.edit else {
        return;
    };
    let t = &app.theme;
    let km = &app.keymap;
    let title = Line::from(vec![
        Span::styled(
            " EDITED ",
            t.status_message.add_modifier(Modifier::REVERSED),
        ),
        Span::raw(format!(
            " copy of {}/{} · original {} (unchanged)",
            e.source + 1,
            app.history.len(),
            overall_word(e.original_overall)
        )),
    ]);
    let block = pane_block(title, app.focus == Pane::Header, t);
    let c = &e.claims;
    // At 80 columns the pane is about 38 wide: long values are cut (with …) so every
    // toggle's key and name stay readable.
    let w = area.width.saturating_sub(2) as usize;
    let narrow = w < 60;
    let mut lines = vec![
        fit(
            vec![
                item(key_label(&km.cw), "cw", edit::shown(c, edit::CW), t),
                item(
                    format!("{}/{}", key_label(&km.label), key_label(&km.label_toggle)),
                    "label",
                    edit::shown(c, edit::LABEL),
                    t,
                ),
            ],
            w,
        ),
        fit(
            vec![
                item(
                    key_label(&km.can_play),
                    "canPlay",
                    edit::shown(c, edit::CAN_PLAY),
                    t,
                ),
                item(
                    format!(
                        "{}{}{}",
                        key_label(&km.nb_up),
                        key_label(&km.nb_down),
                        key_label(&km.nb_absent)
                    ),
                    "nb",
                    edit::shown(c, edit::NB),
                    t,
                ),
                item(
                    key_label(&km.limit_absent),
                    "limit",
                    if edit::get(c, &["limit"]).is_some() {
                        "present".to_string()
                    } else {
                        "absent".to_string()
                    },
                    t,
                ),
            ],
            w,
        ),
        fit(
            vec![item(
                format!(
                    "{}{}{}",
                    key_label(&km.exp_hour),
                    key_label(&km.exp_day),
                    key_label(&km.exp_past)
                ),
                if narrow { "exp" } else { "exp +1h +1d -1m" },
                exp_value(e, app.at, narrow),
                t,
            )],
            w,
        ),
        fit(
            vec![
                item(
                    key_label(&km.campaign_id),
                    "campaignId",
                    edit::shown(c, &["campaignId"]),
                    t,
                ),
                item(key_label(&km.sub), "sub", edit::shown(c, &["sub"]), t),
            ],
            w,
        ),
        fit(
            vec![
                item(
                    key_label(&km.next_key),
                    "key",
                    match (&e.unsigned, e.key.as_deref()) {
                        (Some(_), None) => "none: UNSIGNED".into(),
                        (Some(_), Some(k)) => format!("{} UNSIGNED", crate::escape::line(k)),
                        (None, k) => {
                            k.map_or("none".into(), |k| crate::escape::line(k).into_owned())
                        }
                    },
                    t,
                ),
                item(
                    key_label(&km.next_alg),
                    "alg",
                    crate::escape::line(e.alg()).into_owned(),
                    t,
                ),
            ],
            w,
        ),
        fit(
            vec![
                item(
                    key_label(&km.jwe),
                    "JWE",
                    match &e.encrypt {
                        Some((k, _)) => format!("dir with {}", crate::escape::line(k)),
                        None => "none".to_string(),
                    },
                    t,
                ),
                item(
                    key_label(&km.enc),
                    "enc",
                    e.encrypt
                        .as_ref()
                        .map_or("-".to_string(), |(_, enc)| enc.clone()),
                    t,
                ),
            ],
            w,
        ),
    ];
    let mut last = item(key_label(&km.json_editor), "JSON", String::new(), t);
    last.push(gap());
    last.extend(item(
        key_label(&km.external_editor),
        "$EDITOR",
        String::new(),
        t,
    ));
    last.push(gap());
    last.extend(item(key_label(&km.export), "export", String::new(), t));
    if e.draft.is_some() {
        last.push(Span::styled(" · draft kept", t.status_error));
    }
    lines.push(Line::from(last));
    Paragraph::new(lines).block(block).render(area, buf);
}

fn exp_value(e: &Edit, at: i64, narrow: bool) -> String {
    match edit::get(&e.claims, &["exp"]).and_then(serde_json::Value::as_i64) {
        Some(exp) if narrow => crate::time::relative(exp, at),
        Some(exp) => format!(
            "{} ({})",
            crate::time::rfc3339(exp),
            crate::time::relative(exp, at)
        ),
        None => edit::shown(&e.claims, &["exp"]),
    }
}

fn frame<'a>(title: String, t: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.popup_border)
        .title(Line::styled(format!(" {title} "), t.popup_border))
}

/// The JSON editor popup: line numbers, the text scrolled to the cursor, the error (line and
/// column) or the keys at the bottom.
pub fn editor(app: &App, ed: &TextEditor, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(120),
        area.height.saturating_sub(4),
    );
    Clear.render(popup, buf);
    let block = frame("EDITED token: header and payload JSON".to_string(), t);
    let inner = block.inner(popup);
    block.render(popup, buf);
    let rows = editor_rows(area.height).min(inner.height.saturating_sub(2) as usize);
    let gutter = format!("{}", ed.lines.len()).len().max(2);
    let text_w = (inner.width as usize).saturating_sub(gutter + 3).max(1);
    let left = ed.col.saturating_sub(text_w.saturating_sub(1));
    let mut lines = Vec::new();
    for (i, line) in ed.lines.iter().enumerate().skip(ed.top).take(rows) {
        let shown: Vec<char> = line.chars().skip(left).take(text_w).collect();
        // Escaped piece by piece, so the cursor stays on the character it is on.
        let escaped =
            |chars: &[char]| crate::escape::line(&chars.iter().collect::<String>()).into_owned();
        let error_line = ed.error.as_ref().is_some_and(|(l, _, _)| *l == i + 1);
        let mut spans = vec![Span::styled(
            format!("{:>gutter$} │ ", i + 1),
            if error_line { t.status_error } else { t.dim },
        )];
        if i == ed.row {
            let col = (ed.col - left).min(shown.len());
            let before = escaped(&shown[..col]);
            let at = shown.get(col).map_or(" ".into(), |c| escaped(&[*c]));
            let after = escaped(shown.get(col + 1..).unwrap_or_default());
            spans.push(Span::styled(before, t.popup_input));
            spans.push(Span::styled(
                at,
                t.popup_input.add_modifier(Modifier::REVERSED),
            ));
            spans.push(Span::styled(after, t.popup_input));
        } else {
            spans.push(Span::styled(escaped(&shown), t.popup_input));
        }
        lines.push(Line::from(spans));
    }
    Paragraph::new(lines).render(Rect::new(inner.x, inner.y, inner.width, rows as u16), buf);
    let footer = Rect::new(
        inner.x,
        inner.y + inner.height.saturating_sub(2),
        inner.width,
        2.min(inner.height),
    );
    let mut foot = Vec::new();
    match &ed.error {
        Some((_, _, msg)) => foot.push(Line::styled(
            format!("✖ {}", crate::escape::line(msg)),
            t.status_error,
        )),
        None => foot.push(Line::styled(
            format!("line {}, column {}", ed.row + 1, ed.col + 1),
            t.dim,
        )),
    }
    foot.push(Line::from(vec![
        Span::styled("Ctrl-S", t.hint_key),
        Span::styled(" apply and re-sign  ", t.dim),
        Span::styled("Esc", t.hint_key),
        Span::styled(" close (text kept)  ", t.dim),
        Span::styled("Ctrl-R", t.hint_key),
        Span::styled(" reset", t.dim),
    ]));
    Paragraph::new(foot)
        .wrap(Wrap { trim: false })
        .render(footer, buf);
}

fn describe(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Raw => "the compact token",
        ExportFormat::QualifioUrl => "Qualifio campaign URL with qual_token=",
        ExportFormat::QualifioJs => "Qualifio JS tag with qual_token= (000)",
        ExportFormat::QualifioSetMetaData => "Qualifio setMetaData call on its own (002)",
        ExportFormat::AdictizUrl => "Adictiz Box URL with ?jwt=",
        ExportFormat::Bearer => "Authorization: Bearer header",
        ExportFormat::Curl => "curl command with the Bearer header",
    }
}

/// `token` with what changes from run to run (signature, ciphertext) as dots: snapshots only.
fn redacted(app: &App, text: &str) -> String {
    let Some(Ok(token)) = app.edit.as_ref().map(|e| &e.token) else {
        return text.to_string();
    };
    if !app.redact_volatile {
        return text.to_string();
    }
    let segments: Vec<&str> = token.split('.').collect();
    let keep = if segments.len() == 5 { 1 } else { 2 };
    let redacted: Vec<String> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i < keep {
                s.to_string()
            } else {
                "·".repeat(s.len())
            }
        })
        .collect();
    text.replace(token.as_str(), &redacted.join("."))
}

/// The export menu: the formats of `tokenscope sign --format`, a preview of the selected one.
pub fn export_menu(app: &App, sel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let popup = centered(area, area.width.saturating_sub(6).min(100), 20);
    Clear.render(popup, buf);
    let unsigned = app.edit.as_ref().and_then(|e| e.unsigned.as_deref());
    let title = match unsigned {
        Some(_) => "Export the EDITED token (UNSIGNED)",
        None => "Export the EDITED token",
    };
    let block = frame(title.to_string(), t);
    let inner = block.inner(popup);
    block.render(popup, buf);
    let mut lines = Vec::new();
    if let Some(why) = unsigned {
        lines.push(Line::styled(
            format!(
                "UNSIGNED: not re-signed ({}): its signature is empty, no platform accepts it",
                crate::escape::line(why)
            ),
            t.status_error,
        ));
    }
    for (i, f) in ExportFormat::ALL.iter().enumerate() {
        let (style, mut spans) = menu_row(t, i, i == sel, Style::default());
        spans.push(Span::styled(format!("{:<21}", f.name()), style));
        spans.push(Span::styled(describe(*f), t.dim));
        lines.push(Line::from(spans));
    }
    let base = app.edit.as_ref().and_then(|e| e.base_url.as_deref());
    lines.push(Line::from(vec![
        Span::styled("base URL ", t.table_header),
        Span::styled(
            crate::escape::line(base.unwrap_or("(placeholder)")).into_owned(),
            t.text,
        ),
    ]));
    lines.push(Line::from(vec![
        Span::styled("Enter", t.hint_key),
        Span::styled("/", t.dim),
        Span::styled("c", t.hint_key),
        Span::styled(" copy  ", t.dim),
        Span::styled("f", t.hint_key),
        Span::styled(" write to a file  ", t.dim),
        Span::styled("u", t.hint_key),
        Span::styled(" base URL  ", t.dim),
        Span::styled("Esc", t.hint_key),
        Span::styled(" close", t.dim),
    ]));
    let format = ExportFormat::ALL[sel.min(ExportFormat::ALL.len() - 1)];
    let preview = match app.export_text(format) {
        Ok(text) => redacted(app, &text),
        Err(e) => format!("✖ {e}"),
    };
    lines.push(Line::styled(
        format!(
            "── {} (as tokenscope sign --format {}) ──",
            format.name(),
            format.name()
        ),
        t.dim,
    ));
    if let Some(note) = placeholder_note(format, base) {
        lines.push(Line::styled(format!("note: {note}"), t.dim));
    }
    for l in preview.lines() {
        lines.push(Line::styled(
            crate::escape::line(l).into_owned(),
            t.popup_text,
        ));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// What each template makes, for the template menu.
fn template_about(t: Template) -> &'static str {
    match t {
        Template::QualifioWinner => "Qualifio: may play, wins a given prize",
        Template::QualifioBlocked => "Qualifio: may not play (canPlay false)",
        Template::QualifioLimited => "Qualifio: three participations (nb 3)",
        Template::Adictiz => "Adictiz Box SSO: partnerUserID and fields",
        Template::Xtremepush => "Xtremepush loyalty widget: sub and exp",
    }
}

/// The template menu (edit mode with no token): the templates of `tokenscope sign
/// --template`, each with the key it would be signed with, or "unsigned".
pub fn template_menu(app: &App, sel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let rows = Template::ALL.len() as u16 + 6;
    let popup = centered(area, area.width.saturating_sub(4).min(100), rows);
    Clear.render(popup, buf);
    let block = frame("Edit a new token from a template".to_string(), t);
    let inner = block.inner(popup);
    block.render(popup, buf);
    let width = usize::from(inner.width);
    let mut lines = vec![Line::styled(
        "claims as tokenscope sign --template makes them, issued now:",
        t.dim,
    )];
    for (i, template) in Template::ALL.iter().enumerate() {
        let (style, mut spans) = menu_row(t, i, i == sel, Style::default());
        let signer = match edit::template_signer(*template, &app.ring) {
            Some((k, alg)) => Span::styled(
                format!("{alg} with {}  ", crate::escape::line(&k.name)),
                t.text,
            ),
            None => Span::styled("unsigned: no key signs it  ", t.status_error),
        };
        spans.extend([
            Span::styled(format!("{:<17}", template.name()), style),
            signer,
            Span::styled(template_about(*template), t.dim),
        ]);
        lines.push(fit_line(Line::from(spans), width));
    }
    let chosen = Template::ALL[sel.min(Template::ALL.len() - 1)];
    lines.push(fit_line(
        Line::from(vec![
            Span::styled(format!("{}: ", chosen.name()), t.table_header),
            Span::styled(template_about(chosen), t.text),
        ]),
        width,
    ));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Enter", t.hint_key),
        Span::styled(" edit it  ", t.dim),
        Span::styled("↑↓", t.hint_key),
        Span::styled(" choose  ", t.dim),
        Span::styled("Esc", t.hint_key),
        Span::styled(" close", t.dim),
    ]));
    Paragraph::new(lines).render(inner, buf);
}
