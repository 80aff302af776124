//! The log browser's list: a header with the counts, one row per token (line, verdict,
//! profile, campaign, sub masked, outcomes, first error) and the keys it takes.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use crate::batch::follow::Event;
use crate::report::Overall;
use crate::tui::browser::Browser;
use crate::tui::state::App;
use crate::tui::widgets::common::cut_with_ellipsis;

/// Widths of the columns before the last (line, verdict, profile, campaign, sub,
/// participation, win); the first error takes the rest.
const WIDTHS: [u16; 7] = [8, 12, 10, 12, 9, 9, 11];

/// `sub` as the list shows it: its first and last characters.
fn masked(sub: &str) -> String {
    let chars: Vec<char> = sub.chars().collect();
    match chars.len() {
        0 => String::new(),
        1..=2 => "•".repeat(chars.len()),
        n => format!("{}{}{}", chars[0], "•".repeat((n - 2).min(6)), chars[n - 1]),
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let Some(b) = &app.browser else {
        return;
    };
    let [header, table, status, hints] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let [accepted, rejected, unverified, malformed] = b.counts();
    let state = state(b);
    let path = crate::escape::line(&b.path.display().to_string()).into_owned();
    let counted = format!("  {} tokens, {state}", b.rows.len());
    // The path gives way to the state (at least 20 columns of it stay).
    let room = (area.width as usize)
        .saturating_sub(6 + counted.chars().count())
        .max(20);
    Paragraph::new(vec![
        Line::from(vec![
            Span::styled(" Log ", t.pane_focused_title),
            Span::raw(cut_with_ellipsis(&path, room)),
            Span::styled(counted, t.dim),
        ]),
        Line::from({
            let mut spans = Vec::new();
            // The filter first: what the rows below are.
            if !b.filter.is_empty() {
                spans.push(Span::styled(
                    format!(
                        " filter '{}': {} rows ",
                        cut_with_ellipsis(&crate::escape::line(&b.filter), 40),
                        b.shown.len()
                    ),
                    t.hint_key,
                ));
                spans.push(Span::raw("│"));
            }
            spans.extend([
                Span::styled(format!(" ✔ {accepted} accepted "), t.verdict_accepted),
                Span::raw(" "),
                Span::styled(format!(" ✖ {rejected} rejected "), t.verdict_rejected),
                Span::raw(" "),
                Span::styled(
                    format!(" ? {unverified} not verified "),
                    t.verdict_not_verified,
                ),
                Span::raw(format!("  {malformed} malformed")),
            ]);
            spans
        }),
    ])
    .render(header, buf);

    let height = table.height.saturating_sub(1) as usize;
    // What the last column has: the width less the others and the spaces between columns.
    let last = (table.width as usize)
        .saturating_sub(WIDTHS.iter().map(|w| *w as usize + 1).sum())
        .max(10);
    let rows = b
        .shown
        .iter()
        .enumerate()
        .skip(b.scroll)
        .take(height)
        .filter_map(|(i, &r)| b.row(r).map(|r| (i, r)))
        .map(|(i, r)| {
            // A row of an earlier file (the log was rotated since) is dimmed whole.
            let earlier = r.generation != b.generation();
            let style = match r.overall {
                _ if earlier => t.dim,
                Some(Overall::Accepted) => t.verdict_accepted,
                Some(Overall::Rejected) => t.verdict_rejected,
                Some(Overall::NotVerified) => t.verdict_not_verified,
                None => t.dim,
            };
            let marker = if i == b.sel { "▶" } else { " " };
            let sub = if app.revealed.is_some() {
                r.sub.to_string()
            } else {
                masked(&r.sub)
            };
            Row::new(vec![
                Cell::from(format!("{marker}{}", r.line)),
                Cell::from(r.verdict()).style(style),
                Cell::from(r.profile()),
                Cell::from(cut_with_ellipsis(&r.campaign, WIDTHS[3] as usize)),
                Cell::from(sub.to_string()),
                Cell::from(r.participation()),
                Cell::from(r.win()),
                Cell::from(cut_with_ellipsis(&r.first, last)),
            ])
            .style(match (i == b.sel, earlier) {
                (true, _) => t.table_applies,
                (false, true) => t.dim,
                (false, false) => t.text,
            })
        });
    Table::new(
        rows,
        WIDTHS
            .map(Constraint::Length)
            .into_iter()
            .chain([Constraint::Min(10)]),
    )
    .header(
        Row::new([
            "line",
            "verdict",
            "profile",
            "campaign",
            "sub",
            "particip.",
            "win",
            "first error",
        ])
        .style(t.pane_title),
    )
    .render(table, buf);

    let message = app
        .message
        .as_ref()
        .map(|m| crate::escape::line(&m.text).into_owned())
        .unwrap_or_default();
    Paragraph::new(Line::styled(format!(" {message}"), t.status_message)).render(status, buf);
    Paragraph::new(Line::from(vec![
        Span::styled(" ↑↓", t.hint_key),
        Span::styled(" move  ", t.hint_text),
        Span::styled("Enter", t.hint_key),
        Span::styled(" open the token  ", t.hint_text),
        Span::styled("/", t.hint_key),
        Span::styled(" filter  ", t.hint_text),
        Span::styled("Esc", t.hint_key),
        Span::styled(" clear the filter  ", t.hint_text),
        Span::styled("q", t.hint_key),
        Span::styled(" quit", t.hint_text),
    ]))
    .render(hints, buf);
}

/// What the engine is doing: reading, done, stopped; following, and what happened to the
/// followed file.
fn state(b: &Browser) -> String {
    let Some(f) = &b.follow else {
        return match (&b.error, b.done) {
            (Some(_), _) => "stopped".to_string(),
            (None, true) => "done".to_string(),
            (None, false) => "reading…".to_string(),
        };
    };
    if b.error.is_some() {
        return "stopped following".to_string();
    }
    // A FIFO is followed to its end.
    let mut state = if b.done { "done" } else { "following…" }.to_string();
    // One of them, as the header has room for one.
    if let Some(waiting) = &f.waiting {
        state.push_str(match waiting {
            Event::Unreadable(_) => " · the new file cannot be read: waiting for it",
            _ => " · the path is missing: waiting for it",
        });
    } else if let Some(how) = f.rotated {
        state.push_str(&format!(
            " · {} (generation {}): earlier rows dimmed",
            how.as_str(),
            f.generation
        ));
    }
    state
}

#[cfg(test)]
mod tests {
    #[test]
    fn sub_is_masked_to_its_ends() {
        assert_eq!(super::masked("jane.doe@example.com"), "j••••••m");
        assert_eq!(super::masked("ab"), "••");
        assert_eq!(super::masked(""), "");
    }
}
