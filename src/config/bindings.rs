//! The `[keys]` table: the commands of the interactive view it can rebind, and the key specs
//! (`q`, `ctrl-c`, `shift-tab`) it binds them to, checked while the file is read.

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use serde::{Deserialize, Deserializer};

/// The commands of the interactive view a `[keys]` entry can rebind, in the order the help
/// lists them. The file's schema owns the names; the interactive view's key map has one field
/// per name, in this order, and fails to compile when the two differ.
pub const KEY_COMMANDS: &[&str] = &[
    "quit",
    "help",
    "focus_next",
    "focus_prev",
    "up",
    "down",
    "page_up",
    "page_down",
    "top",
    "bottom",
    "select",
    "history_prev",
    "history_next",
    "clipboard",
    "open_file",
    "set_time",
    "hour_back",
    "hour_forward",
    "day_back",
    "day_forward",
    "time_now",
    "add_key",
    "delete_key",
    "generate_key",
    "add_key_file",
    "reveal_key",
    "toggle_mouse",
    "report",
    "edit",
    "fold",
    "skew",
    "pin",
    "unpin",
    "diff",
    "cw",
    "label",
    "label_toggle",
    "can_play",
    "nb_up",
    "nb_down",
    "nb_absent",
    "limit_absent",
    "exp_hour",
    "exp_day",
    "exp_past",
    "campaign_id",
    "sub",
    "next_key",
    "next_alg",
    "jwe",
    "enc",
    "json_editor",
    "external_editor",
    "export",
];

/// Whether `names` are [`KEY_COMMANDS`], in the same order: a `const fn`, so that the
/// interactive view's key map checks its fields against them when it compiles.
pub const fn are_key_commands(names: &[&str]) -> bool {
    if names.len() != KEY_COMMANDS.len() {
        return false;
    }
    let mut i = 0;
    while i < names.len() {
        let (a, b) = (names[i].as_bytes(), KEY_COMMANDS[i].as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut j = 0;
        while j < a.len() {
            if a[j] != b[j] {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

/// A `[keys]` command name, checked while parsing so the error points at it.
struct CommandName(String);

impl<'de> Deserialize<'de> for CommandName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        if KEY_COMMANDS.contains(&name.as_str()) {
            Ok(CommandName(name))
        } else {
            Err(serde::de::Error::custom(format!(
                "unknown command '{name}' in [keys], expected one of {}",
                KEY_COMMANDS.join(", ")
            )))
        }
    }
}

/// A `[keys]` value, checked while parsing so the error points at it.
struct KeySpecs(String);

impl<'de> Deserialize<'de> for KeySpecs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spec = String::deserialize(d)?;
        parse_key_specs(&spec).map_err(serde::de::Error::custom)?;
        Ok(KeySpecs(spec))
    }
}

pub(super) fn key_table<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let table = BTreeMap::<CommandNameKey, KeySpecs>::deserialize(d)?;
    Ok(table.into_iter().map(|(k, v)| (k.0, v.0)).collect())
}

/// `CommandName` ordered by its text, to key a map.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct CommandNameKey(String);

impl<'de> Deserialize<'de> for CommandNameKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        CommandName::deserialize(d).map(|c| CommandNameKey(c.0))
    }
}

/// One key as a binding names it: a key code and its modifiers (crossterm's types, as the
/// interactive view receives them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Parse one key spec: a character (`q`, `?`, `G`), a named key (`enter`, `esc`, `tab`,
/// `backtab`, `space`, `backspace`, `delete`, `insert`, `home`, `end`, `pageup`, `pagedown`,
/// `up`, `down`, `left`, `right`, `f1`..`f24`), with `ctrl-`, `alt-` and `shift-` prefixes
/// (`ctrl-c`, `alt-x`, `shift-tab`). Names and modifiers ignore letter case; characters do
/// not. Shift with a letter is the capital letter (`shift-g` is `G`), as terminals report it;
/// `shift-tab` is `backtab`.
pub fn parse_key_spec(spec: &str) -> Result<KeySpec, String> {
    let mut rest = spec;
    let mut modifiers = KeyModifiers::NONE;
    while let Some((m, tail)) = rest.split_once('-') {
        let flag = match m.to_ascii_lowercase().as_str() {
            "ctrl" | "control" => KeyModifiers::CONTROL,
            "alt" | "meta" => KeyModifiers::ALT,
            "shift" => KeyModifiers::SHIFT,
            _ => break,
        };
        if tail.is_empty() {
            return Err(format!(
                "bad key spec '{spec}': no key after '{m}-' (examples: q, ctrl-c, shift-tab, pageup, f1)"
            ));
        }
        modifiers |= flag;
        rest = tail;
    }
    let bad = |why: &str| {
        format!(
            "bad key spec '{spec}': {why} (examples: q, ctrl-c, shift-tab, pageup, f1; several keys separated by spaces)"
        )
    };
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (None, _) => return Err(bad("no key given")),
        (Some(c), None) if c.is_whitespace() || c.is_control() => {
            return Err(bad("write the key's name (space, tab)"));
        }
        (Some(c), None) => KeyCode::Char(c),
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            name => match name.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                Some(n @ 1..=24) => KeyCode::F(n),
                _ => return Err(bad(&format!("unknown key '{rest}'"))),
            },
        },
    };
    let code = match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        other => other,
    };
    // Terminals fold Shift into the character and report Shift-Tab as BackTab.
    let (code, modifiers) = match code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => (
            KeyCode::Char(c.to_ascii_uppercase()),
            modifiers - KeyModifiers::SHIFT,
        ),
        KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
            (KeyCode::BackTab, modifiers - KeyModifiers::SHIFT)
        }
        other => (other, modifiers),
    };
    Ok(KeySpec { code, modifiers })
}

/// Parse a `[keys]` value: one key spec or several separated by spaces.
pub fn parse_key_specs(value: &str) -> Result<Vec<KeySpec>, String> {
    let specs: Vec<&str> = value.split_whitespace().collect();
    if specs.is_empty() {
        return Err("no key given (examples: q, ctrl-c, shift-tab, pageup, f1)".to_string());
    }
    specs.into_iter().map(parse_key_spec).collect()
}
