//! The interactive TUI: `tokenscope` with no subcommand. The Elm architecture: `App` holds
//! the state, `App::action` maps an event to an `Action` through the keymap, `App::update`
//! is the only place state changes, and `impl Widget for &App` draws it.
//!
//! The loop blocks on the next terminal event: nothing is redrawn, and no CPU is used, while
//! nothing happens.

pub mod app;
pub mod demo;
pub mod edit;
pub mod editing;
pub mod editor;
pub mod fold;
pub mod keymap;
pub mod keyops;
pub mod theme;
pub mod view;
pub mod widgets;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

pub use app::{Action, App, EditCmd, Effect, KeySource, Modal, Pane};
pub use editor::EditorOp;
pub use theme::Theme;

use crate::cli::TuiArgs;
use crate::config::Settings;
use crate::context::Context;
use crate::dirs::Dirs;
pub use keymap::KeyMap;

/// Where user themes live, first match wins: `themes/` beside the configuration file, then
/// `$TOKENSCOPE_HOME/themes`, then the platform config dir's `themes/`.
pub fn theme_dirs(settings: &Settings, dirs: &Dirs) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Some(dir) = settings.path.as_deref().and_then(Path::parent) {
        found.push(dir.join("themes"));
    }
    found.extend(dirs.theme_dirs());
    let mut seen = Vec::new();
    found.retain(|d| {
        let new = !seen.contains(d);
        seen.push(d.clone());
        new
    });
    found
}

/// The theme the settings name (`--theme`, `TOKENSCOPE_THEME`, `theme`, default dark),
/// without colours under `NO_COLOR`.
pub fn pick_theme(settings: &Settings, dirs: &Dirs) -> Result<Theme> {
    let theme = Theme::resolve(&settings.theme.value, &theme_dirs(settings, dirs))
        .map_err(anyhow::Error::msg)?;
    Ok(if Theme::no_color_env() {
        theme.without_colors()
    } else {
        theme
    })
}

/// Build the app for the command line's arguments and the run's context (no terminal needed):
/// every problem with them (theme, key bindings, campaign files, token file) is found here.
pub fn build_app(args: &TuiArgs, ctx: &Context) -> Result<App> {
    let settings = &ctx.settings;
    let theme = pick_theme(settings, &ctx.dirs)?;
    let keymap = KeyMap::with_overrides(&settings.keys).map_err(|e| match &settings.path {
        Some(p) => anyhow::anyhow!("config file '{}': {e}", p.display()),
        None => anyhow::Error::new(e),
    })?;
    let campaigns = settings
        .campaigns
        .value
        .iter()
        .map(|p| crate::rules::Campaign::from_path(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut app = if args.demo {
        App::demo(theme, ctx.clock).map_err(anyhow::Error::msg)?
    } else {
        let store = ctx.store()?;
        let cache = ctx.cache_dir()?;
        let (ring, warnings) = crate::keys::load_ring(&store, &[], &cache)?;
        let mut app = App::new(ring, KeySource::Store { store, cache }, theme, ctx.clock);
        if let Some(w) = warnings.first() {
            app.message = Some(app::Message {
                text: format!("warning: {w}"),
                error: true,
            });
        }
        app
    };
    app.keymap = keymap;
    app.mouse_capture = settings.mouse.value;
    app.time_display = settings.time_display.value;
    app.skew = settings.skew.value;
    app.max_pbes2_count = settings.max_pbes2_count.value;
    app.campaigns = campaigns;
    app.generate_in_background = true;
    if let Some(path) = &args.file {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot open token file '{}'", path.display()))?;
        let bytes = crate::limits::read_capped(file, crate::limits::TOKEN_FILE)
            .with_context(|| format!("cannot read token file '{}'", path.display()))?;
        let text = String::from_utf8(bytes)
            .with_context(|| format!("cannot read token file '{}' as text", path.display()))?;
        app.open_text(&path.display().to_string(), text);
    } else if let Some(token) = &args.token {
        app.open_text("argument", token.clone());
    } else {
        app.reinspect();
    }
    Ok(app)
}

/// `tokenscope [TOKEN | --file F | --demo] [--theme NAME]`, in the run's context (settings,
/// directories, key store, clock).
pub fn run(args: &TuiArgs, ctx: &Context) -> Result<ExitCode> {
    // Arguments first (a bad theme or file is reported as such), then the terminal.
    let mut app = build_app(args, ctx)?;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        bail!(
            "the interactive view needs a terminal (stdin and stdout); for a report use `tokenscope inspect TOKEN` (or `inspect -` to read standard input)"
        );
    }
    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    // ratatui's hook restores raw mode and the screen; this one also turns off the mouse
    // capture and bracketed paste first, so a panic never leaves the terminal broken.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        previous(info);
    }));
    restore_on_termination()?;
    let result = (|| -> Result<()> {
        execute!(std::io::stdout(), EnableBracketedPaste)?;
        if app.mouse_capture {
            execute!(std::io::stdout(), EnableMouseCapture)?;
        }
        let size = terminal.size()?;
        app.update(Action::Resize(size.width, size.height));
        // Kept for the whole session: on X11/Wayland the copied text lives as long as this.
        let mut clipboard: Option<arboard::Clipboard> = None;
        // Keys being generated on worker threads.
        let mut jobs: Vec<std::thread::JoinHandle<app::GeneratedKey>> = Vec::new();
        while !app.quit {
            terminal.draw(|frame| frame.render_widget(&app, frame.area()))?;
            // Block on the next event, or wake up now and then while a key is generated.
            let ev = if jobs.is_empty() || event::poll(std::time::Duration::from_millis(100))? {
                Some(event::read()?)
            } else {
                None
            };
            if let Some(action) = ev.as_ref().and_then(|ev| app.action(ev)) {
                app.update(action);
            }
            let (done, running): (Vec<_>, Vec<_>) = std::mem::take(&mut jobs)
                .into_iter()
                .partition(|j| j.is_finished());
            jobs = running;
            for job in done {
                match job.join() {
                    Ok(generated) => app.update(Action::KeyGenerated(generated)),
                    Err(_) => app.update(Action::Notice {
                        text: "key not generated: the generator failed".to_string(),
                        error: true,
                    }),
                }
            }
            for effect in std::mem::take(&mut app.effects) {
                match effect {
                    Effect::ReadClipboard => app.update(read_clipboard()),
                    Effect::GenerateKey { kind, name } => {
                        jobs.push(std::thread::spawn(move || {
                            app::GeneratedKey::make(kind, &name)
                        }))
                    }
                    Effect::SetMouseCapture(true) => {
                        execute!(std::io::stdout(), EnableMouseCapture)?
                    }
                    Effect::SetMouseCapture(false) => {
                        execute!(std::io::stdout(), DisableMouseCapture)?
                    }
                    Effect::CopyToClipboard { text, what } => {
                        app.update(copy_to_clipboard(&mut clipboard, &text, &what))
                    }
                    Effect::OpenEditor(text) => {
                        let _ = execute!(
                            std::io::stdout(),
                            DisableMouseCapture,
                            DisableBracketedPaste
                        );
                        ratatui::restore();
                        let result = run_editor(&text);
                        terminal = ratatui::try_init().context("cannot set up the terminal")?;
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
    })();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    result?;
    Ok(ExitCode::SUCCESS)
}

/// Leave the terminal as it was found when the session is ended by SIGTERM or SIGHUP (a
/// `kill`, a closed terminal window), as on a panic: mouse capture and bracketed paste off,
/// the main screen back, the cursor shown. Then exit with the conventional 128 + signal.
fn restore_on_termination() -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP])
        .context("cannot watch for termination signals")?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = execute!(
                std::io::stdout(),
                DisableMouseCapture,
                DisableBracketedPaste,
                ratatui::crossterm::cursor::Show
            );
            ratatui::restore();
            std::process::exit(128 + signal);
        }
    });
    Ok(())
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
                "no clipboard reachable ({why}): sent the {what} to the terminal as OSC 52 (pastes where the terminal allows it)"
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
    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(super::osc52("a.b"), "\x1b]52;c;YS5i\x07");
    }
}
