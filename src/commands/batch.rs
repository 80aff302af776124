//! `tokenscope inspect --batch`: every token of a log, on every core.

use super::*;
use crate::cli::InspectArgs;

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
    let mut progress = None;
    let input: Box<dyn std::io::BufRead> = if source == "-" {
        Box::new(BufReader::with_capacity(1 << 16, std::io::stdin().lock()))
    } else {
        if Path::new(source).is_dir() {
            bail!(
                "batch input '{source}' is a directory: give a log file, or - for standard input"
            );
        }
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
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut summary = crate::batch::Summary::default();
    if let Some(c) = opts.campaign.as_ref().filter(|c| c.prizes.is_some()) {
        summary.track(&c.id);
    }
    let json = args.json;
    // Each worker tallies its part of the input (and writes its JSON lines); the calling
    // thread only merges the parts, in input order.
    #[derive(Default)]
    struct Part {
        summary: crate::batch::Summary,
        lines: Vec<u8>,
    }
    let records = crate::inspect::Records::new(opts.at);
    let process = |part: &mut Part, item: crate::batch::Item<'_>| {
        part.summary.add(&crate::batch::Stats::of(&item));
        if json {
            // A part's records take a few times its input (a chunk's share for one thread):
            // started at that size, they are copied less often as they grow (each copy of a
            // growing buffer costs as much as writing it), and 1,024 threads reserve no more
            // than one.
            if part.lines.capacity() == 0 {
                part.lines.reserve(((4 << 20) / threads).max(64 << 10));
            }
            records.write(&mut part.lines, item.result, item.line);
        }
    };
    crate::batch::run(input, &ring, &opts, threads, process, |part: Part| {
        summary.merge(part.summary);
        if let Some(bar) = &progress {
            bar.set_message(format!("{} tokens", summary.tokens));
        }
        out.write_all(&part.lines)
    })?;
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
