//! The log browser's part of `update`: opening a log, taking the rows the engine sends,
//! moving and filtering the list, opening a row in the token panes and coming back to it.

use std::path::PathBuf;

use super::{Action, App, Effect, KeySource, PromptKind};
use crate::batch::follow::{Event, Stop};
use crate::tui::action::BrowseJob;
use crate::tui::browser::{self, Browser, News};
use crate::tui::jobs::Job;

impl App {
    /// Open the log at `path` in the browser (with `follow`, following it as it grows); the
    /// engine fills it in the background (under test: here, to the log's end). A browser
    /// open before stops following.
    pub fn browse(&mut self, path: PathBuf, follow: bool) {
        self.stop_following();
        self.browsers += 1;
        let stop = follow.then(Stop::new);
        self.browser = Some(Browser::new(self.browsers, path.clone(), stop.clone()));
        let store = match &self.keys {
            KeySource::Store { store, cache } => Some((store.clone(), cache.clone())),
            KeySource::Memory => None,
        };
        let job = BrowseJob {
            id: self.browsers,
            path,
            follow: stop,
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
        let result = browser::fill(&job.path, &self.ring, &opts, 1, None, |n| {
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
        (self.size.1 as usize).saturating_sub(5).max(1)
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
            Action::Select => self.open_row(),
            Action::BrowseFilterPrompt => {
                let input = b.filter.clone();
                self.modal = super::Modal::Prompt {
                    kind: PromptKind::BrowseFilter,
                    input,
                };
            }
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
            News::Rows(rows) => {
                // Following, a selection on the last row stays on the last row (but for a
                // row open in the panes: Esc comes back to it).
                let tail = b.follow.is_some() && !b.opened && b.sel + 1 >= b.shown.len();
                b.extend(rows);
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
                let path = b.path.display().to_string();
                self.info(format!(
                    "'{path}' was {}: its rows start again at line 1 (earlier rows dimmed)",
                    how.as_str()
                ));
            }
            News::Followed(event) => {
                if let Event::Unreadable(why) = &event {
                    let path = b.path.display().to_string();
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
                b.path.display()
            );
            self.error(text);
            return;
        }
        let job = Job::ReadLogLine {
            path: b.path.clone(),
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
                if let Some(b) = self.browser.as_mut() {
                    b.opened = true;
                }
                self.info(format!(
                    "line {line} of the log · Esc goes back to the list"
                ));
            }
            Err(e) => self.error(e),
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
