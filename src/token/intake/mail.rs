//! Text a mail client has been at: quoted-printable soft line breaks and `=3D`, `> ` quote
//! prefixes, and lines folded inside a URL or a token. A ticket's token often arrives so.

use super::is_token_char;

/// Undo what mail clients do to a pasted token, when they did something: quoted-printable
/// soft line breaks and `=3D`, `> ` quote prefixes on every line, and lines wrapped inside a
/// URL or a token (`fold -w76`). Returns the text and what was undone, or None.
pub(super) fn unwrap_mail(text: &str) -> Option<(String, Vec<String>)> {
    if !text.contains('\n') && !text.contains("=3D") {
        return None;
    }
    let mut notes = Vec::new();
    let mut text = text.replace("\r\n", "\n");
    // Quoted-printable (RFC 2045 6.7): a soft break is '=' at the end of a line.
    let soft_breaks = text.contains("=\n");
    if soft_breaks || text.contains("=3D") {
        text = text
            .replace("=\n", "")
            .replace("=3D", "=")
            .replace("=3d", "=");
        notes.push("quoted-printable encoding (soft line breaks, =3D)".to_string());
    }
    // Quote prefixes: every non-empty line starts with '>'.
    let lines: Vec<&str> = text.lines().collect();
    let quoted = lines.iter().filter(|l| !l.trim().is_empty()).count() > 0
        && lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .all(|l| l.trim_start().starts_with('>'));
    if quoted {
        text = lines
            .iter()
            .map(|l| l.trim_start().trim_start_matches(['>', ' ']))
            .collect::<Vec<_>>()
            .join("\n");
        notes.push("'> ' quote prefixes".to_string());
    }
    // Wrapped lines: a client that folds at W columns leaves several lines of exactly W
    // characters (W of 60 or more); a break after such a line, between two token
    // characters, and not starting a new token right after a complete one, is undone.
    let lines: Vec<&str> = text.split('\n').collect();
    let width = |l: &str| l.trim_end().chars().count();
    let fold = lines.iter().map(|l| width(l)).max().unwrap_or(0);
    let folded_lines = lines.iter().filter(|l| width(l) == fold).count();
    let folded = fold >= 60 && folded_lines >= 2;
    let mut joined = String::with_capacity(text.len());
    let mut wrapped = false;
    for (i, line) in lines.iter().enumerate() {
        joined.push_str(line);
        let Some(next) = lines.get(i + 1) else {
            break;
        };
        let tail = line.trim_end();
        let run_start = tail
            .char_indices()
            .rev()
            .find(|(_, c)| !(is_token_char(*c) || matches!(c, '=' | '&' | '?' | '%')))
            .map_or(0, |(p, c)| p + c.len_utf8());
        let run = &tail[run_start..];
        let continues = folded
            && width(line) == fold
            && !run.is_empty()
            && next.starts_with(|c: char| is_token_char(c) || c == '%')
            && !(next.starts_with("eyJ") && run.matches('.').count() >= 2);
        if continues {
            wrapped = true;
        } else {
            joined.push('\n');
        }
    }
    if wrapped {
        notes.push("line breaks inside a URL or token (mail wrapping)".to_string());
        text = joined;
    }
    (!notes.is_empty()).then_some((text, notes))
}
