//! The one place the TUI's state changes: `App::update(Action)`, with its parts by concern:
//! `input` maps terminal events to actions, `scroll` moves views and cursors, `token` opens
//! and inspects tokens, `clock` moves them to the next second, `keys` adds, generates and
//! deletes keys, `work` queues slow jobs and applies their outcomes, `edit` is edit mode,
//! `lines` shapes the Header and Payload text.

mod browse;
mod clock;
mod edit;
mod input;
mod keys;
mod lines;
mod pin;
mod scroll;
mod token;
mod work;

use ratatui::layout::Rect;
use zeroize::Zeroizing;

use super::keymap::KeyMap;
pub use super::state::*;
use super::theme::Theme;
pub use super::widgets::common::{format_instant, format_instant_short};
use crate::cli::TimeDisplay;
use crate::keys::KeyRing;
use crate::time::Clock;
pub(crate) use lines::expand_home;
use scroll::step;

impl App {
    /// An app over `ring`, with no token yet.
    pub fn new(ring: KeyRing, keys: KeySource, theme: Theme, clock: Clock) -> App {
        let mut app = App {
            keymap: KeyMap::default(),
            theme,
            ring,
            keys,
            key_rows: Vec::new(),
            history: Vec::new(),
            current: None,
            shown: Shown::default(),
            at: clock.now(),
            pinned: false,
            clock,
            focus: Pane::Payload,
            lower: Pane::Verdict,
            scroll: [0; 6],
            finding_sel: 0,
            key_sel: 0,
            modal: Modal::None,
            message: None,
            mouse_capture: true,
            size: (100, 30),
            effects: Vec::new(),
            quit: false,
            redact_volatile: false,
            demo: false,
            edit: None,
            folded: Default::default(),
            skew: crate::config::defaults::SKEW,
            max_pbes2_count: crate::limits::MAX_PBES2_COUNT,
            time_display: TimeDisplay::Utc,
            campaigns: Vec::new(),
            campaign: None,
            revealed: None,
            help_scroll: 0,
            background: false,
            pending: 0,
            cursor: [0; 2],
            browser: None,
            campaign_file: None,
            pin: None,
            browsers: 0,
            inspections: 0,
        };
        app.refresh_key_rows();
        app
    }

    /// The demo at a fixed instant with a fixed terminal size and stable rendering: what the
    /// snapshot tests draw. `clock` is pinned to `at` so `n` keeps snapshots stable too.
    pub fn demo_for_tests(at: i64, width: u16, height: u16) -> Result<App, String> {
        let mut app = App::demo(Theme::dark(), Clock::Fixed(at))?;
        app.redact_volatile = true;
        app.size = (width, height);
        app.pinned = true;
        app.at = at;
        app.reinspect();
        Ok(app)
    }

    /// `tokenscope --demo`.
    pub fn demo(theme: Theme, clock: Clock) -> Result<App, String> {
        let now = clock.now();
        let (ring, tokens) = super::demo::build(now)?;
        let mut app = App::new(ring, KeySource::Memory, theme, clock);
        app.demo = true;
        app.refresh_key_rows();
        app.history = tokens
            .into_iter()
            .map(|t| Entry {
                label: t.label.to_string(),
                text: t.text,
                index: 0,
            })
            .collect();
        app.current = Some(0);
        app.reinspect();
        Ok(app)
    }

    /// Open a token (argument or file) as the first history entry.
    pub fn open_text(&mut self, label: &str, text: String) {
        self.history.push(Entry {
            label: label.to_string(),
            text,
            index: 0,
        });
        self.current = Some(self.history.len() - 1);
        self.reinspect();
    }

    /// The only place state changes.
    pub fn update(&mut self, action: Action) {
        // A message lasts until the next thing the user does.
        // A job's end is not the user's doing: its outcome sets the message it needs.
        if !matches!(
            action,
            Action::Resize(..)
                | Action::Scroll { .. }
                | Action::Done(_)
                | Action::Tick
                | Action::Browse { .. }
        ) {
            self.message = None;
        }
        if matches!(self.modal, Modal::Export { .. })
            && matches!(
                action,
                Action::Up | Action::Down | Action::Char(_) | Action::Submit
            )
        {
            self.export_menu(action);
            return;
        }
        if matches!(self.modal, Modal::Pick { .. })
            && matches!(
                action,
                Action::Up | Action::Down | Action::Char(_) | Action::Submit
            )
        {
            self.pick_menu(action);
            return;
        }
        if matches!(self.modal, Modal::Generate { .. })
            && matches!(
                action,
                Action::Up | Action::Down | Action::Char(_) | Action::Submit
            )
        {
            self.generate_menu(action);
            return;
        }
        if matches!(self.modal, Modal::Encoding(_))
            && matches!(
                action,
                Action::Up | Action::Down | Action::Char(_) | Action::Submit
            )
        {
            self.encoding_menu(action);
            return;
        }
        if self.modal == Modal::Help
            && matches!(
                action,
                Action::Up
                    | Action::Down
                    | Action::PageUp
                    | Action::PageDown
                    | Action::Top
                    | Action::Bottom
            )
        {
            self.scroll_help(&action);
            return;
        }
        if let Action::Browse { browse, news } = action {
            self.browse_news(browse, news);
            return;
        }
        if self.browsing() && self.modal == Modal::None && self.browse_action(&action) {
            return;
        }
        if self.diff_shown() && self.modal == Modal::None && self.diff_action(&action) {
            return;
        }
        match action {
            a @ (Action::ToggleEdit
            | Action::Edit(_)
            | Action::Editor(_)
            | Action::ExternalEdited(_)) => self.update_edit(a),
            a @ (Action::Pin | Action::Unpin | Action::ToggleDiff) => self.update_pin(a),
            // Only the list takes these (see `browse_action`).
            Action::Browse { .. }
            | Action::BrowseFilterPrompt
            | Action::BrowseGroup
            | Action::BrowseSummary => {}
            Action::Tick => {
                if self.ticking() {
                    self.tick();
                }
            }
            Action::Done(done) => {
                self.pending = self.pending.saturating_sub(1);
                if let Some(outcome) = done.take() {
                    self.apply(outcome);
                }
            }
            Action::Notice { text, error } => {
                self.message = Some(Message { text, error });
            }
            Action::ToggleFold => self.toggle_fold(),
            Action::SkewPrompt => {
                let input = self.skew.to_string();
                self.modal = Modal::Prompt {
                    kind: PromptKind::Skew,
                    input,
                };
            }
            Action::Quit => {
                self.stop_following();
                self.quit = true;
            }
            Action::ToggleHelp => {
                self.help_scroll = 0;
                self.modal = Modal::Help;
            }
            Action::FocusNext => self.set_focus(self.focus.next()),
            Action::FocusPrev => self.set_focus(self.focus.prev()),
            Action::Focus(p) => self.set_focus(p),
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_page(-1),
            Action::PageDown => self.move_page(1),
            Action::Top => self.move_by(i64::MIN / 2),
            Action::Bottom => self.move_by(i64::MAX / 2),
            Action::Select => {
                if self.selected_finding().is_some() {
                    self.modal = Modal::Detail;
                } else {
                    self.info("no finding selected");
                }
            }
            Action::HistoryPrev => self.flip(-1),
            Action::HistoryNext => self.flip(1),
            Action::ReadClipboard => self.effects.push(Effect::ReadClipboard),
            Action::ClipboardFailed(e) => self.error(format!("clipboard: {e}")),
            Action::OpenFilePrompt => self.prompt(PromptKind::OpenFile),
            Action::TimePrompt => self.prompt(PromptKind::Time),
            Action::StepTime(delta) => {
                self.at = self.at.saturating_add(delta);
                self.pinned = true;
                self.reinspect();
            }
            Action::TimeNow => {
                self.pinned = false;
                self.reinspect();
            }
            Action::AddKeyPrompt => self.prompt(PromptKind::KeyMaterial),
            Action::AddKeyFilePrompt => self.prompt(PromptKind::KeyFile),
            Action::GenerateKeyMenu => self.modal = Modal::Generate { sel: 0 },
            Action::ToggleReveal => self.toggle_reveal(),
            Action::DeleteKeyPrompt => match self.key_rows.get(self.key_sel) {
                Some(row) => {
                    self.modal = Modal::ConfirmDelete {
                        name: row.name.clone(),
                    }
                }
                None => self.info("no key to delete (focus the Keys pane and pick one)"),
            },
            Action::CopyReport => match &self.shown.insp {
                Some(insp) => {
                    let command = format!(
                        "tokenscope inspect --at {} --skew {} --profile {} --file token.txt",
                        insp.evaluated_at_rfc3339, insp.skew, insp.verdict.profile
                    );
                    let text =
                        crate::ticket::render(insp, crate::ticket::Redact::Personal, &command);
                    self.effects.push(Effect::CopyToClipboard {
                        text,
                        what: "Markdown report".to_string(),
                    });
                }
                None => self.info("no token to report on: paste one first"),
            },
            Action::ToggleMouse => {
                self.mouse_capture = !self.mouse_capture;
                self.effects
                    .push(Effect::SetMouseCapture(self.mouse_capture));
                self.info(if self.mouse_capture {
                    "mouse capture on: wheel scrolls, click focuses"
                } else {
                    "mouse capture off: select text with the mouse; m turns it back on"
                });
            }
            Action::Paste(text) => self.paste(text),
            Action::Scroll { delta, column, row } => {
                if let Some(p) = self.pane_at(column, row) {
                    let saved = self.focus;
                    self.focus = p;
                    self.scroll_by(p, delta as i64);
                    self.focus = saved;
                }
            }
            Action::Click { column, row } => {
                if let Some(p) = self.pane_at(column, row) {
                    self.set_focus(p);
                }
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_all();
            }
            // Tab in a path prompt (`input` sends it only there): complete the path.
            Action::Char('\t') => self.complete_path(),
            Action::Char(c) => {
                if let Modal::Prompt { input, .. } = &mut self.modal {
                    input.push(c);
                }
            }
            Action::Backspace => {
                if let Modal::Prompt { input, .. } = &mut self.modal {
                    input.pop();
                }
            }
            Action::ClearInput => {
                if let Modal::Prompt { input, .. } = &mut self.modal {
                    input.clear();
                }
            }
            Action::Cancel => {
                if self.modal == Modal::None && self.browser.as_ref().is_some_and(|b| b.opened) {
                    self.back_to_list();
                }
                self.modal = Modal::None;
            }
            Action::Submit => self.submit(),
        }
    }

    pub(crate) fn scroll_help(&mut self, action: &Action) {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        let (rows, shown) = super::widgets::help::extent(self, area);
        let page = shown.saturating_sub(1).max(1) as i64;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => i64::MIN / 2,
            _ => i64::MAX / 2,
        };
        self.help_scroll = step(self.help_scroll, delta, rows.saturating_sub(shown));
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    pub(crate) fn prompt(&mut self, kind: PromptKind) {
        self.modal = Modal::Prompt {
            kind,
            input: String::new(),
        };
    }

    pub(crate) fn submit(&mut self) {
        let modal = std::mem::replace(&mut self.modal, Modal::None);
        match modal {
            Modal::Prompt { kind, input } => match kind {
                PromptKind::Time => {
                    if input.trim().is_empty() || input.trim() == "now" {
                        self.update(Action::TimeNow);
                        return;
                    }
                    match crate::time::parse_instant(&input) {
                        Ok(at) => {
                            self.at = at;
                            self.pinned = true;
                            self.reinspect();
                        }
                        Err(e) => {
                            self.modal = Modal::Prompt {
                                kind: PromptKind::Time,
                                input,
                            };
                            self.error(e);
                        }
                    }
                }
                PromptKind::OpenFile => self.open_file(input.trim()),
                PromptKind::KeyMaterial => {
                    if input.trim().is_empty() {
                        self.info("no key added");
                        return;
                    }
                    let name = self.free_key_name();
                    self.modal = Modal::Prompt {
                        kind: PromptKind::KeyName {
                            material: Zeroizing::new(input),
                        },
                        input: name,
                    };
                }
                PromptKind::KeyName { material } => self.add_key(input.trim(), material),
                PromptKind::Claim { path } => self.set_claim(path, &input),
                PromptKind::ExportFile { format } => self.export_to_file(format, input.trim()),
                PromptKind::BaseUrl { sel } => self.set_base_url(input.trim(), sel),
                PromptKind::KeyFile => self.key_file(input.trim()),
                PromptKind::GenerateName { kind } => self.generate_key(kind, input.trim()),
                PromptKind::BrowseFilter => self.filter_rows(&input),
                PromptKind::Skew => match input.trim().parse::<i64>() {
                    Ok(s) if (0..=crate::config::MAX_SKEW).contains(&s) => {
                        self.skew = s;
                        self.reinspect();
                        let word = self
                            .inspection()
                            .map_or("no token", |i| i.overall().label());
                        self.info(format!("clock skew {s} s: token {word}"));
                    }
                    _ => {
                        self.modal = Modal::Prompt {
                            kind: PromptKind::Skew,
                            input: input.clone(),
                        };
                        self.error(format!(
                            "skew '{}': expected whole seconds from 0 to {} (a year), as --skew",
                            input.trim(),
                            crate::config::MAX_SKEW
                        ));
                    }
                },
            },
            Modal::ConfirmDelete { name } => self.delete_key(&name),
            Modal::ConfirmLeaveEdit => self.drop_edit(),
            other => self.modal = other,
        }
    }
}

#[cfg(test)]
mod tests;
