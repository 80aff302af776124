//! A small multi-line text editor on ratatui primitives, for the header and payload JSON in
//! edit mode. (tui-textarea 0.7 is built on ratatui 0.29; tokenscope uses ratatui 0.30.)
//!
//! Lines of text and a cursor (row, column in characters); operations are values
//! (`EditorOp`) so the keymap maps keys to them and tests drive them without a terminal.

/// One editing operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorOp {
    Insert(char),
    Newline,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    /// Take the text (Ctrl-S).
    Apply,
    /// Back to the token's current JSON (Ctrl-R).
    Reset,
    /// Close, keeping the text as a draft (Esc).
    Close,
}

/// The editor's text and cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEditor {
    pub lines: Vec<String>,
    pub row: usize,
    /// Cursor column in characters.
    pub col: usize,
    /// First visible row.
    pub top: usize,
    /// Why the last Apply was refused: (line, column) 1-based when known, and the message.
    pub error: Option<(usize, usize, String)>,
}

/// How many rows PageUp/PageDown move.
const PAGE: usize = 10;

fn byte_at(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map_or(s.len(), |(i, _)| i)
}

impl TextEditor {
    pub fn new(text: &str) -> TextEditor {
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        TextEditor {
            lines,
            row: 0,
            col: 0,
            top: 0,
            error: None,
        }
    }

    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    fn line_len(&self, row: usize) -> usize {
        self.lines.get(row).map_or(0, |l| l.chars().count())
    }

    /// Put the cursor at a 1-based (line, column), clamped to the text.
    pub fn goto(&mut self, line: usize, column: usize) {
        self.row = line
            .saturating_sub(1)
            .min(self.lines.len().saturating_sub(1));
        self.col = column.saturating_sub(1).min(self.line_len(self.row));
    }

    /// Apply an edit; Apply/Reset/Close are the caller's and do nothing here.
    pub fn apply(&mut self, op: EditorOp) {
        let row = self.row.min(self.lines.len().saturating_sub(1));
        self.row = row;
        self.col = self.col.min(self.line_len(row));
        match op {
            EditorOp::Insert(c) => {
                let at = byte_at(&self.lines[row], self.col);
                self.lines[row].insert(at, c);
                self.col += 1;
            }
            EditorOp::Newline => {
                let at = byte_at(&self.lines[row], self.col);
                let rest = self.lines[row].split_off(at);
                // Keep the indentation of the line being split.
                let indent: String = self.lines[row].chars().take_while(|c| *c == ' ').collect();
                self.col = indent.chars().count();
                self.lines.insert(row + 1, format!("{indent}{rest}"));
                self.row += 1;
            }
            EditorOp::Backspace => {
                if self.col > 0 {
                    let at = byte_at(&self.lines[row], self.col - 1);
                    self.lines[row].remove(at);
                    self.col -= 1;
                } else if row > 0 {
                    let line = self.lines.remove(row);
                    self.row -= 1;
                    self.col = self.line_len(self.row);
                    self.lines[self.row].push_str(&line);
                }
            }
            EditorOp::Delete => {
                if self.col < self.line_len(row) {
                    let at = byte_at(&self.lines[row], self.col);
                    self.lines[row].remove(at);
                } else if row + 1 < self.lines.len() {
                    let next = self.lines.remove(row + 1);
                    self.lines[row].push_str(&next);
                }
            }
            EditorOp::Left => {
                if self.col > 0 {
                    self.col -= 1;
                } else if row > 0 {
                    self.row -= 1;
                    self.col = self.line_len(self.row);
                }
            }
            EditorOp::Right => {
                if self.col < self.line_len(row) {
                    self.col += 1;
                } else if row + 1 < self.lines.len() {
                    self.row += 1;
                    self.col = 0;
                }
            }
            EditorOp::Up => self.row = row.saturating_sub(1),
            EditorOp::Down => self.row = (row + 1).min(self.lines.len() - 1),
            EditorOp::PageUp => self.row = row.saturating_sub(PAGE),
            EditorOp::PageDown => self.row = (row + PAGE).min(self.lines.len() - 1),
            EditorOp::Home => self.col = 0,
            EditorOp::End => self.col = self.line_len(row),
            EditorOp::Apply | EditorOp::Reset | EditorOp::Close => {}
        }
        self.col = self.col.min(self.line_len(self.row));
    }

    /// Keep the cursor row inside a window of `height` rows.
    pub fn scroll_to_cursor(&mut self, height: usize) {
        let h = height.max(1);
        if self.row < self.top {
            self.top = self.row;
        } else if self.row >= self.top + h {
            self.top = self.row + 1 - h;
        }
    }
}

/// Rows of text the JSON editor popup shows in a terminal of `height` rows.
pub fn editor_rows(height: u16) -> usize {
    height.saturating_sub(4 + 2 + 3) as usize
}

#[cfg(test)]
mod tests {
    use super::EditorOp::*;
    use super::*;

    fn run(ed: &mut TextEditor, ops: &[EditorOp]) {
        for op in ops {
            ed.apply(*op);
        }
    }

    #[test]
    fn typing_and_deleting_round_trips() {
        let mut ed = TextEditor::new("{\n  \"a\": 1\n}");
        run(&mut ed, &[Down, End, Insert(','), Newline]);
        for c in "\"b\": 2".chars() {
            ed.apply(Insert(c));
        }
        assert_eq!(ed.text(), "{\n  \"a\": 1,\n  \"b\": 2\n}");
        for _ in 0..10 {
            ed.apply(Backspace);
        }
        assert_eq!(ed.text(), "{\n  \"a\": 1\n}");
        run(&mut ed, &[Home, Delete, Delete]);
        assert_eq!(ed.text(), "{\n\"a\": 1\n}");
        run(&mut ed, &[Up, End, Delete]);
        assert_eq!(ed.text(), "{\"a\": 1\n}");
    }

    #[test]
    fn the_cursor_stays_inside_the_text() {
        let mut ed = TextEditor::new("ab\nc");
        run(&mut ed, &[End, Down]);
        assert_eq!((ed.row, ed.col), (1, 1));
        run(&mut ed, &[Right, Right, Down, PageDown]);
        assert_eq!((ed.row, ed.col), (1, 1));
        run(&mut ed, &[Left, Left]);
        assert_eq!((ed.row, ed.col), (0, 2));
        run(&mut ed, &[PageUp, Home, Left, Backspace]);
        assert_eq!((ed.row, ed.col), (0, 0));
        assert_eq!(ed.text(), "ab\nc");
        ed.goto(9, 9);
        assert_eq!((ed.row, ed.col), (1, 1));
    }

    #[test]
    fn multibyte_characters_are_one_column() {
        let mut ed = TextEditor::new("é€");
        run(&mut ed, &[End, Backspace, Insert('x'), Left, Left, Delete]);
        assert_eq!(ed.text(), "x");
    }

    #[test]
    fn scrolling_follows_the_cursor() {
        let mut ed = TextEditor::new(&"x\n".repeat(30));
        ed.apply(PageDown);
        ed.apply(PageDown);
        ed.scroll_to_cursor(5);
        assert_eq!(ed.top, 16);
        ed.apply(PageUp);
        ed.scroll_to_cursor(5);
        assert_eq!(ed.top, 10);
    }
}
