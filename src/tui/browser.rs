//! The log browser's model: one row per token of a log (`tokenscope --batch FILE`), what the
//! list shows and where the line starts, so that a log of any size costs a row per token and
//! opening one reads its line again. Rows arrive in input order while the batch engine fills
//! the list in the background; a text filter narrows it.

use std::io::{BufRead, Read, Seek};
use std::path::{Path, PathBuf};

use std::borrow::Cow;

use crate::batch::Item;
use crate::inspect::Options;
use crate::keys::KeyRing;
use crate::profile::Profile;
use crate::report::{Overall, ParticipationOutcome, WinOutcome};

/// Longest text a row keeps of a claim (campaignId, sub) or a finding id.
const KEPT: usize = 64;

/// One token of the log, as the list shows it: small, as a log may hold millions (the
/// outcomes as their enums, a finding id as the rules' own string, text boxed to its length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line number, and where the line starts in the file.
    pub line: usize,
    pub offset: u64,
    /// The overall state; None when the token is malformed (so are the profile and the
    /// outcomes).
    pub overall: Option<Overall>,
    pub profile: Option<Profile>,
    pub participation: Option<ParticipationOutcome>,
    pub win: Option<WinOutcome>,
    pub campaign: Box<str>,
    /// `sub`, drawn masked unless revealed.
    pub sub: Box<str>,
    /// The first error finding's id (empty when there is none), or why the line's token
    /// could not be read.
    pub first: Cow<'static, str>,
}

fn kept(s: &str) -> Box<str> {
    crate::escape::line(&s.chars().take(KEPT).collect::<String>()).into()
}

impl Row {
    pub fn of(item: &Item<'_>) -> Row {
        let base = Row {
            line: item.line,
            offset: item.offset,
            overall: None,
            profile: None,
            participation: None,
            win: None,
            campaign: Box::default(),
            sub: Box::default(),
            first: Cow::Borrowed(""),
        };
        match item.result {
            Ok(insp) => {
                let first = insp
                    .findings
                    .iter()
                    .find(|f| f.severity == crate::report::Severity::Error)
                    .map(|f| match crate::rules::ids::spec(&f.id) {
                        Some(spec) => Cow::Borrowed(spec.id),
                        None => Cow::Owned(kept(&f.id).into()),
                    })
                    .unwrap_or(Cow::Borrowed(""));
                let sub = insp
                    .payload
                    .and_then(|p| p.get("sub"))
                    .and_then(|v| v.as_str())
                    .map(kept)
                    .unwrap_or_default();
                Row {
                    overall: Some(insp.overall),
                    profile: Some(insp.verdict.profile),
                    campaign: insp.campaign_id.as_deref().map(kept).unwrap_or_default(),
                    sub,
                    participation: Some(insp.verdict.participation.outcome),
                    win: Some(insp.verdict.win.outcome),
                    first,
                    ..base
                }
            }
            Err(e) => Row {
                first: Cow::Owned(kept(&e.error.to_string()).into()),
                ..base
            },
        }
    }

    /// The verdict as the list writes it.
    pub fn verdict(&self) -> &'static str {
        self.overall.map_or("MALFORMED", Overall::label)
    }

    pub fn profile(&self) -> &'static str {
        self.profile.map_or("", Profile::as_str)
    }

    pub fn participation(&self) -> &'static str {
        self.participation.map_or("", ParticipationOutcome::as_str)
    }

    pub fn win(&self) -> &'static str {
        self.win.map_or("", WinOutcome::as_str)
    }

    /// Whether the row matches a filter (already lower case): any of its words holds it.
    pub fn matches(&self, filter: &str) -> bool {
        filter.is_empty()
            || [
                self.verdict(),
                self.profile(),
                &self.campaign,
                &self.sub,
                self.participation(),
                self.win(),
                &self.first,
            ]
            .iter()
            .any(|field| field.to_lowercase().contains(filter))
    }
}

/// Rows in chunks of a fixed size: a million rows grow by adding chunks, never by copying
/// them all to a buffer twice as big (which would double the peak memory).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    chunks: Vec<Vec<Row>>,
    len: usize,
}

impl Rows {
    const CHUNK: usize = 1 << 16;

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&Row> {
        self.chunks.get(i / Self::CHUNK)?.get(i % Self::CHUNK)
    }

    pub fn push(&mut self, row: Row) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < Self::CHUNK => last.push(row),
            _ => {
                let mut chunk = Vec::with_capacity(Self::CHUNK);
                chunk.push(row);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    pub fn iter(&self) -> impl Iterator<Item = &Row> {
        self.chunks.iter().flatten()
    }
}

/// The browser: the rows read so far, the filter, the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Browser {
    pub path: PathBuf,
    pub rows: Rows,
    /// Indices into `rows` that pass the filter.
    pub shown: Vec<u32>,
    pub filter: String,
    /// Index into `shown`, and the first row drawn.
    pub sel: usize,
    pub scroll: usize,
    /// The engine is done (or failed: why).
    pub done: bool,
    pub error: Option<String>,
    /// A row is open in the token panes (Esc comes back to the list).
    pub opened: bool,
}

impl Browser {
    pub fn new(path: PathBuf) -> Browser {
        Browser {
            path,
            rows: Rows::default(),
            shown: Vec::new(),
            filter: String::new(),
            sel: 0,
            scroll: 0,
            done: false,
            error: None,
            opened: false,
        }
    }

    /// Rows read by the engine, in input order.
    pub fn extend(&mut self, rows: Vec<Row>) {
        let filter = self.filter.to_lowercase();
        for row in rows {
            if row.matches(&filter) {
                self.shown.push(self.rows.len() as u32);
            }
            self.rows.push(row);
        }
    }

    /// Show only the rows that match `filter` (case-insensitive; empty: all), keeping the
    /// selected row when it still shows.
    pub fn set_filter(&mut self, filter: &str) {
        let keep = self.selected().map(|r| r.line);
        self.filter = filter.trim().to_string();
        let lower = self.filter.to_lowercase();
        self.shown = (0..self.rows.len() as u32)
            .filter(|&i| self.row(i).is_some_and(|r| r.matches(&lower)))
            .collect();
        self.sel = keep
            .and_then(|line| {
                self.shown
                    .iter()
                    .position(|&i| self.row(i).is_some_and(|r| r.line >= line))
            })
            .unwrap_or(0);
        self.scroll = self.scroll.min(self.sel);
    }

    /// A row by its index in `rows` (as `shown` holds them).
    pub fn row(&self, i: u32) -> Option<&Row> {
        self.rows.get(i as usize)
    }

    pub fn selected(&self) -> Option<&Row> {
        self.shown.get(self.sel).and_then(|&i| self.row(i))
    }

    /// Move the selection by `delta` rows, keeping it in a window of `height` rows.
    pub fn move_by(&mut self, delta: i64, height: usize) {
        let max = self.shown.len().saturating_sub(1) as i64;
        self.sel = (self.sel as i64).saturating_add(delta).clamp(0, max.max(0)) as usize;
        let height = height.max(1);
        if self.sel < self.scroll {
            self.scroll = self.sel;
        } else if self.sel >= self.scroll + height {
            self.scroll = self.sel + 1 - height;
        }
    }

    /// Tokens by overall state: accepted, rejected, not verified, malformed.
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for r in self.rows.iter() {
            c[match r.overall {
                Some(Overall::Accepted) => 0,
                Some(Overall::Rejected) => 1,
                Some(Overall::NotVerified) => 2,
                None => 3,
            }] += 1;
        }
        c
    }
}

/// Tokens from which a file opened with `o` is a log to browse rather than a ticket to pick
/// from.
pub const LOG_FROM: usize = 10;

/// Whether a file's text is a log: tokens on at least [`LOG_FROM`] lines.
pub fn is_log(text: &str) -> bool {
    text.lines()
        .filter(|line| {
            crate::token::intake::bare_token(line).is_some()
                || !crate::token::intake::tokens_in_line(line).is_empty()
        })
        .take(LOG_FROM)
        .count()
        >= LOG_FROM
}

/// Inspect every token of the log at `path` with the batch engine, handing rows to `sink`
/// in input order as each part is done. Blocking: on a worker thread (or under test).
pub fn fill(
    path: &Path,
    ring: &KeyRing,
    opts: &Options,
    threads: usize,
    mut sink: impl FnMut(Vec<Row>),
) -> Result<(), String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    crate::batch::run(
        std::io::BufReader::with_capacity(1 << 16, file),
        ring,
        opts,
        threads,
        |rows: &mut Vec<Row>, item| rows.push(Row::of(&item)),
        |rows| {
            sink(rows);
            Ok(())
        },
    )
    .map_err(|e| format!("cannot read '{}': {e}", path.display()))
}

/// The line of the log that starts at `offset` (without its newline), bounded as a token
/// file is.
pub fn read_line_at(path: &Path, offset: u64) -> Result<String, String> {
    let what = |e: std::io::Error| format!("cannot read '{}': {e}", path.display());
    let mut file = std::fs::File::open(path).map_err(what)?;
    file.seek(std::io::SeekFrom::Start(offset)).map_err(what)?;
    let mut line = Vec::new();
    std::io::BufReader::new(file.take(crate::batch::MAX_LINE + 2))
        .read_until(b'\n', &mut line)
        .map_err(what)?;
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    String::from_utf8(line).map_err(|_| format!("the line at byte {offset} is not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, overall: Option<Overall>, first: &str) -> Row {
        Row {
            line,
            offset: line as u64 * 10,
            overall,
            profile: overall.map(|_| Profile::Qualifio),
            participation: overall.map(|_| ParticipationOutcome::Allowed),
            win: overall.map(|_| WinOutcome::Standard),
            campaign: "summer".into(),
            sub: "jane".into(),
            first: Cow::Owned(first.to_string()),
        }
    }

    #[test]
    fn a_filter_narrows_the_rows_and_keeps_the_selection() {
        let mut b = Browser::new("log".into());
        b.extend(vec![
            row(1, Some(Overall::Accepted), ""),
            row(2, Some(Overall::Rejected), "qualifio.exp.expired"),
            row(3, None, "malformed: no token"),
            row(4, Some(Overall::Rejected), "qualifio.exp.expired"),
        ]);
        assert_eq!(b.counts(), [1, 2, 0, 1]);
        b.move_by(3, 10);
        assert_eq!(b.selected().map(|r| r.line), Some(4));
        b.set_filter("EXP.EXPIRED");
        assert_eq!(b.shown.len(), 2);
        assert_eq!(b.selected().map(|r| r.line), Some(4));
        b.set_filter("malformed");
        assert_eq!(b.selected().map(|r| r.line), Some(3));
        // Rows arriving later are filtered as they come.
        b.extend(vec![row(5, None, "x"), row(6, Some(Overall::Accepted), "")]);
        assert_eq!(b.shown.len(), 2);
        b.set_filter("");
        assert_eq!(b.shown.len(), 6);
    }

    #[test]
    fn rows_grow_by_chunks_and_keep_their_order() {
        let mut rows = Rows::default();
        let n = Rows::CHUNK * 2 + 3;
        for line in 1..=n {
            rows.push(row(line, None, ""));
        }
        assert_eq!(rows.len(), n);
        assert_eq!(rows.chunks.len(), 3);
        for i in [0, Rows::CHUNK - 1, Rows::CHUNK, n - 1] {
            assert_eq!(rows.get(i).map(|r| r.line), Some(i + 1));
        }
        assert!(rows.get(n).is_none());
        assert!(rows.iter().map(|r| r.line).eq(1..=n));
    }

    #[test]
    fn a_line_is_read_again_from_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        std::fs::write(&path, "one\r\ntwo\nthree").unwrap();
        assert_eq!(read_line_at(&path, 0).unwrap(), "one");
        assert_eq!(read_line_at(&path, 5).unwrap(), "two");
        assert_eq!(read_line_at(&path, 9).unwrap(), "three");
    }
}
