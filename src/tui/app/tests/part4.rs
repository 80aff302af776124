//! The clock: a tick moves the view to the next instant and inspects again only when a time
//! rule's outcome changes on the way; what is shown is what `inspect --at` that instant says.

use super::*;
use crate::report::{Inspection, Overall};
use crate::time::Clock;

/// What `inspect --at` the app's instant says of the token shown (its `--json` and the
/// overall state).
fn inspected_now(app: &App) -> String {
    let entry = &app.history[app.current.unwrap()];
    let insp =
        crate::inspect::inspect_text_nth(&entry.text, entry.index, &app.ring, &app.options())
            .unwrap();
    said(&insp)
}

fn said(i: &Inspection) -> String {
    format!(
        "{}\n{:?}",
        serde_json::to_string_pretty(i).unwrap(),
        i.overall
    )
}

/// The demo's first token (Qualifio, RS256, exp one hour after `AT`) at "now", now being `at`.
fn ticking_demo(at: i64) -> App {
    let mut app = demo();
    app.pinned = false;
    app.clock = Clock::Fixed(at);
    app.reinspect();
    assert!(app.ticking());
    app
}

fn tick_to(app: &mut App, at: i64) {
    app.clock = Clock::Fixed(at);
    app.update(Action::Tick);
    assert_eq!(app.at, at);
}

#[test]
fn a_tick_that_crosses_no_boundary_does_not_inspect_again() {
    let mut app = ticking_demo(AT);
    let before = app.inspections;
    for s in 1..=5 {
        tick_to(&mut app, AT + s);
        assert_eq!(app.inspections, before, "tick {s}");
        assert_eq!(said(app.inspection().unwrap()), inspected_now(&app));
    }
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
    // The status bar shows the new instant.
    let screen = screen(&app);
    assert!(screen.contains("12:00:05Z (now)"), "{screen}");
}

#[test]
fn a_tick_across_exp_flips_the_verdict_as_inspect_at_says() {
    // exp is AT + 3600; with the 60 s skew the token expires at AT + 3660.
    let mut app = ticking_demo(AT + 3658);
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
    let before = app.inspections;
    tick_to(&mut app, AT + 3659);
    assert_eq!(app.inspections, before);
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
    tick_to(&mut app, AT + 3660);
    assert_eq!(app.inspections, before + 1, "exp + skew crossed");
    assert_eq!(app.inspection().unwrap().overall(), Overall::Rejected);
    assert_eq!(said(app.inspection().unwrap()), inspected_now(&app));
    // Expired for one more second: its message quotes the new instant, and so does the
    // checklist line about exp; nothing is inspected.
    tick_to(&mut app, AT + 3661);
    assert_eq!(app.inspections, before + 1);
    assert_eq!(said(app.inspection().unwrap()), inspected_now(&app));
    let expired = app
        .inspection()
        .unwrap()
        .findings
        .iter()
        .find(|f| f.id == "generic.exp.expired")
        .unwrap();
    assert!(expired.message.contains("13:01:01Z"), "{}", expired.message);
    let exp_check = app.shown.checks.iter().find(|c| c.claim == "/exp").unwrap();
    assert_eq!(exp_check.note, expired.message);
    assert_eq!(
        app.shown.checks,
        crate::rules::checklist::claim_checks(app.inspection().unwrap())
    );
    // The time note of exp is written for the instant too.
    let doc = &app.shown.payload;
    let note = doc.find("/exp").map(|i| doc.text(i)).unwrap();
    assert!(note.ends_with("(1 minute ago)"), "{note}");
    // Back before exp + skew (the clock went back): inspected again, accepted again.
    tick_to(&mut app, AT + 3000);
    assert_eq!(app.inspections, before + 2);
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
}

#[test]
fn a_tick_moves_the_pinned_token_and_the_comparison_too() {
    let mut app = ticking_demo(AT + 3600 + 100);
    app.update(Action::Pin);
    app.update(Action::HistoryNext);
    assert!(app.diff_shown());
    let before = app.inspections;
    tick_to(&mut app, AT + 3600 + 101);
    assert_eq!(app.inspections, before);
    let pin = app.pin.as_ref().unwrap();
    let (a, b) = (pin.insp.as_ref().unwrap(), app.inspection().unwrap());
    assert_eq!(a.evaluated_at, AT + 3600 + 101);
    let fresh =
        crate::inspect::inspect_text_nth(&pin.text, pin.index, &app.ring, &app.options()).unwrap();
    assert_eq!(said(a), said(&fresh));
    let c = pin.compared.as_ref().unwrap();
    assert_eq!(c.diff, crate::diff::diff(a, b));
}

#[test]
fn a_pinned_instant_never_ticks() {
    let mut app = demo();
    let before = (app.inspections, app.at);
    app.clock = Clock::Fixed(AT + 10);
    app.update(Action::Tick);
    assert_eq!((app.inspections, app.at), before);
}
