use super::*;
use ratatui::crossterm::event::KeyEventKind;

fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent {
        code,
        modifiers: mods,
        kind: KeyEventKind::Press,
        state: ratatui::crossterm::event::KeyEventState::NONE,
    }
}

#[test]
fn no_key_is_bound_twice() {
    let km = KeyMap::default();
    let mut seen = Vec::new();
    for (b, _) in km.entries().into_iter().chain(km.edit_entries()) {
        for k in &b.keys {
            assert!(!seen.contains(k), "{} bound twice", k.label());
            seen.push(*k);
        }
    }
}

#[test]
fn lookup_ignores_shift_on_characters() {
    let km = KeyMap::default();
    let shifted = Key::from_event(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT));
    assert_eq!(km.lookup(shifted), Some(Action::ToggleHelp));
    let back = Key::from_event(&ev(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(km.lookup(back), Some(Action::FocusPrev));
    let ctrl_c = Key::from_event(&ev(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(km.lookup(ctrl_c), Some(Action::Quit));
    assert_eq!(km.lookup(Key::ch('}')), Some(Action::StepTime(86_400)));
    assert_eq!(km.lookup(Key::ch('x')), None);
}

#[test]
fn help_and_hints_come_from_the_table() {
    let km = KeyMap::default();
    let rows = km.help_rows();
    assert_eq!(rows.len(), km.entries().len() + km.edit_entries().len());
    assert!(rows.contains(&("General", "q, Ctrl-C".to_string(), "quit")));
    let hints = km.hints();
    assert!(hints.contains(&("[]".to_string(), "±1h")));
    assert!(hints.contains(&("<>".to_string(), "history")));
    assert!(hints.contains(&("q".to_string(), "quit")));
}

fn overrides(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn overrides_replace_a_commands_keys_and_reach_help_and_hints() {
    let km = KeyMap::with_overrides(&overrides(&[("quit", "ctrl-q Q"), ("down", "J")])).unwrap();
    assert_eq!(km.lookup(Key::ctrl('q')), Some(Action::Quit));
    assert_eq!(km.lookup(Key::ch('Q')), Some(Action::Quit));
    assert_eq!(km.lookup(Key::ch('q')), None, "q lost its default binding");
    assert_eq!(km.lookup(Key::ch('J')), Some(Action::Down));
    assert_eq!(km.lookup(Key::ch('j')), None);
    assert!(
        km.help_rows()
            .contains(&("General", "Ctrl-Q, Q".to_string(), "quit"))
    );
    assert!(km.hints().contains(&("Ctrl-Q".to_string(), "quit")));
    // Everything not listed keeps its default.
    assert_eq!(km.up, KeyMap::default().up);
}

#[test]
fn a_key_bound_to_two_commands_is_an_error_naming_both() {
    let e = KeyMap::with_overrides(&overrides(&[("top", "j")])).unwrap_err();
    assert_eq!(
        e,
        KeyMapError::Duplicate {
            key: "j".into(),
            first: "down",
            second: "top"
        }
    );
    assert_eq!(
        e.to_string(),
        "[keys]: key 'j' is bound to both 'down' and 'top' (give one of them other keys)"
    );
    // Edit mode may reuse a main-view key, but not the keys that leave it or quit.
    assert!(KeyMap::with_overrides(&overrides(&[("history_prev", "H")])).is_ok());
    let e = KeyMap::with_overrides(&overrides(&[("cw", "E")])).unwrap_err();
    assert!(e.to_string().contains("'cw' and 'edit'"), "{e}");
    let e = KeyMap::with_overrides(&overrides(&[("down", "ctrl-")])).unwrap_err();
    assert!(matches!(e, KeyMapError::BadSpec { .. }), "{e}");
    let e = KeyMap::with_overrides(&overrides(&[("dwon", "j")])).unwrap_err();
    assert_eq!(e, KeyMapError::UnknownCommand("dwon".into()));
}

#[test]
fn every_command_name_is_a_field_with_a_place_in_the_table() {
    let km = KeyMap::default();
    let table: Vec<&Binding> = km
        .entries()
        .into_iter()
        .chain(km.edit_entries())
        .map(|(b, _)| b)
        .collect();
    assert_eq!(table.len(), KeyMap::COMMANDS.len());
    for name in KeyMap::COMMANDS {
        let b = km.binding(name).unwrap();
        assert!(table.iter().any(|t| std::ptr::eq(*t, b)), "{name}");
        assert_eq!(km.name_of(b), *name);
    }
    assert_eq!(crate::config::KEY_COMMANDS, KeyMap::COMMANDS);
}

#[test]
fn the_shipped_vim_keys_change_behaviour_and_help() {
    let path = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/vim-keys.toml"
    ));
    let text = std::fs::read_to_string(path).unwrap();
    let config = crate::config::Config::parse(&text, path).unwrap();
    let km = KeyMap::with_overrides(&config.keys).unwrap();
    assert_eq!(km.lookup(Key::ctrl('f')), Some(Action::PageDown));
    assert_eq!(km.lookup(Key::ch('H')), Some(Action::HistoryPrev));
    assert_eq!(km.lookup(Key::ch('<')), None);
    assert_eq!(km.lookup(Key::ch('x')), Some(Action::DeleteKeyPrompt));
    assert_eq!(km.lookup(Key::ch('d')), None);
    let rows = km.help_rows();
    assert!(rows.contains(&("Move", "Ctrl-F, PgDn".to_string(), "page down")));
    assert!(rows.contains(&("Tokens", "H".to_string(), "previous token")));
    assert!(km.hints().contains(&("HL".to_string(), "history")));
    assert!(!KeyMap::default().help_rows().contains(&(
        "Tokens",
        "H".to_string(),
        "previous token"
    )));
}

#[test]
fn the_readme_lists_every_command() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("**Key bindings**")
        .nth(1)
        .and_then(|s| s.split("**Errors**").next())
        .unwrap();
    for name in KeyMap::COMMANDS {
        assert!(
            section.contains(&format!("`{name}`")),
            "README lacks `{name}`"
        );
    }
}
