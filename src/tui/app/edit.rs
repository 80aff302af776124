//! Edit mode's part of `App::update`: entering and leaving it, the claim toggles, choosing
//! keys, the JSON editors and export. The edited copy is `app.edit`; the original history
//! entry is never touched.

use super::{Action, App, EditCmd, Effect, Entry, Modal, PromptKind};
use crate::export::{self, ExportFormat};
use crate::sign::Template;
use crate::tui::edit::json_editor::{EditorOp, TextEditor, editor_rows};
use crate::tui::edit::{self, Edit};
use crate::tui::jobs::Job;

impl App {
    pub(crate) fn toggle_edit(&mut self) {
        if let Some(e) = &self.edit {
            if e.touched {
                self.modal = Modal::ConfirmLeaveEdit;
                return;
            }
            self.drop_edit();
            return;
        }
        let (Some(current), Some(insp)) = (self.current, self.inspection()) else {
            if self.current.is_none() {
                // Nothing to edit yet: start from a template, as `tokenscope sign --template`.
                self.modal = Modal::Templates { sel: 0 };
                self.info("no token yet: choose a template to edit (Enter), Esc closes");
            } else {
                self.info("no token to edit here: paste one");
            }
            return;
        };
        match Edit::begin(current, insp, &self.ring) {
            Ok(edit) => self.start_edit(edit),
            Err(e) => self.error(format!("cannot edit: {e}")),
        }
    }

    /// Show `edit` and say how it is signed.
    pub(crate) fn start_edit(&mut self, edit: Edit) {
        self.edit = Some(edit);
        self.scroll = [0; 6];
        self.reinspect();
        let verdict = self.verdict_word();
        if self.edit.as_ref().is_some_and(|e| e.unsigned.is_some()) {
            self.info(format!(
                "EDITED copy, UNSIGNED: the claims are evaluated, the signature is not ({verdict}) · a adds a key · y exports unsigned · E leaves"
            ));
        } else {
            self.info(format!(
                "EDITED copy: the original stays as it is; toggles re-sign at once ({verdict}) · y exports · E leaves"
            ));
        }
    }

    /// Leave edit mode: the edited copy is dropped and the original shown.
    pub(crate) fn drop_edit(&mut self) {
        self.leave_edit();
        self.reinspect();
        self.info("edit mode left: the EDITED token is dropped, the original is shown");
    }

    /// Drop the edited copy (a new or another token is shown).
    pub(crate) fn leave_edit(&mut self) {
        if self.edit.take().is_some()
            && matches!(
                self.modal,
                Modal::Editor(_)
                    | Modal::Export { .. }
                    | Modal::Prompt {
                        kind: PromptKind::Claim { .. }
                            | PromptKind::ExportFile { .. }
                            | PromptKind::BaseUrl { .. },
                        ..
                    }
            )
        {
            self.modal = Modal::None;
        }
    }

    /// Sign the edited copy again (its keys may have changed).
    pub(crate) fn resign_edit(&mut self) {
        if let Some(e) = &mut self.edit {
            e.resign(&self.ring);
        }
    }

    pub(crate) fn verdict_word(&self) -> String {
        match (&self.edit, self.inspection()) {
            (Some(e), _) if e.token.is_err() => "not signed".to_string(),
            (Some(e), Some(i)) if e.unsigned.is_some() => format!(
                "EDITED token {}, unsigned ({})",
                i.overall().label(),
                e.unsigned.as_deref().unwrap_or_default()
            ),
            (_, Some(i)) => format!("EDITED token {}", i.overall().label()),
            _ => "no token".to_string(),
        }
    }

    /// Re-sign, re-inspect and say what changed.
    pub(crate) fn changed(&mut self, what: String) {
        if let Some(e) = self.edit.as_mut() {
            e.touched = true;
        }
        self.resign_edit();
        self.reinspect();
        match self
            .edit
            .as_ref()
            .map(|e| (e.token.clone(), e.unsigned.is_some()))
        {
            Some((Err(e), _)) => self.error(format!("{what} · not signed: {e}")),
            Some((Ok(_), true)) => {
                let word = self.verdict_word();
                self.info(format!("{what} · not re-signed: {word}"));
            }
            _ => {
                let word = self.verdict_word();
                self.info(format!("{what} · re-signed: {word}"));
            }
        }
    }

    pub(crate) fn edit_cmd(&mut self, cmd: EditCmd) {
        let at = self.at;
        let ring = &self.ring;
        let Some(e) = self.edit.as_mut() else {
            self.info("E enters edit mode first (on a copy of this token)");
            return;
        };
        let claims = &mut e.claims;
        let result: Result<String, String> = match cmd {
            EditCmd::Cw => edit::cycle_bool(claims, edit::CW)
                .map(|_| format!("gift.cw {}", edit::shown(claims, edit::CW))),
            EditCmd::LabelToggle => e
                .toggle_label()
                .map(|_| format!("gift.label {}", edit::shown(&e.claims, edit::LABEL))),
            EditCmd::CanPlay => edit::cycle_bool(claims, edit::CAN_PLAY)
                .map(|_| format!("limit.canPlay {}", edit::shown(claims, edit::CAN_PLAY))),
            EditCmd::Nb(d) => edit::step_nb(claims, d)
                .map(|_| format!("limit.nb {}", edit::shown(claims, edit::NB))),
            EditCmd::NbAbsent => edit::remove(claims, edit::NB).map(|_| "limit.nb absent".into()),
            EditCmd::LimitAbsent => edit::remove(claims, &["limit"]).map(|_| "limit absent".into()),
            EditCmd::Exp(spec) => edit::set_exp(claims, spec, at)
                .map(|_| format!("exp = now{spec} ({})", edit::shown(claims, &["exp"]))),
            EditCmd::LabelPrompt | EditCmd::CampaignId | EditCmd::Sub => {
                let (path, p): (&'static str, &[&str]) = match cmd {
                    EditCmd::LabelPrompt => ("gift.label", edit::LABEL),
                    EditCmd::CampaignId => ("campaignId", &["campaignId"]),
                    _ => ("sub", &["sub"]),
                };
                let input = edit::prompt_text(claims, p);
                self.modal = Modal::Prompt {
                    kind: PromptKind::Claim { path },
                    input,
                };
                return;
            }
            EditCmd::NextKey => e.next_key(ring).map(|_| {
                format!(
                    "signing key {} ({})",
                    e.key.as_deref().unwrap_or("-"),
                    e.alg()
                )
            }),
            EditCmd::NextAlg => e.next_alg(ring).map(|_| format!("alg {}", e.alg())),
            EditCmd::NextJwe => e.next_encrypt_key(ring).map(|_| match &e.encrypt {
                Some((k, enc)) => format!("JWE dir/{enc} with {k}"),
                None => "no JWE: a plain JWS".to_string(),
            }),
            EditCmd::NextEnc => e.next_enc(ring).map(|_| match &e.encrypt {
                Some((_, enc)) => format!("enc {enc}"),
                None => String::new(),
            }),
            EditCmd::JsonEditor => {
                let text = e.editor_text();
                let mut ed = TextEditor::new(&text);
                if let Err(err) = edit::parse_document(&text) {
                    ed.goto(err.line, err.column);
                    ed.error = Some((err.line, err.column, err.to_string()));
                }
                ed.scroll_to_cursor(editor_rows(self.size.1));
                self.modal = Modal::Editor(ed);
                return;
            }
            EditCmd::ExternalEditor => {
                let text = e.editor_text();
                self.effects.push(Effect::OpenEditor(text));
                return;
            }
            EditCmd::ExportMenu => {
                if let Err(err) = &e.token {
                    let err = err.clone();
                    self.error(format!("nothing to export: {err}"));
                } else {
                    self.modal = Modal::Export { sel: 0 };
                }
                return;
            }
        };
        match result {
            Ok(what) => self.changed(what),
            Err(err) => self.error(err),
        }
    }

    pub(crate) fn set_claim(&mut self, path: &'static str, input: &str) {
        let Some(e) = self.edit.as_mut() else {
            return;
        };
        // campaignId, sub and gift.label are strings on every platform: typed text stays one.
        match edit::set_string(&mut e.claims, path, input.trim()) {
            Ok(()) => {
                let p: Vec<&str> = path.split('.').collect();
                let shown = edit::shown(&e.claims, &p);
                self.changed(format!("{path} {shown}"));
            }
            Err(err) => {
                self.modal = Modal::Prompt {
                    kind: PromptKind::Claim { path },
                    input: input.to_string(),
                };
                self.error(err);
            }
        }
    }

    /// Keys in the template menu: move, pick by number, Enter starts editing the template.
    pub(crate) fn template_menu(&mut self, op: EditorOp) {
        let Modal::Templates { sel } = self.modal else {
            return;
        };
        let n = Template::ALL.len();
        match op {
            EditorOp::Up => {
                self.modal = Modal::Templates {
                    sel: (sel + n - 1) % n,
                }
            }
            EditorOp::Down => self.modal = Modal::Templates { sel: (sel + 1) % n },
            EditorOp::Insert(c @ '1'..='9') => {
                self.modal = Modal::Templates {
                    sel: (c as usize - '1' as usize).min(n - 1),
                }
            }
            EditorOp::Apply | EditorOp::Newline => {
                self.modal = Modal::None;
                self.start_template(Template::ALL[sel.min(n - 1)]);
            }
            EditorOp::Close => self.modal = Modal::None,
            _ => {}
        }
    }

    /// Edit mode on `template`'s claims, evaluated now: signed with a key that fits the
    /// platform if the ring has one, else unsigned. The token as first made is a history
    /// entry of its own (the original the edit leaves untouched).
    pub(crate) fn start_template(&mut self, template: Template) {
        if !self.pinned {
            self.at = self.clock.now();
        }
        let mut edit = Edit::from_template(template, self.at, &self.ring, self.history.len());
        let Ok(text) = edit.token.clone() else {
            self.error(format!(
                "cannot start from the {} template",
                template.name()
            ));
            return;
        };
        self.history.push(Entry {
            label: format!("template {}", template.name()),
            text,
            index: 0,
        });
        self.current = Some(self.history.len() - 1);
        self.leave_edit();
        self.reset_view();
        self.reinspect();
        if let Some(insp) = self.inspection() {
            edit.original_overall = insp.overall();
        }
        self.start_edit(edit);
    }

    pub(crate) fn editor_op(&mut self, op: EditorOp) {
        if matches!(self.modal, Modal::Templates { .. }) {
            self.template_menu(op);
            return;
        }
        let rows = editor_rows(self.size.1);
        let (Modal::Editor(ed), Some(e)) = (&mut self.modal, self.edit.as_mut()) else {
            return;
        };
        match op {
            EditorOp::Apply => {
                let text = ed.text();
                match e.apply_document(&text) {
                    Ok(()) => {
                        self.modal = Modal::None;
                        self.changed("JSON applied".to_string());
                    }
                    Err(err) => {
                        if err.line > 0 {
                            ed.goto(err.line, err.column);
                            ed.scroll_to_cursor(rows);
                        }
                        ed.error = Some((err.line, err.column, err.to_string()));
                    }
                }
            }
            EditorOp::Reset => {
                e.draft = None;
                *ed = TextEditor::new(&e.document());
            }
            EditorOp::Close => {
                let text = ed.text();
                self.modal = Modal::None;
                if text != e.document() {
                    e.draft = Some(text);
                    self.info(
                        "JSON editor closed, not applied: your text is kept (i or e opens it again, Ctrl-R there resets it)",
                    );
                }
            }
            other => {
                ed.apply(other);
                ed.error = None;
                ed.scroll_to_cursor(rows);
            }
        }
    }

    pub(crate) fn external_edited(&mut self, result: Result<String, String>) {
        let Some(e) = self.edit.as_mut() else {
            return;
        };
        match result {
            Ok(text) => match e.apply_document(&text) {
                Ok(()) => self.changed("JSON from the editor applied".to_string()),
                Err(err) => self.error(format!(
                    "{err} · nothing applied, your text is kept: e (or i) opens it again"
                )),
            },
            Err(err) => self.error(format!("editor: {err}")),
        }
    }

    /// The export snippet of the edited token in `format`: `export::format`, as
    /// `tokenscope sign --format` prints it.
    pub fn export_text(&self, format: ExportFormat) -> Result<String, String> {
        let e = self
            .edit
            .as_ref()
            .ok_or_else(|| "not in edit mode".to_string())?;
        let token = e.token.as_ref().map_err(|err| err.clone())?;
        export::format(token, format, e.base_url.as_deref()).map_err(|err| err.to_string())
    }

    pub(crate) fn export_menu(&mut self, action: Action) {
        let Modal::Export { sel } = self.modal else {
            return;
        };
        let n = ExportFormat::ALL.len();
        let format = ExportFormat::ALL[sel.min(n - 1)];
        match action {
            Action::Up => {
                self.modal = Modal::Export {
                    sel: (sel + n - 1) % n,
                }
            }
            Action::Down => self.modal = Modal::Export { sel: (sel + 1) % n },
            Action::Char(c @ '1'..='7') => {
                self.modal = Modal::Export {
                    sel: (c as usize - '1' as usize).min(n - 1),
                }
            }
            Action::Submit | Action::Char('c') => self.copy(format),
            Action::Char('f') => {
                self.modal = Modal::Prompt {
                    kind: PromptKind::ExportFile { format },
                    input: String::new(),
                }
            }
            Action::Char('u') => {
                let input = self
                    .edit
                    .as_ref()
                    .and_then(|e| e.base_url.clone())
                    .unwrap_or_default();
                self.modal = Modal::Prompt {
                    kind: PromptKind::BaseUrl { sel },
                    input,
                }
            }
            _ => {}
        }
    }

    pub(crate) fn copy(&mut self, format: ExportFormat) {
        match self.export_text(format) {
            Ok(text) => {
                self.modal = Modal::None;
                self.effects.push(Effect::CopyToClipboard {
                    text,
                    what: format!("{}{} export", self.unsigned_note(), format.name()),
                });
            }
            Err(e) => self.error(format!("not exported: {e}")),
        }
    }

    /// `UNSIGNED ` before what an export names, when the edited token is not signed.
    fn unsigned_note(&self) -> &'static str {
        if self.edit.as_ref().is_some_and(|e| e.unsigned.is_some()) {
            "UNSIGNED "
        } else {
            ""
        }
    }

    pub(crate) fn export_to_file(&mut self, format: ExportFormat, path: &str) {
        if path.is_empty() {
            self.info("no file written");
            return;
        }
        let path = super::expand_home(path);
        let text = match self.export_text(format) {
            Ok(t) => t,
            Err(e) => {
                self.error(format!("not exported: {e}"));
                return;
            }
        };
        self.run(Job::WriteExport { path, format, text });
    }

    /// The end of writing an export: what was written, or the path prompt again.
    pub(crate) fn export_written(
        &mut self,
        path: &std::path::Path,
        format: ExportFormat,
        bytes: usize,
        result: Result<(), String>,
    ) {
        match result {
            Ok(()) => {
                let note = export::placeholder_note(
                    format,
                    self.edit.as_ref().and_then(|e| e.base_url.as_deref()),
                )
                .map(|n| format!(" (note: {n})"))
                .unwrap_or_default();
                self.info(format!(
                    "wrote the {}EDITED token ({}, {bytes} bytes) to '{}'{note}",
                    self.unsigned_note(),
                    format.name(),
                    path.display()
                ));
            }
            Err(e) => {
                self.modal = Modal::Prompt {
                    kind: PromptKind::ExportFile { format },
                    input: path.display().to_string(),
                };
                self.error(e);
            }
        }
    }

    pub(crate) fn set_base_url(&mut self, url: &str, sel: usize) {
        let Some(e) = self.edit.as_mut() else {
            return;
        };
        if url.is_empty() {
            e.base_url = None;
            self.modal = Modal::Export { sel };
            self.info("base URL cleared: the snippets use a placeholder");
            return;
        }
        // Checked as `sign --base-url` checks it.
        let token = e.token.clone().unwrap_or_default();
        match export::format(&token, ExportFormat::QualifioUrl, Some(url)) {
            Err(err @ export::ExportError::BaseUrlScheme { .. })
            | Err(err @ export::ExportError::BaseUrlChar { .. }) => {
                self.modal = Modal::Prompt {
                    kind: PromptKind::BaseUrl { sel },
                    input: url.to_string(),
                };
                self.error(err.to_string());
            }
            _ => {
                e.base_url = Some(url.to_string());
                self.modal = Modal::Export { sel };
            }
        }
    }
}

/// Dispatch for `App::update` (kept here with the rest of edit mode).
impl App {
    pub(crate) fn update_edit(&mut self, action: Action) {
        match action {
            Action::ToggleEdit => self.toggle_edit(),
            Action::Edit(cmd) => self.edit_cmd(cmd),
            Action::Editor(op) => self.editor_op(op),
            Action::ExternalEdited(result) => self.external_edited(result),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
