//! Opening tokens (paste, file, argument) into the history, inspecting the one shown, and
//! folding its Header and Payload.

use super::lines::{expand_home, header_doc, payload_doc};
use super::{Action, App, Entry, Modal, Pane, PickRow, PromptKind, Shown};
use crate::inspect::{InspectError, Options, configured_campaign, inspect_text_nth};
use crate::json_lines::JsonDoc;
use crate::rules::checklist::claim_checks;
use crate::tui::edit::json_editor::EditorOp;
use crate::tui::fold::{self, Visible};
use crate::tui::jobs::Job;

impl App {
    pub(crate) fn paste(&mut self, text: String) {
        if let Modal::Prompt { kind, input } = &mut self.modal {
            match kind {
                PromptKind::KeyMaterial => input.push_str(&text),
                _ => input.push_str(text.trim()),
            }
            return;
        }
        if let Modal::Editor(ed) = &mut self.modal {
            for c in text.chars() {
                match c {
                    '\n' => ed.apply(EditorOp::Newline),
                    '\r' => {}
                    c => ed.apply(EditorOp::Insert(c)),
                }
            }
            return;
        }
        if !matches!(self.modal, Modal::None) {
            return;
        }
        // A log pasted whole (tokens on many lines): the log browser, as a file would.
        if crate::tui::browser::is_log(&text) {
            self.leave_edit();
            self.browse(
                crate::tui::browser::Source::Text(text.into_bytes().into()),
                false,
            );
            self.info(
                "pasted text: a token on each of many lines, in the log browser (Enter opens one)",
            );
            return;
        }
        let before = self.history.len();
        self.open_pasted("pasted", text);
        // Over the log browser's list: the pasted token in the panes, Esc back to the list.
        if let Some(b) = self.browser.as_mut().filter(|b| !b.opened)
            && self.history.len() > before
        {
            b.opened = true;
        }
    }

    /// Inspect pasted text; when it holds no token, keep the current view and say why.
    pub(crate) fn open_pasted(&mut self, label: &str, text: String) {
        let intake = match crate::token::find_token(&text) {
            Ok(intake) => intake,
            Err(e) => {
                self.error(format!("no token in the pasted text: {e}"));
                return;
            }
        };
        self.history.push(Entry {
            label: label.to_string(),
            text,
            index: 0,
        });
        self.current = Some(self.history.len() - 1);
        self.leave_edit();
        self.reset_view();
        self.reinspect();
        self.info(format!(
            "{label}: token {} of {} (< > flip through the history)",
            self.history.len(),
            self.history.len()
        ));
        // Several tokens in one paste (a ticket quoting two): choose which one to see.
        if intake.others > 0 {
            let rows = std::iter::once(&intake.token)
                .chain(&intake.alternatives)
                .map(|t| pick_row(t))
                .collect();
            self.modal = Modal::Pick { sel: 0, rows };
            self.info(format!(
                "{label}: {} tokens in the text: choose one (Enter), Esc keeps the first",
                intake.others + 1
            ));
        }
    }

    /// Keys in the token picker: move, pick by number, Enter shows the chosen token.
    pub(crate) fn pick_menu(&mut self, action: Action) {
        let Modal::Pick { sel, rows } = &mut self.modal else {
            return;
        };
        let n = rows.len().max(1);
        match action {
            Action::Up => *sel = (*sel + n - 1) % n,
            Action::Down => *sel = (*sel + 1) % n,
            Action::Char(c @ '1'..='9') => *sel = (c as usize - '1' as usize).min(n - 1),
            Action::Submit => {
                let chosen = *sel;
                self.modal = Modal::None;
                if let Some(entry) = self.current.and_then(|i| self.history.get_mut(i)) {
                    entry.index = chosen;
                }
                self.reset_view();
                self.reinspect();
                self.info(format!("token {} of {n} in the text", chosen + 1));
            }
            _ => {}
        }
    }

    pub(crate) fn open_file(&mut self, path: &str) {
        if path.is_empty() {
            return;
        }
        self.run(Job::ReadTokenFile(expand_home(path)));
    }

    /// Inspect the current token again (new token, new keys, new instant), and the pinned
    /// one with it (at the same instant).
    pub fn reinspect(&mut self) {
        if !self.pinned {
            self.at = self.clock.now();
        }
        self.inspect_shown();
        self.refresh_pin();
    }

    /// How tokens are inspected: the view's instant, skew, PBES2 bound and campaigns.
    pub(crate) fn options(&self) -> Options {
        // Configured campaigns: the one whose id is the token's campaignId, or the only one
        // (as `inspect --campaign FILE` would check it); the core picks it.
        Options {
            at: self.at,
            skew: self.skew,
            campaigns: self.campaigns.clone(),
            max_pbes2_count: self.max_pbes2_count,
            ..Options::default()
        }
    }

    fn inspect_shown(&mut self) {
        // What was shown goes before the new inspection is made: a 1 MB token's two
        // inspections and layouts are never held at once.
        let before = std::mem::take(&mut self.shown);
        drop(before);
        self.inspections += 1;
        let Some(entry) = self.current.and_then(|i| self.history.get(i)) else {
            self.refresh_visible();
            return;
        };
        let text = match &self.edit {
            Some(edit) => match &edit.token {
                Ok(token) => token,
                Err(e) => {
                    self.shown.error = Some(format!("EDITED token not signed: {e}"));
                    self.refresh_visible();
                    return;
                }
            },
            None => &entry.text,
        };
        let opts = self.options();
        let index = if self.edit.is_some() { 0 } else { entry.index };
        let (insp, error) = match inspect_text_nth(text, index, &self.ring, &opts) {
            Ok(i) => (Some(i), None),
            Err(InspectError::Intake(e)) => (None, Some(e.to_string())),
            Err(InspectError::Malformed { error, partial }) => {
                (Some(*partial), Some(error.to_string()))
            }
        };
        let insp = insp.map(|i| crate::tui::edit::mark_unsigned(self.edit.as_ref(), i));
        self.campaign = insp
            .as_ref()
            .and_then(|i| configured_campaign(&self.campaigns, i.tally.campaign_id.as_deref()))
            .map(|c| c.id.clone());
        self.shown = Shown {
            header: insp.as_ref().map(header_doc).unwrap_or_default(),
            payload: insp
                .as_ref()
                .map(|i| payload_doc(i, self.at, self.time_display))
                .unwrap_or_default(),
            checks: insp.as_ref().map(claim_checks).unwrap_or_default(),
            token_plain: insp.as_ref().is_some_and(crate::tui::widgets::token::plain),
            insp,
            error,
            ..Shown::default()
        };
        self.refresh_visible();
    }

    /// Recompute the visible lines after an inspection or a fold.
    pub fn refresh_visible(&mut self) {
        self.shown.header_visible = Visible::new(&self.shown.header, &self.folded[0]);
        self.shown.payload_visible = Visible::new(&self.shown.payload, &self.folded[1]);
        self.clamp_all();
    }

    /// The JSON pane's document and lines shown, by `cursor`/`folded` slot.
    pub(crate) fn json_pane(&self, slot: usize) -> (&JsonDoc, &Visible) {
        if slot == 0 {
            (&self.shown.header, &self.shown.header_visible)
        } else {
            (&self.shown.payload, &self.shown.payload_visible)
        }
    }

    /// Where the line a JSON pointer names is shown in the Header (`Pane::Header`) or the
    /// Payload pane: its position among the lines shown, None when it is not there or a
    /// fold hides it.
    pub fn shown_position(&self, pane: Pane, pointer: &str) -> Option<usize> {
        let (doc, visible) = self.json_pane(Self::json_slot(pane));
        doc.find(pointer).and_then(|i| visible.position(i))
    }

    /// Fold or unfold, in the focused Header or Payload pane, the object at the cursor line
    /// (or the innermost object holding that line).
    pub(crate) fn toggle_fold(&mut self) {
        let slot = match self.focus {
            Pane::Header if self.edit.is_none() => 0,
            Pane::Payload => 1,
            _ => {
                self.info("folding works in the Header and Payload panes (Tab to focus one)");
                return;
            }
        };
        let (doc, visible) = self.json_pane(slot);
        let Some(line) = visible
            .line(self.cursor[slot])
            .and_then(|i| fold::target(doc, i))
        else {
            self.info("nothing to fold here");
            return;
        };
        let target = doc.pointer(line);
        let set = &mut self.folded[slot];
        if !set.remove(&target) {
            set.insert(target);
        }
        self.refresh_visible();
        // The cursor stays on the folded (or unfolded) line, in view.
        if let Some(n) = self.json_pane(slot).1.position(line) {
            self.cursor[slot] = n;
            self.cursor_in_view(self.focus, true);
        }
    }
}

/// A picker row for one token: its kind, its alg (and enc) and its first characters.
fn pick_row(token: &str) -> PickRow {
    let kind = if token.split('.').count() == 5 {
        "JWE"
    } else {
        "JWS"
    };
    let alg = match token.split('.').next().map(crate::token::decode_header) {
        Some(Ok(h)) => {
            let member = |m: &str| {
                h.map
                    .get(m)
                    .and_then(|v| v.as_str())
                    .map(crate::escape::line)
            };
            match (member("alg"), member("enc")) {
                (Some(a), Some(e)) => format!("{a} {e}"),
                (Some(a), None) => a.to_string(),
                _ => "no alg".to_string(),
            }
        }
        _ => "header unreadable".to_string(),
    };
    // The text came from a paste: never raw on the terminal.
    let preview: String = token.chars().take(32).collect();
    let preview = if token.chars().count() > 32 {
        format!("{}…", crate::escape::line(&preview))
    } else {
        crate::escape::line(&preview).into_owned()
    };
    PickRow { kind, alg, preview }
}
