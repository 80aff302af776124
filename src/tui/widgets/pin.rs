//! What the view says of a pin outside the diff view's own parts: the status bar's badge
//! (`pinned: line 12`), the hint bar's keys while a token is pinned, and the badge on the
//! log browser's list.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;

use crate::tui::pin::DiffPart;
use crate::tui::state::App;

/// The status bar's word on the pin: whether the diff view is shown, what is pinned, and
/// whether it is the token shown. The diff view never hides that a token is pinned.
pub fn pin_badge(app: &App) -> Option<Span<'static>> {
    let pin = app.pin.as_ref()?;
    let text = if app.diff_shown() {
        format!(" DIFF · pinned: {} ", pin.label)
    } else if app.shows_pinned() && !app.browsing() {
        format!(" pinned: {} (shown) ", pin.label)
    } else {
        format!(" pinned: {} ", pin.label)
    };
    Some(Span::styled(
        text,
        app.theme
            .status_message
            .add_modifier(ratatui::style::Modifier::REVERSED),
    ))
}

/// Hint bar items while a token is pinned: the diff toggle (when there is something to
/// compare) and unpin; in the diff view, its own keys.
pub fn pin_hints(app: &App) -> Vec<(String, &'static str)> {
    let Some(pin) = app.pin.as_ref() else {
        return Vec::new();
    };
    let km = &app.keymap;
    let key = |b: &crate::tui::keymap::Binding| b.keys.first().map(|k| k.label());
    let mut out = Vec::new();
    if pin.compared.is_some()
        && !app.browsing()
        && let Some(k) = key(&km.diff)
    {
        out.push((k, if app.diff_shown() { "panes" } else { "diff" }));
    }
    if let Some(k) = key(&km.unpin) {
        out.push((k, "unpin"));
    }
    if app.diff_shown() && app.edit.is_none() {
        let next = pin.compared.as_ref().is_some_and(|c| !c.starts.is_empty());
        let part = match pin.focus {
            DiffPart::Payloads => "verdicts",
            DiffPart::Verdicts => "payloads",
        };
        let more = [
            (key(&km.select).filter(|_| next), "next difference"),
            (key(&km.focus_next), part),
            (key(&km.pin), "pin this"),
            (key(&km.help), "help"),
            (key(&km.quit), "quit"),
        ];
        out.extend(more.into_iter().filter_map(|(k, h)| k.map(|k| (k, h))));
    }
    out
}

/// The log browser's list says what is pinned too: at the right end of its message line
/// (the line above its keys), when the message leaves room.
pub fn list_badge(app: &App, area: Rect, buf: &mut Buffer) {
    use unicode_width::UnicodeWidthStr;
    let Some(badge) = pin_badge(app) else {
        return;
    };
    let width = badge.width() as u16;
    let used = app
        .message
        .as_ref()
        .map_or(0, |m| crate::escape::line(&m.text).width() + 2) as u16;
    if area.height < 2 || used.saturating_add(width) > area.width {
        return;
    }
    let y = area.y + area.height - 2;
    buf.set_span(area.x + area.width - width, y, &badge, width);
}
