//! Batch mode: every token in a log or export, inspected in parallel, reported in input order
//! as JSON Lines or summarised for people. Memory stays flat: the input is read in chunks, and
//! a line longer than [`MAX_LINE`] is counted as malformed and read past in pieces, never
//! kept.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::{Arc, Mutex, mpsc};

use serde::Serialize;

use crate::inspect::{Evaluation, Options, Unreadable, evaluate_token};
use crate::keys::KeyRing;
use crate::report::{Finding, Overall};
use crate::token::TokenError;
use crate::token::intake::{bare_token, tokens_in_line};

/// Longest line searched for tokens, newline excluded: a token input at most (a longer line
/// cannot hold a token tokenscope would read).
pub const MAX_LINE: u64 = crate::limits::MAX_INPUT;

/// Line numbers of the over-long lines a summary lists (it counts them all).
const TOO_LONG_LISTED: usize = 10;

/// Distinct campaignIds a summary counts one by one: the first ones in input order. The
/// tokens of any other campaignId are counted together (`--json` has every token).
pub const MAX_CAMPAIGNS: usize = 10_000;

/// Longest campaignId counted on its own, in bytes; a longer one is counted with the others.
pub const MAX_CAMPAIGN_ID: usize = 256;

/// Campaigns the summary for people shows, those with the most tokens; the rest are summed
/// up in one entry.
pub const SHOWN_CAMPAIGNS: usize = 50;

/// Lines read per chunk, and bytes at most: enough to keep every core busy, small enough to
/// stay flat whatever the input size, and few enough that a part's JSON lines (about 3 KB a
/// token) stay in the core's cache until they are written out.
const CHUNK_LINES: usize = 512;
const CHUNK_BYTES: usize = 4 << 20;

pub mod follow;
mod lines;
#[cfg(test)]
use lines::read_line;
use lines::{Lines, Seen, ToTheEnd};

/// One token found in the input, and what became of it: its evaluation, borrowed from the
/// worker that made it for as long as `process` looks at it (a batch builds no
/// `Inspection`).
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// Which file the line is in: 0, or for a followed log the number of times it was
    /// rotated before the line was read (its line numbers and offsets start again at each).
    pub generation: u32,
    /// 1-based line number in the input (in its generation).
    pub line: usize,
    /// Where the line starts in the input, in bytes (to read it again: the log browser).
    pub offset: u64,
    pub result: Result<&'a Evaluation<'a>, Unreadable<'a>>,
}

/// Raw input lines, read by the calling thread and searched for tokens by the workers.
#[derive(Default)]
struct Chunk {
    /// The file generation of every line (see [`Item::generation`]).
    generation: u32,
    bytes: Vec<u8>,
    /// 1-based line number and where the line lies in `bytes` (nothing, for a line longer
    /// than [`MAX_LINE`]).
    lines: Vec<(usize, std::ops::Range<usize>)>,
    /// Where each of `lines` starts in the input, in bytes.
    offsets: Vec<u64>,
    /// The lines longer than [`MAX_LINE`], in order: line number and length.
    too_long: Vec<(usize, u64)>,
}

/// What a line gives the inspection: a token found in it, or the length of a line too long
/// to search.
enum Found<'t> {
    Token(&'t str),
    TooLong(u64),
}

impl Chunk {
    /// Split the lines into `parts` runs of about the same number of bytes.
    fn parts(&self, parts: usize) -> Vec<std::ops::Range<usize>> {
        let per = self.bytes.len().div_ceil(parts.max(1)).max(1);
        let mut out = Vec::with_capacity(parts);
        let mut first = 0;
        for (i, (_, range)) in self.lines.iter().enumerate() {
            if range.end >= per * (out.len() + 1) || i + 1 == self.lines.len() {
                out.push(first..i + 1);
                first = i + 1;
            }
        }
        out
    }

    /// Inspect every token of lines `which`, in order, folding each into one accumulator.
    fn inspect<A: Default>(
        &self,
        which: std::ops::Range<usize>,
        each: &impl Fn(&mut A, u32, usize, u64, Found<'_>),
    ) -> A {
        let mut out = A::default();
        let generation = self.generation;
        for ((line, range), &offset) in self.lines[which.clone()].iter().zip(&self.offsets[which]) {
            // Only a line too long to keep has no bytes (a blank line keeps its newline).
            if range.is_empty()
                && let Ok(i) = self.too_long.binary_search_by_key(line, |(l, _)| *l)
            {
                each(
                    &mut out,
                    generation,
                    *line,
                    offset,
                    Found::TooLong(self.too_long[i].1),
                );
                continue;
            }
            // A line that is not UTF-8 cannot hold a compact token; skip it.
            let Ok(text) = std::str::from_utf8(&self.bytes[range.clone()]) else {
                continue;
            };
            match bare_token(text) {
                // The common export format, with no search and no copy.
                Some(token) => each(&mut out, generation, *line, offset, Found::Token(token)),
                None => {
                    for token in tokens_in_line(text) {
                        each(&mut out, generation, *line, offset, Found::Token(&token));
                    }
                }
            }
        }
        out
    }
}

/// Read `input` to the end and inspect every token with `threads` workers. Each item goes
/// through `process` on its worker, which folds it into the accumulator of the part of the
/// input it belongs to (a partial summary, JSON lines...: a whole `Inspection` never outlives
/// its thread); the accumulators reach `sink` in input order.
///
/// With several threads the work is pipelined: while the workers find and inspect the tokens
/// of one chunk of lines, the calling thread hands the previous chunk's records to `sink` and
/// reads the next chunk, which is all it does.
pub fn run<A: Default + Send>(
    input: impl BufRead,
    ring: &KeyRing,
    opts: &Options,
    threads: usize,
    process: impl Fn(&mut A, Item) + Sync,
    sink: impl FnMut(A) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let lines = ToTheEnd {
        input,
        seen: Seen::default(),
    };
    run_lines(lines, ring, opts, threads, process, sink)
}

// A chunk's part as a job for the workers, and its reply: each part's records come back on
// their own channel.
type Reply<A> = std::thread::Result<A>;
type Job<A> = (
    Arc<Chunk>,
    std::ops::Range<usize>,
    mpsc::SyncSender<Reply<A>>,
);
/// A chunk being inspected, and where each of its parts' records will arrive.
type InFlight<A> = (Arc<Chunk>, Vec<mpsc::Receiver<Reply<A>>>);

/// Hand a chunk's records to `sink` in order as its parts are done; its buffers, to reuse.
fn finish<A>(
    (chunk, replies): InFlight<A>,
    sink: &mut impl FnMut(A) -> std::io::Result<()>,
) -> std::io::Result<Option<Chunk>> {
    for reply in replies {
        match reply.recv() {
            Ok(Ok(folded)) => sink(folded)?,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // A worker cannot hang up without replying (it catches panics).
            Err(_) => {}
        }
    }
    // Every part of that chunk is done: its buffers serve the next read.
    Ok(Arc::into_inner(chunk))
}

/// [`run`] over any [`Lines`].
fn run_lines<A: Default + Send>(
    mut input: impl Lines,
    ring: &KeyRing,
    opts: &Options,
    threads: usize,
    process: impl Fn(&mut A, Item<'_>) + Sync,
    mut sink: impl FnMut(A) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let threads = threads.max(1);
    let each = |acc: &mut A, generation: u32, line: usize, offset: u64, found: Found<'_>| {
        let mut item = |result: Result<&Evaluation<'_>, Unreadable<'_>>| {
            process(
                acc,
                Item {
                    generation,
                    line,
                    offset,
                    result,
                },
            )
        };
        match found {
            Found::Token(token) => evaluate_token(token, ring, opts, item),
            Found::TooLong(len) => {
                let error = TokenError::LineTooLong { len, max: MAX_LINE };
                item(Err(Unreadable {
                    error: &error,
                    partial: None,
                }))
            }
        }
    };

    if threads == 1 {
        let mut spare = None;
        loop {
            let (chunk, wait) = input.read(spare.take())?;
            if chunk.lines.is_empty() && !wait {
                return Ok(());
            }
            if !chunk.lines.is_empty() {
                sink(chunk.inspect(0..chunk.lines.len(), &each))?;
            }
            spare = Some(chunk);
        }
    }

    // `threads` workers live as long as the batch (their caches and allocator heaps too) and
    // take parts of chunks from one queue; each part's records come back on its own channel.
    let (jobs, queue) = mpsc::channel::<Job<A>>();
    let queue = Mutex::new(queue);
    std::thread::scope(|scope| {
        // Owned by this closure, so that leaving it (done, or stopped on an error) closes the
        // queue and lets the workers end before the scope waits for them.
        let jobs = jobs;
        let mut workers = 0;
        for _ in 0..threads {
            let (queue, each) = (&queue, &each);
            let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
                loop {
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    // The queue closes when the batch ends (or stops on an error).
                    let Ok((chunk, part, reply)) = job else {
                        return;
                    };
                    let folded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        chunk.inspect(part, each)
                    }));
                    drop(chunk);
                    // The batch may have stopped on an error: nobody waits for the result.
                    let _ = reply.send(folded);
                }
            });
            // The system may refuse threads (a process or memory limit): the batch runs on
            // those it got, and fails only with none.
            match spawned {
                Ok(_) => workers += 1,
                Err(e) if workers == 0 => {
                    return Err(std::io::Error::new(
                        e.kind(),
                        format!("cannot start a worker thread: {e}"),
                    ));
                }
                Err(e) => {
                    tracing::warn!(workers, asked = threads, error = %e, "fewer worker threads");
                    break;
                }
            }
        }
        let threads = workers;
        let submit = |chunk: &Arc<Chunk>| -> Vec<mpsc::Receiver<Reply<A>>> {
            chunk
                .parts(threads)
                .into_iter()
                .filter_map(|part| {
                    let (reply, records) = mpsc::sync_channel(1);
                    jobs.send((Arc::clone(chunk), part, reply)).ok()?;
                    Some(records)
                })
                .collect()
        };
        let mut running: Option<InFlight<A>> = None;
        let mut spare = None;
        loop {
            let (current, wait) = input.read(spare.take())?;
            let end = current.lines.is_empty() && !wait;
            let started = if current.lines.is_empty() {
                spare = Some(current);
                None
            } else {
                let chunk = Arc::new(current);
                let replies = submit(&chunk);
                Some((chunk, replies))
            };
            // While the workers inspect this chunk, the previous one's parts go to `sink`.
            if let Some(previous) = running.take() {
                spare = spare.or(finish(previous, &mut sink)?);
            }
            running = started;
            // Nothing more to read for now (a followed log): every record read so far goes
            // out before the next read waits.
            if wait && let Some(current) = running.take() {
                spare = spare.or(finish(current, &mut sink)?);
            }
            if end {
                return Ok(());
            }
        }
    })
}

#[derive(Debug, Clone)]
pub struct Stats<'a> {
    pub line: usize,
    /// None when the token was malformed.
    pub overall: Option<Overall>,
    /// Each finding counts for [`Finding::weight`] findings.
    pub findings: &'a [Finding],
    pub campaign: &'a str,
    pub participation: &'static str,
    pub win: &'static str,
    /// `gift.cw` is `true` (001 "Manage prizes").
    pub winning: bool,
    /// The line was longer than [`MAX_LINE`] (counted as malformed).
    pub too_long: bool,
}

impl<'a> Stats<'a> {
    pub fn of(item: &Item<'a>) -> Stats<'a> {
        let evaluation = match item.result {
            Ok(evaluation) => evaluation,
            Err(unreadable) => {
                return Stats {
                    line: item.line,
                    overall: None,
                    findings: &[],
                    campaign: "",
                    participation: "",
                    win: "",
                    winning: false,
                    too_long: matches!(unreadable.error, TokenError::LineTooLong { .. }),
                };
            }
        };
        Stats {
            line: item.line,
            overall: Some(evaluation.overall),
            findings: evaluation.findings,
            campaign: evaluation.campaign_id.as_deref().unwrap_or("-"),
            participation: evaluation.verdict.participation.outcome.as_str(),
            win: evaluation.verdict.win.outcome.as_str(),
            winning: evaluation.winning,
            too_long: false,
        }
    }
}

/// Counts for the people's summary.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub tokens: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub not_verified: usize,
    pub malformed: usize,
    /// Lines longer than [`MAX_LINE`] (among the malformed): how many, and the first line
    /// numbers.
    pub too_long: usize,
    pub too_long_lines: Vec<usize>,
    /// Finding id -> (severity, count, first line).
    pub findings: BTreeMap<String, FindingCount>,
    /// campaignId (or "-") -> outcome counts, for the first [`MAX_CAMPAIGNS`] distinct ones
    /// (and a campaign [`Summary::track`] names).
    pub campaigns: BTreeMap<String, CampaignCounts>,
    /// The tokens of every other campaignId, together: past the first [`MAX_CAMPAIGNS`], or
    /// longer than [`MAX_CAMPAIGN_ID`] bytes.
    pub other_campaigns: CampaignCounts,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct FindingCount {
    pub severity: String,
    pub count: usize,
    pub example_line: usize,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignCounts {
    pub tokens: usize,
    pub participation: BTreeMap<&'static str, usize>,
    pub win: BTreeMap<&'static str, usize>,
    /// Tokens with `gift.cw: true` (001 "Manage prizes").
    pub winning: usize,
    /// The first line a token of this campaign is on (the first campaigns in input order are
    /// the ones counted one by one).
    pub first_line: usize,
}

impl CampaignCounts {
    fn add(&mut self, other: &CampaignCounts) {
        if self.tokens == 0 || other.first_line < self.first_line {
            self.first_line = other.first_line;
        }
        self.tokens += other.tokens;
        for (outcome, n) in &other.participation {
            *self.participation.entry(outcome).or_default() += n;
        }
        for (outcome, n) in &other.win {
            *self.win.entry(outcome).or_default() += n;
        }
        self.winning += other.winning;
    }

    fn count(&mut self, stats: &Stats) {
        if self.tokens == 0 {
            self.first_line = stats.line;
        }
        self.tokens += 1;
        *self.participation.entry(stats.participation).or_default() += 1;
        *self.win.entry(stats.win).or_default() += 1;
        if stats.winning {
            self.winning += 1;
        }
    }
}

impl Summary {
    pub fn add(&mut self, stats: &Stats) {
        self.tokens += 1;
        let Some(overall) = stats.overall else {
            self.malformed += 1;
            if stats.too_long {
                self.too_long += 1;
                if self.too_long_lines.len() < TOO_LONG_LISTED {
                    self.too_long_lines.push(stats.line);
                }
            }
            return;
        };
        match overall {
            Overall::Accepted => self.accepted += 1,
            Overall::Rejected => self.rejected += 1,
            Overall::NotVerified => self.not_verified += 1,
        }
        for f in stats.findings {
            match self.findings.get_mut(f.id.as_str()) {
                Some(entry) => entry.count += f.weight(),
                None => {
                    self.findings.insert(
                        f.id.clone(),
                        FindingCount {
                            severity: f.severity.as_str().to_string(),
                            count: f.weight(),
                            example_line: stats.line,
                        },
                    );
                }
            }
        }
        // Not capped here: `add` fills the summary of a part of a chunk, which is bounded;
        // `merge` keeps the first MAX_CAMPAIGNS in input order, whatever the parts.
        if let Some(c) = self.campaigns.get_mut(stats.campaign) {
            c.count(stats);
        } else {
            let mut c = CampaignCounts::default();
            c.count(stats);
            self.campaigns.insert(stats.campaign.to_string(), c);
        }
    }

    /// Count the campaign `id` on its own whatever comes before it (the campaign file's, whose
    /// prizes the summary compares with its winning tokens).
    pub fn track(&mut self, id: &str) {
        self.campaigns.entry(id.to_string()).or_default();
    }

    /// The summary for people; `prizes` is the campaign file's prize count, if any.
    /// Add the counts of `later`, a summary of the input that follows this one's (so the
    /// example line of a finding stays the first in the input).
    pub fn merge(&mut self, later: Summary) {
        self.merge_capped(later, MAX_CAMPAIGNS);
    }

    /// [`Summary::merge`], counting `max_campaigns` distinct campaignIds one by one: those
    /// already counted, then the new ones by their first line, so that the same ones are
    /// counted whatever the parts the input was cut into.
    fn merge_capped(&mut self, later: Summary, max_campaigns: usize) {
        self.tokens += later.tokens;
        self.accepted += later.accepted;
        self.rejected += later.rejected;
        self.not_verified += later.not_verified;
        self.malformed += later.malformed;
        self.too_long += later.too_long;
        let room = TOO_LONG_LISTED.saturating_sub(self.too_long_lines.len());
        self.too_long_lines
            .extend(later.too_long_lines.into_iter().take(room));
        for (id, f) in later.findings {
            match self.findings.get_mut(&id) {
                Some(entry) => entry.count += f.count,
                None => {
                    self.findings.insert(id, f);
                }
            }
        }
        let mut new = Vec::new();
        for (id, c) in later.campaigns {
            match self.campaigns.get_mut(&id) {
                Some(entry) => entry.add(&c),
                None => new.push((id, c)),
            }
        }
        new.sort_by(|a, b| (a.1.first_line, &a.0).cmp(&(b.1.first_line, &b.0)));
        for (id, c) in new {
            if self.campaigns.len() < max_campaigns && id.len() <= MAX_CAMPAIGN_ID {
                self.campaigns.insert(id, c);
            } else {
                self.other_campaigns.add(&c);
            }
        }
        self.other_campaigns.add(&later.other_campaigns);
    }

    pub fn render(&self, prizes: Option<(&str, u64)>) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} token(s): {} accepted, {} rejected, {} not verified, {} malformed",
            self.tokens, self.accepted, self.rejected, self.not_verified, self.malformed
        );
        if self.too_long > 0 {
            let lines: Vec<String> = self.too_long_lines.iter().map(|l| l.to_string()).collect();
            let more = match self.too_long - self.too_long_lines.len() {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let _ = writeln!(
                out,
                "{} line(s) longer than {} skipped as malformed (line {}{more}): tokenscope searches lines up to that size, a token input at most",
                self.too_long,
                crate::limits::size(MAX_LINE),
                lines.join(", ")
            );
        }
        if !self.findings.is_empty() {
            let _ = writeln!(out, "\nfindings:");
            let _ = writeln!(
                out,
                "  {:<8} {:>6}  {:<40} example line",
                "severity", "count", "id"
            );
            let mut rows: Vec<_> = self.findings.iter().collect();
            rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
            for (id, f) in rows {
                let _ = writeln!(
                    out,
                    "  {:<8} {:>6}  {:<40} {}",
                    f.severity,
                    f.count,
                    crate::escape::line(id),
                    f.example_line
                );
            }
        }
        // The campaigns with the most tokens (and the campaign file's), in campaignId order;
        // the others summed up.
        let mut ranked: Vec<(&String, &CampaignCounts)> = self
            .campaigns
            .iter()
            .filter(|(_, c)| c.tokens > 0)
            .collect();
        ranked.sort_by(|a, b| b.1.tokens.cmp(&a.1.tokens).then(a.0.cmp(b.0)));
        let pinned = |id: &str| prizes.is_some_and(|(campaign, _)| campaign == id);
        let mut others = CampaignCounts::default();
        let mut hidden = 0;
        let mut shown = Vec::new();
        for (i, (id, c)) in ranked.into_iter().enumerate() {
            if i < SHOWN_CAMPAIGNS || pinned(id) {
                shown.push((id, c));
            } else {
                hidden += 1;
                others.add(c);
            }
        }
        shown.sort_by(|a, b| a.0.cmp(b.0));
        let fmt = |m: &BTreeMap<&'static str, usize>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !shown.is_empty() || self.other_campaigns.tokens > 0 {
            let _ = writeln!(out, "\noutcomes by campaignId:");
            for (id, c) in shown {
                // The campaignId is the token's: an unsigned junk line in a log writes it.
                let _ = writeln!(out, "  {}: {} token(s)", crate::escape::line(id), c.tokens);
                let _ = writeln!(out, "    participation: {}", fmt(&c.participation));
                let _ = writeln!(out, "    win: {}", fmt(&c.win));
                if let Some((campaign, prizes)) = prizes
                    && campaign == id
                {
                    let warn = if c.winning as u64 > prizes {
                        " — WARNING: more winning tokens than prizes (prizes go first come, first served)"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "    winning tokens (gift.cw true): {} for {} prize(s){warn}",
                        c.winning, prizes
                    );
                }
            }
            let untold = self.other_campaigns.tokens;
            if hidden > 0 || untold > 0 {
                others.add(&self.other_campaigns);
                let mut what = Vec::new();
                if hidden > 0 {
                    what.push(format!(
                        "{hidden} more campaignId(s) (only the {SHOWN_CAMPAIGNS} with the most tokens are shown)"
                    ));
                }
                if untold > 0 {
                    what.push(format!(
                        "{untold} token(s) whose campaignId is not counted on its own (past the first {MAX_CAMPAIGNS} distinct ones, or longer than {MAX_CAMPAIGN_ID} bytes)"
                    ));
                }
                let _ = writeln!(
                    out,
                    "  others: {} token(s): {}; --json lists every token",
                    others.tokens,
                    what.join(", and ")
                );
                let _ = writeln!(out, "    participation: {}", fmt(&others.participation));
                let _ = writeln!(out, "    win: {}", fmt(&others.win));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
