//! Every screen of the TUI at 80x24 and 140x45 (and a few popups), drawn with ratatui's
//! TestBackend from the demo at a fixed instant. Values that change from run to run
//! (signatures, ciphertext, fingerprints of keys generated at startup) are drawn as
//! placeholders by `App::demo_for_tests`. Colours are not in the snapshots: where colour
//! carries meaning it is asserted on the cells.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use tokenscope::tui::{Action, App, EditorOp, Pane, Theme};

/// 2024-05-01T12:00:00Z.
const AT: i64 = 1_714_564_800;

const SIZES: [(u16, u16); 2] = [(80, 24), (140, 45)];

fn app(w: u16, h: u16) -> App {
    App::demo_for_tests(AT, w, h).expect("demo builds")
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
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
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

/// Where `needle` starts on screen.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let row: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        let joined: String = row.concat();
        if let Some(byte) = joined.find(needle) {
            let col = joined[..byte].chars().count() as u16;
            return Some((col, y));
        }
    }
    None
}

fn goto(app: &mut App, index: usize) {
    for _ in 0..index {
        app.update(Action::HistoryNext);
    }
}

const DEMO: [&str; 6] = [
    "demo1_qualifio_winner",
    "demo2_qualifio_jwe",
    "demo3_canplay_false",
    "demo4_001_example",
    "demo5_adictiz",
    "demo6_xtremepush",
];

#[test]
fn every_demo_token_at_both_sizes() {
    for (w, h) in SIZES {
        for (i, name) in DEMO.iter().enumerate() {
            let mut a = app(w, h);
            goto(&mut a, i);
            snap(name, &a);
        }
    }
}

#[test]
fn findings_focused_highlights_the_claim() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        goto(&mut a, 3);
        a.update(Action::Focus(Pane::Findings));
        let exp = a
            .inspection()
            .unwrap()
            .findings
            .iter()
            .position(|f| f.claim == "/exp")
            .unwrap();
        for _ in 0..exp {
            a.update(Action::Down);
        }
        snap("findings_exp_selected", &a);
        let buf = draw(&a);
        let (x, y) = find(&buf, "▶  \"exp\"").unwrap();
        assert!(
            x < w / 2,
            "the payload's highlighted line is in the left column"
        );
        assert!(
            buf[(x + 3, y)].modifier.contains(Modifier::BOLD),
            "highlighted claim line is bold"
        );
        a.update(Action::Select);
        snap("finding_detail", &a);
    }
}

#[test]
fn help_empty_and_keys_screens() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        a.update(Action::ToggleHelp);
        snap("help", &a);

        let mut a = App::new(
            Default::default(),
            tokenscope::tui::KeySource::Memory,
            Theme::dark(),
            tokenscope::time::Clock::Fixed(AT),
        );
        a.update(Action::Resize(w, h));
        snap("empty", &a);

        let mut a = app(w, h);
        a.update(Action::Focus(Pane::Keys));
        a.update(Action::Down);
        snap("keys", &a);
    }
}

#[test]
fn popups() {
    let mut a = app(100, 30);
    a.update(Action::TimePrompt);
    for c in "2024-05-01T14:00:00Z".chars() {
        a.update(Action::Char(c));
    }
    snap("time_prompt", &a);

    let mut a = app(100, 30);
    a.update(Action::AddKeyPrompt);
    a.update(Action::Paste(
        "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n".into(),
    ));
    snap("add_key_prompt", &a);

    let mut a = app(100, 30);
    a.update(Action::Focus(Pane::Keys));
    a.update(Action::DeleteKeyPrompt);
    snap("delete_confirm", &a);

    let mut a = app(100, 30);
    a.update(Action::StepTime(2 * 3600));
    snap("expired_two_hours_later", &a);
}

#[test]
fn too_small_terminal() {
    let mut a = app(80, 24);
    a.update(Action::Resize(60, 20));
    snap("too_small", &a);
}

#[test]
fn verdict_label_carries_its_colour() {
    let t = Theme::dark();
    let a = app(100, 30);
    let buf = draw(&a);
    let (x, y) = find(&buf, "ACCEPTED").unwrap();
    assert_eq!(buf[(x, y)].bg, t.verdict_accepted.bg.unwrap());

    let mut a = app(100, 30);
    goto(&mut a, 3);
    let buf = draw(&a);
    let (x, y) = find(&buf, "REJECTED").unwrap();
    assert_eq!(buf[(x, y)].bg, t.verdict_rejected.bg.unwrap());
    assert_eq!(buf[(x, y)].fg, t.verdict_rejected.fg.unwrap());
}

#[test]
fn severity_colours() {
    let t = Theme::dark();
    let mut a = app(140, 45);
    goto(&mut a, 3);
    let buf = draw(&a);
    let (x, y) = find(&buf, "✖ error").unwrap();
    assert_eq!(buf[(x, y)].fg, t.finding_error.fg.unwrap());
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
}

#[test]
fn the_cell_that_applies_is_highlighted() {
    let t = Theme::dark();
    let mut a = app(140, 45);
    goto(&mut a, 2); // canPlay false, nb 2: blocked, nb ignored; cw false: label ignored
    let buf = draw(&a);
    let (x, y) = find(&buf, "▶ blocked").unwrap();
    assert_eq!(buf[(x, y)].bg, t.table_applies.bg.unwrap());
    // Only the nb-present column applies; the nb-absent "blocked" is plain.
    let other = find(&buf, "  blocked").unwrap();
    assert_eq!(other.1, y);
    assert_ne!(buf[(other.0 + 2, y)].bg, t.table_applies.bg.unwrap());
    assert!(find(&buf, "nb (ignored)").is_some());
    assert!(find(&buf, "label (ignored)").is_some());
    let (x, y) = find(&buf, "▶ cannot_win").unwrap();
    assert_eq!(buf[(x, y)].bg, t.table_applies.bg.unwrap());
}

#[test]
fn no_color_keeps_meaning_without_colour() {
    let mut a = app(140, 45);
    a.theme = Theme::dark().without_colors();
    let buf = draw(&a);
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            assert!(
                c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset,
                "colour at {x},{y}"
            );
        }
    }
    let (x, y) = find(&buf, "▶ limited (n)").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    let (x, y) = find(&buf, "ACCEPTED").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn every_shipped_theme_draws() {
    for (name, _) in tokenscope::tui::theme::SHIPPED {
        let mut a = app(80, 24);
        a.theme = Theme::named(name).unwrap();
        let plain = text(&draw(&a));
        let mut b = app(80, 24);
        b.theme = Theme::dark();
        assert_eq!(plain, text(&draw(&b)), "theme {name} changes only styles");
    }
}

/// Edit mode over the Qualifio winner: toggles, the EDITED label, the original beside it.
fn editing(w: u16, h: u16) -> App {
    let mut a = app(w, h);
    a.update(Action::ToggleEdit);
    assert!(a.edit.is_some());
    a
}

#[test]
fn edit_mode_screens() {
    use tokenscope::tui::EditCmd;
    for (w, h) in SIZES {
        let mut a = editing(w, h);
        snap("edit_mode", &a);
        let buf = draw(&a);
        assert!(find(&buf, "EDITED").is_some());
        assert!(find(&buf, "original 1/6 ✔ ACCEPTED").is_some());

        // cw false, canPlay false: the tables move.
        a.update(Action::Edit(EditCmd::Cw));
        a.update(Action::Edit(EditCmd::CanPlay));
        snap("edit_mode_cw_false_canplay_false", &a);

        a.update(Action::Edit(EditCmd::ExportMenu));
        a.update(Action::Down);
        a.update(Action::Down);
        snap("edit_export_menu", &a);
        // 4 picks 002's setMetaData call, a format of its own.
        a.update(Action::Char('4'));
        snap("edit_export_menu_setmetadata", &a);
        let buf = draw(&a);
        assert!(find(&buf, "▶ 4 qualifio-setmetadata").is_some());
        assert!(find(&buf, "_qual_async.push(['setMetaData', 'JWT',").is_some());

        let mut a = editing(w, h);
        a.update(Action::Edit(EditCmd::JsonEditor));
        for op in [EditorOp::Down, EditorOp::Down, EditorOp::End] {
            a.update(Action::Editor(op));
        }
        a.update(Action::Editor(EditorOp::Backspace));
        a.update(Action::Editor(EditorOp::Apply));
        snap("edit_json_error", &a);
    }
}

#[test]
fn edit_mode_toggles_walk_the_win_table() {
    use tokenscope::tui::EditCmd;
    let mut a = editing(140, 45);
    let t = Theme::dark();
    // cw true/label present -> cw false -> cw absent, each with label present then absent.
    let mut seen = Vec::new();
    for _ in 0..3 {
        for _ in 0..2 {
            let buf = draw(&a);
            let (x, y) = find(&buf, "▶ ").filter(|_| true).unwrap();
            let _ = (x, y);
            let applies: Vec<String> = (0..buf.area.height)
                .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
                .filter(|p| buf[*p].bg == t.table_applies.bg.unwrap())
                .map(|p| buf[p].symbol().to_string())
                .collect();
            seen.push(applies.concat());
            a.update(Action::Edit(EditCmd::LabelToggle));
        }
        a.update(Action::Edit(EditCmd::Cw));
    }
    let distinct: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert!(distinct.len() >= 4, "the highlighted cells move: {seen:?}");
}

#[test]
fn folded_payload_and_round_trip() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        a.update(Action::Focus(Pane::Payload));
        let before = text(&draw(&a));
        // Scroll so "limit": { is the top line, fold it; then the root's "gift" too.
        let at = a.shown_position(Pane::Payload, "/limit").unwrap();
        for _ in 0..at {
            a.update(Action::Down);
        }
        a.update(Action::ToggleFold);
        a.update(Action::Top);
        snap("payload_limit_folded", &a);
        assert!(text(&draw(&a)).contains("\"limit\": { … 3 lines folded"));
        for _ in 0..at {
            a.update(Action::Down);
        }
        a.update(Action::ToggleFold);
        a.update(Action::Top);
        assert_eq!(text(&draw(&a)), before, "unfolding restores the view");
    }
}

/// Select the Keys pane's row for `name`.
fn select_key(a: &mut App, name: &str) {
    a.update(Action::Focus(Pane::Keys));
    let i = a
        .key_rows
        .iter()
        .position(|r| r.name == name)
        .expect("demo key");
    a.update(Action::Top);
    for _ in 0..i {
        a.update(Action::Down);
    }
}

#[test]
fn generate_key_menu_prompt_and_result() {
    for (w, h) in SIZES {
        let mut a = app(w, h);
        a.update(Action::Focus(Pane::Keys));
        a.update(Action::GenerateKeyMenu);
        a.update(Action::Down);
        snap("generate_key_menu", &a);
        // 7: ed25519.
        a.update(Action::Char('7'));
        a.update(Action::Submit);
        snap("generate_key_prompt", &a);
        let before = a.key_rows.len();
        a.update(Action::Submit);
        assert_eq!(a.key_rows.len(), before + 1);
        assert_eq!(a.key_rows[a.key_sel].name, "ed25519");
        snap("generate_key_done", &a);
        let buf = draw(&a);
        assert!(find(&buf, "generated ed25519 key 'ed25519' in memory").is_some());
    }
}

#[test]
fn a_secret_is_masked_until_revealed() {
    let secret = tokenscope::tui::demo::ADICTIZ_SECRET;
    for (w, h) in SIZES {
        let mut a = app(w, h);
        goto(&mut a, 4);
        select_key(&mut a, tokenscope::tui::demo::ADICTIZ_HS256);
        snap("secret_masked", &a);
        assert!(find(&draw(&a), &secret[..12]).is_none());
        assert!(find(&draw(&a), "••••").is_some());
        a.update(Action::ToggleReveal);
        snap("secret_revealed", &a);
        assert!(find(&draw(&a), &secret[..12]).is_some());
        // Moving the selection masks it again.
        a.update(Action::Up);
        a.update(Action::Down);
        assert!(find(&draw(&a), &secret[..12]).is_none());
        a.update(Action::ToggleReveal);
        a.update(Action::ToggleReveal);
        assert!(find(&draw(&a), &secret[..12]).is_none());
        // So does leaving the Keys pane.
        a.update(Action::ToggleReveal);
        assert!(find(&draw(&a), &secret[..12]).is_some());
        a.update(Action::Focus(Pane::Payload));
        a.update(Action::Focus(Pane::Keys));
        assert!(find(&draw(&a), &secret[..12]).is_none());
    }
}

#[test]
fn the_help_scrolls_when_taller_than_the_screen() {
    let mut a = app(80, 24);
    a.update(Action::ToggleHelp);
    let top = text(&draw(&a));
    assert!(top.contains("Keys 1-22 of"), "{top}");
    assert!(top.contains("any other key closes"), "{top}");
    for _ in 0..3 {
        a.update(Action::PageDown);
    }
    snap("help_scrolled", &a);
    let bottom = text(&draw(&a));
    assert!(bottom.contains("export: clipboard, file, snippets"));
    assert!(!bottom.contains("inspect the clipboard"));
    // The movement keys scroll; any other key closes.
    let key = |c| {
        ratatui::crossterm::event::Event::Key(ratatui::crossterm::event::KeyEvent::new(
            ratatui::crossterm::event::KeyCode::Char(c),
            ratatui::crossterm::event::KeyModifiers::NONE,
        ))
    };
    assert_eq!(a.action(&key('k')), Some(Action::Up));
    assert_eq!(a.action(&key('x')), Some(Action::Cancel));
    a.update(Action::Top);
    assert_eq!(text(&draw(&a)), top);
}

#[test]
fn edit_toggles_are_legible_at_80x24() {
    for (w, h) in SIZES {
        let mut a = editing(w, h);
        a.update(Action::Focus(Pane::Header));
        snap("edit_toggles", &a);
        let buf = draw(&a);
        for item in [
            "w cw true",
            "l/L label",
            "p canPlay true",
            "+-0 nb 3",
            "b limit",
            "hHx exp",
            "c campaignId",
            "s sub",
            "K key",
            "A alg RS256",
            "J JWE none",
            "C enc -",
            "i JSON",
            "y export",
        ] {
            assert!(find(&buf, item).is_some(), "{item} at {w}x{h}");
        }
    }
}

#[test]
fn a_user_theme_with_partial_overrides_applies() {
    use ratatui::style::{Color, Style};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        "extends = \"light\"\n[verdict]\naccepted = { fg = \"#000000\", bg = \"#00ff00\", bold = true }\n",
    )
    .unwrap();
    let theme = Theme::resolve("mine", &[dir.path().to_path_buf()]).unwrap();
    let light = Theme::named("light").unwrap();
    for (w, h) in SIZES {
        let mut a = app(w, h);
        a.theme = theme.clone();
        let buf = draw(&a);
        let (x, y) = find(&buf, "ACCEPTED").unwrap();
        let cell = &buf[(x, y)];
        assert_eq!(cell.fg, Color::Rgb(0, 0, 0));
        assert_eq!(cell.bg, Color::Rgb(0, 255, 0));
        assert!(cell.modifier.contains(Modifier::BOLD));
        // The rest comes from `light`: the JSON keys, the focused border.
        let (kx, ky) = find(&buf, "\"sub\"").unwrap();
        assert_eq!(
            Style::default().fg(buf[(kx, ky)].fg),
            Style::default().fg(light.json_key.fg.unwrap_or(Color::Reset))
        );
        a.theme = light.clone();
        assert_eq!(text(&draw(&a)), text(&buf), "a theme changes only styles");
    }
}

#[test]
fn the_status_bar_names_the_campaign_applied() {
    let mut a = app(140, 45);
    a.campaigns = vec![tokenscope::rules::Campaign {
        id: "123456".into(),
        jwe: Some(true),
        ..Default::default()
    }];
    a.reinspect();
    let buf = draw(&a);
    assert!(find(&buf, "│ campaign 123456").is_some(), "{}", text(&buf));
    assert!(
        find(&buf, "campaign \"123456\" expects an encrypted token").is_some(),
        "{}",
        text(&buf)
    );
}

#[test]
fn the_fold_cursor_moves_without_scrolling_and_folds_its_line() {
    let mut a = app(140, 45);
    a.update(Action::Focus(Pane::Payload));
    let at = a.shown_position(Pane::Payload, "/gift").unwrap();
    for _ in 0..at {
        a.update(Action::Down);
    }
    assert_eq!(a.cursor_of(Pane::Payload), Some(at));
    assert_eq!(
        a.scroll_of(Pane::Payload),
        0,
        "the whole payload fits: no scroll"
    );
    let buf = draw(&a);
    let (x, y) = find(&buf, "\"gift\": {").unwrap();
    let t = Theme::dark();
    assert_eq!(
        buf[(x, y)].bg,
        t.finding_selected.bg.unwrap(),
        "cursor line"
    );
    let (x, y) = find(&buf, "\"sub\"").unwrap();
    assert_ne!(buf[(x, y)].bg, t.finding_selected.bg.unwrap());
    a.update(Action::ToggleFold);
    snap("payload_gift_folded_at_cursor", &a);
    let buf = draw(&a);
    assert!(find(&buf, "\"gift\": { … 3 lines folded").is_some());
    assert!(
        find(&buf, "\"limit\": {").is_some(),
        "lines above stay in view"
    );
    // At 80x24 the view follows the cursor down, and back up.
    let mut a = app(80, 24);
    a.update(Action::Focus(Pane::Payload));
    let h = a.pane_height(Pane::Payload);
    for _ in 0..h {
        a.update(Action::Down);
    }
    assert_eq!(a.scroll_of(Pane::Payload), 1);
    a.update(Action::Top);
    assert_eq!(
        (a.cursor_of(Pane::Payload), a.scroll_of(Pane::Payload)),
        (Some(0), 0)
    );
}

/// The checklist says what Findings says: a JWE whose key is gone checks nothing (no ✔, the
/// Payload title says it is encrypted), and at 80 columns the Verdict pane's long lines and
/// table headers end in "…" instead of running into their neighbour.
#[test]
fn the_checklist_agrees_with_the_findings() {
    let mut a = app(80, 30);
    goto(&mut a, 1);
    a.ring.keys.retain(|k| k.name != "demo-qualifio-dir");
    a.reinspect();
    a.update(Action::Focus(Pane::Verdict));
    snap("checklist_jwe_without_key", &a);
    let screen = text(&draw(&a));
    assert!(screen.contains("encrypted (no key)"), "{screen}");
    assert!(!screen.contains("decrypted─"), "{screen}");
    assert!(screen.contains("? /exp         not checked"), "{screen}");
    assert!(!screen.contains("✔ /"), "{screen}");

    let mut a = app(80, 30);
    goto(&mut a, 2);
    a.update(Action::Focus(Pane::Verdict));
    let screen = text(&draw(&a));
    assert!(
        screen.contains("gift.cw label (ignore… no label"),
        "{screen}"
    );
}

/// The demo's keys, with the first token's as its public half only (nothing else signs).
fn public_key_only(w: u16, h: u16) -> App {
    use tokenscope::keys::Material;
    let mut a = app(w, h);
    a.ring.keys.retain(|k| k.name == "demo-qualifio-rs256");
    for k in &mut a.ring.keys {
        if let Material::Private { spki_der, .. } = &k.material {
            k.material = Material::Public {
                spki_der: spki_der.clone(),
            };
            k.cache = Default::default();
        }
    }
    a.reinspect();
    a
}

/// Edit mode with only a public key: the edited token is shown unsigned, its verdict
/// computed, the layer "not re-signed", NOT VERIFIED; the export says UNSIGNED.
#[test]
fn edit_mode_unsigned_with_a_public_key() {
    let mut a = public_key_only(80, 24);
    a.update(Action::ToggleEdit);
    a.update(Action::Edit(tokenscope::tui::EditCmd::Cw));
    snap("edit_unsigned", &a);
    let screen = text(&draw(&a));
    assert!(
        screen.contains("not re-signed (no private key)"),
        "{screen}"
    );
    assert!(screen.contains("NOT VERIFIED"), "{screen}");
    assert!(screen.contains("Win: cannot_win"), "{screen}");
    assert!(!screen.contains("ACCEPTED  profile"), "{screen}");
    a.update(Action::Edit(tokenscope::tui::EditCmd::ExportMenu));
    let screen = text(&draw(&a));
    assert!(
        screen.contains("Export the EDITED token (UNSIGNED)"),
        "{screen}"
    );
}

/// E with no token: the templates of `sign --template`, then edit mode on the chosen one.
#[test]
fn edit_mode_with_no_token_offers_the_templates() {
    let mut a = app(80, 24);
    a.history.clear();
    a.current = None;
    a.reinspect();
    a.update(Action::ToggleEdit);
    snap("edit_templates", &a);
    a.update(Action::Editor(EditorOp::Down));
    a.update(Action::Editor(EditorOp::Apply));
    snap("edit_template_blocked", &a);
    let screen = text(&draw(&a));
    assert!(screen.contains("Participation: blocked"), "{screen}");
}
