//! The interactive TUI: `tokenscope` with no subcommand. The Elm architecture: `App` holds
//! the state, `App::action` maps an event to an `Action` through the keymap, `App::update`
//! is the only place state changes, and `impl Widget for &App` draws it.
//!
//! The loop blocks on the next terminal event: nothing is redrawn, and no CPU is used, while
//! nothing happens.

pub mod app;
pub mod demo;
pub mod keymap;
pub mod theme;
pub mod view;
pub mod widgets;

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

pub use app::{Action, App, Effect, KeySource, Pane};
pub use theme::Theme;

use crate::cli::TuiArgs;

/// The theme `--theme` names (default dark), without colours under `NO_COLOR`.
pub fn pick_theme(name: Option<&str>) -> Result<Theme> {
    let theme = match name {
        Some(n) => Theme::named(n).map_err(anyhow::Error::msg)?,
        None => Theme::dark(),
    };
    Ok(if Theme::no_color_env() {
        theme.without_colors()
    } else {
        theme
    })
}

/// Build the app for the command line's arguments (no terminal needed).
pub fn build_app(args: &TuiArgs, store_flag: Option<&Path>) -> Result<App> {
    let theme = pick_theme(args.theme.as_deref())?;
    let mut app = if args.demo {
        App::demo(theme, app::system_now).map_err(anyhow::Error::msg)?
    } else {
        let store = crate::commands::open_store(store_flag)?;
        let cache = crate::keys::default_cache_dir()?;
        let (ring, warnings) = crate::keys::load_ring(&store, &[], &cache)?;
        let mut app = App::new(
            ring,
            KeySource::Store { store, cache },
            theme,
            app::system_now,
        );
        if let Some(w) = warnings.first() {
            app.message = Some(app::Message {
                text: format!("warning: {w}"),
                error: true,
            });
        }
        app
    };
    if let Some(path) = &args.file {
        let mut text = String::new();
        std::fs::File::open(path)
            .with_context(|| format!("cannot open token file '{}'", path.display()))?
            .take(crate::commands::MAX_INPUT)
            .read_to_string(&mut text)
            .with_context(|| format!("cannot read token file '{}' as text", path.display()))?;
        app.open_text(&path.display().to_string(), text);
    } else if let Some(token) = &args.token {
        app.open_text("argument", token.clone());
    }
    Ok(app)
}

/// `tokenscope [TOKEN | --file F | --demo] [--theme NAME]`.
pub fn run(args: &TuiArgs, store_flag: Option<&Path>) -> Result<ExitCode> {
    // Arguments first (a bad theme or file is reported as such), then the terminal.
    let mut app = build_app(args, store_flag)?;
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
    let result = (|| -> Result<()> {
        execute!(std::io::stdout(), EnableBracketedPaste, EnableMouseCapture)?;
        let size = terminal.size()?;
        app.update(Action::Resize(size.width, size.height));
        while !app.quit {
            terminal.draw(|frame| frame.render_widget(&app, frame.area()))?;
            let ev = event::read()?;
            if let Some(action) = app.action(&ev) {
                app.update(action);
            }
            for effect in std::mem::take(&mut app.effects) {
                match effect {
                    Effect::ReadClipboard => app.update(read_clipboard()),
                    Effect::SetMouseCapture(true) => {
                        execute!(std::io::stdout(), EnableMouseCapture)?
                    }
                    Effect::SetMouseCapture(false) => {
                        execute!(std::io::stdout(), DisableMouseCapture)?
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
