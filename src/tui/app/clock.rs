//! The clock's part of `update`: while the view is at "now", each second moves the token
//! shown (and the pinned one) to the new instant. Only what depends on the instant changes:
//! the instant, the time findings' messages (and the checklist lines that quote them), the
//! time claims' notes and the comparison's time rows. A token is inspected again only when
//! a time rule's outcome changes on the way (`tui::instant`), so an idle view of a 1 MB
//! token costs a few string formats a second, not an inspection.

use super::App;
use super::lines::retime;
use crate::tui::instant::{Reworded, move_to};

impl App {
    /// A second passed on the wall clock.
    pub(crate) fn tick(&mut self) {
        let now = self.clock.now();
        if now == self.at {
            return;
        }
        let reworded = match self.shown.insp.as_mut() {
            Some(insp) => move_to(insp, now),
            None => Some(Vec::new()),
        };
        let Some(reworded) = reworded else {
            // An outcome changes: the verdict must be the one `inspect --at now` gives.
            self.reinspect();
            return;
        };
        self.at = now;
        retime(&mut self.shown.payload, now, self.time_display);
        reword(&mut self.shown.checks, &reworded);
        self.tick_pin(now);
    }

    /// The pinned token at the new instant, and its comparison with the token shown.
    fn tick_pin(&mut self, now: i64) {
        let Some(pin) = self.pin.as_mut() else {
            return;
        };
        if let Some(insp) = pin.insp.as_mut()
            && move_to(insp, now).is_none()
        {
            self.refresh_pin();
            return;
        }
        retime(&mut pin.doc, now, self.time_display);
        if let (Some(a), Some(b)) = (pin.insp.as_ref(), self.shown.insp.as_ref())
            && let Some(c) = pin.compared.as_mut()
        {
            crate::diff::diff_moved(&mut c.diff, a, b);
        }
    }
}

/// The checklist lines that quote a finding whose message changed.
fn reword(checks: &mut [crate::rules::checklist::ClaimCheck], reworded: &[Reworded]) {
    for check in checks {
        if let Some((_, new)) = reworded.iter().find(|(old, _)| *old == check.note) {
            check.note = new.clone();
        }
    }
}
