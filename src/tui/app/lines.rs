//! The text of the Header and Payload panes: JSON lines with time notes (in the time display
//! the settings ask for), and how instants are written.

use std::path::PathBuf;

use crate::cli::TimeDisplay;
use crate::json_lines::{JsonLine, Tok, json_lines};
use crate::report::{Inspection, PayloadView};
use crate::tui::widgets::common::format_instant;

/// Time-claim notes in the local time zone (or both) when the settings ask for it.
pub(super) fn retime(
    mut lines: Vec<JsonLine>,
    insp: &Inspection,
    at: i64,
    display: TimeDisplay,
) -> Vec<JsonLine> {
    if display == TimeDisplay::Utc {
        return lines;
    }
    let Some(payload) = &insp.payload else {
        return lines;
    };
    for line in lines.iter_mut().filter(|l| l.depth == 1) {
        if !matches!(
            line.pointer.as_str(),
            "/exp" | "/nbf" | "/iat" | "/auth_time"
        ) {
            continue;
        }
        let Some(secs) = payload.pointer(&line.pointer).and_then(|v| v.as_i64()) else {
            continue;
        };
        for (tok, text) in line.parts.iter_mut() {
            if *tok == Tok::Note && !text.contains("milliseconds") {
                *text = format!(
                    "  // {} ({})",
                    format_instant(secs, display),
                    crate::time::relative(secs, at)
                );
            }
        }
    }
    lines
}

pub(crate) fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

pub(super) fn note_line(text: String) -> JsonLine {
    JsonLine {
        depth: 0,
        pointer: "#".to_string(),
        opens: false,
        parts: vec![(Tok::Note, text)],
    }
}

/// Header pane: every layer's protected header, outer first, with full pointers.
pub(super) fn header_lines(insp: &Inspection) -> Vec<JsonLine> {
    let mut out = Vec::new();
    let several = insp.layers.len() > 1;
    if insp.layers.is_empty() {
        let v = serde_json::Value::Object(insp.header.clone());
        out.extend(prefixed(json_lines(&v, None), "/header"));
        return out;
    }
    for (i, layer) in insp.layers.iter().enumerate() {
        if several {
            let kind = layer.kind.label();
            out.push(note_line(format!("// layer {}: {kind}", i + 1)));
        }
        let prefix = if i == 0 {
            "/header".to_string()
        } else {
            format!("/layers/{i}/header")
        };
        let v = serde_json::Value::Object(layer.header.clone());
        out.extend(prefixed(json_lines(&v, None), &prefix));
    }
    out
}

pub(super) fn prefixed(lines: Vec<JsonLine>, prefix: &str) -> Vec<JsonLine> {
    lines
        .into_iter()
        .map(|mut l| {
            l.pointer = format!("{prefix}{}", l.pointer);
            l
        })
        .collect()
}

pub(super) fn payload_lines(insp: &Inspection, at: i64) -> Vec<JsonLine> {
    if let Some(v) = &insp.payload {
        return json_lines(v, Some(at));
    }
    let text_lines = |text: &str, tok: Tok| -> Vec<JsonLine> {
        text.lines()
            .map(|l| JsonLine {
                depth: 0,
                pointer: "#".to_string(),
                opens: false,
                parts: vec![(tok, crate::escape::line(l).into_owned())],
            })
            .collect()
    };
    match &insp.payload_view {
        PayloadView::Json => Vec::new(),
        PayloadView::Text { text } => {
            let mut v = vec![note_line("// not JSON: the payload as text".into())];
            v.extend(text_lines(text, Tok::Str));
            v
        }
        PayloadView::Binary { hex } => {
            let mut v = vec![note_line("// neither JSON nor text: hex".into())];
            v.extend(
                hex.as_bytes()
                    .chunks(64)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .map(|l| JsonLine {
                        depth: 0,
                        pointer: "#".into(),
                        opens: false,
                        parts: vec![(Tok::Num, l)],
                    }),
            );
            v
        }
        PayloadView::Unavailable { reason } => vec![note_line(format!("// {reason}"))],
    }
}
