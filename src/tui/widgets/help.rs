//! The `?` overlay: every binding, generated from the keymap table.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::tui::app::App;
use crate::tui::view::centered;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut lines: Vec<Line> = Vec::new();
    let mut group = "";
    for (g, keys, help) in app.keymap.help_rows() {
        if g != group {
            if !group.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(g, t.table_header));
            group = g;
        }
        lines.push(Line::from(vec![
            Span::styled(format!(" {keys:<10} "), t.hint_key),
            Span::styled(help, t.popup_text),
        ]));
    }
    // Split at the blank line between groups closest to the middle.
    let half = lines.len() / 2;
    let split = (0..lines.len())
        .filter(|i| lines[*i].width() == 0)
        .min_by_key(|i| i.abs_diff(half))
        .unwrap_or(half);
    let right = lines.split_off(split);
    let rows = lines.len().max(right.len()) as u16;
    let popup = centered(area, area.width.saturating_sub(4).min(110), rows + 2);
    Clear.render(popup, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.popup_border)
        .title(Line::styled(" Keys · any key closes ", t.popup_border));
    let inner = block.inner(popup);
    block.render(popup, buf);
    let [l, r] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    Paragraph::new(lines).render(l, buf);
    Paragraph::new(
        right
            .into_iter()
            .skip_while(|l| l.width() == 0)
            .collect::<Vec<_>>(),
    )
    .render(r, buf);
}
