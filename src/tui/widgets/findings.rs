//! Findings pane: severity, id, claim and message; the selected row drives the highlight in
//! the JSON panes, Enter shows the full message and its source.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use unicode_width::UnicodeWidthStr;

use crate::escape::line;
use crate::report::Severity;
use crate::tui::state::{App, Pane};
use crate::tui::theme::Theme;
use crate::tui::widgets::common::{Areas, pane_block, slot_title};

/// Symbol, word and style of a severity (the symbol keeps meaning without colour).
pub fn severity_cell(s: Severity, t: &Theme) -> (&'static str, Style) {
    match s {
        Severity::Error => ("✖ error", t.finding_error),
        Severity::Warning => ("▲ warn", t.finding_warning),
        Severity::Info => ("ℹ info", t.finding_info),
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer, tabs: Option<&Areas>) {
    let t = &app.theme;
    let focused = app.focus == Pane::Findings;
    let findings = app
        .inspection()
        .map(|i| i.findings.as_slice())
        .unwrap_or(&[]);
    let title = match tabs {
        Some(a) => slot_title(app, Pane::Findings, Some(a), t),
        None => {
            let errors = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            Line::from(vec![Span::raw(format!(
                "Findings ({}, {errors} error{})",
                findings.len(),
                if errors == 1 { "" } else { "s" }
            ))])
        }
    };
    let block = pane_block(title, focused, t);
    if findings.is_empty() {
        let text = if app.inspection().is_some() {
            "no findings"
        } else {
            ""
        };
        Paragraph::new(Line::styled(text, t.dim))
            .block(block)
            .render(area, buf);
        return;
    }
    // The id column only when there is room: severity, claim and message come first.
    let with_id = area.width >= 100;
    // Claims and messages quote the token (member names, values): escaped.
    let rows = findings.iter().map(|f| {
        let (word, style) = severity_cell(f.severity, t);
        let mut cells = vec![
            Cell::from(Span::styled(word, style)),
            Cell::from(Span::styled(line(&f.claim).into_owned(), t.json_key)),
            Cell::from(Span::styled(
                line(&crate::tui::widgets::keys::in_tui_words(app, &f.message)).into_owned(),
                t.text,
            )),
        ];
        if with_id {
            cells.push(Cell::from(Span::styled(line(&f.id).into_owned(), t.dim)));
        }
        Row::new(cells)
    });
    let claim_w = findings
        .iter()
        .map(|f| line(&f.claim).width())
        .max()
        .unwrap_or(5)
        .clamp(5, 16) as u16;
    let mut widths = vec![
        Constraint::Length(7),
        Constraint::Length(claim_w),
        Constraint::Fill(1),
    ];
    let mut header = vec!["sev", "claim", "message"];
    if with_id {
        widths.push(Constraint::Length(32));
        header.push("id");
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.table_header))
        .row_highlight_style(if focused {
            t.finding_selected
        } else {
            Style::default()
        })
        .highlight_symbol("▶")
        .column_spacing(1)
        .block(block);
    let mut state = TableState::default().with_selected(Some(app.finding_sel));
    StatefulWidget::render(table, area, buf, &mut state);
}
