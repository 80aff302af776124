//! The view: `impl Widget for &App` and the layout, shared with `update` (mouse hit tests,
//! page sizes) so both agree on where each pane is. It reads the state and never changes it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::state::{App, Modal, Pane};
use super::widgets;
pub use super::widgets::common::Areas;

/// Smallest terminal the full view needs.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

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
        (app.shown.header.len() as u16 + 2).clamp(3, (left.height / 3).max(3))
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
        if self.browsing() {
            widgets::browser::render(self, area, buf);
            widgets::pin::list_badge(self, area, buf);
        } else if self.diff_shown() {
            let l = widgets::diff::render(self, area, buf);
            widgets::status::render(self, l.status, l.hints, buf);
        } else {
            self.render_panes(&areas, buf);
        }
        self.render_modal(area, buf);
    }
}

impl App {
    /// The token panes, the status bar and the hints.
    fn render_panes(&self, areas: &Areas, buf: &mut Buffer) {
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
            Some(Pane::Findings) => widgets::findings::render(self, areas.slot, buf, Some(areas)),
            Some(Pane::Keys) => widgets::keys::render(self, areas.slot, buf, areas),
            _ => widgets::verdict::render(self, areas.slot, buf, areas),
        }
        widgets::status::render(self, areas.status, areas.hints, buf);
    }

    /// The popup open over the view, if any.
    fn render_modal(&self, area: Rect, buf: &mut Buffer) {
        match &self.modal {
            Modal::None => {}
            Modal::Help => widgets::help::render(self, area, buf),
            Modal::Detail => widgets::popup::detail(self, area, buf),
            Modal::Prompt { kind, input } => widgets::popup::prompt(self, kind, input, area, buf),
            Modal::ConfirmDelete { name } => widgets::popup::confirm(self, name, area, buf),
            Modal::ConfirmLeaveEdit => widgets::popup::confirm_leave_edit(self, area, buf),
            Modal::Editor(ed) => widgets::edit::editor(self, ed, area, buf),
            Modal::Export { sel } => widgets::edit::export_menu(self, *sel, area, buf),
            Modal::Generate { sel } => widgets::popup::generate(self, *sel, area, buf),
            Modal::Pick { sel, rows } => widgets::popup::pick(self, *sel, rows, area, buf),
            Modal::Templates { sel } => widgets::edit::template_menu(self, *sel, area, buf),
            Modal::Encoding(menu) => widgets::popup::encoding(self, menu, area, buf),
        }
    }
}
