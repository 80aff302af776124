//! The `?` overlay: every binding in effect, generated from the keymap table. Two columns
//! when the screen is wide enough; it scrolls (with the movement keys) when it is taller
//! than the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::tui::state::App;
use crate::tui::widgets::common::centered;

/// Below this width the help is one column.
const TWO_COLUMNS_FROM: u16 = 100;

fn lines(app: &App) -> Vec<Line<'static>> {
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
    lines
}

/// The help's columns: one, or two split at the blank line between groups nearest the middle.
fn columns(app: &App, area: Rect) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let mut left = lines(app);
    if area.width < TWO_COLUMNS_FROM {
        return (left, Vec::new());
    }
    let half = left.len() / 2;
    let split = (0..left.len())
        .filter(|i| left[*i].width() == 0)
        .min_by_key(|i| i.abs_diff(half))
        .unwrap_or(half);
    let right: Vec<Line> = left
        .split_off(split)
        .into_iter()
        .skip_while(|l| l.width() == 0)
        .collect();
    (left, right)
}

/// Rows of help content, and how many of them fit on the screen at once.
pub fn extent(app: &App, area: Rect) -> (usize, usize) {
    let (l, r) = columns(app, area);
    let rows = l.len().max(r.len());
    let fit = area.height.saturating_sub(2) as usize;
    (rows, rows.min(fit))
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let (left, right) = columns(app, area);
    let (rows, shown) = extent(app, area);
    let scroll = app.help_scroll.min(rows.saturating_sub(shown));
    let popup = centered(
        area,
        area.width.saturating_sub(4).min(110),
        shown as u16 + 2,
    );
    Clear.render(popup, buf);
    let title = if shown < rows {
        let up = app.keymap.up.keys.first().map(|k| k.label());
        let down = app.keymap.down.keys.first().map(|k| k.label());
        format!(
            " Keys {}-{} of {rows} · {}{} scroll · any other key closes ",
            scroll + 1,
            scroll + shown,
            up.unwrap_or_default(),
            down.unwrap_or_default()
        )
    } else {
        " Keys · any key closes ".to_string()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.popup_border)
        .title(Line::styled(title, t.popup_border));
    let inner = block.inner(popup);
    block.render(popup, buf);
    let page = |col: Vec<Line<'static>>| -> Vec<Line<'static>> {
        col.into_iter().skip(scroll).take(shown).collect()
    };
    if right.is_empty() {
        Paragraph::new(page(left)).render(inner, buf);
        return;
    }
    let [l, r] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    Paragraph::new(page(left)).render(l, buf);
    Paragraph::new(page(right)).render(r, buf);
}
