//! Status bar (overall verdict, profile, evaluation instant, history position) and the hint
//! line (a message, or key hints generated from the keymap).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::report::Overall;
use crate::tui::state::App;

pub fn render(app: &App, status: Rect, hints: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut spans = Vec::new();
    if app.edit.is_some() {
        spans.push(Span::styled(
            " EDITED ",
            t.status_message
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    spans.extend(super::pin::pin_badge(app));
    // What follows is the token shown, not the pinned one.
    if app.pin.is_some() && !app.shows_pinned() && app.inspection().is_some() {
        spans.push(Span::raw(" shown"));
    }
    match app.inspection() {
        Some(insp) => {
            let overall = insp.overall();
            let style = match overall {
                Overall::Accepted => t.verdict_accepted,
                Overall::Rejected => t.verdict_rejected,
                Overall::NotVerified => t.verdict_not_verified,
            };
            let symbol = match overall {
                Overall::Accepted => "✔",
                Overall::Rejected => "✖",
                Overall::NotVerified => "?",
            };
            spans.push(Span::styled(
                format!(" {symbol} {} ", overall.label()),
                style,
            ));
            spans.push(Span::raw(format!(" profile {} ", insp.verdict.profile)));
            // ACCEPTED says the platform takes the token, not that the customer can play:
            // the outcomes stand next to it.
            // Said when the customer cannot play (or the outcome is invalid), which is what a
            // support person must not miss on a narrow screen.
            use crate::rules::{ParticipationOutcome as P, WinOutcome as W};
            let v = &insp.verdict;
            if matches!(v.participation.outcome, P::Blocked | P::Invalid)
                || v.win.outcome == W::Invalid
            {
                spans.push(Span::styled(
                    format!(
                        "│ participation {} · win {} ",
                        v.participation.outcome.as_str(),
                        v.win.outcome.as_str()
                    ),
                    t.verdict_rejected,
                ));
            }
        }
        None => spans.push(Span::raw(" no token ")),
    }
    spans.push(Span::raw(format!(
        "│ at {} {} ",
        crate::tui::widgets::common::format_instant_short(app.at, app.time_display),
        if app.pinned {
            format!("({})", crate::time::relative(app.at, app.clock.now()))
        } else {
            "(now)".to_string()
        }
    )));
    spans.push(Span::raw(format!("skew {}s ", app.skew)));
    if let Some(id) = &app.campaign {
        spans.push(Span::raw(format!(
            "│ campaign {} ",
            crate::escape::line(id)
        )));
    }
    // Before the history label, which is the first thing cut on a narrow terminal.
    if app.pending > 0 {
        let jobs = if app.pending == 1 { "job" } else { "jobs" };
        spans.push(Span::raw(format!("│ busy: {} {jobs} ", app.pending)));
    }
    if !app.mouse_capture {
        spans.push(Span::raw("│ mouse off "));
    }
    if let Some(i) = app.current {
        let label = app.history.get(i).map(|e| e.label.as_str()).unwrap_or("");
        spans.push(Span::raw(format!(
            "│ {}/{} {} ",
            i + 1,
            app.history.len(),
            crate::escape::line(label)
        )));
    }
    Paragraph::new(Line::from(spans))
        .style(t.status_bar)
        .render(status, buf);

    let line = match &app.message {
        Some(m) => Line::styled(
            format!(" {}", crate::escape::line(&m.text)),
            if m.error {
                t.status_error
            } else {
                t.status_message
            },
        ),
        None => {
            let mut spans = vec![Span::raw(" ")];
            let mut hints = if app.diff_shown() && app.edit.is_none() {
                Vec::new()
            } else if app.edit.is_some() {
                let mut hints = app.keymap.edit_hints();
                hints.extend(super::pin::pin_hints(app));
                hints
            } else if crate::tui::widgets::keys::wants_key(app) {
                // No key opened the token: the keys that add one come first.
                let (paste, file) = crate::tui::widgets::keys::add_key_labels(app);
                let mut hints = vec![(paste.clone(), "paste a key"), (file, "key from a file")];
                hints.extend(app.keymap.hints().into_iter().filter(|(k, _)| *k != paste));
                hints
            } else {
                app.keymap.hints()
            };
            if app.edit.is_none() {
                hints.splice(0..0, super::pin::pin_hints(app));
            }
            for (keys, hint) in hints {
                spans.push(Span::styled(keys, t.hint_key));
                spans.push(Span::styled(format!(" {hint}  "), t.hint_text));
            }
            Line::from(spans)
        }
    };
    Paragraph::new(line).render(hints, buf);
}
