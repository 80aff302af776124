//! Plain-text helpers shared by the file readers, the reports and the commands: where a byte
//! offset is (line and column), hex, and columns aligned in terminal cells.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

/// 1-based line and column (in characters) of a byte offset in `text`, as error messages
/// name a place in a file. An offset past the end is the end; one inside a character (no
/// parser reports such an offset) counts the whole text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Lowercase hex, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Terminal columns `s` takes: a wide character (CJK, most emoji) two, a combining mark none.
pub fn width(s: &str) -> usize {
    s.width()
}

/// Where a cell sits in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// `s` padded with spaces to `width` terminal columns: after it (`Left`) or before it
/// (`Right`). A wider `s` is kept whole.
pub fn pad(s: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(self::width(s)));
    match align {
        Align::Left => format!("{s}{fill}"),
        Align::Right => format!("{fill}{s}"),
    }
}

/// Columns of text aligned for a terminal: each as wide as its widest cell, measured in
/// terminal columns, and two spaces apart. Every column is left-aligned unless
/// [`Columns::align_right`] says otherwise.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    widths: Vec<usize>,
    right: Vec<usize>,
}

impl Columns {
    /// Widen the columns to fit one row's cells (the header's too).
    pub fn fit<S: AsRef<str>>(&mut self, cells: &[S]) {
        if self.widths.len() < cells.len() {
            self.widths.resize(cells.len(), 0);
        }
        for (w, cell) in self.widths.iter_mut().zip(cells) {
            *w = (*w).max(width(cell.as_ref()));
        }
    }

    /// Right-align column `i` (numbers).
    pub fn align_right(mut self, i: usize) -> Columns {
        self.right.push(i);
        self
    }

    /// One row: each cell padded to its column, two spaces apart. The last cell is not
    /// padded after its text, so a row ends where its text does (or with the separator, when
    /// the last cell is empty).
    pub fn line<S: AsRef<str>>(&self, cells: &[S]) -> String {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, (cell, &w)) in cells.iter().zip(&self.widths).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let cell = cell.as_ref();
            match (self.right.contains(&i), i == last) {
                (true, _) => out.push_str(&pad(cell, w, Align::Right)),
                (false, true) => out.push_str(cell),
                (false, false) => out.push_str(&pad(cell, w, Align::Left)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, 99), (3, 2));
        // Inside 'é': the whole text.
        assert_eq!(line_col(text, 6), (3, 2));
    }

    #[test]
    fn hex_is_two_lowercase_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn columns_are_measured_in_terminal_cells() {
        let mut columns = Columns::default().align_right(0);
        let rows = [["#", "name", "kid"], ["1", "鍵", "a"], ["12", "k", ""]];
        for row in &rows {
            columns.fit(row);
        }
        let lines: Vec<String> = rows.iter().map(|r| columns.line(r)).collect();
        assert_eq!(lines, [" #  name  kid", " 1  鍵    a", "12  k     "]);
        assert_eq!(pad("é", 3, Align::Right), "  é");
        assert_eq!(pad("wide", 2, Align::Left), "wide");
    }
}
