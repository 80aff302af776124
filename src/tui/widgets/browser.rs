//! The log browser's list: a header with the counts, one row per token (line, verdict,
//! profile, campaign, sub masked, outcomes, first error) and the keys it takes.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use crate::batch::follow::Event;
use crate::report::Overall;
use crate::tui::browser::{Browser, Field, Groups, Row as BrowserRow, View};
use crate::tui::state::App;
use crate::tui::widgets::common::cut_with_ellipsis;

/// Widths of the columns before the last (line, verdict, profile, campaign, sub,
/// participation, win); the first error takes the rest.
const WIDTHS: [u16; 7] = [8, 12, 10, 12, 9, 9, 11];

/// `sub` as the list shows it: its first and last characters.
fn masked(sub: &str) -> String {
    crate::ticket::mask_with(sub, "•", 6)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(b) = &app.browser else {
        return;
    };
    let [header, body, status, hints] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(app, b, header, buf);
    match &b.view {
        View::List => render_rows(app, b, body, buf),
        View::Groups(g) => render_groups(app, g, body, buf),
        View::Summary { scroll } => render_summary(app, b, *scroll, body, buf),
    }
    let t = &app.theme;
    let message = app
        .message
        .as_ref()
        .map(|m| crate::escape::line(&m.text).into_owned())
        .unwrap_or_default();
    Paragraph::new(Line::styled(format!(" {message}"), t.status_message)).render(status, buf);
    let keys: &[(&str, &str)] = match &b.view {
        View::List => &[
            ("↑↓", "move"),
            ("Enter", "open the token"),
            ("/", "filter"),
            ("Tab", "group"),
            ("s", "summary"),
            ("P", "pin"),
            ("r", "reveal sub"),
            ("Esc", "clear the filter"),
            ("q", "quit"),
        ],
        View::Groups(_) => &[
            ("↑↓", "move"),
            ("Enter", "show the group's rows"),
            ("Tab", "group by the next field"),
            ("Esc", "the rows"),
            ("q", "quit"),
        ],
        View::Summary { .. } => &[
            ("↑↓", "scroll"),
            ("s", "the rows"),
            ("Esc", "the rows"),
            ("q", "quit"),
        ],
    };
    let spans = keys.iter().flat_map(|(key, what)| {
        [
            Span::styled(format!(" {key}"), t.hint_key),
            Span::styled(format!(" {what} "), t.hint_text),
        ]
    });
    Paragraph::new(Line::from(spans.collect::<Vec<_>>())).render(hints, buf);
}

/// Where the log is, how far it has been read, its counts as the CLI summary has them, and
/// the filter.
fn render_header(app: &App, b: &Browser, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let s = &b.summary;
    let label = crate::escape::line(&b.source.label()).into_owned();
    let counted = format!("  {} tokens, {}", b.rows.len(), state(b));
    // The path gives way to the state (at least 20 columns of it stay).
    let room = (area.width as usize)
        .saturating_sub(6 + counted.chars().count())
        .max(20);
    let title = Line::from(vec![
        Span::styled(" Log ", t.pane_focused_title),
        Span::raw(cut_with_ellipsis(&label, room)),
        Span::styled(counted, t.dim),
    ]);
    let mut counts = Vec::new();
    // The filter first: what the rows below are.
    if !b.filter.is_empty() {
        counts.push(Span::styled(
            format!(
                " filter '{}': {} rows ",
                cut_with_ellipsis(&crate::escape::line(&b.filter), 40),
                b.shown.len()
            ),
            t.hint_key,
        ));
        counts.push(Span::raw("│"));
    }
    counts.extend([
        Span::styled(format!(" ✔ {} accepted ", s.accepted), t.verdict_accepted),
        Span::raw(" "),
        Span::styled(format!(" ✖ {} rejected ", s.rejected), t.verdict_rejected),
        Span::raw(" "),
        Span::styled(
            format!(" ? {} not verified ", s.not_verified),
            t.verdict_not_verified,
        ),
        Span::raw(format!("  {} malformed", s.malformed)),
    ]);
    // The campaign file's prizes against its winning tokens, then the commonest findings.
    let mut findings = vec![Span::styled(" findings: ", t.dim)];
    if let Some((id, prizes)) = &b.prizes {
        let winning = s.campaigns.get(id).map_or(0, |c| c.winning);
        let style = if winning as u64 > *prizes {
            t.verdict_rejected
        } else {
            t.text
        };
        findings = vec![
            Span::styled(
                format!(
                    " {}: {winning} winning for {prizes} prize(s) ",
                    cut_with_ellipsis(&crate::escape::line(id), 20)
                ),
                style,
            ),
            Span::styled("│ findings: ", t.dim),
        ];
    }
    let top = b.top_findings(4);
    if top.is_empty() {
        findings.push(Span::styled("none", t.dim));
    }
    for (i, (id, n)) in top.into_iter().enumerate() {
        if i > 0 {
            findings.push(Span::styled(" · ", t.dim));
        }
        findings.push(Span::raw(format!("{} {n}", crate::escape::line(id))));
    }
    findings.push(Span::styled("  (s: the whole summary)", t.dim));
    Paragraph::new(vec![title, Line::from(counts), Line::from(findings)]).render(area, buf);
}

/// The rows the filter shows.
fn render_rows(app: &App, b: &Browser, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let height = area.height.saturating_sub(1) as usize;
    let visible: Vec<(usize, &BrowserRow)> = b
        .shown
        .iter()
        .enumerate()
        .skip(b.scroll)
        .take(height)
        .filter_map(|(i, &r)| b.row(r).map(|r| (i, r)))
        .collect();
    // `sub` revealed: as wide as the longest one shown, within reason.
    let mut widths = WIDTHS;
    if b.reveal {
        let longest = visible
            .iter()
            .map(|(_, r)| r.sub.chars().count())
            .max()
            .unwrap_or(0);
        widths[4] = longest.clamp(WIDTHS[4] as usize, 40) as u16;
    }
    // What the last column has: the width less the others and the spaces between columns.
    let last = (area.width as usize)
        .saturating_sub(widths.iter().map(|w| *w as usize + 1).sum())
        .max(10);
    let rows = visible.into_iter().map(|(i, r)| {
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
        let sub = if b.reveal {
            r.sub.to_string()
        } else {
            masked(&r.sub)
        };
        Row::new(vec![
            Cell::from(format!("{marker}{}", r.line)),
            Cell::from(r.verdict()).style(style),
            Cell::from(r.profile()),
            Cell::from(cut_with_ellipsis(&r.campaign, WIDTHS[3] as usize)),
            Cell::from(cut_with_ellipsis(&sub, widths[4] as usize)),
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
        widths
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
    .render(area, buf);
}

/// The rows shown, counted by one field.
fn render_groups(app: &App, g: &Groups, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let height = area.height.saturating_sub(1) as usize;
    let value_width = (area.width as usize).saturating_sub(8 + 8 + 12 + 3).max(10);
    let rows = g
        .groups
        .iter()
        .enumerate()
        .skip(g.scroll)
        .take(height)
        .map(|(i, group)| {
            let marker = if i == g.sel { "▶" } else { " " };
            let share = match g.rows {
                0 => 0.0,
                n => 100.0 * group.rows as f64 / n as f64,
            };
            Row::new(vec![
                Cell::from(format!(
                    "{marker}{}",
                    cut_with_ellipsis(&crate::escape::line(&group.value), value_width)
                )),
                Cell::from(format!("{:>7}", group.rows)),
                Cell::from(format!("{share:>6.1}%")),
                Cell::from(format!("{:>10}", group.first_line)),
            ])
            .style(if i == g.sel { t.table_applies } else { t.text })
        });
    let by = match g.by {
        Field::Finding => "finding id (a token counts once per finding)",
        other => other.name(),
    };
    Table::new(
        rows,
        [
            Constraint::Min(10),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(12),
        ],
    )
    .header(
        Row::new([
            format!(" by {by}"),
            "   rows".to_string(),
            "  share".to_string(),
            "first line".to_string(),
        ])
        .style(t.pane_title),
    )
    .render(area, buf);
}

/// The summary `inspect --batch` prints, for the rows read so far.
fn render_summary(app: &App, b: &Browser, scroll: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let text = b.summary_text();
    let lines: Vec<Line> = text
        .lines()
        .skip(scroll)
        .take(area.height as usize)
        // Ids and campaignIds in the text are escaped by the summary itself.
        .map(|l| Line::styled(format!(" {l}"), t.text))
        .collect();
    Paragraph::new(lines).render(area, buf);
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
