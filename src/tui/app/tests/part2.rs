//! Tests of tests, continued (9 tests; the module holds the shared helpers).

use super::*;

#[test]
fn the_cli_advice_for_a_missing_key_names_the_keys_to_press() {
    let mut app = App::new(
        crate::keys::KeyRing::default(),
        KeySource::Memory,
        crate::tui::Theme::dark(),
        crate::time::Clock::Fixed(AT),
    );
    let jwe = demo().history[1].text.clone();
    app.open_text("jwe", jwe);
    let insp = app.inspection().unwrap();
    let detail = insp.layers[0].detail.clone();
    assert!(detail.contains("tokenscope keys add"), "{detail}");
    let words = crate::tui::widgets::keys::in_tui_words(&app, &detail);
    assert_eq!(
        words,
        "no key: press a to paste one, f to add one from a file"
    );
    let finding = &insp.findings[0].message;
    let words = crate::tui::widgets::keys::in_tui_words(&app, finding);
    assert!(
        words.ends_with(": no key: press a to paste one, f to add one from a file"),
        "{words}"
    );
    assert!(crate::tui::widgets::keys::wants_key(&app));
    // Text without the advice is left as it is.
    assert_eq!(
        crate::tui::widgets::keys::in_tui_words(&app, "no key fits RS256"),
        "no key fits RS256"
    );
    assert!(!crate::tui::widgets::keys::wants_key(&demo()));
}

#[test]
fn a_key_file_that_is_not_text_says_what_to_do_in_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.der");
    std::fs::write(&path, [0x30, 0x82, 0xff, 0xfe, 0x00]).unwrap();
    let mut app = demo();
    app.update(Action::AddKeyFilePrompt);
    app.update(Action::Paste(path.display().to_string()));
    app.update(Action::Submit);
    let m = app.message.clone().unwrap();
    assert!(m.error, "{m:?}");
    assert!(m.text.contains("this prompt takes a PEM"), "{m:?}");
    assert!(!m.text.contains("tokenscope keys add"), "{m:?}");
    assert!(matches!(
        app.modal,
        Modal::Prompt {
            kind: PromptKind::KeyFile,
            ..
        }
    ));
}

#[test]
fn tab_completes_paths_in_the_file_prompts() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["token-a.txt", "token-b.txt", "other.txt", ".token-hidden"] {
        std::fs::write(dir.path().join(f), "x").unwrap();
    }
    std::fs::create_dir(dir.path().join("tokens")).unwrap();
    std::fs::write(dir.path().join("tokens/only.jwt"), "x").unwrap();
    let base = format!("{}/", dir.path().display());
    let mut app = demo();
    // Tab is pane focus outside a prompt, and nothing in a prompt that takes no path.
    assert_eq!(app.action(&tab_key()), Some(Action::FocusNext));
    app.update(Action::TimePrompt);
    assert_eq!(app.action(&tab_key()), None);
    for open in [
        Action::OpenFilePrompt,
        Action::AddKeyFilePrompt,
        Action::Edit(EditCmd::ExportMenu),
    ] {
        app.update(Action::Cancel);
        if open == Action::Edit(EditCmd::ExportMenu) {
            app.update(Action::ToggleEdit);
            app.update(open);
            // `f` in the export menu asks for the file.
            app.update(Action::Char('f'));
        } else {
            app.update(open);
        }
        assert!(matches!(app.modal, Modal::Prompt { .. }), "{:?}", app.modal);
        app.update(Action::Paste(format!("{base}to")));
        let tab = app.action(&tab_key()).unwrap();
        app.update(tab.clone());
        assert_eq!(prompt_input(&app), format!("{base}token"));
        let m = app.message.clone().unwrap();
        assert_eq!(m.text, "3 matches: token-a.txt token-b.txt tokens/");
        app.update(Action::Char('s'));
        app.update(tab.clone());
        assert_eq!(prompt_input(&app), format!("{base}tokens/"));
        app.update(tab.clone());
        assert_eq!(prompt_input(&app), format!("{base}tokens/only.jwt"));
        app.update(Action::ClearInput);
        app.update(Action::Paste(format!("{base}zz")));
        app.update(tab);
        assert_eq!(prompt_input(&app), format!("{base}zz"));
        assert!(app.message.as_ref().unwrap().text.contains("nothing in"));
    }
}

#[test]
fn tab_reads_at_most_a_thousand_entries_and_lists_a_line_of_them() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1_200 {
        std::fs::write(dir.path().join(format!("f{i:04}")), "").unwrap();
    }
    let mut app = demo();
    app.update(Action::OpenFilePrompt);
    app.update(Action::Paste(format!("{}/f", dir.path().display())));
    app.update(Action::Char('\t'));
    let m = app.message.clone().unwrap();
    assert!(
        m.text
            .starts_with("1000 matches (the first 1000 entries of the directory): f0"),
        "{}",
        m.text
    );
    assert!(m.text.ends_with(" …"), "{}", m.text);
    assert!(m.text.chars().count() <= 90, "{}", m.text);
    assert_eq!(prompt_input(&app), format!("{}/f", dir.path().display()));
}

#[test]
fn the_picker_never_shows_pasted_control_characters() {
    let mut app = demo();
    let first = app.history[0].text.clone();
    let second = app.history[1].text.clone();
    let hostile = format!(
        "jwt={first}\x1b[2J\x07 and https://x.test/?qual_token={second}\x1b]0;owned\x07&x=1"
    );
    app.update(Action::Paste(hostile));
    let Modal::Pick { rows, .. } = &app.modal else {
        panic!("no picker: {:?}", app.modal);
    };
    for row in rows {
        for text in [&row.alg, &row.preview] {
            assert!(
                !text.chars().any(|c| c.is_control()),
                "raw control character in {text:?}"
            );
        }
    }
}

#[test]
fn the_log_browser_lists_filters_opens_and_comes_back() {
    let mut app = demo();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let lines: Vec<String> = app
        .history
        .iter()
        .enumerate()
        .map(|(i, e)| format!("2024-05-01 login {i} token={}", e.text.trim()))
        .chain(["a line with no token".to_string()])
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let tokens = app.history.len();
    app.browse(crate::tui::browser::Source::File(path), false);
    assert!(app.browsing());
    let b = app.browser.as_ref().unwrap();
    assert!(b.done);
    assert_eq!(b.rows.len(), tokens);
    assert_eq!(b.rows.get(1).map(|r| r.line), Some(2));
    // Filter on a verdict, then on nothing.
    app.update(Action::BrowseFilterPrompt);
    for c in "accepted".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    let shown = app.browser.as_ref().unwrap().shown.len();
    assert!(shown > 0 && shown < tokens, "{shown} of {tokens}");
    app.update(Action::Cancel);
    assert_eq!(app.browser.as_ref().unwrap().shown.len(), tokens);
    // Open the third row, then come back to it.
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Select);
    assert!(!app.browsing());
    assert_eq!(app.history.last().unwrap().label, "line 3");
    let third = app.history[2].text.trim().to_string();
    assert_eq!(app.inspection().unwrap().token, third);
    app.update(Action::Cancel);
    assert!(app.browsing());
    assert_eq!(app.browser.as_ref().unwrap().selected().unwrap().line, 3);
}

/// A log of 12 lines, each holding one of the demo's tokens.
fn demo_log(app: &App) -> String {
    let lines: Vec<String> = (0..12)
        .map(|i| {
            let e = &app.history[i % app.history.len()];
            format!("2024-05-01 login {i} token={}", e.text.trim())
        })
        .collect();
    lines.join("\n")
}

#[test]
fn a_pasted_log_is_browsed_grouped_and_summed_up_like_the_cli() {
    let mut app = demo();
    // A paste of many tokens, a line each: the browser, not the picker.
    app.update(Action::Paste(demo_log(&app)));
    assert!(app.browsing());
    assert!(matches!(app.modal, Modal::None), "{:?}", app.modal);
    let b = app.browser.as_ref().unwrap();
    assert_eq!(b.rows.len(), 12);
    assert_eq!(b.summary.tokens, 12);
    assert!(b.source.label().starts_with("pasted text"));
    // The summary view is the CLI's summary.
    app.update(Action::BrowseSummary);
    let b = app.browser.as_ref().unwrap();
    assert!(matches!(b.view, View::Summary { .. }));
    assert!(
        b.summary_text().starts_with("12 token(s): "),
        "{}",
        b.summary_text()
    );
    app.update(Action::Cancel);
    // Group by verdict, open the biggest group: the list shows its rows only.
    app.update(Action::BrowseGroup);
    let b = app.browser.as_ref().unwrap();
    let View::Groups(g) = &b.view else {
        panic!("{:?}", b.view)
    };
    let biggest = g.groups[0].clone();
    app.update(Action::Select);
    let b = app.browser.as_ref().unwrap();
    assert!(matches!(b.view, View::List));
    assert_eq!(b.shown.len(), biggest.rows);
    assert_eq!(b.filter, format!("verdict={}", biggest.value));
    // A row of the paste opens from memory, and Esc comes back.
    app.update(Action::Select);
    assert!(!app.browsing());
    assert!(app.history.last().unwrap().label.starts_with("line "));
    app.update(Action::Cancel);
    assert!(app.browsing());
}

#[test]
fn p_on_a_row_of_the_list_pins_it_and_the_next_row_opened_is_compared() {
    let mut app = demo();
    app.update(Action::Paste(demo_log(&app)));
    assert!(app.browsing());
    app.update(Action::Pin);
    // Still the list, with line 1 pinned.
    assert!(app.browsing());
    assert_eq!(app.pin.as_ref().map(|p| p.label.as_str()), Some("line 1"));
    app.update(Action::Down);
    app.update(Action::Select);
    assert!(!app.browsing());
    assert!(app.pin.as_ref().is_some_and(|p| p.compared.is_some()));
    // P on the pinned row again unpins it.
    app.update(Action::Cancel);
    app.update(Action::Up);
    app.update(Action::Pin);
    assert!(app.pin.is_none());
}

#[test]
fn a_token_pasted_over_the_list_shows_in_the_panes_and_esc_comes_back() {
    let mut app = demo();
    app.update(Action::Paste(demo_log(&app)));
    assert!(app.browsing());
    let one = app.history[1].text.clone();
    app.update(Action::Paste(one.clone()));
    assert!(!app.browsing());
    assert_eq!(app.inspection().unwrap().token, one.trim());
    app.update(Action::Cancel);
    assert!(app.browsing());
    // Text with no token keeps the list.
    app.update(Action::Paste("   ".into()));
    assert!(app.browsing());
}
