//! Focus, scrolling and the fold cursor: what the movement keys, the mouse wheel and a click do
//! to the view, measured on the view's own layout.

use ratatui::layout::{Position, Rect};

use super::{App, Pane};
use crate::tui::view;

impl App {
    pub(crate) fn set_focus(&mut self, p: Pane) {
        self.focus = p;
        // A revealed secret is masked again as soon as the Keys pane loses the focus.
        if p != Pane::Keys {
            self.revealed = None;
        }
        if matches!(p, Pane::Verdict | Pane::Keys) {
            self.lower = p;
        }
    }

    /// Rows a page moves in a pane.
    pub(crate) fn page(&self, p: Pane) -> usize {
        self.pane_height(p).saturating_sub(1).max(1)
    }

    /// Inner height of a pane in the current layout (0 when hidden).
    pub fn pane_height(&self, p: Pane) -> usize {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        view::layout(self, area)
            .rect(p)
            .map_or(0, |r| r.height.saturating_sub(2) as usize)
    }

    pub(crate) fn pane_at(&self, column: u16, row: u16) -> Option<Pane> {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        let l = view::layout(self, area);
        Pane::ALL.into_iter().find(|p| {
            l.rect(*p)
                .is_some_and(|r| r.contains(Position::new(column, row)))
        })
    }

    /// Lines of content a scrolling pane holds.
    pub fn content_len(&self, p: Pane) -> usize {
        match p {
            Pane::Header => self.shown.header_visible.len(),
            Pane::Payload => self.shown.payload_visible.len(),
            Pane::Verdict => view::verdict_len(self),
            Pane::Token => view::token_len(self),
            Pane::Findings => self.inspection().map_or(0, |i| i.findings.len()),
            Pane::Keys => self.key_rows.len(),
        }
    }

    /// A page up (-1) or down (1): in Header/Payload the view and the cursor move together.
    pub(crate) fn move_page(&mut self, sign: i64) {
        let p = self.focus;
        let delta = sign * self.page(p) as i64;
        if matches!(p, Pane::Header | Pane::Payload) {
            let max = self.max_scroll(p);
            let s = &mut self.scroll[p.index()];
            *s = step(*s, delta, max);
        }
        self.move_by(delta);
    }

    pub(crate) fn move_by(&mut self, delta: i64) {
        match self.focus {
            p @ (Pane::Header | Pane::Payload) => self.move_cursor(p, delta),
            p => self.scroll_by(p, delta),
        }
    }

    /// Move a JSON pane's cursor; the view scrolls to keep it on screen.
    pub(crate) fn move_cursor(&mut self, p: Pane, delta: i64) {
        let len = self.content_len(p);
        let c = &mut self.cursor[Self::json_slot(p)];
        *c = step(*c, delta, len.saturating_sub(1));
        self.cursor_in_view(p, true);
    }

    /// Keep cursor and view together: scroll to the cursor (`follow`), or bring the cursor
    /// into the view (a mouse wheel scrolls the view).
    pub(crate) fn cursor_in_view(&mut self, p: Pane, follow: bool) {
        let Some(slot) = matches!(p, Pane::Header | Pane::Payload).then(|| Self::json_slot(p))
        else {
            return;
        };
        let h = self.pane_height(p).max(1);
        let max = self.max_scroll(p);
        let len = self.content_len(p);
        let c = &mut self.cursor[slot];
        *c = (*c).min(len.saturating_sub(1));
        let s = &mut self.scroll[p.index()];
        if follow {
            if *c < *s {
                *s = *c;
            } else if *c >= *s + h {
                *s = *c + 1 - h;
            }
            *s = (*s).min(max);
        } else {
            *c = (*c).clamp(*s, (*s + h - 1).min(len.saturating_sub(1)).max(*s));
        }
    }

    pub(crate) fn scroll_by(&mut self, p: Pane, delta: i64) {
        match p {
            Pane::Findings => {
                let n = self.content_len(p);
                self.finding_sel = step(self.finding_sel, delta, n.saturating_sub(1));
                self.follow_claim();
            }
            Pane::Keys => {
                let n = self.content_len(p);
                self.key_sel = step(self.key_sel, delta, n.saturating_sub(1));
                // A revealed secret is shown only while its key stays selected.
                self.revealed = None;
            }
            _ => {
                let max = self.max_scroll(p);
                let s = &mut self.scroll[p.index()];
                *s = step(*s, delta, max);
                self.cursor_in_view(p, false);
            }
        }
    }

    pub(crate) fn clamp_all(&mut self) {
        for p in [Pane::Token, Pane::Header, Pane::Payload, Pane::Verdict] {
            let max = self.max_scroll(p);
            let s = &mut self.scroll[p.index()];
            *s = (*s).min(max);
        }
        self.cursor_in_view(Pane::Header, true);
        self.cursor_in_view(Pane::Payload, true);
        self.finding_sel = self
            .finding_sel
            .min(self.content_len(Pane::Findings).saturating_sub(1));
        self.key_sel = self.key_sel.min(self.key_rows.len().saturating_sub(1));
    }

    /// How far a pane scrolls: until its last line is at the bottom.
    pub(crate) fn max_scroll(&self, p: Pane) -> usize {
        self.content_len(p).saturating_sub(self.pane_height(p))
    }

    /// Scroll Header/Payload so the selected finding's claim is in view.
    pub(crate) fn follow_claim(&mut self) {
        let Some(claim) = self.highlighted_claim().map(str::to_string) else {
            return;
        };
        for p in [Pane::Header, Pane::Payload] {
            if let Some(i) = self.shown_position(p, &claim) {
                let h = self.pane_height(p).max(1);
                let s = &mut self.scroll[p.index()];
                if i < *s || i >= *s + h {
                    *s = i.saturating_sub(h / 2);
                }
                // The fold cursor goes to the claim too.
                self.cursor[Self::json_slot(p)] = i;
            }
        }
        self.clamp_all();
    }

    pub(crate) fn flip(&mut self, delta: i64) {
        let Some(cur) = self.current else {
            self.info("no token yet: paste one");
            return;
        };
        let next = step(cur, delta, self.history.len().saturating_sub(1));
        if next == cur {
            self.info(if delta < 0 {
                "this is the first token of the session"
            } else {
                "this is the last token of the session"
            });
            return;
        }
        self.current = Some(next);
        self.leave_edit();
        self.reset_view();
        self.reinspect();
    }

    pub(crate) fn reset_view(&mut self) {
        self.scroll = [0; 6];
        self.cursor = [0; 2];
        self.finding_sel = 0;
    }
}

/// `cur + delta` clamped to `0..=max`.
pub(super) fn step(cur: usize, delta: i64, max: usize) -> usize {
    (cur as i64).saturating_add(delta).clamp(0, max as i64) as usize
}
