use super::*;
use crate::cli::GenType;
use crate::rules::Campaign;
use crate::tui::browser::View;
use crate::tui::jobs::{Done, Job};

const AT: i64 = 1_714_564_800; // 2024-05-01T12:00:00Z

fn demo() -> App {
    App::demo_for_tests(AT, 100, 30).unwrap()
}

fn campaign(id: &str, jwe: bool) -> Campaign {
    Campaign {
        id: id.to_string(),
        jwe: Some(jwe),
        ..Campaign::default()
    }
}

/// The demo on its JWE (`dir`, A256GCM) with the dir key gone: "no key".
fn demo_jwe_without_its_key() -> App {
    let mut app = demo();
    app.update(Action::HistoryNext);
    app.ring
        .keys
        .retain(|k| k.name != crate::tui::demo::QUALIFIO_DIR);
    app.refresh_key_rows();
    app.reinspect();
    let layer = &app.inspection().unwrap().layers[0];
    assert_eq!(layer.status, crate::report::LayerStatus::NoKey);
    app
}

/// The demo's dir key written in base64url, as support receives it.
fn demo_dir_key_base64url() -> String {
    use base64::Engine;
    let key = openssl::sha::sha256(crate::tui::demo::DIR_KEY_LABEL.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)
}

fn paste_secret_and_name_it(app: &mut App, secret: &str) {
    app.update(Action::AddKeyPrompt);
    app.update(Action::Paste(secret.to_string()));
    app.update(Action::Submit);
    app.update(Action::Submit);
}

fn tab_key() -> ratatui::crossterm::event::Event {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE))
}

fn prompt_input(app: &App) -> String {
    match &app.modal {
        Modal::Prompt { input, .. } => input.clone(),
        other => panic!("no prompt: {other:?}"),
    }
}

/// The app drawn at its size.
fn render(app: &App) -> ratatui::buffer::Buffer {
    use ratatui::widgets::Widget;
    let area = ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    app.render(area, &mut buf);
    buf
}

/// The app drawn, as text (one line per row).
fn screen(app: &App) -> String {
    let buf = render(app);
    let area = buf.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

mod part1;
mod part2;
mod part3;
mod part4;

#[test]
fn opening_a_log_file_browses_it_and_a_ticket_file_picks() {
    let mut app = demo();
    let dir = tempfile::tempdir().unwrap();
    let token = app.history[0].text.trim().to_string();
    let log = dir.path().join("access.log");
    let lines: Vec<String> = (0..12).map(|i| format!("{i} GET /?jwt={token}")).collect();
    std::fs::write(&log, lines.join("\n")).unwrap();
    let ticket = dir.path().join("ticket.txt");
    let other = app.history[1].text.trim().to_string();
    std::fs::write(&ticket, format!("Hello,\n{token}\nand {other}\n")).unwrap();
    app.update(Action::OpenFilePrompt);
    for c in ticket.display().to_string().chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    assert!(matches!(app.modal, Modal::Pick { .. }), "{:?}", app.modal);
    assert!(!app.browsing());
    app.update(Action::Cancel);
    app.update(Action::OpenFilePrompt);
    for c in log.display().to_string().chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    assert!(app.browsing());
    assert_eq!(app.browser.as_ref().unwrap().rows.len(), 12);
}
