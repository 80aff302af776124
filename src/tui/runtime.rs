//! The event loop: it draws the app, then blocks on one channel that carries terminal
//! events (from a reader thread) and the outcomes of jobs (from worker threads), and runs the
//! effects `update` queued. Nothing is redrawn, and no CPU is used, while nothing happens; a
//! slow job (a JWKS endpoint that does not answer) never stops the drawing or the keys.

use std::sync::mpsc;

use anyhow::{Context, Result};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use ratatui::crossterm::execute;

use super::action::BrowseJob;
use super::app::{Action, App, Effect};
use super::jobs::{self, Done, Job};

/// What wakes the loop.
enum Wake {
    /// A terminal event; the reader waits for the loop's go-ahead before it reads the next
    /// (so that it never reads the keys meant for `$EDITOR` while the loop runs it).
    Terminal(Event),
    /// The terminal could not be read: the session ends with this error.
    ReadFailed(std::io::Error),
    /// A job finished.
    Done(Done),
    /// The log browser's engine sent rows, or finished.
    Browse(Action),
}

/// Run the app on `terminal` until it quits.
pub fn event_loop(terminal: &mut DefaultTerminal, app: &mut App) -> Result<()> {
    execute!(std::io::stdout(), EnableBracketedPaste)?;
    if app.mouse_capture {
        execute!(std::io::stdout(), EnableMouseCapture)?;
    }
    let size = terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    let (wake, woken) = mpsc::channel::<Wake>();
    let (go_ahead, next) = mpsc::channel::<()>();
    let reader = wake.clone();
    std::thread::spawn(move || {
        loop {
            let message = match event::read() {
                Ok(ev) => Wake::Terminal(ev),
                Err(e) => Wake::ReadFailed(e),
            };
            let failed = matches!(message, Wake::ReadFailed(_));
            if reader.send(message).is_err() || failed || next.recv().is_err() {
                break;
            }
        }
    });
    // Kept for the whole session: on X11/Wayland the copied text lives as long as this.
    let mut clipboard: Option<arboard::Clipboard> = None;
    // Jobs queued before the loop started (a JWKS fetch at start-up).
    run_effects(terminal, app, &mut clipboard, &wake)?;
    // A wake taken off the channel while draining the log browser's news, not yet handled.
    let mut taken: Option<Wake> = None;
    while !app.quit {
        terminal.draw(|frame| frame.render_widget(&*app, frame.area()))?;
        // Evaluated at "now": wake on the next second too (see `App::ticking`).
        let woke = if taken.is_some() {
            taken.take()
        } else if app.ticking() {
            match woken.recv_timeout(until_next_second()) {
                Ok(wake) => Some(wake),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(e) => return Err(e).context("the event loop lost its inputs"),
            }
        } else {
            Some(woken.recv().context("the event loop lost its inputs")?)
        };
        let Some(woke) = woke else {
            app.update(Action::Tick);
            continue;
        };
        match woke {
            Wake::Terminal(ev) => {
                if let Some(action) = app.action(&ev) {
                    app.update(action);
                }
                run_effects(terminal, app, &mut clipboard, &wake)?;
                // The reader is gone only when the process is ending.
                let _ = go_ahead.send(());
            }
            Wake::ReadFailed(e) => return Err(e).context("cannot read the terminal"),
            Wake::Done(done) => {
                app.update(Action::Done(done));
                run_effects(terminal, app, &mut clipboard, &wake)?;
            }
            Wake::Browse(action) => taken = browse_burst(app, action, &woken),
        }
    }
    Ok(())
}

/// The log browser's news comes in bursts: apply `first` and every one waiting before drawing
/// again. Anything else taken off the channel meanwhile is returned, for the loop to handle
/// next: a key dropped here would leave the terminal reader waiting for its go-ahead forever.
fn browse_burst(app: &mut App, first: Action, woken: &mpsc::Receiver<Wake>) -> Option<Wake> {
    app.update(first);
    while let Ok(next) = woken.try_recv() {
        match next {
            Wake::Browse(more) => app.update(more),
            other => return Some(other),
        }
    }
    None
}

/// The time to the next whole second of the wall clock (the instant shown is in seconds).
fn until_next_second() -> std::time::Duration {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    std::time::Duration::from_nanos(1_000_000_000 - u64::from(since.subsec_nanos()))
}

/// Run what `update` queued: jobs go to worker threads, terminal effects happen here.
fn run_effects(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    clipboard: &mut Option<arboard::Clipboard>,
    wake: &mpsc::Sender<Wake>,
) -> Result<()> {
    // An effect's action may queue more effects (a paste that opens a file...).
    while !app.effects.is_empty() {
        for effect in std::mem::take(&mut app.effects) {
            match effect {
                Effect::Run(job) => spawn(job, wake.clone()),
                Effect::Browse(job) => browse(job, app.campaigns.clone(), wake.clone()),
                Effect::ReadClipboard => app.update(read_clipboard()),
                Effect::SetMouseCapture(true) => execute!(std::io::stdout(), EnableMouseCapture)?,
                Effect::SetMouseCapture(false) => execute!(std::io::stdout(), DisableMouseCapture)?,
                Effect::CopyToClipboard { text, what } => {
                    app.update(copy_to_clipboard(clipboard, &text, &what))
                }
                Effect::OpenEditor(text) => {
                    let _ = execute!(
                        std::io::stdout(),
                        DisableMouseCapture,
                        DisableBracketedPaste
                    );
                    ratatui::restore();
                    let result = run_editor(&text);
                    *terminal = ratatui::try_init().context("cannot set up the terminal")?;
                    execute!(std::io::stdout(), EnableBracketedPaste)?;
                    if app.mouse_capture {
                        execute!(std::io::stdout(), EnableMouseCapture)?;
                    }
                    terminal.clear()?;
                    app.update(Action::ExternalEdited(result));
                }
            }
        }
    }
    Ok(())
}

/// Fill the log browser on worker threads: the batch engine over the log (following it as it
/// grows, until the browser is left), what it finds sent as it is done, in input order.
fn browse(job: BrowseJob, campaigns: Vec<crate::rules::Campaign>, wake: mpsc::Sender<Wake>) {
    use crate::tui::browser::News;
    let id = job.id;
    let tell = move |news: News| {
        // The loop is gone only when the process is ending.
        let _ = wake.send(Wake::Browse(Action::Browse { browse: id, news }));
    };
    std::thread::spawn(move || {
        let ring = match &job.store {
            Some((store, cache)) => match crate::keys::load_ring_offline(store, &[], cache) {
                Ok((ring, _, _)) => ring,
                Err(e) => {
                    tell(News::Done(Some(e.to_string())));
                    return;
                }
            },
            None => Default::default(),
        };
        let opts = job.options(campaigns);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let follow = job.follow.clone();
        let result = crate::tui::browser::fill(&job.source, &ring, &opts, threads, follow, &tell);
        tell(News::Done(result.err()));
    });
}

/// Run a job on a worker thread; its outcome (or the news that it failed) wakes the loop.
fn spawn(job: Job, wake: mpsc::Sender<Wake>) {
    let what = job.describe();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| jobs::run(job)));
        let done = match outcome {
            Ok(outcome) => Done::new(outcome),
            Err(_) => Done::failed(format!("{} failed", what.trim_end_matches('…'))),
        };
        // The loop is gone only when the process is ending.
        let _ = wake.send(Wake::Done(done));
    });
}

/// The system clipboard's text, or why it could not be read (never a panic).
fn read_clipboard() -> Action {
    let text =
        std::panic::catch_unwind(|| arboard::Clipboard::new().and_then(|mut c| c.get_text()));
    match text {
        Ok(Ok(t)) => Action::Paste(t),
        Ok(Err(e)) => Action::ClipboardFailed(format!(
            "{e} (paste into the terminal instead: bracketed paste works everywhere)"
        )),
        Err(_) => Action::ClipboardFailed("the clipboard library failed".to_string()),
    }
}

/// Put `text` on the system clipboard; when none is reachable (SSH, a bare terminal), send
/// it to the terminal as an OSC 52 escape, which many terminals (and tmux) turn into a copy.
fn copy_to_clipboard(clipboard: &mut Option<arboard::Clipboard>, text: &str, what: &str) -> Action {
    let copied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if clipboard.is_none() {
            *clipboard = Some(arboard::Clipboard::new()?);
        }
        match clipboard.as_mut() {
            Some(c) => c.set_text(text.to_string()),
            None => Err(arboard::Error::ClipboardNotSupported),
        }
    }));
    let why = match copied {
        Ok(Ok(())) => {
            return Action::Notice {
                text: format!("copied the {what} to the clipboard ({} bytes)", text.len()),
                error: false,
            };
        }
        Ok(Err(e)) => e.to_string(),
        Err(_) => "the clipboard library failed".to_string(),
    };
    *clipboard = None;
    let osc = osc52(text);
    let written = {
        use std::io::Write;
        let mut out = std::io::stdout();
        out.write_all(osc.as_bytes()).and_then(|_| out.flush())
    };
    match written {
        Ok(()) => Action::Notice {
            text: format!(
                "sent the {what} to the terminal as OSC 52, which pastes where the terminal allows it (no clipboard reachable: {why})"
            ),
            error: false,
        },
        Err(e) => Action::Notice {
            text: format!("not copied: no clipboard ({why}) and the terminal write failed ({e})"),
            error: true,
        },
    }
}

/// The OSC 52 escape that asks the terminal to put `text` on its clipboard.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

/// Run `$VISUAL` (else `$EDITOR`, else `vi`) on `text` in a temp file; its new content.
fn run_editor(text: &str) -> std::result::Result<String, String> {
    use std::io::Write;
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|v| v.to_string_lossy().into_owned())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let mut file = tempfile::Builder::new()
        .prefix("tokenscope-edit-")
        .suffix(".json")
        .tempfile()
        .map_err(|e| format!("cannot create a temp file: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| format!("cannot write the temp file: {e}"))?;
    // Through the shell, so an editor with arguments (`code --wait`) works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot run '{editor}': {e}"))?;
    if !status.success() {
        return Err(format!("'{editor}' exited with {status}: nothing changed"));
    }
    std::fs::read_to_string(file.path()).map_err(|e| format!("cannot read the edited file: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(super::osc52("a.b"), "\x1b]52;c;YS5i\x07");
    }

    #[test]
    fn a_key_amid_a_burst_of_rows_is_handed_back_not_dropped() {
        let mut app = App::demo_for_tests(1_714_564_800, 100, 30).unwrap();
        let (wake, woken) = mpsc::channel();
        let news = |n| Action::Browse {
            browse: 1,
            news: crate::tui::browser::News::Done(Some(format!("{n}"))),
        };
        wake.send(Wake::Browse(news(2))).unwrap();
        wake.send(Wake::Terminal(Event::FocusGained)).unwrap();
        wake.send(Wake::Browse(news(3))).unwrap();
        let taken = browse_burst(&mut app, news(1), &woken);
        assert!(matches!(taken, Some(Wake::Terminal(Event::FocusGained))));
        // What came after it waits on the channel.
        assert!(matches!(woken.try_recv(), Ok(Wake::Browse(_))));
    }
}
