//! Batch mode: every token in a log or export, inspected in parallel, reported in input order
//! as JSON Lines or summarised for people. Memory stays flat: the input is read in chunks.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Serialize;

use crate::inspect::{InspectError, Options, inspect_token};
use crate::keys::KeyRing;
use crate::report::{Inspection, Overall};
use crate::token::intake::{bare_token, tokens_in_line};

/// Tokens inspected per chunk: enough to keep every core busy, small enough to stay flat.
const CHUNK: usize = 2048;

/// One token found in the input, and what became of it.
#[derive(Debug)]
pub struct Item {
    /// 1-based line number in the input.
    pub line: usize,
    pub result: Result<Inspection, InspectError>,
}

/// Read `input` to the end and inspect every token with `threads` workers. Each item goes
/// through `process` on its worker (so a whole `Inspection` never outlives its thread: it
/// becomes a small record, or a JSON line), then the records reach `sink` in input order.
///
/// With several threads the work is pipelined: while the workers inspect one chunk, the
/// calling thread hands the previous chunk's records to `sink` and reads the next chunk.
pub fn run<R: Send>(
    input: impl BufRead,
    ring: &KeyRing,
    opts: &Options,
    threads: usize,
    process: impl Fn(Item) -> R + Sync,
    mut sink: impl FnMut(R) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let threads = threads.max(1);
    let mut lines = input.lines().enumerate();
    let mut next_chunk = || -> std::io::Result<Vec<(usize, String)>> {
        let mut chunk = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            let Some((index, line)) = lines.next() else {
                break;
            };
            let line = match line {
                Ok(l) => l,
                // A line that is not UTF-8 cannot hold a compact token; skip it.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => continue,
                Err(e) => return Err(e),
            };
            match bare_token(&line).map(str::len) {
                // The common export format: keep the line's own buffer, no copy.
                Some(len) => {
                    let start = line.len() - line.trim_start().len();
                    let mut line = line;
                    line.truncate(start + len);
                    line.drain(..start);
                    chunk.push((index + 1, line));
                }
                None => chunk.extend(tokens_in_line(&line).into_iter().map(|t| (index + 1, t))),
            }
        }
        Ok(chunk)
    };
    let inspect_one = |(line, token): (usize, String)| {
        process(Item {
            line,
            result: inspect_token(&token, Vec::new(), ring, opts),
        })
    };

    if threads == 1 {
        loop {
            let chunk = next_chunk()?;
            if chunk.is_empty() {
                return Ok(());
            }
            for record in chunk.into_iter().map(inspect_one) {
                sink(record)?;
            }
        }
    }

    std::thread::scope(|scope| {
        let inspect_one = &inspect_one;
        let spawn = |chunk: Vec<(usize, String)>| {
            let per = chunk.len().div_ceil(threads).max(1);
            let mut parts = Vec::new();
            let mut rest = chunk;
            while !rest.is_empty() {
                let tail = rest.split_off(per.min(rest.len()));
                parts.push(std::mem::replace(&mut rest, tail));
            }
            parts
                .into_iter()
                .map(|part| {
                    scope.spawn(move || part.into_iter().map(inspect_one).collect::<Vec<R>>())
                })
                .collect::<Vec<_>>()
        };
        let mut running: Vec<std::thread::ScopedJoinHandle<'_, Vec<R>>> = Vec::new();
        let mut current = next_chunk()?;
        loop {
            let started = if current.is_empty() {
                Vec::new()
            } else {
                spawn(current)
            };
            for handle in running {
                let records: Vec<R> = match handle.join() {
                    Ok(r) => r,
                    Err(panic) => std::panic::resume_unwind(panic),
                };
                for record in records {
                    sink(record)?;
                }
            }
            if started.is_empty() {
                return Ok(());
            }
            running = started;
            current = next_chunk()?;
        }
    })
}

/// What the summary needs of one token: small, so a chunk of them costs little memory.
#[derive(Debug, Clone)]
pub struct Stats {
    pub line: usize,
    /// None when the token was malformed.
    pub overall: Option<Overall>,
    pub findings: Vec<(String, &'static str)>,
    pub campaign: String,
    pub participation: &'static str,
    pub win: &'static str,
    /// `gift.cw` is `true` (001 "Manage prizes").
    pub winning: bool,
}

impl Stats {
    pub fn of(item: &Item) -> Stats {
        let Ok(insp) = &item.result else {
            return Stats {
                line: item.line,
                overall: None,
                findings: Vec::new(),
                campaign: String::new(),
                participation: "",
                win: "",
                winning: false,
            };
        };
        let campaign =
            crate::inspect::campaign_id(insp.payload.as_ref()).unwrap_or_else(|| "-".to_string());
        Stats {
            line: item.line,
            overall: Some(insp.overall()),
            findings: insp
                .findings
                .iter()
                .map(|f| (f.id.clone(), f.severity.as_str()))
                .collect(),
            campaign,
            participation: insp.verdict.participation.outcome.as_str(),
            win: insp.verdict.win.outcome.as_str(),
            winning: insp
                .payload
                .as_ref()
                .and_then(|p| p.pointer("/gift/cw"))
                .is_some_and(|v| v == &serde_json::Value::Bool(true)),
        }
    }
}

/// Counts for the people's summary.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub tokens: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub not_verified: usize,
    pub malformed: usize,
    /// Finding id -> (severity, count, first line).
    pub findings: BTreeMap<String, FindingCount>,
    /// campaignId (or "-") -> outcome counts.
    pub campaigns: BTreeMap<String, CampaignCounts>,
}

#[derive(Debug, Default, Serialize)]
pub struct FindingCount {
    pub severity: String,
    pub count: usize,
    pub example_line: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct CampaignCounts {
    pub tokens: usize,
    pub participation: BTreeMap<&'static str, usize>,
    pub win: BTreeMap<&'static str, usize>,
    /// Tokens with `gift.cw: true` (001 "Manage prizes").
    pub winning: usize,
}

impl Summary {
    pub fn add(&mut self, stats: &Stats) {
        self.tokens += 1;
        let Some(overall) = stats.overall else {
            self.malformed += 1;
            return;
        };
        match overall {
            Overall::Accepted => self.accepted += 1,
            Overall::Rejected => self.rejected += 1,
            Overall::NotVerified => self.not_verified += 1,
        }
        for (id, severity) in &stats.findings {
            match self.findings.get_mut(id) {
                Some(entry) => entry.count += 1,
                None => {
                    self.findings.insert(
                        id.clone(),
                        FindingCount {
                            severity: severity.to_string(),
                            count: 1,
                            example_line: stats.line,
                        },
                    );
                }
            }
        }
        if !self.campaigns.contains_key(&stats.campaign) {
            self.campaigns
                .insert(stats.campaign.clone(), CampaignCounts::default());
        }
        let Some(c) = self.campaigns.get_mut(&stats.campaign) else {
            return;
        };
        c.tokens += 1;
        *c.participation.entry(stats.participation).or_default() += 1;
        *c.win.entry(stats.win).or_default() += 1;
        if stats.winning {
            c.winning += 1;
        }
    }

    /// The summary for people; `prizes` is the campaign file's prize count, if any.
    pub fn render(&self, prizes: Option<(&str, u64)>) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} token(s): {} accepted, {} rejected, {} not verified, {} malformed",
            self.tokens, self.accepted, self.rejected, self.not_verified, self.malformed
        );
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
                    f.severity, f.count, id, f.example_line
                );
            }
        }
        if !self.campaigns.is_empty() {
            let _ = writeln!(out, "\noutcomes by campaignId:");
            for (id, c) in &self.campaigns {
                let fmt = |m: &BTreeMap<&'static str, usize>| {
                    m.iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = writeln!(out, "  {id}: {} token(s)", c.tokens);
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
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    /// More tokens than two chunks, with blank and tokenless lines between them.
    fn log() -> String {
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#);
        (0..(CHUNK * 2 + 123))
            .map(|i| {
                let p = URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"{i}"}}"#));
                let tag = crate::jose::hmac::sign("HS256", b"k", format!("{h}.{p}").as_bytes())
                    .unwrap_or_default();
                let t = format!("{h}.{p}.{}", URL_SAFE_NO_PAD.encode(tag));
                if i % 7 == 0 {
                    format!("{t}\n\nno token\n")
                } else {
                    format!("{t}\n")
                }
            })
            .collect()
    }

    fn subs(threads: usize, text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let opts = Options::default();
        run(
            std::io::Cursor::new(text.as_bytes()),
            &KeyRing::default(),
            &opts,
            threads,
            |item| {
                let sub = item
                    .result
                    .ok()
                    .and_then(|i| i.payload)
                    .and_then(|p| p.get("sub").and_then(|s| s.as_str().map(str::to_string)))
                    .unwrap_or_default();
                (item.line, sub)
            },
            |r| {
                out.push(r);
                Ok(())
            },
        )
        .unwrap();
        out
    }

    #[test]
    fn every_thread_count_gives_the_same_records_in_input_order() {
        let text = log();
        let one = subs(1, &text);
        assert_eq!(one.len(), CHUNK * 2 + 123);
        assert!(
            one.windows(2).all(|w| w[0].0 < w[1].0),
            "line numbers increase"
        );
        for (i, (_, sub)) in one.iter().enumerate() {
            assert_eq!(sub, &i.to_string());
        }
        assert_eq!(subs(2, &text), one);
        assert_eq!(subs(3, &text), one);
    }
}
