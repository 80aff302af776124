//! The view: `impl Widget for &App` and the layout, shared with `update` (mouse hit tests,
//! page sizes) so both agree on where each pane is.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use super::app::{App, Modal, Pane};
use super::theme::Theme;
use super::widgets;

/// Smallest terminal the full view needs.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Where each pane is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub too_small: bool,
    pub token: Rect,
    pub header: Rect,
    pub payload: Rect,
    /// Findings, when it has a slot of its own (tall terminals).
    pub findings: Option<Rect>,
    /// The lower right slot and the pane it shows.
    pub slot: Rect,
    pub slot_pane: Option<Pane>,
    pub status: Rect,
    pub hints: Rect,
}

impl Areas {
    pub fn rect(&self, p: Pane) -> Option<Rect> {
        if self.too_small {
            return None;
        }
        match p {
            Pane::Token => Some(self.token),
            Pane::Header => Some(self.header),
            Pane::Payload => Some(self.payload),
            Pane::Findings if self.findings.is_some() => self.findings,
            other if self.slot_pane == Some(other) => Some(self.slot),
            _ => None,
        }
    }
}

/// Middle height from which Findings and Verdict/Keys are stacked instead of tabbed.
const STACK_FROM: u16 = 22;

pub fn layout(app: &App, area: Rect) -> Areas {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Areas {
            too_small: true,
            ..Areas::default()
        };
    }
    let token_rows = if area.height >= 40 { 3 } else { 1 };
    let token_h = (widgets::token::fixed_rows(app) + token_rows + 2) as u16;
    let [token, middle, status, hints] = Layout::vertical([
        Constraint::Length(token_h),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let left_pct = if area.width >= 120 { 45 } else { 50 };
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(left_pct), Constraint::Min(0)]).areas(middle);
    let header_h = if app.edit.is_some() {
        // Edit mode: the edit pane (toggles) takes the Header pane's place.
        (widgets::edit::HEIGHT + 2).min(left.height.saturating_sub(5))
    } else {
        (app.shown.header_lines.len() as u16 + 2).clamp(3, (left.height / 3).max(3))
    };
    let [header, payload] =
        Layout::vertical([Constraint::Length(header_h), Constraint::Min(0)]).areas(left);
    let right_panes = [Pane::Findings, Pane::Verdict, Pane::Keys];
    let (findings, slot, slot_pane) = if middle.height >= STACK_FROM {
        let want = (widgets::verdict::height(app) as u16 + 2).min(middle.height - 6);
        let [f, s] = Layout::vertical([Constraint::Min(0), Constraint::Length(want)]).areas(right);
        (Some(f), s, app.lower)
    } else {
        let p = if right_panes.contains(&app.focus) {
            app.focus
        } else {
            app.lower
        };
        (None, right, p)
    };
    Areas {
        too_small: false,
        token,
        header,
        payload,
        findings,
        slot,
        slot_pane: Some(slot_pane),
        status,
        hints,
    }
}

/// Lines of the Verdict pane (for scrolling).
pub fn verdict_len(app: &App) -> usize {
    widgets::verdict::height(app)
}

/// Lines of the Token pane (for scrolling).
pub fn token_len(app: &App) -> usize {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let width = layout(app, area).token.width.saturating_sub(2).max(1) as usize;
    widgets::token::len(app, width)
}

/// A pane's frame: focused panes get the focused border and title.
pub fn pane_block<'a>(title: Line<'a>, focused: bool, theme: &Theme) -> Block<'a> {
    let (border, title_style) = if focused {
        (theme.pane_focused_border, theme.pane_focused_title)
    } else {
        (theme.pane_border, theme.pane_title)
    };
    let title = if focused {
        let mut spans = vec![Span::styled("▶ ", title_style)];
        spans.extend(title.spans);
        Line::from(spans)
    } else {
        title
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(border)
        .title(title.style(title_style))
}

/// Draw `content` (laid out for `width` x `height` rows) scrolled by `scroll` rows into `area`.
pub fn blit_scrolled(content: &Buffer, scroll: usize, area: Rect, buf: &mut Buffer) {
    for y in 0..area.height {
        let src_y = scroll as u16 + y;
        if src_y >= content.area.height {
            break;
        }
        for x in 0..area.width.min(content.area.width) {
            if let (Some(src), Some(dst)) = (
                content.cell((x, src_y)),
                buf.cell_mut((area.x + x, area.y + y)),
            ) {
                *dst = src.clone();
            }
        }
    }
}

/// The longest start of `s` that fits in `cols` terminal columns (wide characters take two,
/// combining ones none), for text cut before ratatui lays it out.
pub fn cut_to_width(s: &str, cols: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    s.chars()
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= cols
        })
        .collect()
}

/// A rectangle of `w` x `h` centred in `area` (clamped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        let areas = layout(self, area);
        if areas.too_small {
            Clear.render(area, buf);
            let text = vec![
                Line::styled("terminal too small", t.status_error),
                Line::styled(
                    format!(
                        "{}x{}: tokenscope needs {MIN_WIDTH}x{MIN_HEIGHT}",
                        area.width, area.height
                    ),
                    t.text,
                ),
                Line::styled("enlarge the window, or q to quit", t.dim),
            ];
            let h = (text.len() as u16).min(area.height);
            let y = area.y + area.height.saturating_sub(h) / 2;
            Paragraph::new(text)
                .alignment(ratatui::layout::Alignment::Center)
                .wrap(Wrap { trim: true })
                .render(Rect::new(area.x, y, area.width, h), buf);
            return;
        }
        widgets::token::render(self, areas.token, buf);
        if self.edit.is_some() {
            widgets::edit::render(self, areas.header, buf);
        } else {
            widgets::json::render(self, Pane::Header, areas.header, buf);
        }
        widgets::json::render(self, Pane::Payload, areas.payload, buf);
        if let Some(f) = areas.findings {
            widgets::findings::render(self, f, buf, None);
        }
        match areas.slot_pane {
            Some(Pane::Findings) => widgets::findings::render(self, areas.slot, buf, Some(&areas)),
            Some(Pane::Keys) => widgets::keys::render(self, areas.slot, buf, &areas),
            _ => widgets::verdict::render(self, areas.slot, buf, &areas),
        }
        widgets::status::render(self, areas.status, areas.hints, buf);
        match &self.modal {
            Modal::None => {}
            Modal::Help => widgets::help::render(self, area, buf),
            Modal::Detail => widgets::popup::detail(self, area, buf),
            Modal::Prompt { kind, input } => widgets::popup::prompt(self, kind, input, area, buf),
            Modal::ConfirmDelete { name } => widgets::popup::confirm(self, name, area, buf),
            Modal::Editor(ed) => widgets::edit::editor(self, ed, area, buf),
            Modal::Export { sel } => widgets::edit::export_menu(self, *sel, area, buf),
            Modal::Generate { sel } => widgets::popup::generate(self, *sel, area, buf),
        }
    }
}

/// Tab titles for the lower right slot when panes share it: the shown one marked.
pub fn slot_title<'a>(app: &App, shown: Pane, areas: Option<&Areas>, theme: &Theme) -> Line<'a> {
    let stacked = areas.is_some_and(|a| a.findings.is_some());
    let panes: &[Pane] = if stacked {
        &[Pane::Verdict, Pane::Keys]
    } else {
        &[Pane::Findings, Pane::Verdict, Pane::Keys]
    };
    let mut spans = Vec::new();
    for (i, p) in panes.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme.dim));
        }
        let label = match p {
            Pane::Findings => format!(
                "Findings ({})",
                app.inspection().map_or(0, |i| i.findings.len())
            ),
            Pane::Keys => format!("Keys ({})", app.key_rows.len()),
            other => other.title().to_string(),
        };
        if *p == shown {
            spans.push(Span::styled(format!("[{label}]"), Style::default()));
        } else {
            spans.push(Span::styled(label, theme.dim));
        }
    }
    Line::from(spans)
}
