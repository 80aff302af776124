//! The log browser's part of `update`: opening a log (or a paste holding many tokens),
//! taking the rows the engine sends, moving, filtering and grouping the list, the summary,
//! opening a row in the token panes and coming back to it.

use super::{Action, App, Effect, KeySource, PromptKind};
use crate::batch::follow::{Event, Stop};
use crate::tui::action::BrowseJob;
use crate::tui::browser::{self, Browser, News, Source, View};
use crate::tui::jobs::Job;

impl App {
    /// Open `source` in the browser (with `follow`, following a log file as it grows); the
    /// engine fills it in the background (under test: here, to the log's end). A browser
    /// open before stops following.
    pub fn browse(&mut self, source: Source, follow: bool) {
        self.stop_following();
        self.browsers += 1;
        let follow = follow && matches!(source, Source::File(_));
        let mut b = Browser::new(self.browsers, source, follow.then(Stop::new));
        if let Some(c) = &self.campaign_file {
            b.prizes = c.prizes.map(|n| (c.id.clone(), n));
            b.summary.track(&c.id);
        }
        self.fill(b);
    }

    /// Read the open log again (the keys changed): the filter, the view and the selected
    /// line stay.
    pub(crate) fn browse_again(&mut self) {
        self.stop_following();
        if let Some(b) = self.browser.as_ref() {
            self.browsers += 1;
            let again = b.again(self.browsers, Some(Stop::new()));
            self.fill(again);
        }
    }

    /// Show `b` and have the engine fill it.
    fn fill(&mut self, b: Browser) {
        let (id, source) = (b.id, b.source.clone());
        let follow = b.follow.as_ref().map(|f| f.stop.clone());
        self.browser = Some(b);
        let store = match &self.keys {
            KeySource::Store { store, cache } => Some((store.clone(), cache.clone())),
            KeySource::Memory => None,
        };
        let job = BrowseJob {
            id,
            source,
            follow,
            campaign: self.campaign_file.clone(),
            store,
            at: self.at,
            skew: self.skew,
            max_pbes2_count: self.max_pbes2_count,
        };
        if self.background {
            self.effects.push(Effect::Browse(job));
            return;
        }
        let news = std::cell::RefCell::new(Vec::new());
        let opts = job.options(self.campaigns.clone());
        let result = browser::fill(&job.source, &self.ring, &opts, 1, None, |n| {
            news.borrow_mut().push(n)
        });
        for n in news.into_inner() {
            self.browse_news(job.id, n);
        }
        self.browse_news(job.id, News::Done(result.err()));
    }

    /// Stop the follower of the browser open, if it follows its log.
    pub(crate) fn stop_following(&mut self) {
        if let Some(f) = self.browser.as_ref().and_then(|b| b.follow.as_ref()) {
            f.stop.stop();
        }
    }

    /// Rows the list shows: the terminal less the header, the column titles and the bars.
    pub(crate) fn list_height(&self) -> usize {
        (self.size.1 as usize).saturating_sub(6).max(1)
    }

    /// An action while the list fills the screen; false when it is not the list's.
    pub(crate) fn browse_action(&mut self, action: &Action) -> bool {
        let height = self.list_height();
        let Some(b) = self.browser.as_mut() else {
            return false;
        };
        match action {
            Action::Up => b.move_by(-1, height),
            Action::Down => b.move_by(1, height),
            Action::PageUp => b.move_by(-(height as i64), height),
            Action::PageDown => b.move_by(height as i64, height),
            Action::Top => b.move_by(i64::MIN / 2, height),
            Action::Bottom => b.move_by(i64::MAX / 2, height),
            Action::Select => match &b.view {
                View::List => self.open_row(),
                View::Groups(g) => match g.filter_word() {
                    Some(word) => {
                        b.narrow(&word);
                        b.view = View::List;
                        let (shown, all) = (b.shown.len(), b.rows.len());
                        self.info(format!(
                            "{shown} of {all} rows (Esc clears the filter, Tab groups them again)"
                        ));
                    }
                    None => self.info("no group to open"),
                },
                View::Summary { .. } => b.view = View::List,
            },
            Action::BrowseFilterPrompt => {
                let input = b.filter.clone();
                self.modal = super::Modal::Prompt {
                    kind: PromptKind::BrowseFilter,
                    input,
                };
            }
            Action::BrowseGroup => {
                let next = b.next_grouping();
                b.group_by(next);
                match next {
                    Some(by) => self.info(format!(
                        "rows by {}: Enter shows a group's rows, Tab groups by the next field",
                        by.name()
                    )),
                    None => self.info("the rows again"),
                }
            }
            Action::BrowseSummary => {
                b.view = match b.view {
                    View::Summary { .. } => View::List,
                    _ => View::Summary { scroll: 0 },
                };
            }
            Action::ToggleReveal => {
                b.reveal = !b.reveal;
                let on = b.reveal;
                self.info(if on {
                    "sub shown in full (r masks it again)"
                } else {
                    "sub masked"
                });
            }
            // `P` on a row: its token pinned, the list kept on screen.
            Action::Pin if matches!(b.view, View::List) => {
                b.pin_on_open = true;
                self.open_row();
            }
            Action::Cancel if !matches!(b.view, View::List) => b.view = View::List,
            Action::Cancel if !b.filter.is_empty() => {
                b.set_filter("");
                self.info("filter cleared: every row shows");
            }
            _ => return false,
        }
        true
    }

    /// News from the engine filling browser `browse`: rows, what happened to a followed log,
    /// its end. A browser closed since hears nothing more.
    pub(crate) fn browse_news(&mut self, browse: u64, news: News) {
        let height = self.list_height();
        let Some(b) = self.browser.as_mut().filter(|b| b.id == browse) else {
            return;
        };
        match news {
            News::Opened(file) => b.file = Some(file),
            News::Rows(part) => {
                // Following, a selection on the last row stays on the last row (but for a
                // row open in the panes: Esc comes back to it).
                let tail = b.follow.is_some()
                    && !b.opened
                    && matches!(b.view, View::List)
                    && b.want_line.is_none()
                    && b.sel + 1 >= b.shown.len();
                b.extend(part);
                if tail {
                    b.move_by(i64::MAX / 2, height);
                }
            }
            News::Followed(Event::Rotated {
                generation,
                how,
                file,
            }) => {
                b.file = file;
                if let Some(f) = b.follow.as_mut() {
                    (f.generation, f.rotated, f.waiting) = (generation, Some(how), None);
                }
                let path = b.source.label();
                self.info(format!(
                    "'{path}' was {}: its rows start again at line 1 (earlier rows dimmed)",
                    how.as_str()
                ));
            }
            News::Followed(event) => {
                if let Event::Unreadable(why) = &event {
                    let path = b.source.label();
                    self.error(format!(
                        "'{path}' is another file now, which cannot be read ({why}): waiting for it"
                    ));
                }
                if let Some(f) = self.browser.as_mut().and_then(|b| b.follow.as_mut()) {
                    f.waiting = (event != Event::Found).then_some(event);
                }
            }
            News::Done(error) => {
                b.done = true;
                b.error = error.clone();
                if let Some(e) = error {
                    self.error(format!("log not read to the end: {e}"));
                }
            }
        }
    }

    pub(crate) fn filter_rows(&mut self, filter: &str) {
        let Some(b) = self.browser.as_mut() else {
            return;
        };
        b.set_filter(filter);
        let (shown, all) = (b.shown.len(), b.rows.len());
        self.info(format!("{shown} of {all} rows (Esc shows them all)"));
    }

    /// Read the selected row's line again (a job) to show its token in the panes.
    pub(crate) fn open_row(&mut self) {
        let Some(b) = self.browser.as_ref() else {
            return;
        };
        let Some(row) = b.selected() else {
            self.info("no row to open");
            return;
        };
        if row.generation != b.generation() {
            let how = b
                .follow
                .as_ref()
                .and_then(|f| f.rotated)
                .map_or("rotated", |r| r.as_str());
            let text = format!(
                "line {} is from before the log was {how}: it is not in '{}' any more",
                row.line,
                b.source.label()
            );
            if let Some(b) = self.browser.as_mut() {
                b.pin_on_open = false;
            }
            self.error(text);
            return;
        }
        let job = Job::ReadLogLine {
            source: b.source.clone(),
            line: row.line,
            offset: row.offset,
            file: b.file,
        };
        self.run(job);
    }

    /// The row's line, read again: its token in the panes.
    pub(crate) fn row_opened(&mut self, line: usize, text: Result<String, String>) {
        match text {
            Ok(text) => {
                self.open_text(&format!("line {line}"), text);
                let pin = self
                    .browser
                    .as_mut()
                    .is_some_and(|b| std::mem::take(&mut b.pin_on_open));
                if pin {
                    // Pinned from the list: the list stays; the next row opened is compared.
                    self.update_pin(Action::Pin);
                    return;
                }
                if let Some(b) = self.browser.as_mut() {
                    b.opened = true;
                }
                self.info(format!(
                    "line {line} of the log · Esc goes back to the list"
                ));
            }
            Err(e) => {
                if let Some(b) = self.browser.as_mut() {
                    b.pin_on_open = false;
                }
                self.error(e)
            }
        }
    }

    /// Back from a row's token to the list, at the same row.
    pub(crate) fn back_to_list(&mut self) {
        self.leave_edit();
        if let Some(b) = self.browser.as_mut() {
            b.opened = false;
        }
    }
}
