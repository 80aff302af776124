//! The text of the Header and Payload panes: JSON lines with time notes (in the time display
//! the settings ask for), and how instants are written.

use std::path::PathBuf;

use crate::cli::TimeDisplay;
use crate::json_lines::{JsonDoc, Tok};
use crate::report::{Inspection, PayloadView};
use crate::tui::widgets::common::format_instant;

/// Write the time-claim notes again for instant `at`, in the time display the settings ask
/// for (a note that says a value looks like milliseconds stays).
pub(crate) fn retime(doc: &mut JsonDoc, at: i64, display: TimeDisplay) {
    for note in doc.notes_mut().iter_mut().filter(|n| !n.millis) {
        note.text = format!(
            "  // {} ({})",
            format_instant(note.secs, display),
            crate::time::relative(note.secs, at)
        );
    }
}

pub(crate) fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// Header pane: every layer's protected header, outer first, with full pointers.
pub(super) fn header_doc(insp: &Inspection) -> JsonDoc {
    let mut doc = JsonDoc::default();
    if insp.layers.is_empty() {
        doc.push_object(&insp.header, "/header");
        return doc;
    }
    let several = insp.layers.len() > 1;
    for (i, layer) in insp.layers.iter().enumerate() {
        if several {
            let kind = layer.kind.label();
            doc.push_text(Tok::Note, &format!("// layer {}: {kind}", i + 1));
        }
        let prefix = if i == 0 {
            "/header".to_string()
        } else {
            format!("/layers/{i}/header")
        };
        doc.push_object(&layer.header, &prefix);
    }
    doc
}

/// Payload pane: the claims as JSON (time claims annotated at `at`), or the payload as
/// text, as hex, or why it is not there.
pub(crate) fn payload_doc(insp: &Inspection, at: i64, display: TimeDisplay) -> JsonDoc {
    let mut doc = JsonDoc::default();
    if let Some(v) = &insp.payload {
        doc.push_value(v, "", Some(at));
        if display != TimeDisplay::Utc {
            retime(&mut doc, at, display);
        }
        return doc;
    }
    match &insp.payload_view {
        PayloadView::Json => {}
        PayloadView::Text { text } => {
            doc.push_text(Tok::Note, "// not JSON: the payload as text");
            for line in text.lines() {
                doc.push_text(Tok::Str, &crate::escape::line(line));
            }
        }
        PayloadView::Binary { hex } => {
            doc.push_text(Tok::Note, "// neither JSON nor text: hex");
            for chunk in hex.as_bytes().chunks(64) {
                doc.push_text(Tok::Num, &String::from_utf8_lossy(chunk));
            }
        }
        PayloadView::Unavailable { reason } => {
            doc.push_text(Tok::Note, &format!("// {reason}"));
        }
    }
    doc
}
