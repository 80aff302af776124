//! The log browser following a log: rows as they come, rotations, news from a browser left.

use super::*;
use crate::batch::follow::{Event, FileId, Rotation};
use crate::report::Overall;
use crate::tui::browser::{News, Row};

fn row(generation: u32, line: usize, offset: u64) -> Row {
    Row {
        generation,
        line,
        offset,
        overall: Some(Overall::Accepted),
        profile: None,
        participation: None,
        win: None,
        campaign: "c".into(),
        sub: "s".into(),
        first: "".into(),
        findings: Default::default(),
    }
}

/// Rows as the engine sends them (the counts aside).
fn part(rows: Vec<Row>) -> crate::tui::browser::Part {
    crate::tui::browser::Part {
        rows,
        summary: Default::default(),
    }
}

fn news(app: &mut App, news: News) {
    let browse = app.browser.as_ref().unwrap().id;
    app.update(Action::Browse { browse, news });
}

fn selected_line(app: &App) -> (u32, usize) {
    let r = app.browser.as_ref().unwrap().selected().unwrap();
    (r.generation, r.line)
}

#[test]
fn a_followed_log_keeps_the_last_row_selected_and_tells_a_rotation() {
    let mut app = demo();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let tokens: Vec<String> = app
        .history
        .iter()
        .map(|e| e.text.trim().to_string())
        .collect();
    std::fs::write(
        &log,
        format!("{}\n{}\n{}\n", tokens[0], tokens[1], tokens[2]),
    )
    .unwrap();
    app.browse(crate::tui::browser::Source::File(log.clone()), true);
    // Under test the engine reads to the end in place; a follower runs on.
    let b = app.browser.as_mut().unwrap();
    assert!(b.done);
    b.done = false;
    assert_eq!(b.rows.len(), 3);
    assert_eq!(
        b.file,
        FileId::at(&log).ok(),
        "the engine told which file it read"
    );
    // Following, the list starts at its end and stays there as rows come.
    assert_eq!(selected_line(&app), (0, 3));
    news(
        &mut app,
        News::Rows(part(vec![row(0, 4, 900), row(0, 5, 1000)])),
    );
    assert_eq!(selected_line(&app), (0, 5));
    // Moved up, the selection stays where it was.
    app.update(Action::Up);
    news(&mut app, News::Rows(part(vec![row(0, 6, 1100)])));
    assert_eq!(selected_line(&app), (0, 4));
    app.update(Action::Bottom);
    let s = screen(&app);
    assert!(s.contains("6 tokens, following…"), "{s}");

    // Truncated, and written again: its rows start at line 1 again.
    std::fs::write(&log, format!("{}\n", tokens[1])).unwrap();
    let file = FileId::at(&log).ok();
    news(
        &mut app,
        News::Followed(Event::Rotated {
            generation: 1,
            how: Rotation::Truncated,
            file,
        }),
    );
    let message = app.message.as_ref().unwrap().text.clone();
    assert!(message.contains("was truncated"), "{message}");
    news(&mut app, News::Rows(part(vec![row(1, 1, 0)])));
    assert_eq!(selected_line(&app), (1, 1));
    let s = screen(&app);
    assert!(
        s.contains("following… · truncated (generation 1): earlier rows dimmed"),
        "{s}"
    );
    // The earlier file's rows are dimmed, verdict and all; the new file's are not.
    let buf = render(&app);
    let verdict_of = |line: &str| {
        // The last row of that line number.
        let y = (0..buf.area.height)
            .rev()
            .find(|&y| {
                let text: String = (0..3).map(|x| buf[(x, y)].symbol().to_string()).collect();
                text.trim_start_matches(['▶', ' ']).starts_with(line)
            })
            .unwrap();
        buf[(9, y)].fg
    };
    let dim = app.theme.dim.fg.unwrap();
    assert_eq!(verdict_of("5"), dim);
    assert_ne!(verdict_of("1"), dim);
    // A row of the earlier file is not read from the new one.
    app.update(Action::Up);
    assert_eq!(selected_line(&app), (0, 6));
    app.update(Action::Select);
    assert!(app.browsing(), "nothing opened");
    let message = app.message.as_ref().unwrap();
    assert!(message.error);
    assert!(
        message
            .text
            .contains("line 6 is from before the log was truncated"),
        "{}",
        message.text
    );
    // A row of the file read now opens.
    app.update(Action::Down);
    app.update(Action::Select);
    assert!(!app.browsing());
    assert_eq!(app.inspection().unwrap().token, tokens[1]);
    // Rows that come while it is open do not move the list off it.
    news(&mut app, News::Rows(part(vec![row(1, 2, 100)])));
    app.update(Action::Cancel);
    assert_eq!(selected_line(&app), (1, 1));

    // Missing, then found again: the header says so meanwhile.
    news(&mut app, News::Followed(Event::Missing));
    assert!(screen(&app).contains("the path is missing: waiting for it"));
    news(&mut app, News::Followed(Event::Found));
    assert!(!screen(&app).contains("the path is missing"));
    news(
        &mut app,
        News::Followed(Event::Unreadable("Permission denied".into())),
    );
    assert!(screen(&app).contains("the new file cannot be read: waiting for it"));
    let message = app.message.as_ref().unwrap();
    assert!(message.error && message.text.contains("(Permission denied)"));
}

#[test]
fn opening_another_log_or_quitting_stops_the_follower_and_its_news_is_dropped() {
    let mut app = demo();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    std::fs::write(&log, format!("{}\n", app.history[0].text.trim())).unwrap();
    app.browse(crate::tui::browser::Source::File(log.clone()), true);
    let first = app.browser.as_ref().unwrap().clone();
    let stop = first.follow.as_ref().unwrap().stop.clone();
    assert!(!stop.is_stopped());
    app.browse(crate::tui::browser::Source::File(log.clone()), false);
    assert!(stop.is_stopped(), "the first follower is told to stop");
    let rows = app.browser.as_ref().unwrap().rows.len();
    // What the first engine sent before it stopped reaches nothing.
    app.update(Action::Browse {
        browse: first.id,
        news: News::Rows(part(vec![row(0, 9, 0)])),
    });
    app.update(Action::Browse {
        browse: first.id,
        news: News::Done(Some("late".into())),
    });
    let b = app.browser.as_ref().unwrap();
    assert_eq!(b.rows.len(), rows);
    assert_eq!(b.error, None);
    assert!(b.follow.is_none());

    app.browse(crate::tui::browser::Source::File(log), true);
    let stop = app
        .browser
        .as_ref()
        .unwrap()
        .follow
        .as_ref()
        .unwrap()
        .stop
        .clone();
    app.update(Action::Quit);
    assert!(app.quit && stop.is_stopped());
}

#[test]
fn a_log_replaced_since_it_was_read_is_not_read_for_its_rows() {
    let mut app = demo();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let token = app.history[0].text.trim().to_string();
    std::fs::write(&log, format!("{token}\n")).unwrap();
    app.browse(crate::tui::browser::Source::File(log.clone()), false);
    // Replaced by another file (not followed: the browser does not know).
    let other = dir.path().join("other.log");
    std::fs::write(&other, format!("{}\n", app.history[1].text.trim())).unwrap();
    std::fs::rename(&other, &log).unwrap();
    app.update(Action::Select);
    assert!(app.browsing());
    let message = app.message.as_ref().unwrap();
    assert!(
        message.error && message.text.contains("the log was rotated since"),
        "{}",
        message.text
    );
}
