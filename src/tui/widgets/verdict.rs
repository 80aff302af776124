//! Verdict pane. Qualifio: the participation table (canPlay x nb) and the win table
//! (gift.cw x gift.label) as ratatui Tables, the cell that applies to this token highlighted
//! (from `verdict.path`), the claim the platform ignores marked "(ignored)", then the type
//! rules that fired and the required-claims checklist. Other profiles: the checklist.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use crate::Profile;
use crate::rules::checklist::CheckState;
use crate::rules::tables::{
    PARTICIPATION_RULES, TABLE_PARTICIPATION, TABLE_PARTICIPATION_RULES, TABLE_WIN,
    TABLE_WIN_RULES, WIN_RULES,
};
use crate::rules::{PARTICIPATION_ROWS, Verdict, WIN_ROWS};
use crate::tui::state::{App, Pane};
use crate::tui::theme::Theme;
use crate::tui::widgets::common::{
    Areas, blit_scrolled, cut_with_ellipsis, fit_line, pane_block, slot_title,
};

/// The table row (of `PARTICIPATION_ROWS`) a (canPlay, nb) cell stands for;
/// canPlay 0 true / 1 false / 2 absent, nb 0 present / 1 absent.
pub fn participation_row(can_play: usize, nb: usize) -> usize {
    match (can_play, nb) {
        (0, 0) => 2,
        (0, _) => 3,
        (1, _) => 1,
        (_, 0) => 4,
        _ => 5,
    }
}

/// The row of `WIN_ROWS` a (cw, label) cell stands for; cw 0 true / 1 false / 2 absent,
/// label 0 present / 1 absent.
pub fn win_row(cw: usize, label: usize) -> usize {
    cw.min(2) * 2 + label.min(1)
}

fn rows_in(v: &Verdict, table: &str) -> Vec<usize> {
    v.path
        .iter()
        .filter(|s| s.table == table)
        .map(|s| s.row)
        .collect()
}

/// The (row, column) cells of the participation matrix that apply.
pub fn participation_cells(v: &Verdict) -> Vec<(usize, usize)> {
    let rows = rows_in(v, TABLE_PARTICIPATION);
    let mut out = Vec::new();
    for cp in 0..3 {
        for nb in 0..2 {
            let r = participation_row(cp, nb);
            // canPlay false spans both nb columns: the one that applies is whether nb is there.
            let nb_present = v.participation.nb.is_some() || v.participation.nb_ignored;
            let column_fits = r != 1 || (nb == 0) == nb_present;
            if rows.contains(&r) && column_fits {
                out.push((cp, nb));
            }
        }
    }
    out
}

/// The (row, column) cells of the win matrix that apply.
pub fn win_cells(v: &Verdict) -> Vec<(usize, usize)> {
    let rows = rows_in(v, TABLE_WIN);
    let mut out = Vec::new();
    for cw in 0..3 {
        for label in 0..2 {
            if rows.contains(&win_row(cw, label)) {
                out.push((cw, label));
            }
        }
    }
    out
}

fn matrix<'a>(
    corner: &'a str,
    columns: [String; 2],
    ignored_column: Option<usize>,
    cell_text: impl Fn(usize, usize) -> &'a str,
    applies: &[(usize, usize)],
    value_width: u16,
    t: &Theme,
) -> Table<'a> {
    // Each cell keeps its last column free, so that a cut cell ends in "…" and never runs
    // into the next one.
    let fit = |text: String| cut_with_ellipsis(&text, usize::from(value_width).saturating_sub(1));
    let header = Row::new(std::iter::once(Cell::from(corner)).chain(
        columns.into_iter().enumerate().map(|(i, c)| {
            let style = if ignored_column == Some(i) {
                t.table_ignored
            } else {
                t.table_header
            };
            Cell::from(Span::styled(fit(c), style))
        }),
    ))
    .style(t.table_header);
    // Both tables' rows are the JSON boolean claim: true, false, absent.
    let row_names = ["true", "false", "absent"];
    let rows = (0..3).map(|r| {
        let mut cells = vec![Cell::from(Span::styled(row_names[r], t.table_header))];
        for c in 0..2 {
            let on = applies.contains(&(r, c));
            let text = cell_text(r, c);
            cells.push(if on {
                Cell::from(Span::styled(fit(format!("▶ {text}")), t.table_applies))
            } else {
                Cell::from(Span::styled(fit(format!("  {text}")), t.table_cell))
            });
        }
        Row::new(cells)
    });
    Table::new(
        rows,
        [
            Constraint::Length(8),
            Constraint::Length(value_width),
            Constraint::Length(value_width),
        ],
    )
    .header(header)
    .column_spacing(0)
}

fn marked_line<'a>(on: bool, text: String, t: &Theme) -> Line<'a> {
    if on {
        Line::from(Span::styled(format!("▶ {text}"), t.table_applies))
    } else {
        Line::from(Span::styled(format!("  {text}"), t.dim))
    }
}

/// Everything the pane draws, as blocks of (height, drawer).
enum Piece<'a> {
    Line(Line<'a>),
    Table(Box<Table<'a>>, u16),
}

fn pieces<'a>(app: &'a App, width: u16) -> Vec<Piece<'a>> {
    let value_width = (width.saturating_sub(8) / 2).clamp(12, 18);
    let t = &app.theme;
    let Some(insp) = app.inspection() else {
        return vec![Piece::Line(Line::styled("no token", t.dim))];
    };
    let v = &insp.verdict;
    let mut out = vec![Piece::Line(Line::from(vec![
        Span::styled("profile ", t.dim),
        Span::styled(v.profile.to_string(), t.pane_focused_title),
        Span::styled(
            format!(" · {}", crate::escape::line(&v.profile_reason)),
            t.dim,
        ),
    ]))];
    if v.profile == Profile::Qualifio {
        let p = &v.participation;
        let nb = p.nb.map(|n| format!(" · nb {n}")).unwrap_or_default();
        out.push(Piece::Line(Line::from(vec![
            Span::styled("Participation: ", t.table_header),
            Span::styled(p.outcome.as_str(), t.pane_focused_title),
            Span::styled(nb, t.text),
            Span::styled(
                if p.nb_ignored { " · nb (ignored)" } else { "" },
                t.table_ignored,
            ),
        ])));
        let prows = rows_in(v, TABLE_PARTICIPATION);
        out.push(Piece::Table(
            Box::new(matrix(
                "canPlay",
                [
                    if p.nb_ignored {
                        "nb (ignored)".to_string()
                    } else {
                        "nb".to_string()
                    },
                    "no nb".to_string(),
                ],
                p.nb_ignored.then_some(0),
                |r, c| PARTICIPATION_ROWS[participation_row(r, c)].outcome_text,
                &participation_cells(v),
                value_width,
                t,
            )),
            4,
        ));
        out.push(Piece::Line(marked_line(
            prows.contains(&0),
            format!("no limit: {}", PARTICIPATION_ROWS[0].outcome_text),
            t,
        )));
        for r in rows_in(v, TABLE_PARTICIPATION_RULES) {
            if let Some(rule) = PARTICIPATION_RULES.get(r) {
                out.push(Piece::Line(marked_line(
                    true,
                    format!("{} -> {}", rule.text, rule.outcome),
                    t,
                )));
            }
        }
        let w = &v.win;
        let label = w
            .label
            .as_deref()
            .map(|l| format!(" · label {}", crate::escape::line(l)))
            .unwrap_or_default();
        out.push(Piece::Line(Line::from(vec![
            Span::styled("Win: ", t.table_header),
            Span::styled(w.outcome.as_str(), t.pane_focused_title),
            Span::styled(label, t.text),
            Span::styled(
                if w.label_ignored { " (ignored)" } else { "" },
                t.table_ignored,
            ),
        ])));
        // A participant who cannot play cannot win either, whatever gift says.
        if v.participation.outcome == crate::rules::ParticipationOutcome::Blocked
            && w.outcome != crate::rules::WinOutcome::Standard
        {
            out.push(Piece::Line(Line::from(Span::styled(
                "  participation is blocked: the win outcome does not matter",
                t.table_ignored,
            ))));
        }
        let wrows = rows_in(v, TABLE_WIN);
        out.push(Piece::Table(
            Box::new(matrix(
                "gift.cw",
                [
                    if w.label_ignored {
                        "label (ignored)".to_string()
                    } else {
                        "label".to_string()
                    },
                    "no label".to_string(),
                ],
                w.label_ignored.then_some(0),
                |r, c| WIN_ROWS[win_row(r, c)].outcome_text,
                &win_cells(v),
                value_width,
                t,
            )),
            4,
        ));
        out.push(Piece::Line(marked_line(
            wrows.contains(&6),
            format!("no gift: {}", WIN_ROWS[6].outcome_text),
            t,
        )));
        for r in rows_in(v, TABLE_WIN_RULES) {
            if let Some(rule) = WIN_RULES.get(r) {
                out.push(Piece::Line(marked_line(
                    true,
                    format!("{} -> {}", rule.text, rule.outcome),
                    t,
                )));
            }
        }
    }
    out.push(Piece::Line(Line::styled(
        format!("Required claims ({}):", v.profile),
        t.table_header,
    )));
    // The checklist as the inspection found it (`rules::checklist::claim_checks`, worked
    // out with the inspection): it agrees with Findings, and nothing is ✔ in claims that
    // were never read.
    for check in &app.shown.checks {
        let style = match check.state {
            CheckState::Ok => t.check_ok,
            CheckState::Warning => t.finding_warning,
            CheckState::Error => t.check_bad,
            CheckState::NotChecked => t.layer_unchecked,
        };
        out.push(Piece::Line(Line::from(vec![
            Span::styled(format!("{} ", check.state.mark()), style),
            Span::styled(
                format!("{:<12} ", crate::escape::line(&check.claim)),
                t.json_key,
            ),
            Span::styled(
                crate::escape::line(&check.note).into_owned(),
                if check.state == CheckState::Ok {
                    t.dim
                } else {
                    style
                },
            ),
        ])));
    }
    out
}

/// Rows the pane's content takes.
pub fn height(app: &App) -> usize {
    pieces(app, 80)
        .iter()
        .map(|p| match p {
            Piece::Line(_) => 1,
            Piece::Table(_, h) => *h as usize,
        })
        .sum()
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer, areas: &Areas) {
    let t = &app.theme;
    let block = pane_block(
        slot_title(app, Pane::Verdict, Some(areas), t),
        app.focus == Pane::Verdict,
        t,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    let total = height(app) as u16;
    let mut content = Buffer::empty(Rect::new(0, 0, inner.width, total.max(1)));
    let mut y = 0;
    for piece in pieces(app, inner.width) {
        match piece {
            Piece::Line(l) => {
                Paragraph::new(fit_line(l, usize::from(inner.width)))
                    .render(Rect::new(0, y, inner.width, 1), &mut content);
                y += 1;
            }
            Piece::Table(table, h) => {
                Widget::render(*table, Rect::new(0, y, inner.width, h), &mut content);
                y += h;
            }
        }
    }
    blit_scrolled(&content, app.scroll_of(Pane::Verdict), inner, buf);
}
