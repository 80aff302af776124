//! The log browser's screens at 80x24 and 140x45, drawn with ratatui's TestBackend: a log of
//! the demo's tokens pasted whole, as a list, grouped, filtered and summed up.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokenscope::tui::{Action, App};

/// 2024-05-01T12:00:00Z.
const AT: i64 = 1_714_564_800;

fn text(app: &App) -> String {
    let (w, h) = app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| f.render_widget(app, f.area()))
        .expect("draws");
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The demo with a log of its tokens (each on three lines, between lines of noise) pasted.
fn browsing(w: u16, h: u16) -> App {
    let mut app = App::demo_for_tests(AT, w, h).expect("demo builds");
    let tokens: Vec<String> = app
        .history
        .iter()
        .map(|e| e.text.trim().to_string())
        .collect();
    let mut log = String::new();
    for round in 0..3 {
        for (i, token) in tokens.iter().enumerate() {
            log.push_str(&format!(
                "2024-05-01T10:0{round}:{i:02}Z GET /play?token={token}\n"
            ));
            log.push_str("2024-05-01T10:00:00Z healthcheck ok\n");
        }
    }
    app.update(Action::Paste(log));
    app
}

#[test]
fn the_list_the_groups_a_filter_and_the_summary() {
    for (w, h) in [(80, 24), (140, 45)] {
        let mut app = browsing(w, h);
        insta::assert_snapshot!(format!("browser_list_{w}x{h}"), text(&app));
        app.update(Action::BrowseGroup);
        app.update(Action::BrowseGroup);
        insta::assert_snapshot!(format!("browser_by_finding_{w}x{h}"), text(&app));
        // The biggest finding group, as a filter.
        app.update(Action::Select);
        insta::assert_snapshot!(format!("browser_filtered_{w}x{h}"), text(&app));
        app.update(Action::BrowseSummary);
        insta::assert_snapshot!(format!("browser_summary_{w}x{h}"), text(&app));
    }
}

#[test]
fn sub_shows_masked_until_revealed() {
    let mut app = browsing(140, 45);
    let masked = text(&app);
    app.update(Action::ToggleReveal);
    let shown = text(&app);
    assert_ne!(masked, shown);
    assert!(shown.contains("sub shown in full"), "{shown}");
    // The demo's subs: whole only once revealed.
    assert!(shown.contains("participant-4821"), "{shown}");
    assert!(!masked.contains("participant-4821"), "{masked}");
}
