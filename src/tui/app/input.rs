//! Terminal events to actions: a pure lookup in the keymap, or raw input while a prompt or
//! popup is open.

use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, MouseEventKind};

use super::{Action, App, Modal, PromptKind};
use crate::tui::edit::json_editor::EditorOp;
use crate::tui::keymap::Key;

impl App {
    /// Map a terminal event to an action (pure: no state changes).
    pub fn action(&self, event: &Event) -> Option<Action> {
        match event {
            Event::Key(k) if k.kind == KeyEventKind::Press => {
                let key = Key::from_event(k);
                if key == Key::ctrl('c') {
                    return Some(Action::Quit);
                }
                match &self.modal {
                    // The log browser's list: the movement keys, Enter, / to filter, Esc.
                    Modal::None if self.browsing() => match (key.code, self.keymap.lookup(key)) {
                        (KeyCode::Char('/'), _) => Some(Action::BrowseFilterPrompt),
                        (KeyCode::Tab, _) => Some(Action::BrowseGroup),
                        (KeyCode::Char('s'), _) => Some(Action::BrowseSummary),
                        (KeyCode::Enter, _) => Some(Action::Select),
                        (KeyCode::Esc, _) => Some(Action::Cancel),
                        (
                            _,
                            Some(
                                a @ (Action::Up
                                | Action::Down
                                | Action::PageUp
                                | Action::PageDown
                                | Action::Top
                                | Action::Bottom
                                | Action::Quit
                                | Action::ToggleReveal
                                | Action::Pin
                                | Action::Unpin
                                | Action::ToggleHelp),
                            ),
                        ) => Some(a),
                        _ => None,
                    },
                    // A row of the log open in the panes: Esc goes back to the list.
                    Modal::None
                        if key.code == KeyCode::Esc
                            && self.browser.is_some()
                            && self.edit.is_none() =>
                    {
                        Some(Action::Cancel)
                    }
                    Modal::None => self.keymap.lookup_in(key, self.edit.is_some()),
                    Modal::Editor(_) => editor_key(key).map(Action::Editor),
                    // Menus move and close with the keys the keymap binds (`[keys]` overrides
                    // reach them), and always with the arrows, Enter and Esc.
                    Modal::Export { .. }
                    | Modal::Generate { .. }
                    | Modal::Pick { .. }
                    | Modal::Encoding(_) => match (self.keymap.lookup(key), key.code) {
                        (Some(Action::Up), _) | (_, KeyCode::Up) => Some(Action::Up),
                        (Some(Action::Down), _) | (_, KeyCode::Down) => Some(Action::Down),
                        (Some(Action::Quit), _) | (_, KeyCode::Esc) => Some(Action::Cancel),
                        (_, KeyCode::Enter) => Some(Action::Submit),
                        (_, KeyCode::Char(c)) => Some(Action::Char(c)),
                        _ => None,
                    },
                    // The template menu is edit mode's: its moves go to edit mode as editor ops.
                    Modal::Templates { .. } => match (self.keymap.lookup(key), key.code) {
                        (Some(Action::Up), _) | (_, KeyCode::Up) => {
                            Some(Action::Editor(EditorOp::Up))
                        }
                        (Some(Action::Down), _) | (_, KeyCode::Down) => {
                            Some(Action::Editor(EditorOp::Down))
                        }
                        (Some(Action::Quit), _) | (_, KeyCode::Esc) => Some(Action::Cancel),
                        (_, KeyCode::Enter) => Some(Action::Editor(EditorOp::Apply)),
                        (_, KeyCode::Char(c)) => Some(Action::Editor(EditorOp::Insert(c))),
                        _ => None,
                    },
                    // The help scrolls with the movement keys in effect; any other key closes.
                    Modal::Help => match self.keymap.lookup(key) {
                        Some(
                            a @ (Action::Up
                            | Action::Down
                            | Action::PageUp
                            | Action::PageDown
                            | Action::Top
                            | Action::Bottom),
                        ) => Some(a),
                        _ => Some(Action::Cancel),
                    },
                    Modal::Detail => match key.code {
                        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => None,
                        _ => Some(Action::Cancel),
                    },
                    Modal::ConfirmDelete { .. } | Modal::ConfirmLeaveEdit => match key.code {
                        KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                            Some(Action::Submit)
                        }
                        _ => Some(Action::Cancel),
                    },
                    Modal::Prompt { kind, .. } => match key.code {
                        KeyCode::Esc => Some(Action::Cancel),
                        KeyCode::Tab if takes_path(kind) => Some(Action::Char('\t')),
                        KeyCode::Enter => Some(Action::Submit),
                        KeyCode::Backspace => Some(Action::Backspace),
                        KeyCode::Char('u') if key.mods.contains(KeyModifiers::CONTROL) => {
                            Some(Action::ClearInput)
                        }
                        KeyCode::Char(c) if !key.mods.contains(KeyModifiers::CONTROL) => {
                            Some(Action::Char(c))
                        }
                        _ => None,
                    },
                }
            }
            Event::Paste(text) => Some(Action::Paste(text.clone())),
            Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
            Event::Mouse(m) => match m.kind {
                MouseEventKind::ScrollDown => Some(Action::Scroll {
                    delta: 3,
                    column: m.column,
                    row: m.row,
                }),
                MouseEventKind::ScrollUp => Some(Action::Scroll {
                    delta: -3,
                    column: m.column,
                    row: m.row,
                }),
                MouseEventKind::Down(_) => Some(Action::Click {
                    column: m.column,
                    row: m.row,
                }),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The editor operation a key stands for (the JSON editor popup).
pub fn editor_key(key: Key) -> Option<EditorOp> {
    let ctrl = key.mods.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('s') if ctrl => EditorOp::Apply,
        KeyCode::Char('r') if ctrl => EditorOp::Reset,
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Char(c) => EditorOp::Insert(c),
        KeyCode::Tab => EditorOp::Insert(' '),
        KeyCode::Esc => EditorOp::Close,
        KeyCode::Enter => EditorOp::Newline,
        KeyCode::Backspace => EditorOp::Backspace,
        KeyCode::Delete => EditorOp::Delete,
        KeyCode::Left => EditorOp::Left,
        KeyCode::Right => EditorOp::Right,
        KeyCode::Up => EditorOp::Up,
        KeyCode::Down => EditorOp::Down,
        KeyCode::Home => EditorOp::Home,
        KeyCode::End => EditorOp::End,
        KeyCode::PageUp => EditorOp::PageUp,
        KeyCode::PageDown => EditorOp::PageDown,
        _ => return None,
    })
}

/// Whether a prompt asks for a path (Tab completes it).
pub(crate) fn takes_path(kind: &PromptKind) -> bool {
    matches!(
        kind,
        PromptKind::OpenFile | PromptKind::KeyFile | PromptKind::ExportFile { .. }
    )
}

/// Entries of a directory read at most on one Tab: a huge directory costs no more.
pub const MAX_COMPLETION_ENTRIES: usize = 1_000;

impl App {
    /// Tab in a path prompt: extend the input to the longest common prefix of the entries of
    /// its directory (`~/` expanded) that start with it, a directory with a trailing `/`;
    /// several matches are listed in the message line. One `read_dir` of one local directory,
    /// bounded: small enough to do here rather than in a job.
    pub(crate) fn complete_path(&mut self) {
        let Modal::Prompt { kind, input } = &self.modal else {
            return;
        };
        if !takes_path(kind) {
            return;
        }
        let typed = if input == "~" {
            "~/".to_string()
        } else {
            input.clone()
        };
        let (dir_part, prefix) = match typed.rfind('/') {
            Some(i) => typed.split_at(i + 1),
            None => ("", typed.as_str()),
        };
        let dir = if dir_part.is_empty() {
            std::path::PathBuf::from(".")
        } else {
            super::expand_home(dir_part)
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.error(format!("cannot read '{}': {e}", dir.display()));
                return;
            }
        };
        let mut read = 0;
        let mut matches: Vec<(String, bool)> = Vec::new();
        for entry in entries.take(MAX_COMPLETION_ENTRIES).flatten() {
            read += 1;
            // A name that is not UTF-8 cannot be typed in the prompt either.
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            // Hidden entries only when the typed part asks for them, as shells do.
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                continue;
            }
            let is_dir = match entry.file_type() {
                Ok(t) if t.is_symlink() => entry.path().is_dir(),
                Ok(t) => t.is_dir(),
                Err(_) => false,
            };
            matches.push((name, is_dir));
        }
        matches.sort();
        let capped = if read >= MAX_COMPLETION_ENTRIES {
            format!(" (the first {MAX_COMPLETION_ENTRIES} entries of the directory)")
        } else {
            String::new()
        };
        let completed = match matches.as_slice() {
            [] => {
                self.info(format!(
                    "nothing in '{}' starts with '{prefix}'{capped}",
                    dir.display()
                ));
                return;
            }
            [(name, is_dir)] => format!("{dir_part}{name}{}", if *is_dir { "/" } else { "" }),
            [(first, _), rest @ ..] => {
                let common = rest.iter().fold(first.as_str(), |common, (name, _)| {
                    let len = common
                        .char_indices()
                        .zip(name.chars())
                        .find(|((_, a), b)| a != b)
                        .map_or(common.len().min(name.len()), |((i, _), _)| i);
                    &common[..len]
                });
                let width = usize::from(self.size.0.saturating_sub(8).min(90)).saturating_sub(2);
                self.info(list_matches(&matches, width, &capped));
                format!("{dir_part}{common}")
            }
        };
        if let Modal::Prompt { input, .. } = &mut self.modal {
            *input = completed;
        }
    }
}

/// `N matches: a  b/  c …`, cut to `width` columns.
fn list_matches(matches: &[(String, bool)], width: usize, capped: &str) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut text = format!("{} matches{capped}:", matches.len());
    for (i, (name, is_dir)) in matches.iter().enumerate() {
        let item = format!(
            " {}{}",
            crate::escape::line(name),
            if *is_dir { "/" } else { "" }
        );
        let more = i + 1 < matches.len();
        if text.width() + item.width() + if more { 2 } else { 0 } > width {
            text.push_str(" …");
            break;
        }
        text.push_str(&item);
    }
    text
}
