//! The diff view: the pinned token (left) against the token shown (right). The two
//! payloads side by side, aligned member by member, each line of a difference marked
//! (`+` added, `-` removed, `~` changed, `!` type changed) and styled from the theme's
//! `[diff]` groups; below, the two verdicts side by side (overall state, outcomes, layers),
//! the findings only one token has, and the claims, time claims and headers that differ,
//! all from `crate::diff` at the view's one instant.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use serde_json::Value;

use crate::diff::ChangeKind;
use crate::report::{Inspection, Layer, Overall, Severity};
use crate::tui::pin::{Compared, DiffPart, Pin, shown_value};
use crate::tui::state::App;
use crate::tui::theme::Theme;
use crate::tui::widgets::common::{cut_with_ellipsis, fit_line, format_instant_short, pane_block};

/// Where the diff view draws each part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiffAreas {
    pub left: Rect,
    pub right: Rect,
    /// One line: what the marks mean, how many differences, where the view is.
    pub legend: Rect,
    pub verdicts: Rect,
    pub status: Rect,
    pub hints: Rect,
}

/// The smallest frame a part gets: a border and one row.
const MIN_PART: u16 = 3;

pub fn layout(app: &App, area: Rect) -> DiffAreas {
    let [body, status, hints] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let avail = body.height.saturating_sub(1);
    let rows = app
        .pin
        .as_ref()
        .and_then(|p| p.compared.as_ref())
        .map_or(0, |c| c.rows.len());
    let want_payloads = (rows as u16).saturating_add(2);
    // The verdicts' sticky column titles take a row of their own.
    let want_verdicts = (verdict_len(app) as u16).saturating_add(3);
    let verdicts_h = if want_payloads.saturating_add(want_verdicts) <= avail {
        avail - want_payloads
    } else {
        want_verdicts.min((avail / 2).max(avail.saturating_sub(want_payloads)))
    }
    .clamp(
        MIN_PART.min(avail),
        avail.saturating_sub(MIN_PART).max(MIN_PART.min(avail)),
    );
    let [payloads, legend, verdicts] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(verdicts_h),
    ])
    .areas(body);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(payloads);
    DiffAreas {
        left,
        right,
        legend,
        verdicts,
        status,
        hints,
    }
}

/// Rows of the verdicts that scroll: the frame less its border and column titles.
pub fn verdict_rows(verdicts: Rect) -> usize {
    verdicts.height.saturating_sub(3) as usize
}

/// Lines of the verdicts part (they do not wrap: their number does not depend on the width).
pub fn verdict_len(app: &App) -> usize {
    match app.pin.as_ref() {
        Some(pin) => pin
            .compared
            .as_ref()
            .map_or(0, |c| verdict_lines(app, pin, c, 80).len()),
        None => 0,
    }
}

/// The mark and style of a change.
pub fn mark(kind: ChangeKind, t: &Theme) -> (&'static str, Style) {
    match kind {
        ChangeKind::Added => ("+", t.diff_added),
        ChangeKind::Removed => ("-", t.diff_removed),
        ChangeKind::Changed => ("~", t.diff_changed),
        ChangeKind::TypeChanged => ("!", t.diff_type_changed),
    }
}

/// An overall state as a badge (` ✔ ACCEPTED `), or as a cell when `cell` (no padding).
fn overall_span(o: Overall, t: &Theme, cell: bool) -> Span<'static> {
    let (symbol, style) = match o {
        Overall::Accepted => ("✔", t.verdict_accepted),
        Overall::Rejected => ("✖", t.verdict_rejected),
        Overall::NotVerified => ("?", t.verdict_not_verified),
    };
    if cell {
        Span::styled(format!("{symbol} {}", o.label()), style)
    } else {
        Span::styled(format!(" {symbol} {} ", o.label()), style)
    }
}

/// The diff view but its status bar and hints: where those go is returned.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> DiffAreas {
    let l = layout(app, area);
    if let Some(pin) = app.pin.as_ref()
        && let Some(c) = pin.compared.as_ref()
    {
        payloads(app, pin, c, &l, buf);
        legend(app, c, &l, buf);
        verdicts(app, pin, c, l.verdicts, buf);
    }
    l
}

/// A payload pane's title: whose token, and its verdict.
fn side_title(who: &str, label: &str, insp: Option<&Inspection>, t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(format!("{who}: {label} "))];
    if let Some(i) = insp {
        spans.push(overall_span(i.overall(), t, false));
    }
    Line::from(spans)
}

fn payloads(app: &App, pin: &Pin, c: &Compared, l: &DiffAreas, buf: &mut Buffer) {
    let t = &app.theme;
    let focused = pin.focus == DiffPart::Payloads;
    let height = l.left.height.saturating_sub(2) as usize;
    let scroll = pin.scroll[0].min(c.rows.len().saturating_sub(height));
    let selected = c.starts.get(pin.at_change).and_then(|r| c.change_at(*r));
    let sides = [
        (
            l.left,
            side_title("Pinned", &pin.label, pin.insp.as_ref(), t),
            &pin.doc,
            &c.left,
            true,
        ),
        (
            l.right,
            side_title("Shown", &app.shown_label(), app.inspection(), t),
            &app.shown.payload,
            &c.right,
            false,
        ),
    ];
    // Where the two payloads are (they scroll together): on the right pane's lower border.
    let position = (c.rows.len() > height).then(|| {
        Line::from(format!(
            " rows {}-{} of {} ",
            scroll + 1,
            (scroll + height).min(c.rows.len()),
            c.rows.len()
        ))
        .right_aligned()
    });
    for (area, title, doc, marks, left) in sides {
        let width = usize::from(area.width.saturating_sub(2));
        let body: Vec<Line> = c
            .rows
            .iter()
            .skip(scroll)
            .take(height)
            .map(|row| {
                let Some(i) = (if left { row.0 } else { row.1 }) else {
                    return Line::raw("");
                };
                if i >= doc.len() {
                    return Line::raw("");
                }
                let change = marks.get(i).copied().flatten();
                let mut line = super::json::styled_line(doc, i, false, t);
                if let Some(kind) = c.kind(change) {
                    let (m, style) = mark(kind, t);
                    // The difference Enter went to: its marks stand out, its colour stays.
                    let mark_style = if change == selected {
                        style.add_modifier(Modifier::REVERSED | Modifier::BOLD)
                    } else {
                        style
                    };
                    if let Some(first) = line.spans.first_mut() {
                        *first = Span::styled(m, mark_style);
                    }
                    line = line.patch_style(style);
                }
                fit_line(line, width)
            })
            .collect();
        let mut block = pane_block(title, focused, t);
        if let Some(p) = position.as_ref().filter(|_| !left) {
            block = block.title_bottom(p.clone());
        }
        Paragraph::new(body).block(block).render(area, buf);
    }
}

fn legend(app: &App, c: &Compared, l: &DiffAreas, buf: &mut Buffer) {
    let t = &app.theme;
    let mut spans = vec![Span::raw(" ")];
    for (kind, word) in [
        (ChangeKind::Added, "added"),
        (ChangeKind::Removed, "removed"),
        (ChangeKind::Changed, "changed"),
        (ChangeKind::TypeChanged, "type changed"),
    ] {
        let (m, style) = mark(kind, t);
        spans.push(Span::styled(m, style));
        spans.push(Span::styled(format!(" {word}  "), t.dim));
    }
    let n = c.diff.payload.len();
    let claims = match n {
        0 => "same claims".to_string(),
        1 => "1 claim differs".to_string(),
        n => format!("{n} claims differ"),
    };
    spans.push(Span::styled(format!("│ {claims} "), t.text));
    if !c.starts.is_empty() {
        let enter = app
            .keymap
            .select
            .keys
            .first()
            .map(|k| k.label())
            .unwrap_or_default();
        spans.push(Span::styled(format!("│ {enter}"), t.hint_key));
        spans.push(Span::styled(" next ", t.hint_text));
    }
    let line = fit_line(Line::from(spans), usize::from(l.legend.width));
    Paragraph::new(line).render(l.legend, buf);
}

/// Column widths of the verdicts: the row name, then the pinned and the shown token's.
fn columns(width: usize) -> [usize; 3] {
    let name = 16.min(width / 4);
    let rest = width.saturating_sub(2 + name);
    [name, rest / 2, rest - rest / 2]
}

/// A two-sided row: the mark, the row's name, each side's cell (cut to its column).
fn row(
    widths: [usize; 3],
    mark: Option<(&'static str, Style)>,
    name: &str,
    a: Vec<Span<'static>>,
    b: Vec<Span<'static>>,
    t: &Theme,
) -> Line<'static> {
    let (m, style) = mark.unwrap_or((" ", Style::default()));
    let mut spans = vec![
        Span::styled(m, style),
        Span::raw(" "),
        Span::styled(
            format!(
                "{:<w$}",
                cut_with_ellipsis(name, widths[0].saturating_sub(1)),
                w = widths[0]
            ),
            t.table_header,
        ),
    ];
    for (cell, w) in [(a, widths[1]), (b, widths[2])] {
        let line = fit_line(Line::from(cell), w.saturating_sub(1));
        let used = line.width();
        spans.extend(line.spans);
        spans.push(Span::raw(" ".repeat(w.saturating_sub(used))));
    }
    Line::from(spans)
}

fn text(s: impl Into<String>, style: Style) -> Vec<Span<'static>> {
    vec![Span::styled(s.into(), style)]
}

/// A value as the comparison wrote it (`Compared::payload_values`); "absent" when there
/// is none.
fn value(v: &Option<String>, t: &Theme) -> Vec<Span<'static>> {
    match v {
        Some(v) => text(v.clone(), t.text),
        None => text("absent", t.dim),
    }
}

/// Rows listed at most for the claims and the header members that differ: a payload that
/// differs everywhere still draws a bounded list (the payloads above show every line).
const MAX_LISTED: usize = 100;

/// The line after a list cut to `MAX_LISTED` rows.
fn more(n: usize, t: &Theme) -> Option<Line<'static>> {
    (n > MAX_LISTED).then(|| Line::styled(format!("  … and {} more", n - MAX_LISTED), t.dim))
}

fn layer_text(l: Option<&Layer>, t: &Theme) -> Vec<Span<'static>> {
    let Some(l) = l else {
        return text("none", t.dim);
    };
    let mut s = l.kind.label().to_string();
    for v in [&l.alg, &l.enc].into_iter().flatten() {
        s.push(' ');
        s.push_str(&crate::escape::line(v));
    }
    let style = if l.status.is_ok() {
        t.layer_ok
    } else if l.status.is_failure() {
        t.layer_failed
    } else {
        t.layer_unchecked
    };
    let mut spans = vec![
        Span::styled(s, t.text),
        Span::raw(" "),
        Span::styled(l.status.as_str().to_string(), style),
    ];
    if let Some(key) = &l.key {
        spans.push(Span::styled(
            format!(" · {}", crate::escape::line(key)),
            t.dim,
        ));
    }
    spans
}

fn findings_count(i: &Inspection) -> String {
    let errors = i
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    format!(
        "{} ({errors} error{})",
        i.findings.len(),
        if errors == 1 { "" } else { "s" }
    )
}

/// Everything below the payloads, line by line.
pub fn verdict_lines(app: &App, pin: &Pin, c: &Compared, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let w = columns(width);
    let d = &c.diff;
    let changed = |differs: bool| differs.then(|| mark(ChangeKind::Changed, t));
    let mut out = Vec::new();
    let (a, b) = (&d.a, &d.b);
    out.push(row(
        w,
        changed(d.verdict.overall.is_some()),
        "overall",
        vec![overall_span(a.overall, t, true)],
        vec![overall_span(b.overall, t, true)],
        t,
    ));
    for (name, differs, va, vb) in [
        (
            "profile",
            d.verdict.profile.is_some(),
            &a.profile,
            &b.profile,
        ),
        (
            "participation",
            d.verdict.participation.is_some(),
            &a.participation,
            &b.participation,
        ),
        ("win", d.verdict.win.is_some(), &a.win, &b.win),
    ] {
        out.push(row(
            w,
            changed(differs),
            name,
            text(va.clone(), t.text),
            text(vb.clone(), t.text),
            t,
        ));
    }
    let (la, lb) = (
        pin.insp.as_ref().map_or(&[][..], |i| &i.layers[..]),
        app.inspection().map_or(&[][..], |i| &i.layers[..]),
    );
    for n in 0..la.len().max(lb.len()) {
        out.push(row(
            w,
            changed(d.layers.iter().any(|x| x.layer == n + 1)),
            &format!("layer {}", n + 1),
            layer_text(la.get(n), t),
            layer_text(lb.get(n), t),
            t,
        ));
    }
    let only = (&d.findings.only_in_a, &d.findings.only_in_b);
    if let (Some(ia), Some(ib)) = (pin.insp.as_ref(), app.inspection()) {
        out.push(row(
            w,
            changed(!only.0.is_empty() || !only.1.is_empty()),
            "findings",
            text(findings_count(ia), t.text),
            text(findings_count(ib), t.text),
            t,
        ));
    }
    for (list, kind, whose) in [
        (only.0, ChangeKind::Removed, "pinned"),
        (only.1, ChangeKind::Added, "shown"),
    ] {
        if list.is_empty() {
            continue;
        }
        out.push(Line::styled(
            format!("  Findings only the {whose} token has ({})", list.len()),
            t.table_header,
        ));
        for f in list {
            let (m, style) = mark(kind, t);
            let (word, sev) = super::findings::severity_cell(f.severity, t);
            let claim = if f.claim.is_empty() {
                String::new()
            } else {
                format!("  {}", crate::escape::line(&f.claim))
            };
            out.push(Line::from(vec![
                Span::styled(m, style),
                Span::raw(" "),
                Span::styled(format!("{word:<8}"), sev),
                Span::styled(crate::escape::line(&f.id).into_owned(), t.text),
                Span::styled(claim, t.json_key),
            ]));
            out.push(Line::styled(
                format!("    {}", crate::escape::line(&f.message)),
                t.dim,
            ));
        }
    }
    if !d.payload.is_empty() {
        out.push(Line::styled(
            format!("  Claims that differ ({})", d.payload.len()),
            t.table_header,
        ));
        for (ch, [va, vb]) in d.payload.iter().zip(&c.payload_values).take(MAX_LISTED) {
            let path = if ch.path.is_empty() {
                "(payload)".to_string()
            } else {
                crate::escape::line(&ch.path).into_owned()
            };
            out.push(row(
                w,
                Some(mark(ch.change, t)),
                &path,
                value(va, t),
                value(vb, t),
                t,
            ));
        }
        out.extend(more(d.payload.len(), t));
    }
    if !d.time.is_empty() {
        out.push(Line::styled(
            "  Time claims, from the instant above",
            t.table_header,
        ));
        for tc in &d.time {
            let side = |v: &Value, rel: &Option<String>| match (v, rel) {
                (Value::Null, _) => text("absent", t.dim),
                (v, Some(r)) => text(
                    format!("{r} ({})", shown_value(Some(v)).unwrap_or_default()),
                    t.text,
                ),
                (v, None) => value(&shown_value(Some(v)), t),
            };
            out.push(row(
                w,
                changed(true),
                tc.claim,
                side(&tc.a, &tc.a_relative),
                side(&tc.b, &tc.b_relative),
                t,
            ));
        }
    }
    if !d.header.is_empty() {
        out.push(Line::styled(
            format!("  Header members that differ ({})", d.header.len()),
            t.table_header,
        ));
        let layered = la.len().max(lb.len()) > 1;
        for (ch, [va, vb]) in d.header.iter().zip(&c.header_values).take(MAX_LISTED) {
            let path = crate::escape::line(&ch.path).into_owned();
            let name = match ch.layer {
                Some(n) if layered => format!("{n}: {path}"),
                _ => path,
            };
            out.push(row(
                w,
                Some(mark(ch.change, t)),
                &name,
                value(va, t),
                value(vb, t),
                t,
            ));
        }
        out.extend(more(d.header.len(), t));
    }
    if d.is_empty() {
        out.push(Line::styled(
            "  no difference: the two tokens read and evaluate the same",
            t.dim,
        ));
    }
    out
}

fn verdicts(app: &App, pin: &Pin, c: &Compared, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let d = &c.diff;
    let word = if d.same_verdict {
        "Same verdict"
    } else {
        "Verdicts differ"
    };
    let mut title = format!(
        "{word} · both at {} · skew {}s",
        format_instant_short(d.evaluated_at, app.time_display),
        d.skew
    );
    let lines = verdict_lines(app, pin, c, usize::from(area.width.saturating_sub(2)));
    let shown = verdict_rows(area);
    let scroll = pin.scroll[1].min(lines.len().saturating_sub(shown));
    if lines.len() > shown {
        title.push_str(&format!(
            " · {}-{} of {}",
            scroll + 1,
            (scroll + shown).min(lines.len()),
            lines.len()
        ));
    }
    let block: Block = pane_block(Line::raw(title), pin.focus == DiffPart::Verdicts, t);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width);
    let w = columns(width);
    let titles = row(
        w,
        None,
        "",
        text(format!("pinned: {}", pin.label), t.pane_title),
        text(format!("shown: {}", app.shown_label()), t.pane_title),
        t,
    );
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    Paragraph::new(fit_line(titles, width)).render(head, buf);
    let body_lines: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(shown)
        .map(|l| fit_line(l, width))
        .collect();
    Paragraph::new(body_lines).render(body, buf);
}
