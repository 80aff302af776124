//! Header and Payload panes: pretty JSON from a `json_lines::JsonDoc`, coloured by token type,
//! time claims annotated, and the line of the selected finding's claim highlighted. Only the
//! lines on screen are styled, as slices of the document's text, so a 1 MB payload draws and
//! scrolls without lag.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::json_lines::{JsonDoc, Tok, indent};
use crate::tui::state::{App, Pane};
use crate::tui::theme::Theme;
use crate::tui::widgets::common::{fit_line, pane_block};

fn tok_style(t: &Theme, tok: Tok) -> Style {
    match tok {
        Tok::Punct => t.json_punct,
        Tok::Key => t.json_key,
        Tok::Str => t.json_string,
        Tok::Num => t.json_number,
        Tok::Bool => t.json_bool,
        Tok::Null => t.json_null,
        Tok::Note => t.json_note,
    }
}

/// Line `i` of a document as styled spans borrowing its text; the highlighted line gets a
/// marker and the highlight style.
pub fn styled_line<'a>(doc: &'a JsonDoc, i: usize, highlight: bool, t: &Theme) -> Line<'a> {
    let mut spans = vec![
        Span::raw(if highlight { "▶" } else { " " }),
        Span::raw(indent(doc.depth(i))),
    ];
    for (tok, text) in doc.parts(i) {
        spans.push(Span::styled(text, tok_style(t, tok)));
    }
    let l = Line::from(spans);
    if highlight {
        l.patch_style(t.json_highlight)
    } else {
        l
    }
}

pub fn render(app: &App, pane: Pane, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let (doc, shown) = app.json_pane(App::json_slot(pane));
    let height = area.height.saturating_sub(2) as usize;
    let len = shown.len();
    let scroll = app.scroll_of(pane).min(len.saturating_sub(1));
    let mut title = vec![Span::raw(pane.title())];
    if len > height {
        title.push(Span::raw(format!(
            " · {}-{} of {}",
            scroll + 1,
            (scroll + height).min(len),
            len
        )));
    }
    if pane == Pane::Payload
        && let Some(note) = app.inspection().and_then(encryption_note)
    {
        title.push(Span::raw(format!(" · {note}")));
    }
    let block = pane_block(Line::from(title), app.focus == pane, t);
    // The selected finding's claim: its line (and an object's closing line), found once for
    // the frame.
    let claim = app.highlighted_claim().and_then(|c| doc.find(c));
    let highlighted =
        |i: usize| claim.is_some_and(|c| c == i || (doc.opens(c) && doc.closing(c) == i));
    // The fold cursor shows in the focused pane only.
    let cursor = app.cursor_of(pane).filter(|_| app.focus == pane);
    let visible: Vec<Line> = shown
        .lines_from(scroll)
        .take(height)
        .enumerate()
        .map(|(k, i)| {
            let mut line = styled_line(doc, i, highlighted(i), t);
            if cursor == Some(scroll + k) {
                line = line.patch_style(t.finding_selected);
            }
            if shown.folded_at(doc, i) {
                line.spans.push(Span::styled(
                    format!(" … {} lines folded", crate::tui::fold::hidden(doc, i)),
                    t.json_note,
                ));
            }
            // A line wider than the pane ends in "…": cut text never looks whole.
            fit_line(line, usize::from(area.width.saturating_sub(2)))
        })
        .collect();
    let body = if visible.is_empty() && pane == Pane::Payload && app.inspection().is_none() {
        welcome(app)
    } else {
        visible
    };
    Paragraph::new(body).block(block).render(area, buf);
}

/// What the Payload title says of a JWE: "decrypted" only when a JWE layer was decrypted
/// (the claims shown are its plaintext), else why the claims are not there.
pub fn encryption_note(insp: &crate::report::Inspection) -> Option<&'static str> {
    use crate::report::{LayerStatus, TokenKind};
    let jwe = insp.layers.iter().filter(|l| l.kind == TokenKind::Jwe);
    let mut closed = None;
    for layer in jwe {
        match layer.status {
            LayerStatus::Decrypted => continue,
            LayerStatus::NoKey => closed = closed.or(Some("encrypted (no key)")),
            _ => closed = closed.or(Some("encrypted (not decrypted)")),
        }
    }
    if closed.is_some() {
        return closed;
    }
    let decrypted = insp
        .layers
        .iter()
        .any(|l| l.kind == TokenKind::Jwe && l.status == LayerStatus::Decrypted);
    decrypted.then_some("decrypted")
}

/// The empty view: how to get a token in.
fn welcome<'a>(app: &App) -> Vec<Line<'a>> {
    let t = &app.theme;
    let k = |b: &crate::tui::keymap::Binding| b.keys.first().map(|k| k.label()).unwrap_or_default();
    let km = &app.keymap;
    vec![
        Line::styled(" Paste a token into the terminal:", t.text),
        Line::styled("   a compact JWS/JWE, a URL with qual_token=,", t.dim),
        Line::styled("   a Bearer header, a JS tag or a whole ticket.", t.dim),
        Line::raw(""),
        Line::from(vec![
            Span::styled(format!("   {:<6}", k(&km.clipboard)), t.hint_key),
            Span::styled("read the clipboard", t.text),
        ]),
        Line::from(vec![
            Span::styled(format!("   {:<6}", k(&km.open_file)), t.hint_key),
            Span::styled("open a file", t.text),
        ]),
        Line::from(vec![
            Span::styled(format!("   {:<6}", k(&km.add_key)), t.hint_key),
            Span::styled("add a key", t.text),
        ]),
        Line::from(vec![
            Span::styled(format!("   {:<6}", k(&km.edit)), t.hint_key),
            Span::styled("make one from a template", t.text),
        ]),
        Line::from(vec![
            Span::styled(format!("   {:<6}", k(&km.help)), t.hint_key),
            Span::styled("every key", t.text),
        ]),
        Line::raw(""),
        Line::styled(" tokenscope --demo opens sample tokens.", t.dim),
    ]
}
