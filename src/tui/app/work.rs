//! Slow work handed to the event loop (`Effect::Run`), and its outcome applied when it comes
//! back (`Action::Done`): the part of `update` that never blocks.

use super::{Action, App, Effect};
use crate::tui::jobs::{self, Done, Job, Outcome};

impl App {
    /// Queue slow work for the event loop's workers (under test: do it now). The status bar
    /// says what is under way until it is done.
    pub(crate) fn run(&mut self, job: Job) {
        self.pending += 1;
        self.info(job.describe());
        if self.background {
            self.effects.push(Effect::Run(job));
        } else {
            let done = Done::new(jobs::run(job));
            self.update(Action::Done(done));
        }
    }

    /// A job's outcome, applied as the code that queued it would have done in place.
    pub(crate) fn apply(&mut self, outcome: Outcome) {
        // The log browser's rows were checked with the keys before: read the log again.
        let ring_changed = matches!(
            &outcome,
            Outcome::KeyStored { result: Ok(_), .. }
                | Outcome::KeyRemoved { result: Ok(_), .. }
                | Outcome::KeysFetched(Ok(_))
        );
        if ring_changed {
            self.browse_again();
        }
        match outcome {
            Outcome::KeyStored {
                name,
                generated,
                result,
            } => {
                let result = result.map(|(ring, warnings)| {
                    self.ring = ring;
                    warnings
                });
                match generated {
                    None => self.key_added(&name, result),
                    Some(kind) => self.key_generated(kind, &name, result),
                }
            }
            Outcome::KeyRemoved { name, result } => {
                let result = result.map(|ring| self.ring = ring);
                self.key_deleted(&name, result);
            }
            Outcome::KeysFetched(Ok((keys, warnings))) => {
                self.ring.keys.extend(keys);
                self.refresh_key_rows();
                self.resign_edit();
                self.reinspect();
                match warnings.first() {
                    Some(w) => self.error(format!("warning: {w}")),
                    None => self.info("JWKS fetched: the keys are in the Keys pane"),
                }
            }
            Outcome::KeysFetched(Err(e)) => self.error(format!("JWKS not fetched: {e}")),
            Outcome::Generated { kind, name, key } => self.install_generated(kind, &name, key),
            Outcome::TokenFileRead { path, result } => match result {
                // A log (many tokens, a line each) opens in the browser; a ticket with a few
                // opens as a paste would (the picker for several).
                Ok(text) if crate::tui::browser::is_log(&text) => {
                    self.browse(crate::tui::browser::Source::File(path), false)
                }
                Ok(text) => self.open_pasted(&path.display().to_string(), text),
                Err(e) => self.error(e),
            },
            Outcome::KeyFileRead { path, result } => self.key_file_read(&path, result),
            Outcome::LogLineRead { line, result } => self.row_opened(line, result),
            Outcome::ExportWritten {
                path,
                format,
                bytes,
                result,
            } => self.export_written(&path, format, bytes, result),
            Outcome::Failed(what) => self.error(what),
        }
    }
}
