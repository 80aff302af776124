//! Pin and diff's part of `update`: pinning the token shown (`P`), comparing it with each
//! token shown after it at the view's instant (every inspection refreshes both), the diff
//! view's toggle (`D`) and its movement keys.

use ratatui::layout::{Position, Rect};

use super::lines::payload_doc;
use super::scroll::step;
use super::{Action, App};
use crate::inspect::{InspectError, inspect_text_nth};
use crate::tui::pin::{Compared, DiffPart, Pin, fingerprint};
use crate::tui::widgets::diff as view;

/// Rows shown above a difference the view jumps to.
const CONTEXT: usize = 2;

impl App {
    pub(crate) fn update_pin(&mut self, action: Action) {
        match action {
            Action::Pin => self.pin_shown(),
            Action::Unpin => match self.pin.take() {
                Some(pin) => self.info(format!(
                    "unpinned: {} ({} pins the token shown)",
                    pin.label,
                    self.key_of(&self.keymap.pin)
                )),
                None => self.info(format!(
                    "nothing is pinned ({} pins the token shown)",
                    self.key_of(&self.keymap.pin)
                )),
            },
            Action::ToggleDiff => self.toggle_diff(),
            _ => {}
        }
    }

    /// The first key of a binding, as the help writes it.
    fn key_of(&self, b: &crate::tui::keymap::Binding) -> String {
        b.keys.first().map(|k| k.label()).unwrap_or_default()
    }

    /// The token in the panes as a pin keeps it: the text, which token of it, and why it
    /// is unsigned (an edited copy that no key signs).
    fn shown_source(&self) -> Option<(&str, usize, Option<&str>)> {
        if let Some(edit) = &self.edit {
            return edit
                .token
                .as_ref()
                .ok()
                .map(|t| (t.as_str(), 0, edit.unsigned.as_deref()));
        }
        let entry = self.current.and_then(|i| self.history.get(i))?;
        Some((entry.text.as_str(), entry.index, None))
    }

    /// What the token in the panes is called: `line 12`, `pasted token #2`, a file's path,
    /// `EDITED copy of line 12`. Safe for the terminal.
    pub fn shown_label(&self) -> String {
        let Some((n, entry)) = self.current.and_then(|i| Some((i, self.history.get(i)?))) else {
            return "no token".to_string();
        };
        let mut label = match entry.label.as_str() {
            // Pastes are told apart by their place in the history (`<` `>` flip through it).
            "pasted" => format!("pasted token #{}", n + 1),
            "argument" => "token from the command line".to_string(),
            other => crate::escape::line(other).into_owned(),
        };
        if entry.index > 0 {
            label.push_str(&format!(" (token {})", entry.index + 1));
        }
        if self.edit.is_some() {
            label = format!("EDITED copy of {label}");
        }
        label
    }

    /// Whether the token in the panes is the pinned one.
    pub fn shows_pinned(&self) -> bool {
        match (&self.pin, self.shown_source()) {
            (Some(pin), Some((text, index, _))) => pin.is(text, index),
            _ => false,
        }
    }

    /// `P`: pin the token shown (it replaces a pin of another token), or unpin it when it is
    /// the pinned one.
    fn pin_shown(&mut self) {
        if self.shows_pinned() {
            self.update_pin(Action::Unpin);
            return;
        }
        let source = self
            .shown_source()
            .filter(|_| self.inspection().is_some())
            .map(|(text, index, unsigned)| (text.to_string(), index, unsigned.map(str::to_string)));
        let Some((text, index, unsigned)) = source else {
            self.info("no token to pin: paste one or open one first");
            return;
        };
        let label = self.shown_label();
        let before = self.pin.replace(Pin {
            label: label.clone(),
            text,
            index,
            unsigned,
            insp: None,
            error: None,
            doc: Default::default(),
            view: true,
            compared: None,
            focus: DiffPart::Payloads,
            scroll: [0; 2],
            at_change: 0,
        });
        self.refresh_pin();
        let replaced = before
            .map(|b| format!(" (instead of {})", b.label))
            .unwrap_or_default();
        self.info(format!(
            "pinned: {label}{replaced} · open another token to compare ({} diff view · {} unpin)",
            self.key_of(&self.keymap.diff),
            self.key_of(&self.keymap.unpin)
        ));
    }

    /// `D`: the diff view or the usual panes; says why when there is nothing to compare.
    fn toggle_diff(&mut self) {
        let pin_key = self.key_of(&self.keymap.pin);
        let Some(pin) = self.pin.as_ref() else {
            self.info(format!(
                "nothing is pinned: {pin_key} pins the token shown, then open another to compare"
            ));
            return;
        };
        if self.browsing() {
            self.info("open a row (Enter) to compare its token with the pinned one");
            return;
        }
        if self.shows_pinned() {
            self.info(format!(
                "the token shown is the pinned one ({}): open another (paste, <, >, a log row) to compare",
                pin.label
            ));
            return;
        }
        if pin.compared.is_none() {
            let why = if pin.insp.is_none() {
                "the pinned token could not be read"
            } else {
                "the token shown could not be read"
            };
            self.info(format!("nothing to compare: {why}"));
            return;
        }
        let view = !pin.view;
        if let Some(p) = self.pin.as_mut() {
            p.view = view;
        }
        let key = self.key_of(&self.keymap.diff);
        self.info(if view {
            format!("diff view: pinned left, shown right ({key}: the panes)")
        } else {
            format!("the panes ({key}: back to the diff view)")
        });
    }

    /// Inspect the pinned token again at the view's instant, and compare it with the token
    /// shown (`reinspect` calls it after inspecting that one).
    pub(crate) fn refresh_pin(&mut self) {
        let Some(mut pin) = self.pin.take() else {
            return;
        };
        let opts = self.options();
        let (insp, error) = match inspect_text_nth(&pin.text, pin.index, &self.ring, &opts) {
            Ok(i) => (Some(i), None),
            Err(InspectError::Intake(e)) => (None, Some(e.to_string())),
            Err(InspectError::Malformed { error, partial }) => {
                (Some(*partial), Some(error.to_string()))
            }
        };
        let insp =
            insp.map(|i| crate::tui::edit::mark_unsigned_because(pin.unsigned.as_deref(), i));
        pin.doc = insp
            .as_ref()
            .map(|i| payload_doc(i, self.at, self.time_display))
            .unwrap_or_default();
        pin.insp = insp;
        pin.error = error;
        let against = self
            .shown_source()
            .filter(|(text, index, _)| !pin.is(text, *index))
            .map(|(text, index, _)| fingerprint(text, index));
        let mut first = None;
        pin.compared = match (against, &pin.insp, self.inspection()) {
            (Some(f), Some(a), Some(b)) => {
                let fresh = pin.compared.as_ref().is_none_or(|c| c.against != f);
                let c = Compared::new(crate::diff::diff(a, b), &pin.doc, &self.shown.payload, f);
                if fresh {
                    pin.scroll = [0; 2];
                    pin.at_change = 0;
                    pin.focus = DiffPart::Payloads;
                }
                Some((c, fresh))
            }
            _ => None,
        }
        .map(|(c, fresh)| {
            first = fresh.then(|| c.starts.first().copied()).flatten();
            c
        });
        self.pin = Some(pin);
        // Another token: the payloads from the top, or from just above its first
        // difference when that is further down than the view.
        if let Some(first) = first {
            let h = self.diff_heights()[0];
            if first + CONTEXT >= h
                && let Some(p) = self.pin.as_mut()
            {
                p.scroll[0] = first.saturating_sub(CONTEXT);
            }
        }
        self.clamp_diff();
    }

    /// Inner heights of the diff view's payloads and verdicts (rows that scroll).
    fn diff_heights(&self) -> [usize; 2] {
        let l = view::layout(self, Rect::new(0, 0, self.size.0, self.size.1));
        [
            l.left.height.saturating_sub(2) as usize,
            view::verdict_rows(l.verdicts),
        ]
    }

    /// Rows of each part of the diff view.
    fn diff_len(&self) -> [usize; 2] {
        let rows = self
            .pin
            .as_ref()
            .and_then(|p| p.compared.as_ref())
            .map_or(0, |c| c.rows.len());
        [rows, view::verdict_len(self)]
    }

    /// Keep both parts' scroll within their content (after a resize or a new comparison).
    pub(crate) fn clamp_diff(&mut self) {
        let (h, len) = (self.diff_heights(), self.diff_len());
        if let Some(pin) = self.pin.as_mut() {
            for i in 0..2 {
                pin.scroll[i] = pin.scroll[i].min(len[i].saturating_sub(h[i]));
            }
        }
    }

    fn scroll_diff(&mut self, part: DiffPart, delta: i64) {
        let (h, len) = (self.diff_heights(), self.diff_len());
        let i = part.index();
        if let Some(pin) = self.pin.as_mut() {
            pin.scroll[i] = step(pin.scroll[i], delta, len[i].saturating_sub(h[i]));
        }
    }

    /// The part of the diff view under a point.
    fn diff_part_at(&self, column: u16, row: u16) -> Option<DiffPart> {
        let l = view::layout(self, Rect::new(0, 0, self.size.0, self.size.1));
        let p = Position::new(column, row);
        if l.left.contains(p) || l.right.contains(p) {
            Some(DiffPart::Payloads)
        } else if l.verdicts.contains(p) {
            Some(DiffPart::Verdicts)
        } else {
            None
        }
    }

    /// Enter in the diff view: the next difference of the payloads (after the one in view),
    /// back to the first after the last.
    fn next_difference(&mut self) {
        let h = self.diff_heights()[0];
        let Some(pin) = self.pin.as_mut() else {
            return;
        };
        let Some(c) = pin.compared.as_ref() else {
            return;
        };
        let n = c.starts.len();
        if n == 0 {
            self.info("the payloads are the same: the differences are in the verdicts below");
            return;
        }
        let top = pin.scroll[0];
        let in_view = |r: usize| r >= top && r < top + h;
        let next = match c.starts.get(pin.at_change) {
            Some(&r) if in_view(r) => (pin.at_change + 1) % n,
            _ => c.starts.iter().position(|&r| r >= top).unwrap_or(0),
        };
        pin.at_change = next;
        pin.focus = DiffPart::Payloads;
        let row = c.starts[next];
        let what = c
            .change_at(row)
            .and_then(|i| c.diff.payload.get(i))
            .map(|ch| {
                let path = if ch.path.is_empty() {
                    "the whole payload".to_string()
                } else {
                    crate::escape::line(&ch.path).into_owned()
                };
                format!("{path} {}", ch.change.as_str().replace('_', " "))
            })
            .unwrap_or_default();
        pin.scroll[0] = row.saturating_sub(CONTEXT);
        self.clamp_diff();
        self.info(format!("difference {} of {n}: {what}", next + 1));
    }

    /// An action while the diff view is shown; false when it is not the view's.
    pub(crate) fn diff_action(&mut self, action: &Action) -> bool {
        let Some(focus) = self.pin.as_ref().map(|p| p.focus) else {
            return false;
        };
        let page = |me: &App, part: DiffPart| {
            me.diff_heights()[part.index()].saturating_sub(1).max(1) as i64
        };
        match action {
            Action::Up => self.scroll_diff(focus, -1),
            Action::Down => self.scroll_diff(focus, 1),
            Action::PageUp => self.scroll_diff(focus, -page(self, focus)),
            Action::PageDown => self.scroll_diff(focus, page(self, focus)),
            Action::Top => self.scroll_diff(focus, i64::MIN / 2),
            Action::Bottom => self.scroll_diff(focus, i64::MAX / 2),
            Action::FocusNext | Action::FocusPrev => {
                if let Some(p) = self.pin.as_mut() {
                    p.focus = focus.other();
                }
            }
            Action::Select => self.next_difference(),
            Action::Scroll { delta, column, row } => {
                if let Some(part) = self.diff_part_at(*column, *row) {
                    self.scroll_diff(part, i64::from(*delta));
                }
            }
            Action::Click { column, row } => {
                if let (Some(part), Some(p)) = (self.diff_part_at(*column, *row), self.pin.as_mut())
                {
                    p.focus = part;
                }
            }
            Action::Resize(w, h) => {
                self.size = (*w, *h);
                self.clamp_all();
                self.clamp_diff();
            }
            _ => return false,
        }
        true
    }
}
