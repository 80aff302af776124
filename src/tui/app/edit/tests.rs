use super::*;
use crate::report::Overall;
use serde_json::json;

const AT: i64 = 1_714_564_800;

fn editing(index: usize) -> App {
    let mut app = App::demo_for_tests(AT, 100, 30).unwrap();
    for _ in 0..index {
        app.update(Action::HistoryNext);
    }
    app.update(Action::ToggleEdit);
    assert!(app.edit.is_some(), "{:?}", app.message);
    app
}

fn win_outcome(app: &App) -> String {
    let v = &app.inspection().unwrap().verdict;
    serde_json::to_value(&v.win).unwrap()["outcome"].to_string()
}

/// The demo with the first token's key as a public key only, and no other key that
/// signs.
fn public_key_only() -> App {
    use crate::keys::Material;
    let mut app = App::demo_for_tests(AT, 100, 30).unwrap();
    app.ring.keys.retain(|k| k.name == "demo-qualifio-rs256");
    for k in &mut app.ring.keys {
        if let Material::Private { spki_der, .. } = &k.material {
            k.material = Material::Public {
                spki_der: spki_der.clone(),
            };
            k.cache = Default::default();
        }
    }
    app.reinspect();
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
    app
}

#[test]
fn with_only_a_public_key_the_edit_is_shown_unsigned_and_evaluated() {
    let mut app = public_key_only();
    app.update(Action::ToggleEdit);
    let e = app.edit.as_ref().expect("edit mode");
    assert_eq!(e.unsigned.as_deref(), Some(edit::NO_PRIVATE_KEY));
    let token = e.token.clone().unwrap();
    assert!(token.ends_with('.'), "an empty signature: {token}");
    let insp = app.inspection().expect("the edited token is shown");
    assert_eq!(insp.token, token);
    assert_eq!(insp.overall(), Overall::NotVerified);
    assert!(!insp.accepted);
    let layer = &insp.layers[0];
    assert_eq!(layer.detail, "not re-signed (no private key)");
    assert!(layer.key.is_none());
    assert!(
        insp.findings
            .iter()
            .any(|f| f.message.contains("not re-signed (no private key)"))
    );
    assert!(
        !insp
            .findings
            .iter()
            .any(|f| f.id == "generic.signature.invalid"),
        "{:?}",
        insp.findings
    );
    assert!(app.message.as_ref().unwrap().text.contains("UNSIGNED"));
    // The toggles still move the verdict.
    let before = win_outcome(&app);
    app.update(Action::Edit(EditCmd::Cw));
    assert_ne!(win_outcome(&app), before);
    assert_eq!(app.inspection().unwrap().overall(), Overall::NotVerified);
    let msg = &app.message.as_ref().unwrap().text;
    assert!(msg.contains("not re-signed"), "{msg}");
    // An expired exp rejects it: the claims still count.
    app.update(Action::Edit(EditCmd::Exp("-1h")));
    assert_eq!(app.inspection().unwrap().overall(), Overall::Rejected);
    // Export says it is unsigned.
    app.update(Action::Edit(EditCmd::ExportMenu));
    assert!(
        matches!(app.modal, Modal::Export { .. }),
        "{:?}",
        app.message
    );
    app.update(Action::Submit);
    assert!(matches!(
        app.effects.last(),
        Some(Effect::CopyToClipboard { what, text }) if what.starts_with("UNSIGNED") && text.trim_end().ends_with('.')
    ));
}

/// A key that cannot sign the alg the JSON asks for: unsigned with the key's reason.
#[test]
fn a_key_that_cannot_sign_the_alg_leaves_it_unsigned() {
    let mut app = editing(0);
    let doc = app
        .edit
        .as_ref()
        .unwrap()
        .document()
        .replace("\"RS256\"", "\"ES256\"");
    app.update(Action::ExternalEdited(Ok(doc)));
    let e = app.edit.as_ref().unwrap();
    let why = e.unsigned.clone().expect("unsigned");
    assert!(why.contains("ES256"), "{why}");
    let insp = app.inspection().unwrap();
    assert_eq!(insp.overall(), Overall::NotVerified, "{:?}", insp.findings);
    assert_eq!(insp.layers[0].detail, format!("not re-signed ({why})"));
    // Back to an alg the key signs: signed again.
    app.update(Action::Edit(EditCmd::NextAlg));
    let e = app.edit.as_ref().unwrap();
    assert!(e.unsigned.is_none(), "{:?}", e.unsigned);
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
}

fn key(code: ratatui::crossterm::event::KeyCode) -> ratatui::crossterm::event::Event {
    use ratatui::crossterm::event::{Event, KeyEvent, KeyModifiers};
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// E with no token offers the templates; the chosen one is edited, signed with the
/// ring's key for its platform.
#[test]
fn with_no_token_e_offers_the_templates() {
    use ratatui::crossterm::event::KeyCode;
    let mut app = App::demo_for_tests(AT, 100, 30).unwrap();
    app.history.clear();
    app.current = None;
    app.reinspect();
    app.update(Action::ToggleEdit);
    assert_eq!(app.modal, Modal::Templates { sel: 0 });
    assert!(app.edit.is_none());
    // The menu's keys: down and up, then Enter.
    for code in [KeyCode::Down, KeyCode::Down, KeyCode::Up] {
        let a = app.action(&key(code)).unwrap();
        app.update(a);
    }
    assert_eq!(app.modal, Modal::Templates { sel: 1 });
    let a = app.action(&key(KeyCode::Up)).unwrap();
    app.update(a);
    let a = app.action(&key(KeyCode::Enter)).unwrap();
    app.update(a);
    assert_eq!(app.modal, Modal::None);
    let e = app.edit.as_ref().expect("editing the template");
    assert_eq!(e.key.as_deref(), Some("demo-qualifio-rs256"));
    assert!(e.unsigned.is_none());
    assert_eq!(
        e.claims,
        crate::sign::Template::QualifioWinner.claims(AT),
        "claims issued at the evaluation instant"
    );
    assert_eq!(app.history.len(), 1);
    assert_eq!(app.history[0].label, "template qualifio-winner");
    let insp = app.inspection().unwrap();
    assert_eq!(insp.overall(), Overall::Accepted, "{:?}", insp.findings);
    assert_eq!(win_outcome(&app), "\"given_prize\"");
    // Toggles act on it as on any token.
    app.update(Action::Edit(EditCmd::CanPlay));
    assert_eq!(
        app.inspection().unwrap().verdict.participation.outcome,
        crate::rules::ParticipationOutcome::Blocked
    );
}

/// No key signs the template: it is edited unsigned, its claims evaluated.
#[test]
fn a_template_with_no_key_is_edited_unsigned() {
    let mut app = App::new(
        Default::default(),
        crate::tui::KeySource::Memory,
        crate::tui::Theme::dark(),
        crate::time::Clock::Fixed(AT),
    );
    app.update(Action::ToggleEdit);
    app.update(Action::Editor(EditorOp::Insert('4')));
    assert_eq!(app.modal, Modal::Templates { sel: 3 });
    app.update(Action::Editor(EditorOp::Apply));
    let e = app.edit.as_ref().expect("editing the template");
    assert_eq!(e.unsigned.as_deref(), Some(edit::NO_PRIVATE_KEY));
    assert_eq!(e.alg(), "HS256", "the platform's alg");
    let insp = app.inspection().expect("shown unsigned");
    assert_eq!(insp.verdict.profile, crate::Profile::Adictiz);
    assert_eq!(insp.overall(), Overall::NotVerified);
    assert_eq!(insp.layers[0].detail, "not re-signed (no private key)");
    // Esc in the menu closes it without editing.
    let mut app = App::new(
        Default::default(),
        crate::tui::KeySource::Memory,
        crate::tui::Theme::dark(),
        crate::time::Clock::Fixed(AT),
    );
    app.update(Action::ToggleEdit);
    let a = app
        .action(&key(ratatui::crossterm::event::KeyCode::Esc))
        .unwrap();
    app.update(a);
    assert_eq!(app.modal, Modal::None);
    assert!(app.edit.is_none());
}

#[test]
fn the_original_is_never_changed() {
    let mut app = editing(0);
    let before = app.history.clone();
    app.update(Action::Edit(EditCmd::Cw));
    app.update(Action::Edit(EditCmd::CanPlay));
    assert_eq!(app.history, before);
    let edited = app.edit.as_ref().unwrap().token.clone().unwrap();
    assert_ne!(edited, before[0].text);
    assert_eq!(app.inspection().unwrap().token, edited);
    // Leaving with changes asks first (y).
    app.update(Action::ToggleEdit);
    app.update(Action::Submit);
    assert!(app.edit.is_none());
    assert_eq!(app.inspection().unwrap().token, before[0].text.trim());
}

#[test]
fn toggles_move_the_verdict_and_the_token_verifies() {
    let mut app = editing(0);
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
    let first = win_outcome(&app);
    app.update(Action::Edit(EditCmd::Cw)); // cw false
    let second = win_outcome(&app);
    assert_ne!(first, second);
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
    app.update(Action::Edit(EditCmd::Exp("-1m")));
    assert_eq!(app.inspection().unwrap().overall(), Overall::Rejected);
    app.update(Action::Edit(EditCmd::Exp("+1h")));
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
    let layer = &app.inspection().unwrap().layers[0];
    assert!(layer.status.is_ok(), "{layer:?}");
}

#[test]
fn jwe_wrapping_and_keys_cycle() {
    let mut app = editing(1); // the Qualifio JWE dir around an ES256 JWS
    let e = app.edit.as_ref().unwrap();
    assert!(e.encrypt.is_some(), "the JWE is kept: {e:?}");
    assert_eq!(app.inspection().unwrap().layers.len(), 2);
    assert_eq!(app.inspection().unwrap().overall(), Overall::Accepted);
    app.update(Action::Edit(EditCmd::NextJwe));
    app.update(Action::Edit(EditCmd::NextJwe));
    // Cycled back round to a plain JWS or to another secret: either way it verifies.
    app.update(Action::Edit(EditCmd::NextKey));
    let insp = app.inspection().unwrap();
    assert!(
        insp.layers.iter().all(|l| l.status.is_ok()),
        "{:?}",
        app.message
    );
}

#[test]
fn export_bytes_are_sign_then_export_format() {
    use crate::jose::mint::{SignOptions, sign_jws};
    let mut app = editing(4); // Adictiz HS256: deterministic signatures
    app.update(Action::Edit(EditCmd::Sub));
    app.update(Action::ClearInput);
    for c in "someone-else".chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    let e = app.edit.clone().unwrap();
    assert_eq!(e.claims["sub"], json!("someone-else"));
    let key = app
        .ring
        .keys
        .iter()
        .find(|k| Some(&k.name) == e.key.as_ref())
        .unwrap();
    let token = sign_jws(
        &e.header,
        &crate::sign::claims_bytes(&e.claims),
        key,
        &SignOptions::default(),
    )
    .unwrap();
    for f in ExportFormat::ALL {
        assert_eq!(
            app.export_text(f).unwrap(),
            export::format(&token, f, None).unwrap(),
            "{}",
            f.name()
        );
    }
    // The menu copies through the event loop.
    app.update(Action::Edit(EditCmd::ExportMenu));
    app.update(Action::Down);
    app.update(Action::Submit);
    assert!(matches!(
        app.effects.last(),
        Some(Effect::CopyToClipboard { text, .. }) if *text == export::format(&token, ExportFormat::QualifioUrl, None).unwrap()
    ));
}

#[test]
fn export_to_a_file_writes_the_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jwt");
    let mut app = editing(4);
    app.update(Action::Edit(EditCmd::ExportMenu));
    app.update(Action::Char('f'));
    for c in path.display().to_string().chars() {
        app.update(Action::Char(c));
    }
    app.update(Action::Submit);
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, app.export_text(ExportFormat::Raw).unwrap());
    assert!(app.message.as_ref().unwrap().text.contains("wrote"));
}

#[test]
fn bad_json_is_reported_and_kept() {
    let mut app = editing(0);
    app.update(Action::Edit(EditCmd::JsonEditor));
    let Modal::Editor(ed) = &app.modal else {
        panic!("editor open")
    };
    let original = ed.text();
    app.update(Action::Editor(EditorOp::Down));
    app.update(Action::Editor(EditorOp::End));
    app.update(Action::Editor(EditorOp::Backspace)); // drop the `{` of "header": {
    app.update(Action::Editor(EditorOp::Apply));
    let Modal::Editor(ed) = &app.modal else {
        panic!("editor stays open")
    };
    let (line, col, msg) = ed.error.clone().unwrap();
    assert!(line >= 2 && col >= 1, "{msg}");
    assert!(msg.contains(&format!("line {line}, column {col}")), "{msg}");
    let broken = ed.text();
    app.update(Action::Editor(EditorOp::Close));
    assert_eq!(
        app.edit.as_ref().unwrap().draft.as_deref(),
        Some(broken.as_str())
    );
    // Reopened: the broken text, with the error.
    app.update(Action::Edit(EditCmd::JsonEditor));
    let Modal::Editor(ed) = &app.modal else {
        panic!("editor open")
    };
    assert_eq!(ed.text(), broken);
    assert!(ed.error.is_some());
    app.update(Action::Editor(EditorOp::Reset));
    app.update(Action::Editor(EditorOp::Apply));
    assert_eq!(app.modal, Modal::None);
    let _ = original;
    // The external editor's text goes the same way.
    app.update(Action::ExternalEdited(Ok(
        "{\"header\": {}, \"payload\": tru}".into(),
    )));
    assert!(app.message.as_ref().unwrap().error);
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .text
            .contains("line 1, column")
    );
    assert!(app.edit.as_ref().unwrap().draft.is_some());
    app.update(Action::Edit(EditCmd::ExternalEditor));
    assert_eq!(
        app.effects.last(),
        Some(&Effect::OpenEditor(
            "{\"header\": {}, \"payload\": tru}".into()
        ))
    );
}

#[test]
fn json_edits_change_the_claims() {
    let mut app = editing(0);
    let mut doc = app.edit.as_ref().unwrap().document();
    doc = doc.replace("\"cw\": true", "\"cw\": false");
    app.update(Action::ExternalEdited(Ok(doc)));
    assert_eq!(
        app.edit.as_ref().unwrap().claims["gift"]["cw"],
        json!(false),
        "{:?}",
        app.message
    );
    assert!(!app.message.as_ref().unwrap().error);
}
