//! Pin and diff in the TUI: `P` pins the token shown, another token shown opens the diff
//! view (both payloads side by side with the differences marked, the verdicts side by
//! side), `D` toggles it, `U` unpins. Screens drawn with ratatui's TestBackend at a fixed
//! instant; colours asserted on the cells.

use jsonwebtoken::{EncodingKey, Header, encode};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use serde_json::{Value, json};
use tokenscope::diff::ChangeKind;
use tokenscope::keys::{KeyRing, secret_key};
use tokenscope::tui::pin::DiffPart;
use tokenscope::tui::{Action, App, KeySource, Modal, Theme};

/// 2024-05-01T12:00:00Z.
const AT: i64 = 1_714_564_800;
const SECRET: &str = "tokenscope-pin-secret-0123456789abcdef";

fn hs256(claims: Value) -> String {
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("token")
}

/// A Qualifio participant who may play twice and win a t-shirt: accepted at AT.
fn passing() -> String {
    hs256(json!({
        "sub": "participant-1",
        "iat": AT - 60,
        "nbf": AT - 120,
        "exp": AT + 3600,
        "campaignId": "summer-quiz",
        "limit": {"canPlay": true, "nb": 2},
        "gift": {"cw": true, "label": "t-shirt"}
    }))
}

/// The same participant two hours later, with canPlay as a string, no gift and a new
/// claim: expired, invalid participation, every kind of change.
fn failing() -> String {
    hs256(json!({
        "sub": "participant-1",
        "iat": AT - 60,
        "nbf": AT - 120,
        "exp": AT - 7200,
        "campaignId": "summer-quiz",
        "limit": {"canPlay": "true", "nb": 2},
        "custom": {"source": "newsletter"}
    }))
}

fn app(w: u16, h: u16) -> App {
    let key = secret_key(
        "pin-hs256",
        zeroize::Zeroizing::new(SECRET.as_bytes().to_vec()),
    );
    let mut app = App::new(
        KeyRing { keys: vec![key] },
        KeySource::Memory,
        Theme::dark(),
        tokenscope::time::Clock::Fixed(AT),
    );
    app.redact_volatile = true;
    app.pinned = true;
    app.at = AT;
    app.update(Action::Resize(w, h));
    app
}

/// A passing token pinned, then the failing one pasted: the diff view.
fn compared(w: u16, h: u16) -> App {
    let mut a = app(w, h);
    a.update(Action::Paste(passing()));
    a.update(Action::Pin);
    a.update(Action::Paste(failing()));
    assert!(a.diff_shown(), "{:?}", a.message);
    a
}

fn draw(app: &App) -> Buffer {
    let (w, h) = app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| f.render_widget(app, f.area()))
        .expect("draws");
    term.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[track_caller]
fn snap(name: &str, app: &App) {
    let (w, h) = app.size;
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), text(&draw(app)));
}

/// Where `needle` starts on screen, searching from `from_x` on each row.
fn find_from(buf: &Buffer, needle: &str, from_x: u16) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let row: String = (from_x..buf.area.width)
            .map(|x| buf[(x, y)].symbol())
            .collect();
        if let Some(byte) = row.find(needle) {
            return Some((from_x + row[..byte].chars().count() as u16, y));
        }
    }
    None
}

fn status(a: &App) -> String {
    let buf = draw(a);
    let y = buf.area.height - 2;
    (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect()
}

fn message(a: &App) -> String {
    a.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn the_diff_view_at_both_sizes() {
    for (w, h) in [(80, 24), (140, 45)] {
        let a = compared(w, h);
        snap("pin_diff", &a);
    }
}

#[test]
fn the_diff_view_scrolls_its_verdicts_and_jumps_to_each_difference() {
    let mut a = compared(80, 24);
    a.update(Action::FocusNext);
    assert_eq!(a.pin.as_ref().unwrap().focus, DiffPart::Verdicts);
    a.update(Action::PageDown);
    snap("pin_diff_verdicts_scrolled", &a);
    a.update(Action::Bottom);
    let s = text(&draw(&a));
    assert!(s.contains("Time claims"), "{s}");
    assert!(s.contains("in 60 minutes (1714568400)"), "{s}");
    assert!(s.contains("2 hours ago (1714557600)"), "{s}");

    // Enter walks the payload differences in order, and comes back to the first.
    let mut seen = Vec::new();
    for _ in 0..5 {
        a.update(Action::Select);
        seen.push(message(&a));
    }
    assert_eq!(a.pin.as_ref().unwrap().focus, DiffPart::Payloads);
    assert_eq!(
        seen,
        vec![
            "difference 2 of 4: /limit/canPlay type changed",
            "difference 3 of 4: /gift removed",
            "difference 4 of 4: /custom added",
            "difference 1 of 4: /exp changed",
            "difference 2 of 4: /limit/canPlay type changed",
        ],
        "the first difference is in view when the comparison opens"
    );
}

#[test]
fn each_kind_of_change_is_marked_and_styled_from_the_theme_on_its_side() {
    let t = Theme::dark();
    let a = compared(140, 45);
    let buf = draw(&a);
    let half = 140 / 2;
    // (text, mark, style, on the left?)
    let cases = [
        ("\"exp\": 1714568400", "~", t.diff_changed, true),
        ("\"exp\": 1714557600", "~", t.diff_changed, false),
        ("\"canPlay\": true", "!", t.diff_type_changed, true),
        ("\"canPlay\": \"true\"", "!", t.diff_type_changed, false),
        ("\"gift\": {", "-", t.diff_removed, true),
        ("\"custom\": {", "+", t.diff_added, false),
    ];
    for (needle, m, style, left) in cases {
        let from = if left { 0 } else { half };
        let (x, y) = find_from(&buf, needle, from).unwrap_or_else(|| panic!("{needle}"));
        assert_eq!(x < half, left, "{needle} on its side");
        // The mark sits in the pane's gutter, at the line's start.
        let gutter = (from..x).rev().find(|gx| buf[(*gx, y)].symbol() == m);
        assert!(gutter.is_some(), "{needle}: mark {m}");
        assert_eq!(buf[(x, y)].bg, style.bg.unwrap(), "{needle}: background");
    }
    // Unchanged lines are not marked.
    let (x, y) = find_from(&buf, "\"sub\": \"participant-1\"", 0).unwrap();
    assert_eq!(buf[(x, y)].bg, ratatui::style::Color::Reset);
    // The legend says what the marks mean.
    let s = text(&buf);
    assert!(
        s.contains("+ added  - removed  ~ changed  ! type changed"),
        "{s}"
    );
    assert!(s.contains("4 claims differ"), "{s}");
}

#[test]
fn both_tokens_are_evaluated_at_the_views_instant() {
    let mut a = compared(100, 30);
    let d = &a.pin.as_ref().unwrap().compared.as_ref().unwrap().diff;
    assert_eq!(d.evaluated_at, AT);
    assert_eq!(d.a.overall, tokenscope::report::Overall::Accepted);
    assert_eq!(d.b.overall, tokenscope::report::Overall::Rejected);
    assert!(!d.same_verdict);
    // Two hours later the pinned token has expired too: it is evaluated again.
    a.update(Action::StepTime(2 * 3600));
    let d = &a.pin.as_ref().unwrap().compared.as_ref().unwrap().diff;
    assert_eq!(d.evaluated_at, AT + 2 * 3600);
    assert_eq!(d.a.overall, tokenscope::report::Overall::Rejected);
    assert!(d.verdict.overall.is_none(), "both rejected now");
    let s = text(&draw(&a));
    assert!(s.contains("both at 2024-05-01T14:00:00Z"), "{s}");
}

#[test]
fn p_pins_p_again_unpins_and_u_unpins_from_anywhere() {
    let mut a = app(100, 30);
    a.update(Action::Pin);
    assert!(a.pin.is_none());
    assert!(message(&a).contains("no token to pin"), "{}", message(&a));

    a.update(Action::Paste(passing()));
    a.update(Action::Pin);
    assert_eq!(a.pin.as_ref().unwrap().label, "pasted token #1");
    assert!(
        message(&a).starts_with("pinned: pasted token #1"),
        "{}",
        message(&a)
    );
    assert!(
        status(&a).contains("pinned: pasted token #1 (shown)"),
        "{}",
        status(&a)
    );
    assert!(!a.diff_shown(), "the pinned token itself: the panes");
    // P on the pinned token unpins it.
    a.update(Action::Pin);
    assert!(a.pin.is_none());
    assert!(
        message(&a).starts_with("unpinned: pasted token #1"),
        "{}",
        message(&a)
    );
    assert!(!status(&a).contains("pinned"), "{}", status(&a));

    // P on another token pins that one instead; U unpins whatever is shown.
    a.update(Action::Pin);
    a.update(Action::Paste(failing()));
    assert!(a.diff_shown());
    assert!(
        status(&a).contains("DIFF · pinned: pasted token #1"),
        "{}",
        status(&a)
    );
    a.update(Action::Pin);
    assert!(
        message(&a).contains("pinned: pasted token #2 (instead of pasted token #1)"),
        "{}",
        message(&a)
    );
    assert!(!a.diff_shown(), "the shown token is the pinned one now");
    a.update(Action::HistoryPrev);
    assert!(a.diff_shown(), "the first token against the new pin");
    a.update(Action::Unpin);
    assert!(a.pin.is_none() && !a.diff_shown());
    a.update(Action::Unpin);
    assert!(
        message(&a).starts_with("nothing is pinned"),
        "{}",
        message(&a)
    );
}

#[test]
fn d_toggles_between_the_diff_view_and_the_panes_and_says_why_it_cannot() {
    let mut a = app(100, 30);
    a.update(Action::ToggleDiff);
    assert!(
        message(&a).starts_with("nothing is pinned"),
        "{}",
        message(&a)
    );
    a.update(Action::Paste(passing()));
    a.update(Action::Pin);
    a.update(Action::ToggleDiff);
    assert!(
        message(&a).contains("the token shown is the pinned one"),
        "{}",
        message(&a)
    );

    a.update(Action::Paste(failing()));
    assert!(a.diff_shown());
    a.update(Action::ToggleDiff);
    assert!(!a.diff_shown());
    // The panes never hide the pin either.
    let s = status(&a);
    assert!(s.starts_with(" pinned: pasted token #1 "), "{s}");
    assert!(
        message(&a).contains("D: back to the diff view"),
        "{}",
        message(&a)
    );
    a.message = None;
    assert!(
        text(&draw(&a)).contains("D diff"),
        "the hint bar offers the diff"
    );
    snap("pin_panes_with_a_pin", &a);
    // The choice holds for the next token shown.
    a.update(Action::HistoryPrev);
    a.update(Action::HistoryNext);
    assert!(!a.diff_shown());
    a.update(Action::ToggleDiff);
    assert!(a.diff_shown());
    a.message = None;
    assert!(text(&draw(&a)).contains("D panes"));

    // A token that does not read: nothing to compare, said so.
    a.update(Action::Paste("eyJhbGciOiJIUzI1NiJ9.%%%.sig".into()));
    if a.inspection().is_none() {
        assert!(!a.diff_shown());
        a.update(Action::ToggleDiff);
        assert!(
            message(&a).starts_with("nothing to compare"),
            "{}",
            message(&a)
        );
    }
}

#[test]
fn editing_the_pinned_token_shows_each_toggle_as_a_difference() {
    let mut a = app(100, 30);
    a.update(Action::Paste(passing()));
    a.update(Action::Pin);
    a.update(Action::ToggleEdit);
    assert!(a.edit.is_some());
    a.update(Action::Edit(tokenscope::tui::EditCmd::CanPlay));
    assert!(a.diff_shown(), "{}", message(&a));
    let d = &a.pin.as_ref().unwrap().compared.as_ref().unwrap().diff;
    let paths: Vec<(&str, ChangeKind)> = d
        .payload
        .iter()
        .map(|c| (c.path.as_str(), c.change))
        .collect();
    assert_eq!(paths, vec![("/limit/canPlay", ChangeKind::Changed)]);
    assert_eq!(d.b.participation, "blocked");
    let s = text(&draw(&a));
    assert!(s.contains("Shown: EDITED copy of pasted token #1"), "{s}");
    // The edited copy can be pinned in turn.
    a.update(Action::Pin);
    assert_eq!(
        a.pin.as_ref().unwrap().label,
        "EDITED copy of pasted token #1"
    );
    assert!(!a.diff_shown());
}

#[test]
fn a_row_of_the_log_browser_against_another() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("access.log");
    let mut lines = Vec::new();
    for i in 0..12 {
        let token = if i == 7 { failing() } else { passing() };
        lines.push(format!(
            "2024-05-01T11:00:{i:02}Z GET /play?qual_token={token}"
        ));
    }
    std::fs::write(&log, lines.join("\n")).expect("log");
    let mut a = app(100, 30);
    a.browse(tokenscope::tui::browser::Source::File(log), false);
    assert!(a.browsing());
    a.update(Action::Down);
    a.update(Action::Select);
    assert!(!a.browsing());
    a.update(Action::Pin);
    assert_eq!(a.pin.as_ref().unwrap().label, "line 2");
    a.update(Action::Cancel);
    assert!(a.browsing());
    // The list says what is pinned too.
    let s = text(&draw(&a));
    assert!(s.contains(" pinned: line 2\n"), "{s}");
    a.update(Action::ToggleDiff);
    assert!(message(&a).contains("open a row"), "{}", message(&a));
    for _ in 0..6 {
        a.update(Action::Down);
    }
    a.update(Action::Select);
    assert!(a.diff_shown(), "{}", message(&a));
    let s = text(&draw(&a));
    assert!(s.contains("Pinned: line 2"), "{s}");
    assert!(s.contains("Shown: line 8"), "{s}");
    assert!(s.contains("Verdicts differ"), "{s}");
    // Esc goes back to the list from the diff view too.
    a.update(Action::Cancel);
    assert!(a.browsing());
}

#[test]
fn a_small_terminal_says_so_and_the_diff_view_comes_back() {
    let mut a = compared(80, 24);
    a.update(Action::Resize(60, 20));
    snap("pin_diff_too_small", &a);
    a.update(Action::Resize(80, 24));
    assert!(text(&draw(&a)).contains("Verdicts differ"));
    // Scrolled to the bottom, then made taller: the view shows the end, not blank rows.
    a.update(Action::Bottom);
    a.update(Action::FocusNext);
    a.update(Action::Bottom);
    a.update(Action::Resize(140, 60));
    let pin = a.pin.as_ref().unwrap();
    let c = pin.compared.as_ref().unwrap();
    assert!(pin.scroll[0] < c.rows.len());
    let s = text(&draw(&a));
    assert!(s.contains("\"sub\": \"participant-1\""), "{s}");
}

#[test]
fn the_movement_keys_and_the_mouse_scroll_the_part_they_are_over() {
    let mut a = compared(80, 24);
    let top = a.pin.as_ref().unwrap().scroll[0];
    a.update(Action::Top);
    assert_eq!(a.pin.as_ref().unwrap().scroll[0], 0);
    a.update(Action::Bottom);
    assert!(a.pin.as_ref().unwrap().scroll[0] >= top);
    // The wheel over the verdicts scrolls them, a click focuses them.
    let y = 20;
    a.update(Action::Scroll {
        delta: 3,
        column: 10,
        row: y,
    });
    assert_eq!(a.pin.as_ref().unwrap().scroll[1], 3);
    a.update(Action::Click { column: 10, row: y });
    assert_eq!(a.pin.as_ref().unwrap().focus, DiffPart::Verdicts);
    a.update(Action::Click { column: 10, row: 2 });
    assert_eq!(a.pin.as_ref().unwrap().focus, DiffPart::Payloads);
    // Popups still open over the diff view and take their keys.
    a.update(Action::ToggleHelp);
    assert_eq!(a.modal, Modal::Help);
    let s = text(&draw(&a));
    assert!(s.contains("pin / unpin the token shown"), "{s}");
}

#[test]
fn the_keys_can_be_rebound_and_the_help_follows() {
    let overrides = [
        ("pin".to_string(), "ctrl-p".to_string()),
        ("diff".to_string(), "f5".to_string()),
    ]
    .into_iter()
    .collect();
    let km = tokenscope::tui::KeyMap::with_overrides(&overrides).expect("keys");
    use ratatui::crossterm::event::KeyCode;
    use tokenscope::tui::keymap::Key;
    assert_eq!(km.lookup(Key::ctrl('p')), Some(Action::Pin));
    assert_eq!(km.lookup(Key::ch('P')), None);
    assert_eq!(
        km.lookup(Key::plain(KeyCode::F(5))),
        Some(Action::ToggleDiff)
    );
    assert_eq!(km.lookup(Key::ch('U')), Some(Action::Unpin));
    let rows = km.help_rows();
    assert!(
        rows.iter()
            .any(|(_, k, h)| k == "Ctrl-P" && h.starts_with("pin / unpin"))
    );
    let mut a = compared(100, 30);
    a.keymap = km;
    a.message = None;
    assert!(
        text(&draw(&a)).contains("F5 panes"),
        "the hint bar shows the rebound key"
    );
}

/// Token text (claim names and values, a file path) never reaches the screen raw.
#[test]
fn hostile_claims_and_labels_are_drawn_escaped() {
    let evil = "\u{1b}]52;c;aGk=\u{7}\u{202e}";
    let a_token = hs256(json!({"sub": "x", "exp": AT + 60, evil: evil, "k": 1}));
    let b_token = hs256(json!({"sub": evil, "exp": AT + 60, "k": "1", "n\u{1b}[2J": [evil]}));
    let mut a = app(140, 45);
    a.open_text(&format!("file{evil}.txt"), a_token);
    a.update(Action::Pin);
    a.update(Action::Paste(b_token));
    assert!(a.diff_shown());
    for part in [DiffPart::Payloads, DiffPart::Verdicts] {
        if a.pin.as_ref().unwrap().focus != part {
            a.update(Action::FocusNext);
        }
        for _ in 0..3 {
            let buf = draw(&a);
            for cell in buf.content() {
                for c in cell.symbol().chars() {
                    assert!(
                        !tokenscope::escape::must_escape(c),
                        "a cell holds U+{:04X}",
                        c as u32
                    );
                }
            }
            a.update(Action::PageDown);
        }
    }
    let s = text(&draw(&a));
    assert!(s.contains("\\u{1b}") || s.contains("\\u001b"), "{s}");
}

/// Two payloads that differ in every one of 2,000 claims: the payloads show every line, the
/// list below them stops at 100, and moving stays quick.
#[test]
fn a_payload_that_differs_everywhere_draws_a_bounded_list() {
    let claims = |v: i64| -> Value {
        let mut m = serde_json::Map::new();
        m.insert("exp".into(), json!(AT + 3600));
        for i in 0..2000 {
            m.insert(format!("c{i}"), json!(v + i));
        }
        Value::Object(m)
    };
    let mut a = app(100, 30);
    a.update(Action::Paste(hs256(claims(0))));
    a.update(Action::Pin);
    a.update(Action::Paste(hs256(claims(1))));
    assert!(a.diff_shown());
    let c = a.pin.as_ref().unwrap().compared.as_ref().unwrap();
    assert_eq!(c.diff.payload.len(), 2000);
    assert_eq!(c.starts.len(), 2000);
    a.update(Action::FocusNext);
    let start = std::time::Instant::now();
    a.update(Action::Bottom);
    let s = text(&draw(&a));
    assert!(s.contains("… and 1900 more"), "{s}");
    a.update(Action::FocusNext);
    a.update(Action::Bottom);
    let s = text(&draw(&a));
    assert!(s.contains("\"c1999\": 2000"), "{s}");
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
}

/// Without colours (`NO_COLOR`) each kind of change keeps a style of its own, beside its mark.
#[test]
fn the_kinds_of_change_stay_apart_without_colours() {
    let t = Theme::dark().without_colors();
    let styles = [
        t.diff_added,
        t.diff_removed,
        t.diff_changed,
        t.diff_type_changed,
    ];
    for (i, a) in styles.iter().enumerate() {
        assert_eq!((a.fg, a.bg), (None, None));
        assert!(!a.add_modifier.is_empty(), "kind {i} has no modifier");
        for b in &styles[i + 1..] {
            assert_ne!(a.add_modifier, b.add_modifier);
        }
    }
    for name in ["light", "high-contrast", "colorblind"] {
        let t = Theme::named(name).expect("shipped theme");
        assert_ne!(t.diff_added, t.diff_removed, "{name}");
        assert_ne!(t.diff_changed, t.diff_type_changed, "{name}");
    }
}
