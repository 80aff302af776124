//! A token whose payload is 1 MiB of structured JSON (about 8,700 small objects, as
//! `gen_tokens HS256 1 DIR 1048576` makes it) in the TUI, drawn with ratatui's TestBackend:
//! it opens, scrolls to its end and back, folds its big array, and a tick of the clock keeps
//! it without inspecting it again. How fast and how lean (100 ms, 40 MiB, no CPU while
//! idle) is measured by `scripts/bench` (`tui_start`), on a release build.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokenscope::time::Clock;
use tokenscope::tui::{Action, App, Pane};

use crate::common::big_claims;
use crate::common::crypto::hmac_token;

/// 2024-05-01T12:00:00Z.
const AT: i64 = 1_714_564_800;

fn big_token() -> String {
    hmac_token(
        "HS256",
        b"tokenscope-big-payload-secret-0123456789",
        &serde_json::json!({"alg": "HS256", "typ": "JWT"}),
        &big_claims(AT - 60, AT + 86_400),
    )
}

fn screen(app: &App) -> String {
    let (w, h) = app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| f.render_widget(app, f.area()))
        .expect("draws");
    let buf = term.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Payload pane's "first-last of all" position, from its title.
fn payload_position(screen: &str) -> (usize, usize, usize) {
    let title = screen
        .lines()
        .find_map(|l| l.split("Payload · ").nth(1))
        .expect("the Payload pane's title says where it is");
    let nums: Vec<usize> = title
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(3)
        .map(|s| s.parse().expect("a number"))
        .collect();
    (nums[0], nums[1], nums[2])
}

#[test]
fn a_one_mib_payload_opens_scrolls_and_folds() {
    let token = big_token();
    assert!(token.len() > 1_300_000, "{}", token.len());
    let mut app = App::demo_for_tests(AT, 140, 45).expect("demo builds");
    app.update(Action::Paste(token));
    app.update(Action::Focus(Pane::Payload));
    let s = screen(&app);
    assert!(s.contains(r#""sub": "participant-00000000","#), "{s}");
    let (first, last, all) = payload_position(&s);
    assert_eq!(first, 1);
    assert!(all > 100_000, "{all} lines");
    let height = last;
    // To the end: the last item and the closing braces.
    app.update(Action::Bottom);
    let s = screen(&app);
    assert_eq!(payload_position(&s), (all - height + 1, all, all));
    let items = big_claims(0, 0)["custom"]["items"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(items > 8_000, "{items} items");
    let sku = format!(r#""sku": "SKU-{:06}","#, items - 1);
    assert!(s.contains(&sku), "{sku}\n{s}");
    // A page up, and back to the top.
    app.update(Action::PageUp);
    let (first, _, _) = payload_position(&screen(&app));
    assert!(first < all - height + 1, "{first}");
    app.update(Action::Top);
    assert_eq!(payload_position(&screen(&app)).0, 1);
    // Fold the items: the cursor on their line, then the fold key.
    let at = app.shown_position(Pane::Payload, "/custom/items").unwrap();
    for _ in 0..at {
        app.update(Action::Down);
    }
    app.update(Action::ToggleFold);
    let s = screen(&app);
    let folded = app.shown.payload_visible.len();
    assert!(
        folded < 100,
        "{folded} lines shown once the items are folded"
    );
    let hidden = all - folded;
    assert!(
        s.contains(&format!(r#""items": [ … {hidden} lines folded"#)),
        "{hidden}\n{s}"
    );
    // Unfolded again: every line.
    app.update(Action::ToggleFold);
    assert_eq!(app.shown.payload_visible.len(), all);
}

#[test]
fn the_clock_ticks_over_a_one_mib_payload_without_inspecting_it_again() {
    let mut app = App::demo_for_tests(AT, 100, 30).expect("demo builds");
    app.update(Action::Paste(big_token()));
    app.pinned = false;
    let inspected = app.inspections;
    for s in 1..=3 {
        app.clock = Clock::Fixed(AT + s);
        app.update(Action::Tick);
        assert_eq!(app.at, AT + s);
    }
    assert_eq!(app.inspections, inspected);
    assert!(screen(&app).contains("2024-05-01T12:00:03Z (now)"));
    // The notes of the time claims follow the clock: iat was a minute before AT.
    let doc = &app.shown.payload;
    let iat = doc.find("/iat").map(|i| doc.text(i)).unwrap();
    assert!(iat.ends_with("(1 minute ago)"), "{iat}");
}
