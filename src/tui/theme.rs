//! Themes are data: named style groups (`json.key`, `finding.error`, `pane.focused_border`)
//! read from TOML. The shipped themes live in `themes/*.toml` and are embedded; a theme file
//! only needs the groups it changes (it is laid over the empty theme, or over another theme).
//!
//! `NO_COLOR` (https://no-color.org) drops every colour and keeps the modifiers; the groups
//! that carry meaning (verdict, severity, the table cell that applies, the selection) are
//! given bold/reverse so nothing is told by colour alone.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The shipped themes: name and TOML text.
pub const SHIPPED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("colorblind", include_str!("../../themes/colorblind.toml")),
];

/// Declares the theme's style groups once: the struct fields, the TOML names and the lookup.
macro_rules! groups {
    ($($section:literal { $($key:literal => $field:ident),* $(,)? })*) => {
        /// Every style the TUI draws with, by meaning.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Theme {
            $($(pub $field: Style,)*)*
        }

        /// The dotted key (`section.key`) whose line holds `offset` in a TOML text, for errors: the
/// key, never the value (a value may be long or hostile); the section alone when the line is
/// a header, `?` when nothing fits.
fn key_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or_default();
    let section = text[..start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim());
    let name = line.split_once('=').map(|(k, _)| k.trim()).filter(|k| {
        !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || "_-.\"".contains(c))
    });
    match (section, name) {
        (Some(s), Some(k)) => format!("{s}.{k}"),
        (None, Some(k)) => k.to_string(),
        (Some(s), None) => s.to_string(),
        (None, None) => "?".to_string(),
    }
}

impl Theme {
            /// `(section, key)` of every group, in file order.
            pub const GROUPS: &'static [(&'static str, &'static str)] =
                &[$($(($section, $key),)*)*];

            fn slot(&mut self, section: &str, key: &str) -> Option<&mut Style> {
                match (section, key) {
                    $($(($section, $key) => Some(&mut self.$field),)*)*
                    _ => None,
                }
            }
        }
    };
}

groups! {
    "pane" {
        "border" => pane_border,
        "focused_border" => pane_focused_border,
        "title" => pane_title,
        "focused_title" => pane_focused_title,
        "text" => text,
        "dim" => dim,
    }
    "token" {
        "header" => token_header,
        "payload" => token_payload,
        "signature" => token_signature,
        "encrypted_key" => token_encrypted_key,
        "iv" => token_iv,
        "ciphertext" => token_ciphertext,
        "tag" => token_tag,
        "dot" => token_dot,
    }
    "layer" {
        "ok" => layer_ok,
        "failed" => layer_failed,
        "unchecked" => layer_unchecked,
    }
    "json" {
        "key" => json_key,
        "string" => json_string,
        "number" => json_number,
        "bool" => json_bool,
        "null" => json_null,
        "punct" => json_punct,
        "note" => json_note,
        "highlight" => json_highlight,
    }
    "finding" {
        "error" => finding_error,
        "warning" => finding_warning,
        "info" => finding_info,
        "selected" => finding_selected,
    }
    "verdict" {
        "accepted" => verdict_accepted,
        "rejected" => verdict_rejected,
        "not_verified" => verdict_not_verified,
    }
    "table" {
        "header" => table_header,
        "cell" => table_cell,
        "applies" => table_applies,
        "ignored" => table_ignored,
        "ok" => check_ok,
        "bad" => check_bad,
    }
    "status" {
        "bar" => status_bar,
        "message" => status_message,
        "error" => status_error,
        "hint_key" => hint_key,
        "hint_text" => hint_text,
    }
    "popup" {
        "border" => popup_border,
        "text" => popup_text,
        "input" => popup_input,
    }
    "diff" {
        "added" => diff_added,
        "removed" => diff_removed,
        "changed" => diff_changed,
        "type_changed" => diff_type_changed,
    }
}

/// One style as written in a theme file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    bold: Option<bool>,
    dim: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reversed: Option<bool>,
}

type ThemeFile = BTreeMap<String, BTreeMap<String, toml::Spanned<StyleSpec>>>;

/// A theme file that cannot be used: names the file, the line and the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("theme '{file}', line {line}: {key}: {reason}")]
pub struct ThemeError {
    pub file: String,
    pub line: usize,
    pub key: String,
    pub reason: String,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |t| t.matches('\n').count() + 1)
}

/// The user themes in `dirs` (file stems), sorted.
fn user_themes(dirs: &[std::path::PathBuf]) -> Vec<String> {
    let mut names: Vec<String> = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A user theme's `extends = "NAME"` (top level, before any `[section]`), and the text with
/// that line blanked so the style groups parse as any theme file (line numbers unchanged).
fn split_extends(text: &str, file: &str) -> Result<(Option<String>, String), ThemeError> {
    let mut extends = None;
    let mut out = String::with_capacity(text.len());
    let mut in_table = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_table = true;
        }
        let is_extends = !in_table
            && trimmed
                .strip_prefix("extends")
                .is_some_and(|r| r.trim_start().starts_with('='));
        if !is_extends {
            out.push_str(line);
            continue;
        }
        let fail = |reason: String| ThemeError {
            file: file.to_string(),
            line: i + 1,
            key: "extends".to_string(),
            reason,
        };
        let value: toml::Table =
            toml::from_str(trimmed).map_err(|e| fail(e.message().to_string()))?;
        match value.get("extends") {
            Some(toml::Value::String(s)) => extends = Some(s.trim().to_string()),
            Some(other) => {
                return Err(fail(format!(
                    "expected a theme name in quotes, not {} {other}",
                    other.type_str()
                )));
            }
            None => return Err(fail("expected `extends = \"NAME\"`".to_string())),
        }
        out.push_str(&" ".repeat(line.trim_end_matches('\n').len()));
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok((extends, out))
}

fn color(value: &str) -> Result<Color, String> {
    Color::from_str(value).map_err(|_| {
        format!("unknown colour '{value}' (a name like 'lightblue', '#rrggbb', or 0-255)")
    })
}

impl Theme {
    /// A shipped theme by name.
    pub fn named(name: &str) -> Result<Theme, String> {
        let (file, text) = SHIPPED
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
                format!("unknown theme '{name}' (shipped: {})", names.join(", "))
            })?;
        Theme::default()
            .overlay(text, &format!("{file}.toml"))
            .map_err(|e| e.to_string())
    }

    /// The theme named `name`: a user theme `NAME.toml` from the first of `dirs` that has
    /// one, else a shipped theme. A user theme is laid over `dark`, or over the theme its
    /// `extends = "NAME"` names (a shipped one, or another user theme), so it only needs the
    /// groups it changes.
    pub fn resolve(name: &str, dirs: &[std::path::PathBuf]) -> Result<Theme, String> {
        Theme::resolve_depth(name.trim(), dirs, 0)
    }

    fn resolve_depth(
        name: &str,
        dirs: &[std::path::PathBuf],
        depth: usize,
    ) -> Result<Theme, String> {
        if depth > 8 {
            return Err(format!(
                "theme '{name}': too many `extends` in a row (is there a loop?)"
            ));
        }
        let file = dirs
            .iter()
            .map(|d| d.join(format!("{name}.toml")))
            .find(|p| p.is_file());
        let Some(path) = file else {
            return Theme::named(name).map_err(|e| {
                let user = user_themes(dirs);
                if user.is_empty() {
                    let where_ = dirs
                        .first()
                        .map(|d| {
                            format!(
                                "; a user theme would be {}",
                                d.join(format!("{name}.toml")).display()
                            )
                        })
                        .unwrap_or_default();
                    format!("{e}{where_}")
                } else {
                    format!("{e}; user themes: {}", user.join(", "))
                }
            });
        };
        let shown = path.display().to_string();
        let text = crate::limits::read_file_to_string(&path, crate::limits::THEME_FILE)
            .map_err(|e| format!("cannot read theme '{shown}': {e}"))?;
        let (extends, body) = split_extends(&text, &shown).map_err(|e| e.to_string())?;
        let base = match extends.as_deref() {
            // A user theme that extends its own name builds on the shipped one.
            Some(parent) if parent == name => Theme::named(parent),
            Some(parent) => Theme::resolve_depth(parent, dirs, depth + 1),
            None => Ok(Theme::dark()),
        }
        .map_err(|e| format!("theme '{shown}': extends: {e}"))?;
        base.overlay(&body, &shown).map_err(|e| e.to_string())
    }

    /// The default theme (`dark`).
    pub fn dark() -> Theme {
        Theme::named("dark").unwrap_or_default()
    }

    /// This theme with the groups `text` sets replaced (a partial override).
    pub fn overlay(mut self, text: &str, file: &str) -> Result<Theme, ThemeError> {
        let parsed: ThemeFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            ThemeError {
                file: file.to_string(),
                line,
                key: e
                    .span()
                    .map_or_else(|| "?".to_string(), |s| key_at(text, s.start)),
                // The key is named; the value is not quoted back (it may be long or hostile).
                reason: match crate::keys::redact_serde_message(e.message()) {
                    r if r.contains("i128") || r.contains("overflow") => {
                        String::from("the number is out of range")
                    }
                    r => r,
                },
            }
        })?;
        for (section, entries) in &parsed {
            for (key, spec) in entries {
                let line = line_of(text, spec.span().start);
                let fail = |reason: String| ThemeError {
                    file: file.to_string(),
                    line,
                    key: format!("{section}.{key}"),
                    reason,
                };
                let known: Vec<&str> = Theme::GROUPS
                    .iter()
                    .filter(|(s, _)| s == section)
                    .map(|(_, k)| *k)
                    .collect();
                let Some(slot) = self.slot(section, key) else {
                    return Err(fail(if known.is_empty() {
                        let sections: std::collections::BTreeSet<&str> =
                            Theme::GROUPS.iter().map(|(s, _)| *s).collect();
                        format!(
                            "unknown section '{section}' (known: {})",
                            sections.into_iter().collect::<Vec<_>>().join(", ")
                        )
                    } else {
                        format!(
                            "unknown style group (known in [{section}]: {})",
                            known.join(", ")
                        )
                    }));
                };
                let spec = spec.get_ref();
                let mut style = Style::default();
                if let Some(fg) = &spec.fg {
                    style = style.fg(color(fg).map_err(fail)?);
                }
                if let Some(bg) = &spec.bg {
                    style = style.bg(color(bg).map_err(fail)?);
                }
                for (on, m) in [
                    (spec.bold, Modifier::BOLD),
                    (spec.dim, Modifier::DIM),
                    (spec.italic, Modifier::ITALIC),
                    (spec.underline, Modifier::UNDERLINED),
                    (spec.reversed, Modifier::REVERSED),
                ] {
                    if on == Some(true) {
                        style = style.add_modifier(m);
                    }
                }
                *slot = style;
            }
        }
        Ok(self)
    }

    /// `NO_COLOR`: no colours at all; meaning carried by bold and reverse (and the symbols
    /// the widgets always draw: ✔ ✖ ▲ ▶).
    pub fn without_colors(mut self) -> Theme {
        for (section, key) in Theme::GROUPS {
            if let Some(s) = self.slot(section, key) {
                *s = Style::default().add_modifier(s.add_modifier);
            }
        }
        let strong = Modifier::BOLD | Modifier::REVERSED;
        self.table_applies = self.table_applies.add_modifier(strong);
        self.finding_selected = self.finding_selected.add_modifier(Modifier::REVERSED);
        self.json_highlight = self.json_highlight.add_modifier(Modifier::REVERSED);
        self.verdict_accepted = self.verdict_accepted.add_modifier(strong);
        self.verdict_rejected = self.verdict_rejected.add_modifier(strong);
        self.verdict_not_verified = self.verdict_not_verified.add_modifier(Modifier::BOLD);
        self.finding_error = self.finding_error.add_modifier(Modifier::BOLD);
        self.pane_focused_border = self.pane_focused_border.add_modifier(Modifier::BOLD);
        self.pane_focused_title = self.pane_focused_title.add_modifier(strong);
        self.status_bar = self.status_bar.add_modifier(Modifier::REVERSED);
        // The diff view's marks (+ - ~ !) say the kind; the modifiers set it apart.
        self.diff_added = self.diff_added.add_modifier(Modifier::BOLD);
        self.diff_removed = self.diff_removed.add_modifier(Modifier::ITALIC);
        self.diff_changed = self.diff_changed.add_modifier(Modifier::UNDERLINED);
        self.diff_type_changed = self.diff_type_changed.add_modifier(strong);
        self
    }

    /// True when `NO_COLOR` is set to a non-empty value.
    pub fn no_color_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_parses_and_sets_every_group() {
        for (name, text) in SHIPPED {
            let theme = Theme::default()
                .overlay(text, name)
                .unwrap_or_else(|e| panic!("{e}"));
            let parsed: ThemeFile = toml::from_str(text).unwrap();
            for (section, key) in Theme::GROUPS {
                assert!(
                    parsed.get(*section).is_some_and(|s| s.contains_key(*key)),
                    "theme {name} lacks {section}.{key}"
                );
            }
            assert_ne!(theme, Theme::default());
        }
    }

    #[test]
    fn a_partial_override_changes_only_its_groups() {
        let dark = Theme::dark();
        let t = dark
            .clone()
            .overlay(
                "[json]\nkey = { fg = \"#ff0000\", bold = true }\n",
                "mine.toml",
            )
            .unwrap();
        assert_eq!(
            t.json_key,
            Style::default()
                .fg(Color::Rgb(255, 0, 0))
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(t.json_string, dark.json_string);
    }

    #[test]
    fn bad_files_name_the_file_line_and_key() {
        let e = Theme::default()
            .overlay("[json]\n\nkey = { fg = \"blurple\" }\n", "mine.toml")
            .unwrap_err();
        assert_eq!(e.file, "mine.toml");
        assert_eq!(e.line, 3);
        assert_eq!(e.key, "json.key");
        assert!(e.reason.contains("blurple"), "{e}");

        let e = Theme::default()
            .overlay("[json]\nkee = { fg = \"red\" }\n", "mine.toml")
            .unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (2, "json.kee"));
        assert!(e.to_string().contains("known in [json]: key"), "{e}");

        let e = Theme::default()
            .overlay("[json]\nkey = { colour = \"red\" }\n", "mine.toml")
            .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("colour"), "{e}");
        assert!(
            e.to_string().starts_with("theme 'mine.toml', line 2"),
            "{e}"
        );
    }

    #[test]
    fn no_color_keeps_meaning_in_modifiers() {
        let t = Theme::dark().without_colors();
        for (section, key) in Theme::GROUPS {
            let mut t = t.clone();
            let s = t.slot(section, key).unwrap();
            assert_eq!((s.fg, s.bg), (None, None), "{section}.{key}");
        }
        assert!(t.table_applies.add_modifier.contains(Modifier::REVERSED));
        assert!(t.verdict_rejected.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn unknown_theme_lists_the_shipped_ones() {
        let e = Theme::named("neon").unwrap_err();
        assert!(e.contains("dark, light, high-contrast, colorblind"), "{e}");
        assert!(Theme::named("Light").is_ok());
    }

    fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn a_user_theme_extends_a_shipped_one_and_changes_a_few_groups() {
        let dir = user_dir(&[(
            "mine.toml",
            "# my colours\nextends = \"light\"\n\n[verdict]\naccepted = { fg = \"#00ff00\", bold = true }\n",
        )]);
        let dirs = [dir.path().to_path_buf()];
        let t = Theme::resolve("mine", &dirs).unwrap();
        let light = Theme::named("light").unwrap();
        assert_eq!(
            t.verdict_accepted,
            Style::default()
                .fg(Color::Rgb(0, 255, 0))
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(t.json_key, light.json_key);
        assert_eq!(t.verdict_rejected, light.verdict_rejected);
        // Without `extends`, a user theme is laid over dark.
        let dir = user_dir(&[("plain.toml", "[json]\nkey = { fg = \"red\" }\n")]);
        let t = Theme::resolve("plain", &[dir.path().to_path_buf()]).unwrap();
        assert_eq!(t.json_key, Style::default().fg(Color::Red));
        assert_eq!(t.json_string, Theme::dark().json_string);
        // Shipped names still resolve when no user file has them.
        assert_eq!(Theme::resolve("light", &dirs).unwrap(), light);
    }

    #[test]
    fn user_themes_chain_override_shipped_names_and_stop_at_loops() {
        let dir = user_dir(&[
            (
                "base.toml",
                "extends = \"high-contrast\"\n[json]\nkey = { fg = \"red\" }\n",
            ),
            (
                "top.toml",
                "extends = \"base\"\n[json]\nstring = { fg = \"blue\" }\n",
            ),
            (
                "dark.toml",
                "extends = \"dark\"\n[json]\nnull = { fg = \"green\" }\n",
            ),
            ("a.toml", "extends = \"b\"\n"),
            ("b.toml", "extends = \"a\"\n"),
        ]);
        let dirs = [dir.path().to_path_buf()];
        let t = Theme::resolve("top", &dirs).unwrap();
        assert_eq!(t.json_key, Style::default().fg(Color::Red));
        assert_eq!(t.json_string, Style::default().fg(Color::Blue));
        assert_eq!(
            t.verdict_accepted,
            Theme::named("high-contrast").unwrap().verdict_accepted
        );
        let t = Theme::resolve("dark", &dirs).unwrap();
        assert_eq!(t.json_null, Style::default().fg(Color::Green));
        assert_eq!(t.json_key, Theme::dark().json_key);
        let e = Theme::resolve("a", &dirs).unwrap_err();
        assert!(e.contains("loop"), "{e}");
    }

    #[test]
    fn a_broken_user_theme_names_its_file_line_and_key() {
        let dir = user_dir(&[
            (
                "broken.toml",
                "extends = \"dark\"\n\n[table]\napplies = { fg = \"chartreuse-ish\" }\n",
            ),
            ("badparent.toml", "extends = \"nope\"\n"),
            ("badextends.toml", "extends = 3\n"),
        ]);
        let dirs = [dir.path().to_path_buf()];
        let file = dir.path().join("broken.toml");
        let e = Theme::resolve("broken", &dirs).unwrap_err();
        assert_eq!(
            e,
            format!(
                "theme '{}', line 4: table.applies: unknown colour 'chartreuse-ish' (a name like 'lightblue', '#rrggbb', or 0-255)",
                file.display()
            )
        );
        let e = Theme::resolve("badparent", &dirs).unwrap_err();
        assert!(
            e.contains("badparent.toml': extends: unknown theme 'nope'"),
            "{e}"
        );
        let e = Theme::resolve("badextends", &dirs).unwrap_err();
        assert!(e.contains("line 1: extends: expected a theme name"), "{e}");
        let e = Theme::resolve("missing", &dirs).unwrap_err();
        assert!(
            e.contains("user themes: badextends, badparent, broken"),
            "{e}"
        );
    }
}
