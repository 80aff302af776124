//! Key bindings are data: one named field per command, a `Default`, and one table
//! (`KeyMap::entries`) that the key lookup, the `?` help overlay and the hint bar all read,
//! so what the help says is what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, EditCmd};

/// One key, as pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// A key event as the bindings see it: Shift is part of the character (`?`, `{`, `>`)
    /// and terminals disagree on whether they report it, so it is dropped for characters
    /// and for Shift-Tab (BackTab).
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !matches!(ev.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods |= ev.modifiers & KeyModifiers::SHIFT;
        }
        if let KeyCode::Char(c) = ev.code
            && mods.contains(KeyModifiers::CONTROL)
        {
            return Key {
                code: KeyCode::Char(c.to_ascii_lowercase()),
                mods,
            };
        }
        Key {
            code: ev.code,
            mods,
        }
    }

    /// How the help and the hint bar write the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                c.to_ascii_uppercase().to_string()
            }
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Delete => "Del".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
        out.push_str(&base);
        out
    }
}

/// One command's keys and words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<Key>,
    /// Help overlay group.
    pub group: &'static str,
    /// What the command does (help overlay).
    pub help: &'static str,
    /// A word or two for the hint bar; empty to leave it out of the bar.
    pub hint: &'static str,
}

fn bind(keys: &[Key], group: &'static str, help: &'static str, hint: &'static str) -> Binding {
    Binding {
        keys: keys.to_vec(),
        group,
        help,
        hint,
    }
}

/// Declares the key map once: the struct's fields and the lookup by name. The command names
/// a `[keys]` table uses are the configuration's (`config::KEY_COMMANDS`): the fields must be
/// those names in that order, or the crate does not compile.
macro_rules! keymap {
    ($($field:ident),* $(,)?) => {
        /// Every command's binding.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct KeyMap {
            $(pub $field: Binding,)*
        }

        const _: () = assert!(
            crate::config::are_key_commands(&[$(stringify!($field)),*]),
            "the KeyMap fields differ from config::KEY_COMMANDS"
        );

        impl KeyMap {
            /// Every command's name, as a `[keys]` table writes it.
            pub const COMMANDS: &'static [&'static str] = crate::config::KEY_COMMANDS;

            /// A command's binding by name.
            pub fn binding(&self, name: &str) -> Option<&Binding> {
                match name {
                    $(stringify!($field) => Some(&self.$field),)*
                    _ => None,
                }
            }

            fn binding_mut(&mut self, name: &str) -> Option<&mut Binding> {
                match name {
                    $(stringify!($field) => Some(&mut self.$field),)*
                    _ => None,
                }
            }
        }
    };
}

keymap! {
    quit,
    help,
    focus_next,
    focus_prev,
    up,
    down,
    page_up,
    page_down,
    top,
    bottom,
    select,
    history_prev,
    history_next,
    clipboard,
    open_file,
    set_time,
    hour_back,
    hour_forward,
    day_back,
    day_forward,
    time_now,
    add_key,
    delete_key,
    generate_key,
    add_key_file,
    reveal_key,
    toggle_mouse,
    report,
    edit,
    fold,
    skew,
    pin,
    unpin,
    diff,
    cw,
    label,
    label_toggle,
    can_play,
    nb_up,
    nb_down,
    nb_absent,
    limit_absent,
    exp_hour,
    exp_day,
    exp_past,
    campaign_id,
    sub,
    next_key,
    next_alg,
    jwe,
    enc,
    json_editor,
    external_editor,
    export,
}

impl Default for KeyMap {
    fn default() -> Self {
        use KeyCode::*;
        const NAV: &str = "Move";
        const INPUT: &str = "Tokens";
        const TIME: &str = "Time";
        const KEYS: &str = "Keys";
        const APP: &str = "General";
        const EDIT: &str = "Edit mode: claims";
        const SIGN: &str = "Edit mode: sign and export";
        KeyMap {
            quit: bind(&[Key::ch('q'), Key::ctrl('c')], APP, "quit", "quit"),
            help: bind(&[Key::ch('?'), Key::plain(F(1))], APP, "this help", "help"),
            focus_next: bind(&[Key::plain(Tab)], NAV, "next pane", "pane"),
            focus_prev: bind(&[Key::plain(BackTab)], NAV, "previous pane", ""),
            up: bind(
                &[Key::plain(Up), Key::ch('k')],
                NAV,
                "scroll up / previous row",
                "",
            ),
            down: bind(
                &[Key::plain(Down), Key::ch('j')],
                NAV,
                "scroll down / next row",
                "",
            ),
            page_up: bind(&[Key::plain(PageUp)], NAV, "page up", ""),
            page_down: bind(&[Key::plain(PageDown)], NAV, "page down", ""),
            top: bind(&[Key::plain(Home), Key::ch('g')], NAV, "to the top", ""),
            bottom: bind(&[Key::plain(End), Key::ch('G')], NAV, "to the bottom", ""),
            select: bind(
                &[Key::plain(Enter)],
                NAV,
                "finding details · next difference",
                "",
            ),
            history_prev: bind(&[Key::ch('<')], INPUT, "previous token", "prev"),
            history_next: bind(&[Key::ch('>')], INPUT, "next token", "next"),
            clipboard: bind(&[Key::ch('v')], INPUT, "inspect the clipboard", "clipboard"),
            open_file: bind(&[Key::ch('o')], INPUT, "open a file", "open"),
            set_time: bind(&[Key::ch('t')], TIME, "evaluate at an instant", "time"),
            hour_back: bind(&[Key::ch('[')], TIME, "one hour earlier", ""),
            hour_forward: bind(&[Key::ch(']')], TIME, "one hour later", "±1h"),
            day_back: bind(&[Key::ch('{')], TIME, "one day earlier", ""),
            day_forward: bind(&[Key::ch('}')], TIME, "one day later", ""),
            time_now: bind(&[Key::ch('n')], TIME, "back to now", ""),
            add_key: bind(
                &[Key::ch('a')],
                KEYS,
                "add a key (PEM, JWK, secret)",
                "add key",
            ),
            delete_key: bind(&[Key::ch('d')], KEYS, "delete the selected key", ""),
            generate_key: bind(&[Key::ch('N')], KEYS, "generate a new key", ""),
            add_key_file: bind(&[Key::ch('f')], KEYS, "add a key from a file", ""),
            reveal_key: bind(
                &[Key::ch('r')],
                KEYS,
                "reveal / mask the selected secret",
                "",
            ),
            toggle_mouse: bind(&[Key::ch('m')], APP, "mouse on/off (to select text)", ""),
            report: bind(
                &[Key::ch('R')],
                APP,
                "copy a Markdown report for the ticket (personal data masked)",
                "",
            ),
            edit: bind(
                &[Key::ch('E')],
                INPUT,
                "edit a copy of the token (again: leave edit mode)",
                "edit",
            ),
            fold: bind(
                &[Key::ch('z'), Key::ch(' ')],
                NAV,
                "fold/unfold the object at the cursor",
                "",
            ),
            skew: bind(&[Key::ch('S')], TIME, "clock skew (seconds)", ""),
            pin: bind(
                &[Key::ch('P')],
                INPUT,
                "pin / unpin the token shown, to compare",
                "",
            ),
            unpin: bind(&[Key::ch('U')], INPUT, "unpin the pinned token", ""),
            diff: bind(
                &[Key::ch('D')],
                INPUT,
                "diff with the pinned token ↔ panes",
                "",
            ),
            cw: bind(
                &[Key::ch('w')],
                EDIT,
                "gift.cw: true → false → absent",
                "cw",
            ),
            label: bind(&[Key::ch('l')], EDIT, "gift.label: type it", ""),
            label_toggle: bind(
                &[Key::ch('L')],
                EDIT,
                "gift.label: present ↔ absent",
                "label",
            ),
            can_play: bind(
                &[Key::ch('p')],
                EDIT,
                "limit.canPlay: true → false → absent",
                "canPlay",
            ),
            nb_up: bind(&[Key::ch('+'), Key::ch('=')], EDIT, "limit.nb + 1", ""),
            nb_down: bind(&[Key::ch('-')], EDIT, "limit.nb - 1", "nb"),
            nb_absent: bind(&[Key::ch('0')], EDIT, "limit.nb absent", ""),
            limit_absent: bind(&[Key::ch('b')], EDIT, "limit absent (the whole object)", ""),
            exp_hour: bind(&[Key::ch('h')], EDIT, "exp = now + 1h", "exp"),
            exp_day: bind(&[Key::ch('H')], EDIT, "exp = now + 1d", ""),
            exp_past: bind(&[Key::ch('x')], EDIT, "exp = now - 1m (expired)", ""),
            campaign_id: bind(&[Key::ch('c')], EDIT, "campaignId: type it", ""),
            sub: bind(&[Key::ch('s')], EDIT, "sub: type it", ""),
            next_key: bind(&[Key::ch('K')], SIGN, "sign with the next key", ""),
            next_alg: bind(&[Key::ch('A')], SIGN, "next alg the key allows", ""),
            jwe: bind(
                &[Key::ch('J')],
                SIGN,
                "wrap in a JWE dir: next shared secret / none",
                "",
            ),
            enc: bind(&[Key::ch('C')], SIGN, "next JWE enc", ""),
            json_editor: bind(
                &[Key::ch('i')],
                SIGN,
                "edit header and payload JSON here",
                "JSON",
            ),
            external_editor: bind(
                &[Key::ch('e')],
                SIGN,
                "edit the JSON in $VISUAL / $EDITOR",
                "",
            ),
            export: bind(
                &[Key::ch('y')],
                SIGN,
                "export: clipboard, file, snippets",
                "export",
            ),
        }
    }
}

/// A `[keys]` table that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyMapError {
    #[error("[keys]: unknown command '{0}'")]
    UnknownCommand(String),
    #[error("[keys] {command} = '{spec}': {reason}")]
    BadSpec {
        command: String,
        spec: String,
        reason: String,
    },
    #[error(
        "[keys]: key '{key}' is bound to both '{first}' and '{second}' (give one of them other keys)"
    )]
    Duplicate {
        key: String,
        first: &'static str,
        second: &'static str,
    },
}

/// Main-view commands that must keep working in edit mode (the edit-mode hint bar shows them):
/// an edit-mode binding may not take their keys.
const ALSO_IN_EDIT_MODE: &[&str] = &["edit", "help", "quit"];

impl KeyMap {
    /// The defaults with a `[keys]` table laid over them: a command listed there gets exactly
    /// the keys it lists. Two commands that would share a key are an error naming both.
    pub fn with_overrides(
        overrides: &std::collections::BTreeMap<String, String>,
    ) -> Result<KeyMap, KeyMapError> {
        let mut km = KeyMap::default();
        for (command, spec) in overrides {
            let keys =
                crate::config::parse_key_specs(spec).map_err(|reason| KeyMapError::BadSpec {
                    command: command.clone(),
                    spec: spec.clone(),
                    reason,
                })?;
            let binding = km
                .binding_mut(command)
                .ok_or_else(|| KeyMapError::UnknownCommand(command.clone()))?;
            binding.keys = keys
                .into_iter()
                .map(|k| Key {
                    code: k.code,
                    mods: k.modifiers,
                })
                .collect();
        }
        km.check()?;
        Ok(km)
    }

    /// The command name of one of this map's bindings.
    fn name_of(&self, b: &Binding) -> &'static str {
        Self::COMMANDS
            .iter()
            .copied()
            .find(|n| self.binding(n).is_some_and(|x| std::ptr::eq(x, b)))
            .unwrap_or("?")
    }

    /// No key triggers two commands in the same place: the main view, and edit mode. In edit
    /// mode its own bindings come first, so they may reuse a main-view key (it then acts as
    /// the edit command while editing), except the keys of `edit`, `help` and `quit`.
    pub fn check(&self) -> Result<(), KeyMapError> {
        let main = self.entries();
        let edit = self.edit_entries();
        let shared: Vec<(&Binding, Action)> = main
            .iter()
            .filter(|(b, _)| ALSO_IN_EDIT_MODE.contains(&self.name_of(b)))
            .cloned()
            .collect();
        let mut scopes = vec![main.clone()];
        scopes.push(edit.into_iter().chain(shared).collect());
        for scope in &scopes {
            for (i, (a, _)) in scope.iter().enumerate() {
                for (b, _) in &scope[i + 1..] {
                    if let Some(k) = a.keys.iter().find(|k| b.keys.contains(k)) {
                        return Err(KeyMapError::Duplicate {
                            key: k.label(),
                            first: self.name_of(a),
                            second: self.name_of(b),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

impl KeyMap {
    /// The one table: every binding with the action it triggers, in help order.
    pub fn entries(&self) -> Vec<(&Binding, Action)> {
        vec![
            (&self.clipboard, Action::ReadClipboard),
            (&self.open_file, Action::OpenFilePrompt),
            (&self.history_prev, Action::HistoryPrev),
            (&self.history_next, Action::HistoryNext),
            (&self.edit, Action::ToggleEdit),
            (&self.pin, Action::Pin),
            (&self.unpin, Action::Unpin),
            (&self.diff, Action::ToggleDiff),
            (&self.focus_next, Action::FocusNext),
            (&self.focus_prev, Action::FocusPrev),
            (&self.up, Action::Up),
            (&self.down, Action::Down),
            (&self.page_up, Action::PageUp),
            (&self.page_down, Action::PageDown),
            (&self.top, Action::Top),
            (&self.bottom, Action::Bottom),
            (&self.select, Action::Select),
            (&self.fold, Action::ToggleFold),
            (&self.set_time, Action::TimePrompt),
            (&self.hour_back, Action::StepTime(-3600)),
            (&self.hour_forward, Action::StepTime(3600)),
            (&self.day_back, Action::StepTime(-86_400)),
            (&self.day_forward, Action::StepTime(86_400)),
            (&self.time_now, Action::TimeNow),
            (&self.skew, Action::SkewPrompt),
            (&self.add_key, Action::AddKeyPrompt),
            (&self.delete_key, Action::DeleteKeyPrompt),
            (&self.generate_key, Action::GenerateKeyMenu),
            (&self.add_key_file, Action::AddKeyFilePrompt),
            (&self.reveal_key, Action::ToggleReveal),
            (&self.toggle_mouse, Action::ToggleMouse),
            (&self.report, Action::CopyReport),
            (&self.help, Action::ToggleHelp),
            (&self.quit, Action::Quit),
        ]
    }

    /// The bindings that act only in edit mode.
    pub fn edit_entries(&self) -> Vec<(&Binding, Action)> {
        use EditCmd::*;
        vec![
            (&self.cw, Action::Edit(Cw)),
            (&self.label_toggle, Action::Edit(LabelToggle)),
            (&self.label, Action::Edit(LabelPrompt)),
            (&self.can_play, Action::Edit(CanPlay)),
            (&self.nb_up, Action::Edit(Nb(1))),
            (&self.nb_down, Action::Edit(Nb(-1))),
            (&self.nb_absent, Action::Edit(NbAbsent)),
            (&self.limit_absent, Action::Edit(LimitAbsent)),
            (&self.exp_hour, Action::Edit(Exp("+1h"))),
            (&self.exp_day, Action::Edit(Exp("+1d"))),
            (&self.exp_past, Action::Edit(Exp("-1m"))),
            (&self.campaign_id, Action::Edit(CampaignId)),
            (&self.sub, Action::Edit(Sub)),
            (&self.next_key, Action::Edit(NextKey)),
            (&self.next_alg, Action::Edit(NextAlg)),
            (&self.jwe, Action::Edit(NextJwe)),
            (&self.enc, Action::Edit(NextEnc)),
            (&self.json_editor, Action::Edit(JsonEditor)),
            (&self.external_editor, Action::Edit(ExternalEditor)),
            (&self.export, Action::Edit(ExportMenu)),
        ]
    }

    /// The action a key triggers in the main view, if any.
    pub fn lookup(&self, key: Key) -> Option<Action> {
        self.lookup_in(key, false)
    }

    /// The action a key triggers, in edit mode or not.
    pub fn lookup_in(&self, key: Key, editing: bool) -> Option<Action> {
        let edit = if editing {
            self.edit_entries()
        } else {
            Vec::new()
        };
        edit.into_iter()
            .chain(self.entries())
            .find(|(b, _)| b.keys.contains(&key))
            .map(|(_, a)| a)
    }

    /// Hint bar items in edit mode: the toggles first, then the main view's.
    pub fn edit_hints(&self) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = self
            .edit_entries()
            .into_iter()
            .filter(|(b, _)| !b.hint.is_empty())
            .map(|(b, _)| {
                let keys = if std::ptr::eq(b, &self.nb_down) {
                    "+-".to_string()
                } else {
                    b.keys.first().map(Key::label).unwrap_or_default()
                };
                (keys, b.hint)
            })
            .collect();
        out.extend(
            self.hints()
                .into_iter()
                .filter(|(_, h)| matches!(*h, "edit" | "help" | "quit")),
        );
        out
    }

    /// Hint bar items: (keys, hint) for bindings with a hint; `[`/`]` pairs show as one.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        self.entries()
            .into_iter()
            .filter(|(b, _)| !b.hint.is_empty())
            .map(|(b, _)| {
                let keys = if std::ptr::eq(b, &self.hour_forward) {
                    format!(
                        "{}{}",
                        self.hour_back
                            .keys
                            .first()
                            .map(Key::label)
                            .unwrap_or_default(),
                        b.keys.first().map(Key::label).unwrap_or_default()
                    )
                } else if std::ptr::eq(b, &self.history_next) {
                    return (String::new(), "");
                } else if std::ptr::eq(b, &self.history_prev) {
                    format!(
                        "{}{}",
                        b.keys.first().map(Key::label).unwrap_or_default(),
                        self.history_next
                            .keys
                            .first()
                            .map(Key::label)
                            .unwrap_or_default()
                    )
                } else {
                    b.keys.first().map(Key::label).unwrap_or_default()
                };
                (
                    keys,
                    if std::ptr::eq(b, &self.history_prev) {
                        "history"
                    } else {
                        b.hint
                    },
                )
            })
            .filter(|(k, _)| !k.is_empty())
            .collect()
    }

    /// Help overlay rows: (group, keys, what it does).
    pub fn help_rows(&self) -> Vec<(&'static str, String, &'static str)> {
        self.entries()
            .into_iter()
            .chain(self.edit_entries())
            .map(|(b, _)| {
                let keys: Vec<String> = b.keys.iter().map(Key::label).collect();
                (b.group, keys.join(", "), b.help)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
