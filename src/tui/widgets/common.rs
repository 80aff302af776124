//! What the widgets share: the areas of the layout, a pane's frame and tab titles, centring,
//! cutting text to a width, drawing a buffer scrolled, and how instants are written.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};

use crate::cli::TimeDisplay;
use crate::tui::state::{App, Pane};
use crate::tui::theme::Theme;

/// Where each pane is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    pub too_small: bool,
    pub token: Rect,
    pub header: Rect,
    pub payload: Rect,
    /// Findings, when it has a slot of its own (tall terminals).
    pub findings: Option<Rect>,
    /// The lower right slot and the pane it shows.
    pub slot: Rect,
    pub slot_pane: Option<Pane>,
    pub status: Rect,
    pub hints: Rect,
}

impl Areas {
    pub fn rect(&self, p: Pane) -> Option<Rect> {
        if self.too_small {
            return None;
        }
        match p {
            Pane::Token => Some(self.token),
            Pane::Header => Some(self.header),
            Pane::Payload => Some(self.payload),
            Pane::Findings if self.findings.is_some() => self.findings,
            other if self.slot_pane == Some(other) => Some(self.slot),
            _ => None,
        }
    }
}

/// A pane's frame: focused panes get the focused border and title.
pub fn pane_block<'a>(title: Line<'a>, focused: bool, theme: &Theme) -> Block<'a> {
    let (border, title_style) = if focused {
        (theme.pane_focused_border, theme.pane_focused_title)
    } else {
        (theme.pane_border, theme.pane_title)
    };
    let title = if focused {
        let mut spans = vec![Span::styled("▶ ", title_style)];
        spans.extend(title.spans);
        Line::from(spans)
    } else {
        title
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(border)
        .title(title.style(title_style))
}

/// Draw `content` (laid out for `width` x `height` rows) scrolled by `scroll` rows into `area`.
pub fn blit_scrolled(content: &Buffer, scroll: usize, area: Rect, buf: &mut Buffer) {
    for y in 0..area.height {
        let src_y = scroll as u16 + y;
        if src_y >= content.area.height {
            break;
        }
        for x in 0..area.width.min(content.area.width) {
            if let (Some(src), Some(dst)) = (
                content.cell((x, src_y)),
                buf.cell_mut((area.x + x, area.y + y)),
            ) {
                *dst = src.clone();
            }
        }
    }
}

/// The longest start of `s` that fits in `cols` terminal columns (wide characters take two,
/// combining ones none), for text cut before ratatui lays it out.
pub fn cut_to_width(s: &str, cols: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    s.chars()
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= cols
        })
        .collect()
}

/// `s` in at most `cols` terminal columns: whole when it fits, else cut with "…" as its last
/// column, so that a cut text never looks whole nor runs into what follows it.
pub fn cut_with_ellipsis(s: &str, cols: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    if s.width() <= cols {
        return s.to_string();
    }
    if cols == 0 {
        return String::new();
    }
    let mut out = cut_to_width(s, cols - 1);
    out.push('…');
    out
}

/// A line in at most `cols` columns: whole when it fits, else cut with "…" (in the style of
/// the span it cuts) as its last column.
pub fn fit_line(line: Line<'_>, cols: usize) -> Line<'_> {
    use unicode_width::UnicodeWidthStr;
    if line.width() <= cols {
        return line;
    }
    let Line {
        spans,
        style,
        alignment,
    } = line;
    let mut left = cols;
    let mut out = Vec::new();
    for span in spans {
        let w = span.content.width();
        // The span that does not fit leaves its last column to the ellipsis (the one that
        // fits exactly does too, when something follows it).
        if w < left {
            left -= w;
            out.push(span);
            continue;
        }
        let text = cut_with_ellipsis(&span.content, left);
        let text = if text.ends_with('…') {
            text
        } else {
            format!("{}…", cut_to_width(&text, left.saturating_sub(1)))
        };
        out.push(Span::styled(text, span.style));
        break;
    }
    Line {
        spans: out,
        style,
        alignment,
    }
}

/// A rectangle of `w` x `h` centred in `area` (clamped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Tab titles for the lower right slot when panes share it: the shown one marked.
pub fn slot_title<'a>(app: &App, shown: Pane, areas: Option<&Areas>, theme: &Theme) -> Line<'a> {
    let stacked = areas.is_some_and(|a| a.findings.is_some());
    let panes: &[Pane] = if stacked {
        &[Pane::Verdict, Pane::Keys]
    } else {
        &[Pane::Findings, Pane::Verdict, Pane::Keys]
    };
    let mut spans = Vec::new();
    for (i, p) in panes.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme.dim));
        }
        let label = match p {
            Pane::Findings => format!(
                "Findings ({})",
                app.inspection().map_or(0, |i| i.findings.len())
            ),
            Pane::Keys => format!("Keys ({})", app.key_rows.len()),
            other => other.title().to_string(),
        };
        if *p == shown {
            spans.push(Span::styled(format!("[{label}]"), Style::default()));
        } else {
            spans.push(Span::styled(label, theme.dim));
        }
    }
    Line::from(spans)
}

/// An instant as the `time_display` setting asks: UTC (RFC 3339), local time, or both.
pub fn format_instant(secs: i64, display: TimeDisplay) -> String {
    let local = || {
        chrono::DateTime::from_timestamp(secs, 0)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S%:z")
                    .to_string()
            })
            .unwrap_or_else(|| crate::time::rfc3339(secs))
    };
    match display {
        TimeDisplay::Utc => crate::time::rfc3339(secs),
        TimeDisplay::Local => local(),
        TimeDisplay::Both => format!("{} / {}", crate::time::rfc3339(secs), local()),
    }
}

/// The status bar's shorter form: with `both`, the local time of day only (the date is the
/// UTC one's, give or take the offset shown).
pub fn format_instant_short(secs: i64, display: TimeDisplay) -> String {
    match display {
        TimeDisplay::Both => {
            let local = chrono::DateTime::from_timestamp(secs, 0)
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%H:%M%:z")
                        .to_string()
                })
                .unwrap_or_default();
            format!("{} / {local}", crate::time::rfc3339(secs))
        }
        other => format_instant(secs, other),
    }
}

/// The start of a menu's row `i`: the ▶ marker when it is selected and its number (the key
/// that picks it), with the style its label takes (`unselected` when it is not selected).
pub fn menu_row(
    t: &Theme,
    i: usize,
    selected: bool,
    unselected: Style,
) -> (Style, Vec<Span<'static>>) {
    let style = if selected {
        t.table_applies
    } else {
        unselected
    };
    let head = vec![
        Span::styled(if selected { "▶ " } else { "  " }, style),
        Span::styled(format!("{} ", i + 1), t.hint_key),
    ];
    (style, head)
}

/// A menu's keys: `↑↓/1-N choose · Enter ENTER · Esc ESC`.
pub fn menu_keys(t: &Theme, n: usize, enter: &str, esc: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled("↑↓", t.hint_key),
        Span::styled("/", t.dim),
        Span::styled(format!("1-{n}"), t.hint_key),
        Span::styled(" choose · ", t.dim),
        Span::styled("Enter", t.hint_key),
        Span::styled(format!(" {enter} · "), t.dim),
        Span::styled("Esc", t.hint_key),
        Span::styled(format!(" {esc}"), t.dim),
    ])
}
