//! Tests of tests, continued (22 tests; the module holds the shared helpers).

use super::*;

#[test]
fn the_demo_opens_on_an_accepted_winner() {
    let app = demo();
    let insp = app.inspection().unwrap();
    assert_eq!(
        insp.overall(),
        crate::report::Overall::Accepted,
        "{:?}",
        insp.findings
    );
    assert!(!app.shown.payload.is_empty());
    assert_eq!(app.history.len(), 6);
}

#[test]
fn every_demo_token_has_the_outcome_it_demonstrates() {
    use crate::report::Overall::*;
    let mut app = demo();
    let mut got = Vec::new();
    for _ in 0..6 {
        let i = app.inspection().unwrap();
        got.push((i.overall(), i.verdict.profile));
        app.update(Action::HistoryNext);
    }
    use crate::Profile::*;
    assert_eq!(
        got,
        vec![
            (Accepted, Qualifio),
            (Accepted, Qualifio),
            (Accepted, Qualifio),
            (Rejected, Qualifio),
            (Accepted, Adictiz),
            (Accepted, Xtremepush),
        ]
    );
}

#[test]
fn stepping_time_expires_the_token() {
    let mut app = demo();
    for _ in 0..2 {
        app.update(Action::StepTime(3600));
    }
    let i = app.inspection().unwrap();
    assert_eq!(i.overall(), crate::report::Overall::Rejected);
    assert!(i.findings.iter().any(|f| f.claim == "/exp"));
    app.update(Action::TimeNow);
    assert_eq!(app.at, AT);
    assert_eq!(
        app.inspection().unwrap().overall(),
        crate::report::Overall::Accepted
    );
}

#[test]
fn time_prompt_parses_or_keeps_the_prompt_open() {
    let mut app = demo();
    app.update(Action::TimePrompt);
    for c in "yesterday".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    assert!(matches!(app.modal, Modal::Prompt { .. }));
    assert!(app.message.as_ref().unwrap().error);
    app.update(Action::ClearInput);
    for c in "2024-05-03T00:00:00Z".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    assert_eq!(app.modal, Modal::None);
    assert_eq!(app.at, AT + 36 * 3600);
}

#[test]
fn a_paste_without_a_token_keeps_the_view() {
    let mut app = demo();
    app.update(Action::Paste("hello there".into()));
    assert_eq!(app.history.len(), 6);
    assert!(app.message.as_ref().unwrap().error);
    let url = format!(
        "https://example.com/play?qual_token={}&x=1",
        app.history[4].text
    );
    app.update(Action::Paste(url));
    assert_eq!(app.history.len(), 7);
    assert_eq!(app.current, Some(6));
    let insp = app.inspection().unwrap();
    assert_eq!(insp.verdict.profile, crate::Profile::Adictiz);
    assert!(!insp.stripped.is_empty());
}

#[test]
fn keys_added_and_deleted_in_memory_change_the_verdict() {
    let mut app = demo();
    app.update(Action::HistoryNext);
    app.update(Action::HistoryNext);
    app.update(Action::HistoryNext);
    app.update(Action::HistoryNext); // Adictiz
    let name = crate::tui::demo::ADICTIZ_HS256;
    app.key_sel = app.key_rows.iter().position(|r| r.name == name).unwrap();
    app.update(Action::DeleteKeyPrompt);
    assert_eq!(
        app.modal,
        Modal::ConfirmDelete {
            name: name.to_string()
        }
    );
    app.update(Action::Submit);
    assert_eq!(
        app.inspection().unwrap().overall(),
        crate::report::Overall::NotVerified
    );
    app.update(Action::AddKeyPrompt);
    app.update(Action::Paste(crate::tui::demo::ADICTIZ_SECRET.into()));
    app.update(Action::Submit);
    assert!(matches!(
        &app.modal,
        Modal::Prompt { kind: PromptKind::KeyName { .. }, input } if input == "key-1"
    ));
    app.update(Action::Submit);
    // A secret: how it is written is asked last (utf8 here, the one that opens the token).
    assert!(
        matches!(&app.modal, Modal::Encoding(m) if m.rows[m.sel].encoding == crate::keys::SecretEncoding::Utf8)
    );
    app.update(Action::Submit);
    assert_eq!(
        app.inspection().unwrap().overall(),
        crate::report::Overall::Accepted
    );
    assert!(app.message.as_ref().unwrap().text.contains("ACCEPTED"));
}

#[test]
fn selecting_a_finding_scrolls_to_its_claim() {
    let mut app = App::demo_for_tests(AT, 80, 24).unwrap();
    for _ in 0..3 {
        app.update(Action::HistoryNext);
    }
    app.update(Action::Focus(Pane::Findings));
    let claims: Vec<String> = app
        .inspection()
        .unwrap()
        .findings
        .iter()
        .map(|f| f.claim.clone())
        .collect();
    let i = claims.iter().position(|c| c == "/exp").unwrap();
    for _ in 0..i {
        app.update(Action::Down);
    }
    assert_eq!(app.highlighted_claim(), Some("/exp"));
    app.update(Action::Select);
    assert_eq!(app.modal, Modal::Detail);
    app.update(Action::Cancel);
    assert_eq!(app.modal, Modal::None);
}

/// `R` copies the ticket-ready report of the token on screen, personal data masked.
#[test]
fn r_copies_the_markdown_report() {
    let mut app = demo();
    app.effects.clear();
    let key = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('R'),
        crossterm::event::KeyModifiers::SHIFT,
    );
    let action = app
        .action(&crossterm::event::Event::Key(key))
        .expect("R is bound");
    assert_eq!(action, Action::CopyReport);
    app.update(action);
    let Some(Effect::CopyToClipboard { text, what }) = app.effects.last() else {
        panic!("no copy effect: {:?}", app.effects);
    };
    assert_eq!(what, "Markdown report");
    assert!(text.starts_with("## tokenscope: "), "{text}");
    assert!(text.contains("### Claims (personal data masked)"), "{text}");
    assert!(text.contains("--file token.txt"), "{text}");
    let insp = app.inspection().unwrap();
    assert!(!text.contains(&insp.token), "the token is elided");
}

#[test]
fn focus_cycles_and_quit_quits() {
    let mut app = demo();
    assert_eq!(app.focus, Pane::Payload);
    for _ in 0..6 {
        app.update(Action::FocusNext);
    }
    assert_eq!(app.focus, Pane::Payload);
    app.update(Action::FocusPrev);
    assert_eq!(app.focus, Pane::Header);
    app.update(Action::ToggleMouse);
    assert_eq!(app.effects, vec![Effect::SetMouseCapture(false)]);
    app.update(Action::Quit);
    assert!(app.quit);
}

#[test]
fn the_configured_campaign_that_matches_is_applied_and_named() {
    let mut app = demo();
    app.campaigns = vec![campaign("999", false), campaign("123456", true)];
    app.reinspect();
    assert_eq!(app.campaign.as_deref(), Some("123456"));
    let ids: Vec<&str> = app
        .inspection()
        .unwrap()
        .findings
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    // The winner is a plain JWS, the campaign expects a JWE.
    assert!(
        ids.contains(&crate::rules::ids::CAMPAIGN_JWE_EXPECTED.id),
        "{ids:?}"
    );
    // No campaignId match among several: none applies.
    app.campaigns = vec![campaign("1", false), campaign("2", false)];
    app.reinspect();
    assert_eq!(app.campaign, None);
    // A single campaign applies as `--campaign FILE` would.
    app.campaigns = vec![campaign("1", false)];
    app.reinspect();
    assert_eq!(app.campaign.as_deref(), Some("1"));
}

#[test]
fn time_display_rewrites_the_time_notes() {
    let mut app = demo();
    let note = |app: &App| {
        let doc = &app.shown.payload;
        doc.find("/exp").map(|i| doc.text(i)).unwrap()
    };
    assert!(
        note(&app).contains("// 2024-05-01T13:00:00Z (in 60 minutes)"),
        "{}",
        note(&app)
    );
    app.time_display = TimeDisplay::Both;
    app.reinspect();
    assert!(
        note(&app).contains("// 2024-05-01T13:00:00Z / 2024-05-01 "),
        "{}",
        note(&app)
    );
    assert!(note(&app).ends_with("(in 60 minutes)"), "{}", note(&app));
    app.time_display = TimeDisplay::Local;
    app.reinspect();
    assert!(!note(&app).contains("Z"), "{}", note(&app));
    assert_eq!(format_instant(AT, TimeDisplay::Utc), "2024-05-01T12:00:00Z");
}

#[test]
fn a_key_file_goes_through_the_name_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("adictiz.secret");
    std::fs::write(&path, format!("{}\n", crate::tui::demo::ADICTIZ_SECRET)).unwrap();
    let mut app = demo();
    for _ in 0..4 {
        app.update(Action::HistoryNext);
    }
    let name = crate::tui::demo::ADICTIZ_HS256;
    app.ring.keys.retain(|k| k.name != name);
    app.refresh_key_rows();
    app.reinspect();
    assert_eq!(
        app.inspection().unwrap().overall(),
        crate::report::Overall::NotVerified
    );
    app.update(Action::AddKeyFilePrompt);
    app.update(Action::Paste("/nonexistent/key.pem".into()));
    app.update(Action::Submit);
    assert!(app.message.as_ref().unwrap().error);
    assert!(matches!(
        app.modal,
        Modal::Prompt {
            kind: PromptKind::KeyFile,
            ..
        }
    ));
    app.update(Action::ClearInput);
    app.update(Action::Paste(path.display().to_string()));
    app.update(Action::Submit);
    assert!(matches!(
        &app.modal,
        Modal::Prompt { kind: PromptKind::KeyName { .. }, input } if input == "adictiz"
    ));
    app.update(Action::Submit);
    assert!(matches!(app.modal, Modal::Encoding(_)));
    app.update(Action::Submit);
    assert_eq!(
        app.inspection().unwrap().overall(),
        crate::report::Overall::Accepted
    );
    let layer = &app.inspection().unwrap().layers[0];
    assert_eq!(layer.key.as_deref(), Some("adictiz"));
}

#[test]
fn keys_are_generated_off_the_event_loop_when_asked() {
    let mut app = demo();
    app.background = true;
    app.update(Action::GenerateKeyMenu);
    app.update(Action::Char('4'));
    app.update(Action::Submit);
    assert!(matches!(
        &app.modal,
        Modal::Prompt { kind: PromptKind::GenerateName { kind: GenType::P256 }, input } if input == "p256"
    ));
    app.update(Action::Submit);
    assert_eq!(
        app.effects,
        vec![Effect::Run(Job::GenerateKey {
            kind: GenType::P256,
            name: "p256".into()
        })]
    );
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("generating p256 key 'p256'")
    );
    assert!(!app.key_rows.iter().any(|r| r.name == "p256"));
    // The worker's answer, as the event loop hands it over.
    let Some(Effect::Run(job)) = app.effects.pop() else {
        panic!("no job queued");
    };
    app.update(Action::Done(Done::new(crate::tui::jobs::run(job))));
    assert!(
        app.key_rows
            .iter()
            .any(|r| r.name == "p256" && r.kind.starts_with("ec P256"))
    );
    // A taken name is refused before any work.
    app.effects.clear();
    app.update(Action::GenerateKeyMenu);
    app.update(Action::Char('4'));
    app.update(Action::Submit);
    app.update(Action::ClearInput);
    for c in "p256".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    assert!(app.effects.is_empty());
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("exists already")
    );
}

#[test]
fn menus_move_and_close_with_the_keys_the_keymap_binds() {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let key = |c: char| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let mut app = demo();
    let overrides: std::collections::BTreeMap<String, String> =
        [("down", "J"), ("up", "K"), ("quit", "Q")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    app.keymap = KeyMap::with_overrides(&overrides).unwrap();
    app.update(Action::GenerateKeyMenu);
    assert_eq!(app.action(&key('J')), Some(Action::Down));
    assert_eq!(app.action(&key('K')), Some(Action::Up));
    assert_eq!(app.action(&key('Q')), Some(Action::Cancel));
    // The defaults no longer move: j is a plain letter for the menu.
    assert_eq!(app.action(&key('j')), Some(Action::Char('j')));
    let arrow = Event::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    assert_eq!(app.action(&arrow), Some(Action::Down));
}

#[test]
fn a_paste_with_several_tokens_opens_the_picker() {
    let mut app = demo();
    // Two demo tokens quoted in a ticket.
    let first = app.history[0].text.clone();
    let second = app.history[1].text.clone();
    let ticket = format!("Hello,\nthe first link: {first}\nand the second one: {second}\nThanks");
    app.update(Action::Paste(ticket));
    let Modal::Pick { sel: 0, rows } = &app.modal else {
        panic!("no picker: {:?}", app.modal);
    };
    assert_eq!(rows.len(), 2);
    assert!(first.starts_with(rows[0].preview.trim_end_matches('…')));
    assert!(!rows[1].alg.is_empty());
    // The first is shown until another is chosen.
    let shown = |app: &App| app.inspection().unwrap().token.clone();
    assert_eq!(shown(&app), first);
    app.update(Action::Down);
    app.update(Action::Submit);
    assert_eq!(app.modal, Modal::None);
    assert_eq!(shown(&app), second);
    assert_eq!(app.history.last().unwrap().index, 1);
    // Flipping away and back keeps the choice.
    app.update(Action::HistoryPrev);
    app.update(Action::HistoryNext);
    assert_eq!(shown(&app), second);
}

#[test]
fn a_tick_evaluates_again_at_now_unless_the_instant_is_pinned() {
    let mut app = demo();
    let accepted =
        |app: &App| app.inspection().unwrap().overall() == crate::report::Overall::Accepted;
    assert!(accepted(&app));
    // Pinned (as the snapshots are): the clock moving changes nothing.
    assert!(!app.ticking());
    app.clock = Clock::Fixed(AT + 10 * 365 * 86_400);
    app.update(Action::Tick);
    assert!(accepted(&app));
    // At "now": the next tick sees the token expired.
    app.pinned = false;
    assert!(app.ticking());
    app.update(Action::Tick);
    assert_eq!(app.at, AT + 10 * 365 * 86_400);
    assert!(!accepted(&app));
}

#[test]
fn leaving_edit_mode_with_changes_asks_first() {
    let mut app = demo();
    // Unchanged: E leaves at once.
    app.update(Action::ToggleEdit);
    assert!(app.edit.is_some());
    app.update(Action::ToggleEdit);
    assert!(app.edit.is_none());
    // Changed: E asks; any key but y keeps the edits, y drops them.
    app.update(Action::ToggleEdit);
    app.update(Action::Edit(EditCmd::Cw));
    app.update(Action::ToggleEdit);
    assert_eq!(app.modal, Modal::ConfirmLeaveEdit);
    app.update(Action::Cancel);
    assert!(app.edit.as_ref().is_some_and(|e| e.touched));
    app.update(Action::ToggleEdit);
    app.update(Action::Submit);
    assert!(app.edit.is_none());
    assert_eq!(app.modal, Modal::None);
}

#[test]
fn a_pasted_base64url_dir_secret_is_offered_in_the_encoding_that_opens_the_jwe() {
    use crate::keys::SecretEncoding as E;
    let mut app = demo_jwe_without_its_key();
    let secret = demo_dir_key_base64url();
    paste_secret_and_name_it(&mut app, &secret);
    let Modal::Encoding(menu) = &app.modal else {
        panic!("no encoding menu: {:?}", app.modal);
    };
    assert_eq!(menu.name, "key-1");
    assert_eq!(menu.rows[menu.sel].encoding, E::Base64url);
    assert!(menu.rows[menu.sel].opens);
    assert_eq!(menu.need, Some(("A256GCM".to_string(), 32)));
    let lengths: Vec<_> = menu
        .rows
        .iter()
        .map(|r| (r.encoding, r.bytes.clone().ok()))
        .collect();
    assert_eq!(lengths[0], (E::Utf8, Some(43)));
    assert_eq!(lengths[2], (E::Base64url, Some(32)));
    assert_eq!(lengths[3], (E::Hex, None));
    let need = crate::tui::widgets::popup::need_line(menu).unwrap();
    assert!(
        need.starts_with("A256GCM needs 32 bytes: ") && need.ends_with("base64url gives 32")
            || need.ends_with("base64 and base64url give 32"),
        "{need}"
    );
    // hex does not decode: refused, the menu stays.
    app.update(Action::Char('4'));
    app.update(Action::Submit);
    assert!(matches!(app.modal, Modal::Encoding(_)));
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.contains("hex does not decode"), "{m:?}");
    assert!(app.key_rows.iter().all(|r| r.name != "key-1"));
    // base64url: 32 bytes, the JWE opens.
    app.update(Action::Char('3'));
    app.update(Action::Submit);
    assert_eq!(app.modal, Modal::None);
    let insp = app.inspection().unwrap();
    assert_eq!(insp.layers[0].key.as_deref(), Some("key-1"));
    assert_eq!(insp.overall(), crate::report::Overall::Accepted);
    let row = app.key_rows.iter().find(|r| r.name == "key-1").unwrap();
    assert_eq!(row.kind, "secret 32 B");
}

#[test]
fn a_secret_stored_as_utf8_when_chosen_stays_43_bytes() {
    let mut app = demo_jwe_without_its_key();
    paste_secret_and_name_it(&mut app, &demo_dir_key_base64url());
    app.update(Action::Char('1'));
    app.update(Action::Submit);
    let row = app.key_rows.iter().find(|r| r.name == "key-1").unwrap();
    assert_eq!(row.kind, "secret 43 B");
    assert_eq!(
        app.inspection().unwrap().layers[0].status,
        crate::report::LayerStatus::NoKey
    );
}

#[test]
fn the_encoding_preselected_is_the_one_the_text_looks_written_in() {
    use crate::keys::SecretEncoding as E;
    use crate::tui::app::keys::looks_like;
    assert_eq!(looks_like("00ff736563726574fbef"), E::Hex);
    assert_eq!(looks_like("00ff7"), E::Utf8);
    assert_eq!(looks_like("-_-_"), E::Base64url);
    assert_eq!(looks_like("AP9zZWNyZXT77w"), E::Base64url);
    assert_eq!(looks_like("AP9zZWNyZXT77w=="), E::Base64);
    assert_eq!(looks_like("a+b/"), E::Base64);
    assert_eq!(looks_like("hunter 2"), E::Utf8);
    assert_eq!(looks_like(crate::tui::demo::ADICTIZ_SECRET), E::Utf8);
    // Without a token to open, the menu follows the text.
    let mut app = App::new(
        crate::keys::KeyRing::default(),
        KeySource::Memory,
        crate::tui::Theme::dark(),
        crate::time::Clock::Fixed(AT),
    );
    paste_secret_and_name_it(&mut app, "00ff736563726574fbef");
    let Modal::Encoding(menu) = &app.modal else {
        panic!("no encoding menu");
    };
    assert_eq!(menu.rows[menu.sel].encoding, E::Hex);
    assert_eq!(menu.need, None);
    assert_eq!(menu.rows[3].bytes, Ok(10));
    assert_eq!(menu.rows[0].bytes, Ok(20));
}

#[test]
fn a_pasted_secret_is_stored_with_the_encoding_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::keys::Store::open(dir.path().join("keys"));
    let mut app = App::new(
        crate::keys::KeyRing::default(),
        KeySource::Store {
            store,
            cache: dir.path().join("cache"),
        },
        crate::tui::Theme::dark(),
        crate::time::Clock::Fixed(AT),
    );
    paste_secret_and_name_it(&mut app, &demo_dir_key_base64url());
    app.update(Action::Submit);
    let row = app.key_rows.iter().find(|r| r.name == "key-1").unwrap();
    assert_eq!(row.kind, "secret 32 B");
    let stored = std::fs::read_to_string(dir.path().join("keys/keys.toml")).unwrap();
    assert!(stored.contains("encoding = \"base64url\""), "{stored}");
}

#[test]
fn a_key_name_taken_keeps_the_name_prompt_for_a_secret() {
    let mut app = demo_jwe_without_its_key();
    app.update(Action::AddKeyPrompt);
    app.update(Action::Paste(demo_dir_key_base64url()));
    app.update(Action::Submit);
    app.update(Action::ClearInput);
    for c in crate::tui::demo::ADICTIZ_HS256.chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    assert!(matches!(
        app.modal,
        Modal::Prompt {
            kind: PromptKind::KeyName { .. },
            ..
        }
    ));
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("exists already")
    );
}
