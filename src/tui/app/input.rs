//! Terminal events to actions: a pure lookup in the keymap, or raw input while a prompt or
//! popup is open.

use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, MouseEventKind};

use super::{Action, App, Modal};
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
                    Modal::Prompt { .. } => match key.code {
                        KeyCode::Esc => Some(Action::Cancel),
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
