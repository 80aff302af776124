//! `tokenscope inspect --batch`: every token of a log, on every core; with `--follow`, as
//! the log grows.

use super::*;
use crate::batch::follow::{self, Event, Follow, Rotation, Stop};
use crate::batch::{Item, Summary};
use crate::cli::InspectArgs;

/// Each worker tallies its part of the input (and writes its JSON lines); the calling thread
/// only merges the parts, in input order.
#[derive(Default)]
struct Part {
    summary: Summary,
    lines: Vec<u8>,
}

/// `inspect --batch`: JSON Lines (one inspection per token, with its line number) or a
/// summary. Exit 0 when every token was accepted, 1 when any was rejected or malformed, 3
/// when none was rejected but some were not verified.
pub(super) fn batch(args: &InspectArgs, source: &str, ctx: &Context) -> Result<ExitCode> {
    use std::io::BufReader;
    let opts = Options {
        // The summary reads only outcomes, findings and tallies.
        summary_only: !args.json,
        ..inspect::options(args, ctx)?
    };
    if source != "-" && Path::new(source).is_dir() {
        bail!("batch input '{source}' is a directory: give a log file, or - for standard input");
    }
    let (mut ring, warnings, deferred) = key_ring(&args.eval, ctx)?;
    for w in warnings {
        escape::warn(&w);
    }
    // A batch holds tokens of every kind: its endpoints are fetched before it starts.
    fetch_deferred(&mut ring, deferred, ctx)?;
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(limits::MAX_THREADS)
    });
    let json = args.json;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut summary = Summary::default();
    if let Some(c) = opts.campaign.as_ref().filter(|c| c.prizes.is_some()) {
        summary.track(&c.id);
    }
    let records = crate::inspect::Records::new(opts.at);
    // Emptied record buffers, for the next parts (about two per thread). One that a huge
    // token made huge is let go: a followed log would hold it for as long as it runs.
    let spare_lines: std::sync::Mutex<Vec<Vec<u8>>> = std::sync::Mutex::default();
    let recycle = |mut lines: Vec<u8>| {
        lines.clear();
        if (1..=16 << 20).contains(&lines.capacity())
            && let Ok(mut spare) = spare_lines.lock()
            && spare.len() <= 2 * threads
        {
            spare.push(lines);
        }
    };
    let follow_records = args.follow;
    let process = |part: &mut Part, item: Item<'_>| {
        part.summary.add(&crate::batch::Stats::of(&item));
        if json {
            // A part's records take a few times its input (a chunk's share for one thread):
            // started at that size, they are copied less often as they grow (each copy of a
            // growing buffer costs as much as writing it), and 1,024 threads reserve no more
            // than one.
            // Buffers come back from the sink: a fresh one would be paged in again by the
            // system (and copied as it grows), which costs as much as writing the records.
            if part.lines.capacity() == 0 {
                part.lines = spare_lines
                    .lock()
                    .ok()
                    .and_then(|mut spare| spare.pop())
                    .unwrap_or_default();
                part.lines.reserve(((4 << 20) / threads).max(64 << 10));
            }
            let generation = follow_records.then_some(item.generation);
            records.write(&mut part.lines, item.result, item.line, generation);
        }
    };
    let mut progress = None;
    if args.follow {
        let stop = stop_on_signals()?;
        let follower = if source == "-" {
            Follow::stream(std::io::stdin(), follow::POLL, stop)
        } else {
            Follow::file(Path::new(source), follow::POLL, stop)
        }
        .with_context(|| format!("cannot open batch input '{source}'"))?;
        if follower.file_id().is_some() && follower.file_id() == stdout_file() {
            bail!(
                "standard output is the followed log '{source}' itself: each record holds its token, so it would be read back as a new line, forever; write the records elsewhere"
            );
        }
        // A count on a terminal while the summary waits for the end (JSON lines tell it).
        if !json && std::io::stderr().is_terminal() {
            progress = Some(follow_progress(source));
        }
        let bar = progress.clone();
        let told = |event: Event| {
            let text = event_text(source, &event);
            match &bar {
                Some(bar) => bar.println(format!("tokenscope: {}", escape::line(&text))),
                None => escape::stderr(&text),
            }
        };
        follower.run(
            &ring,
            &opts,
            threads,
            process,
            |part: Part| {
                summary.merge(part.summary);
                if let Some(bar) = &progress {
                    // Drawn now: the rate limit would hold back the last count until the
                    // next line, which may be long in coming.
                    bar.set_message(counts(&summary));
                    bar.force_draw();
                }
                out.write_all(&part.lines)?;
                recycle(part.lines);
                // Each record as soon as it is known: a reader of the pipe waits for it.
                out.flush()
            },
            told,
        )?;
        if let Some(bar) = progress.take() {
            bar.finish_and_clear();
        }
    } else {
        let input: Box<dyn std::io::BufRead> = if source == "-" {
            Box::new(BufReader::with_capacity(1 << 16, std::io::stdin().lock()))
        } else {
            let file = std::fs::File::open(source)
                .with_context(|| format!("cannot open batch input '{source}'"))?;
            if std::io::stderr().is_terminal() {
                let bar = batch_progress(file.metadata().map(|m| m.len()).unwrap_or(0));
                let reader = BufReader::with_capacity(1 << 16, bar.wrap_read(file));
                progress = Some(bar);
                Box::new(reader)
            } else {
                Box::new(BufReader::with_capacity(1 << 16, file))
            }
        };
        crate::batch::run(input, &ring, &opts, threads, process, |part: Part| {
            summary.merge(part.summary);
            if let Some(bar) = &progress {
                bar.set_message(format!("{} tokens", summary.tokens));
            }
            out.write_all(&part.lines)?;
            recycle(part.lines);
            Ok(())
        })?;
    }
    if let Some(bar) = progress {
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "inspected {msg} ({total_bytes}) in {elapsed_precise}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.finish_with_message(format!("{} token(s)", summary.tokens));
    }
    if !args.json {
        let prizes = opts
            .campaign
            .as_ref()
            .and_then(|c| c.prizes.map(|p| (c.id.as_str(), p)));
        write!(out, "{}", summary.render(prizes))?;
    }
    out.flush()?;
    tracing::info!(
        tokens = summary.tokens,
        accepted = summary.accepted,
        rejected = summary.rejected,
        not_verified = summary.not_verified,
        malformed = summary.malformed,
        threads,
        "batch done"
    );
    let code = if summary.rejected + summary.malformed > 0 {
        exit::REJECTED
    } else if summary.not_verified > 0 {
        exit::NOT_VERIFIED
    } else {
        exit::ACCEPTED
    };
    Ok(ExitCode::from(code))
}

/// The file standard output writes to, if it is one.
fn stdout_file() -> Option<follow::FileId> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    Some(follow::FileId::of(&meta))
}

/// A stop signal that Ctrl-C (SIGINT), SIGTERM and SIGHUP give: the follower ends, the
/// records of the lines read are written, the summary printed. A second one ends the process
/// at once, with the usual 128 + signal.
fn stop_on_signals() -> Result<Stop> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let stop = Stop::new();
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        // The order matters: the second signal finds the flag set by the first.
        signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, stop.flag())
            .and_then(|_| signal_hook::flag::register(signal, stop.flag()))
            .context("cannot watch for Ctrl-C")?;
    }
    Ok(stop)
}

/// What happened to a followed log, for stderr.
fn event_text(source: &str, event: &Event) -> String {
    match event {
        Event::Rotated {
            generation,
            how: Rotation::Truncated,
            ..
        } => format!(
            "'{source}' was truncated: reading it again from its start (generation {generation}: line numbers start again)"
        ),
        Event::Rotated {
            generation,
            how: Rotation::Replaced,
            ..
        } => format!(
            "'{source}' was replaced: the old file was read to its end, the new one is read from its start (generation {generation}: line numbers start again)"
        ),
        Event::Missing => {
            format!("'{source}' is missing: waiting for it (the file already open is still read)")
        }
        Event::Unreadable(why) => format!(
            "'{source}' is another file now, which cannot be read ({why}): the old one is still read while it is waited for"
        ),
        Event::Found => format!("'{source}' is back"),
    }
}

/// The counts so far, as the follow status line says them.
fn counts(s: &Summary) -> String {
    format!(
        "{} token(s): {} accepted, {} rejected, {} not verified, {} malformed",
        s.tokens, s.accepted, s.rejected, s.not_verified, s.malformed
    )
}

/// The status line on stderr while a log is followed for a summary.
fn follow_progress(source: &str) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("following {prefix} · {msg} · Ctrl-C: summary")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_prefix(escape::line(source).into_owned());
    bar.set_message(counts(&Summary::default()));
    bar
}

/// A progress bar on stderr for a batch read from a file of `len` bytes.
pub(super) fn batch_progress(len: u64) -> indicatif::ProgressBar {
    let style = indicatif::ProgressStyle::with_template(
        "{bar:30} {percent:>3}% {bytes}/{total_bytes} · {msg} · {eta} left",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("█▉▊▋▌▍▎▏ ");
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(style);
    bar.set_message("0 tokens");
    bar
}
