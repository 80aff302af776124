//! The log browser's model: one row per token of a log (`tokenscope --batch FILE`, or a paste
//! holding many tokens), what the list shows and where the line starts, so that a log of any
//! size costs a row per token and opening one reads its line again. Rows arrive in input order
//! while the batch engine fills the list in the background, with the counts the CLI summary
//! prints; a filter narrows the list, groups count it by a field.

use std::borrow::Cow;
use std::io::{BufRead, Read, Seek};
use std::path::PathBuf;
use std::sync::Arc;

use crate::batch::follow::{Event, FileId, Follow, Rotation, Stop};
use crate::batch::{Item, Stats, Summary};

mod filter;
mod group;

use crate::inspect::Options;
use crate::keys::KeyRing;
use crate::profile::Profile;
use crate::report::{Overall, ParticipationOutcome, WinOutcome};
pub use filter::{Field, Filter, FindingSet};
pub use group::{GROUP_BY, Group, Groups};

/// Longest text a row keeps of a claim (campaignId, sub) or a finding id.
const KEPT: usize = 64;

/// One token of the log, as the list shows it: small, as a log may hold millions (the
/// outcomes as their enums, a finding id as the rules' own string, text boxed to its length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The file generation the line is in (a followed log counts its rotations), its 1-based
    /// number there, and where it starts in that file.
    pub generation: u32,
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
    /// Every finding's id, whatever its severity (what a filter on a finding id reads).
    pub findings: FindingSet,
}

fn kept(s: &str) -> Box<str> {
    crate::escape::line(&s.chars().take(KEPT).collect::<String>()).into()
}

impl Row {
    pub fn of(item: &Item<'_>) -> Row {
        let base = Row {
            generation: item.generation,
            line: item.line,
            offset: item.offset,
            overall: None,
            profile: None,
            participation: None,
            win: None,
            campaign: Box::default(),
            sub: Box::default(),
            first: Cow::Borrowed(""),
            findings: FindingSet::default(),
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
                    findings: FindingSet::of(insp.findings.iter().map(|f| f.id.as_str())),
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

/// What the browser reads: a log file, or text pasted into the view (kept in memory, as
/// the paste was).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Text(Arc<[u8]>),
}

impl Source {
    /// What the header calls it (a path as written, escaped where drawn).
    pub fn label(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Text(text) => format!("pasted text ({} bytes)", text.len()),
        }
    }
}

/// What the engine sends for a part of the log: its rows, and its counts for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Part {
    pub rows: Vec<Row>,
    pub summary: Summary,
}

/// A log being followed as it grows (`tokenscope --batch FILE --follow`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Following {
    /// Stops the follower when the browser is left.
    pub stop: Stop,
    /// The file generation read now: rows of earlier ones are not in the file any more.
    pub generation: u32,
    /// How the log was last rotated, if it was.
    pub rotated: Option<Rotation>,
    /// Why the follower waits for the path (nothing there, or a file it cannot read), if it
    /// does.
    pub waiting: Option<Event>,
}

/// What the engine filling a browser tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum News {
    /// The log's file, as opened.
    Opened(FileId),
    /// Rows, in input order, with their counts.
    Rows(Part),
    /// What happened to a followed log (a rotation), in order with the rows.
    Followed(Event),
    /// The engine is done (or why it stopped).
    Done(Option<String>),
}

/// What fills the screen: the rows, their groups, or the summary the CLI prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    List,
    Groups(Groups),
    Summary { scroll: usize },
}

/// The browser: the rows read so far, the counts, the filter, the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Browser {
    /// Which browser this is (the engine's news names it: a log opened before sends none).
    pub id: u64,
    pub source: Source,
    /// The file the rows of the current generation are read from, once the engine opened it.
    pub file: Option<FileId>,
    pub rows: Rows,
    /// Counts of every row, as `inspect --batch` sums them up.
    pub summary: Summary,
    /// The campaign whose prizes the summary compares with its winning tokens, and how many.
    pub prizes: Option<(String, u64)>,
    /// Indices into `rows` that pass the filter.
    pub shown: Vec<u32>,
    /// The filter as typed, and as words.
    pub filter: String,
    matcher: Filter,
    pub view: View,
    /// `sub` drawn in full rather than masked.
    pub reveal: bool,
    /// Index into `shown`, and the first row drawn.
    pub sel: usize,
    pub scroll: usize,
    /// The row to select once it arrives (generation and line: the row selected before the
    /// log was read again).
    pub want_line: Option<(u32, usize)>,
    /// The engine is done (or failed: why).
    pub done: bool,
    pub error: Option<String>,
    /// A row is open in the token panes (Esc comes back to the list).
    pub opened: bool,
    /// The row being read is to be pinned (`P` on the list), not shown.
    pub pin_on_open: bool,
    pub follow: Option<Following>,
}

impl Browser {
    pub fn new(id: u64, source: Source, follow: Option<Stop>) -> Browser {
        Browser {
            id,
            source,
            file: None,
            rows: Rows::default(),
            summary: Summary::default(),
            prizes: None,
            shown: Vec::new(),
            filter: String::new(),
            matcher: Filter::default(),
            view: View::List,
            reveal: false,
            sel: 0,
            scroll: 0,
            want_line: None,
            done: false,
            error: None,
            opened: false,
            pin_on_open: false,
            follow: follow.map(|stop| Following {
                stop,
                generation: 0,
                rotated: None,
                waiting: None,
            }),
        }
    }

    /// The generation rows are read from now.
    pub fn generation(&self) -> u32 {
        self.follow.as_ref().map_or(0, |f| f.generation)
    }

    /// The same log read again (the keys changed) as browser `id`, followed again with
    /// `follow` if it was: the filter, the view and the selected line are kept.
    pub fn again(&self, id: u64, follow: Option<Stop>) -> Browser {
        let follow = follow.filter(|_| self.follow.is_some());
        let mut b = Browser::new(id, self.source.clone(), follow);
        b.prizes = self.prizes.clone();
        if let Some((id, _)) = &b.prizes {
            b.summary.track(id);
        }
        b.filter = self.filter.clone();
        b.matcher = self.matcher.clone();
        b.reveal = self.reveal;
        b.view = match &self.view {
            View::Groups(g) => View::Groups(Groups::new(g.by)),
            other => other.clone(),
        };
        b.want_line = self
            .selected()
            .map(|r| (r.generation, r.line))
            .or(self.want_line);
        b.opened = self.opened;
        b
    }

    /// Rows read by the engine, in input order, with their counts.
    pub fn extend(&mut self, part: Part) {
        self.summary.merge(part.summary);
        for row in part.rows {
            if self.matcher.matches(&row) {
                if self
                    .want_line
                    .is_some_and(|at| (row.generation, row.line) >= at)
                {
                    self.want_line = None;
                    self.sel = self.shown.len();
                }
                self.shown.push(self.rows.len() as u32);
                if let View::Groups(g) = &mut self.view {
                    g.add(&row);
                }
            }
            self.rows.push(row);
        }
        if let View::Groups(g) = &mut self.view {
            g.sort();
        }
    }

    /// Show only the rows that match `filter` (see [`Filter`]; empty: all), keeping the
    /// selected row when it still shows (else the next one).
    pub fn set_filter(&mut self, filter: &str) {
        // Rows are in input order: by generation, then line.
        let keep = self.selected().map(|r| (r.generation, r.line));
        self.filter = filter.trim().to_string();
        self.matcher = Filter::parse(&self.filter);
        self.shown = (0..self.rows.len() as u32)
            .filter(|&i| self.row(i).is_some_and(|r| self.matcher.matches(r)))
            .collect();
        self.sel = keep
            .and_then(|at| {
                self.shown
                    .iter()
                    .position(|&i| self.row(i).is_some_and(|r| (r.generation, r.line) >= at))
            })
            .unwrap_or(0);
        self.scroll = self.scroll.min(self.sel);
        if let View::Groups(g) = &self.view {
            self.group_by(Some(g.by));
        }
    }

    /// Add a word to the filter (a group chosen in the groups view).
    pub fn narrow(&mut self, word: &str) {
        let filter = match self.filter.is_empty() {
            true => word.to_string(),
            false => format!("{} {word}", self.filter),
        };
        self.set_filter(&filter);
    }

    /// Group the rows shown by `by` (None: the list again).
    pub fn group_by(&mut self, by: Option<Field>) {
        self.view = match by {
            None => View::List,
            Some(by) => {
                let mut groups = Groups::new(by);
                if let View::Groups(old) = &self.view
                    && old.by == by
                {
                    groups.sel = old.sel;
                    groups.scroll = old.scroll;
                }
                for &i in &self.shown {
                    if let Some(row) = self.rows.get(i as usize) {
                        groups.add(row);
                    }
                }
                groups.sort();
                groups.sel = groups.sel.min(groups.groups.len().saturating_sub(1));
                View::Groups(groups)
            }
        };
    }

    /// The next grouping Tab gives: verdict, finding, campaign, participation, win, none.
    pub fn next_grouping(&self) -> Option<Field> {
        match &self.view {
            View::Groups(g) => GROUP_BY
                .iter()
                .position(|f| *f == g.by)
                .and_then(|i| GROUP_BY.get(i + 1).copied()),
            _ => Some(GROUP_BY[0]),
        }
    }

    /// A row by its index in `rows` (as `shown` holds them).
    pub fn row(&self, i: u32) -> Option<&Row> {
        self.rows.get(i as usize)
    }

    pub fn selected(&self) -> Option<&Row> {
        self.shown.get(self.sel).and_then(|&i| self.row(i))
    }

    /// Move the selection by `delta` rows (groups, summary lines), in a window of `height`.
    pub fn move_by(&mut self, delta: i64, height: usize) {
        // The summary's lines, counted only when it is on screen.
        let lines = matches!(self.view, View::Summary { .. })
            .then(|| self.summary_text().lines().count())
            .unwrap_or(0);
        match &mut self.view {
            View::Groups(g) => return g.move_by(delta, height),
            View::Summary { scroll } => {
                let max = lines.saturating_sub(height) as i64;
                *scroll = (*scroll as i64).saturating_add(delta).clamp(0, max) as usize;
                return;
            }
            View::List => {}
        }
        move_in(
            &mut self.sel,
            &mut self.scroll,
            delta,
            self.shown.len(),
            height,
        );
    }

    /// The summary as `inspect --batch` prints it for people.
    pub fn summary_text(&self) -> String {
        self.summary
            .render(self.prizes.as_ref().map(|(id, n)| (id.as_str(), *n)))
    }

    /// Finding ids by the tokens they were found in, most first (the summary's table).
    pub fn top_findings(&self, n: usize) -> Vec<(&str, usize)> {
        let mut top: Vec<(&str, usize)> = self
            .summary
            .findings
            .iter()
            .map(|(id, f)| (id.as_str(), f.count))
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        top.truncate(n);
        top
    }
}

/// Move a selection among `len` items by `delta`, keeping it in a window of `height` items
/// that starts at `scroll` (the list's rows, the groups).
fn move_in(sel: &mut usize, scroll: &mut usize, delta: i64, len: usize, height: usize) {
    let max = len.saturating_sub(1) as i64;
    *sel = (*sel as i64).saturating_add(delta).clamp(0, max) as usize;
    let height = height.max(1);
    if *sel < *scroll {
        *scroll = *sel;
    } else if *sel >= *scroll + height {
        *scroll = *sel + 1 - height;
    }
}

/// Tokens from which a file opened with `o` (or a paste) is a log to browse rather than a
/// ticket to pick from.
pub const LOG_FROM: usize = 10;

/// Whether a text is a log: tokens on at least [`LOG_FROM`] lines.
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

/// Inspect every token of `source` with the batch engine, telling `news` of the file opened
/// and of the rows and their counts in input order as each part is done; with `follow`, as
/// the log grows, until that stop signal (and what happens to the file). Blocking: on a
/// worker thread (or under test).
pub fn fill(
    source: &Source,
    ring: &KeyRing,
    opts: &Options,
    threads: usize,
    follow: Option<Stop>,
    news: impl Fn(News),
) -> Result<(), String> {
    let process = |part: &mut Part, item: Item| {
        part.summary.add(&Stats::of(&item));
        part.rows.push(Row::of(&item));
    };
    let sink = |part: Part| {
        news(News::Rows(part));
        Ok(())
    };
    let path = match source {
        Source::File(path) => path,
        // A paste does not grow: read once.
        Source::Text(text) => {
            return crate::batch::run(&text[..], ring, opts, threads, process, sink)
                .map_err(|e| format!("cannot read the pasted text: {e}"));
        }
    };
    let what = |e: std::io::Error| format!("cannot read '{}': {e}", path.display());
    match follow {
        Some(stop) => {
            let follower = Follow::file(path, crate::batch::follow::POLL, stop).map_err(what)?;
            if let Some(file) = follower.file_id() {
                news(News::Opened(file));
            }
            follower.run(ring, opts, threads, process, sink, |event| {
                news(News::Followed(event))
            })
        }
        None => {
            let file = std::fs::File::open(path).map_err(what)?;
            if let Ok(meta) = file.metadata() {
                news(News::Opened(FileId::of(&meta)));
            }
            let input = std::io::BufReader::with_capacity(1 << 16, file);
            crate::batch::run(input, ring, opts, threads, process, sink)
        }
    }
    .map_err(what)
}

/// The line of the source that starts at `offset` (without its newline), bounded as a token
/// file is. With `file`, only from that file: a log rotated since its rows were read is
/// another file now, and its line there is not the row's.
pub fn read_line_at(source: &Source, offset: u64, file: Option<FileId>) -> Result<String, String> {
    let mut line = Vec::new();
    match source {
        Source::File(path) => {
            let what = |e: std::io::Error| format!("cannot read '{}': {e}", path.display());
            let mut opened = std::fs::File::open(path).map_err(what)?;
            if let Some(expected) = file
                && FileId::of(&opened.metadata().map_err(what)?) != expected
            {
                return Err(format!(
                    "'{}' is another file now (the log was rotated since it was read): the line is not in it",
                    path.display()
                ));
            }
            opened
                .seek(std::io::SeekFrom::Start(offset))
                .map_err(what)?;
            std::io::BufReader::new(opened.take(crate::batch::MAX_LINE + 2))
                .read_until(b'\n', &mut line)
                .map_err(what)?;
        }
        Source::Text(text) => {
            let rest = usize::try_from(offset)
                .ok()
                .and_then(|at| text.get(at..))
                .ok_or_else(|| format!("the pasted text has no byte {offset}"))?;
            let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
            line.extend_from_slice(&rest[..end]);
        }
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    String::from_utf8(line).map_err(|_| format!("the line at byte {offset} is not UTF-8 text"))
}

#[cfg(test)]
mod tests;
