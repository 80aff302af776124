//! The human report of `inspect`: header and payload pretty-printed and coloured, time claims
//! annotated, the layer chain, the outcome tables and the findings grouped by severity.

use std::fmt::Write as _;
use std::io;

use crossterm::style::{Attribute, Color, Stylize};

use crate::escape;
use crate::inspect::{Claims, InspectionRef};
use crate::json_lines::{JsonDoc, Tok};
use crate::report::{
    AttemptResult, Inspection, LayerStatus, Overall, PayloadView, Severity, TokenKind,
};
use crate::rules;

mod payload;

use payload::write_payload;

/// Colour or not (the caller decides from `--color`, the TTY and NO_COLOR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn paint(&self, text: &str, color: Color) -> String {
        if self.color {
            text.with(color).to_string()
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        if self.color {
            text.attribute(Attribute::Bold).to_string()
        } else {
            text.to_string()
        }
    }

    pub fn dim(&self, text: &str) -> String {
        if self.color {
            text.with(Color::DarkGrey).to_string()
        } else {
            text.to_string()
        }
    }

    pub fn heading(&self, text: &str) -> String {
        self.bold(&format!("── {text}"))
    }
}

fn tok_color(t: Tok) -> Option<Color> {
    match t {
        Tok::Punct => None,
        Tok::Key => Some(Color::Cyan),
        Tok::Str => Some(Color::Green),
        Tok::Num => Some(Color::Yellow),
        Tok::Bool => Some(Color::Magenta),
        Tok::Null => Some(Color::DarkGrey),
        Tok::Note => Some(Color::DarkGrey),
    }
}

/// A document's lines, coloured by token type; with `bound`, a part longer than
/// `MAX_HEADER_VALUE` characters is cut (a header's hostile `kid`).
fn write_json(out: &mut impl std::fmt::Write, doc: &JsonDoc, style: Style, bound: bool) {
    for i in 0..doc.len() {
        indent(out, doc.depth(i));
        for (tok, text) in doc.parts(i) {
            let cut;
            let text = match bound.then(|| text.chars().count()) {
                Some(n) if n > MAX_HEADER_VALUE => {
                    cut = format!(
                        "{} ({n} characters; --json shows all)",
                        truncate(text, MAX_HEADER_VALUE)
                    );
                    cut.as_str()
                }
                _ => text,
            };
            paint(out, tok, text, style);
        }
        let _ = out.write_char('\n');
    }
}

/// A header as a document.
fn header_doc(header: &serde_json::Map<String, serde_json::Value>) -> JsonDoc {
    let mut doc = JsonDoc::default();
    doc.push_object(header, "");
    doc
}

fn indent(out: &mut impl std::fmt::Write, depth: usize) {
    for _ in 0..depth {
        let _ = out.write_str("  ");
    }
}

/// One token of a JSON line, coloured as [`Style::paint`] colours it.
fn paint(out: &mut impl std::fmt::Write, tok: Tok, text: &str, style: Style) {
    let _ = match tok_color(tok) {
        Some(c) if style.color => write!(out, "{}", text.with(c)),
        _ => out.write_str(text),
    };
}

fn status_color(status: LayerStatus) -> Color {
    match status {
        LayerStatus::Valid | LayerStatus::Decrypted => Color::Green,
        LayerStatus::Invalid | LayerStatus::Failed => Color::Red,
        LayerStatus::Unverified | LayerStatus::NoKey | LayerStatus::Unsupported => Color::Yellow,
    }
}

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
        Severity::Info => Color::Blue,
    }
}

/// The whole human report.
pub fn report(insp: &Inspection, style: Style) -> String {
    let mut out = String::new();
    write_to(&mut out, &InspectionRef::from(insp), style);
    out
}

/// The whole human report, written to `out` as it is made: a 1 MiB payload is never held
/// as report text (nor as lines of it) in memory.
pub fn write_report(
    out: &mut impl io::Write,
    insp: &InspectionRef<'_>,
    style: Style,
) -> io::Result<()> {
    let mut sink = Sink { out, error: None };
    write_to(&mut sink, insp, style);
    sink.error.map_or(Ok(()), Err)
}

/// `fmt::Write` onto an `io::Write`: the first error is kept (and nothing more is written)
/// for the caller to return.
struct Sink<'a, W> {
    out: &'a mut W,
    error: Option<io::Error>,
}

impl<W: io::Write> std::fmt::Write for Sink<'_, W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.error.is_some() {
            return Err(std::fmt::Error);
        }
        self.out.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            std::fmt::Error
        })
    }
}

fn write_to(out: &mut impl std::fmt::Write, insp: &InspectionRef<'_>, style: Style) {
    let kind = insp.kind.label();
    let _ = writeln!(out, "{}", style.bold(&format!("tokenscope: {kind} token")));
    write_stripped(out, insp.stripped, style);
    let _ = out.write_char('\n');

    let _ = writeln!(out, "{}", style.heading("Layers (outer to inner)"));
    for (i, layer) in insp.layers.iter().enumerate() {
        let kind = layer.kind.label();
        let mut algs = layer
            .alg
            .clone()
            .map(|a| escape::line(&a).into_owned())
            .unwrap_or_else(|| "(no alg)".into());
        if let Some(enc) = &layer.enc {
            algs.push_str(&format!(" / {}", escape::line(enc)));
        }
        let kid = layer
            .kid
            .as_deref()
            .map(|k| format!("  kid '{}'", escape::line(&truncate(k, 40))))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}{kind}  {algs}{kid}  {}",
            "  ".repeat(i + 1),
            style.paint(
                &layer.status.as_str().to_uppercase(),
                status_color(layer.status)
            ),
        );
        let _ = writeln!(out, "{}{}", "  ".repeat(i + 2), escape::line(&layer.detail));
        for attempt in &layer.attempts {
            if attempt.result == AttemptResult::Verified {
                continue;
            }
            let _ = writeln!(
                out,
                "{}{}",
                "  ".repeat(i + 2),
                style.dim(&format!(
                    "key '{}': {}",
                    escape::line(&attempt.key),
                    escape::line(&attempt.detail)
                )),
            );
        }
    }
    let _ = out.write_char('\n');

    for (i, layer) in insp.layers.iter().enumerate() {
        let title = match (insp.layers.len(), layer.kind) {
            (1, _) => "Header".to_string(),
            (_, TokenKind::Jwe) => format!("Header (layer {}, JWE)", i + 1),
            (_, TokenKind::Jws) => format!("Header (layer {}, JWS)", i + 1),
        };
        let _ = writeln!(out, "{}", style.heading(&title));
        write_json(out, &header_doc(&layer.header), style, true);
        let _ = out.write_char('\n');
    }
    if insp.layers.is_empty() {
        let _ = writeln!(out, "{}", style.heading("Header"));
        write_json(out, &header_doc(&insp.header), style, true);
        let _ = out.write_char('\n');
    }

    let _ = writeln!(out, "{}", style.heading("Payload"));
    match (insp.payload, insp.payload_view) {
        (Some(v), _) => write_payload(out, v, insp.evaluated_at, style),
        (None, PayloadView::Text { text }) => {
            let _ = writeln!(out, "{}", style.dim("(not JSON: shown as text)"));
            let _ = writeln!(out, "{}", escape::text(text));
        }
        (None, PayloadView::Binary { hex }) => {
            let _ = writeln!(
                out,
                "{}",
                style.dim("(neither JSON nor UTF-8: shown as hex)")
            );
            let _ = writeln!(out, "{hex}");
        }
        (None, PayloadView::Unavailable { reason }) => {
            let _ = writeln!(out, "{}", style.dim(&format!("({})", escape::line(reason))));
        }
        (None, PayloadView::Json) => {}
    }
    let _ = out.write_char('\n');

    let tables = rules::render_tables(insp.verdict);
    if !tables.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.heading(&format!("Verdict (profile {})", insp.verdict.profile))
        );
        for line in tables {
            let _ = writeln!(out, "{}", escape::line(&line));
        }
        let _ = out.write_char('\n');
    }

    let _ = writeln!(
        out,
        "{}",
        style.heading(&format!("Findings (profile {})", insp.verdict.profile))
    );
    if insp.findings.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        for f in insp.findings.iter().filter(|f| f.severity == severity) {
            let label = format!("{:<7}", severity.as_str().to_uppercase());
            let claim = if f.claim.is_empty() {
                String::new()
            } else {
                format!(" {}", escape::line(&f.claim))
            };
            let _ = writeln!(
                out,
                "  {} {}{}",
                style.paint(&label, severity_color(severity)),
                style.bold(&escape::line(&f.id)),
                style.dim(&claim),
            );
            let _ = writeln!(out, "          {}", escape::line(&f.message));
            let _ = writeln!(
                out,
                "          {}",
                style.dim(&format!("source: {}", escape::line(&f.source)))
            );
        }
    }
    let _ = out.write_char('\n');

    let overall = insp.overall;
    let color = match overall {
        Overall::Accepted => Color::Green,
        Overall::Rejected => Color::Red,
        Overall::NotVerified => Color::Yellow,
    };
    let count = |s: Severity| -> usize {
        insp.findings
            .iter()
            .filter(|f| f.severity == s)
            .map(|f| f.weight())
            .sum()
    };
    let _ = writeln!(
        out,
        "{}  {} error(s), {} warning(s), {} info — evaluated at {} (skew {} s)",
        style.bold(&style.paint(overall.label(), color)),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        insp.evaluated_at_rfc3339,
        insp.skew,
    );
}

/// Header values longer than this are cut in the human report (`--json` keeps them whole):
/// a hostile `kid`, `jku` or `x5c` can be megabytes.
const MAX_HEADER_VALUE: usize = 1024;

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// What intake removed around the token, when anything.
fn write_stripped(out: &mut impl std::fmt::Write, stripped: &[String], style: Style) {
    if !stripped.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "removed around the token: {}",
                escape::line(&stripped.join("; "))
            ))
        );
    }
}

/// The report of a token that did not fully decode: what did decode, then the error.
pub fn malformed(insp: &Inspection, error: &str, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.bold("tokenscope: malformed token"));
    write_stripped(&mut out, &insp.stripped, style);
    out.push('\n');
    let _ = writeln!(out, "{}", style.heading("Segments"));
    for (i, seg) in insp.segments.iter().enumerate() {
        let _ = writeln!(out, "  {}: {}", i + 1, escape::line(&truncate(seg, 72)));
    }
    out.push('\n');
    if !insp.header.is_empty() {
        let _ = writeln!(out, "{}", style.heading("Header"));
        write_json(&mut out, &header_doc(&insp.header), style, true);
        out.push('\n');
    }
    if let Some(v) = &insp.payload {
        let _ = writeln!(out, "{}", style.heading("Payload"));
        write_payload(&mut out, Claims::Value(v), insp.evaluated_at, style);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}  {}",
        style.bold(&style.paint("MALFORMED", Color::Red)),
        escape::line(error)
    );
    out
}
