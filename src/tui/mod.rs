//! The interactive TUI: `tokenscope` with no subcommand. The Elm architecture: `App` holds
//! the state, `App::action` maps an event to an `Action` through the keymap, `App::update`
//! is the only place state changes, and `impl Widget for &App` draws it.
//!
//! The loop blocks on the next terminal event: nothing is redrawn, and no CPU is used, while
//! nothing happens.

pub mod action;
pub mod app;
pub mod browser;
pub mod demo;
pub mod edit;
pub mod fold;
pub mod instant;
pub mod jobs;
pub mod keymap;
pub mod pin;
pub mod runtime;
pub mod state;
pub mod theme;
pub mod view;
pub mod widgets;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use ratatui::crossterm::event::{DisableBracketedPaste, DisableMouseCapture};
use ratatui::crossterm::execute;

pub use app::{Action, App, EditCmd, Effect, KeySource, Modal, Pane};
pub use edit::json_editor::EditorOp;
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
        // The store is read now (a broken one is reported before the terminal is taken);
        // a JWKS endpoint with no usable cached copy is fetched by a job once the view is up.
        let (ring, warnings, deferred) = crate::keys::load_ring_offline(&store, &[], &cache)?;
        let mut app = App::new(
            ring,
            KeySource::Store {
                store,
                cache: cache.clone(),
            },
            theme,
            ctx.clock,
        );
        if let Some(w) = warnings.first() {
            app.message = Some(app::Message {
                text: format!("warning: {w}"),
                error: true,
            });
        }
        if !deferred.is_empty() {
            let job = jobs::Job::FetchDeferred { deferred, cache };
            if app.message.is_none() {
                app.message = Some(app::Message {
                    text: job.describe(),
                    error: false,
                });
            }
            app.effects.push(Effect::Run(job));
            app.pending += 1;
        }
        app
    };
    app.keymap = keymap;
    app.mouse_capture = settings.mouse.value;
    app.time_display = settings.time_display.value;
    app.skew = settings.skew.value;
    app.max_pbes2_count = settings.max_pbes2_count.value;
    app.campaigns = campaigns;
    if let Some(path) = &args.campaign {
        // As `inspect --campaign`: this campaign instead of the configured ones.
        let campaign = crate::rules::Campaign::from_path(path)?;
        app.campaigns = vec![campaign.clone()];
        app.campaign_file = Some(campaign);
    }
    app.background = true;
    // clap's `requires` lets it through with a TOKEN (which conflicts with --batch).
    if args.follow && args.batch.is_none() {
        bail!("--follow follows a log: give it with --batch FILE");
    }
    if let Some(path) = &args.batch {
        // Refused before the terminal is taken, as a token file is.
        std::fs::File::open(path)
            .with_context(|| format!("cannot open log '{}'", path.display()))?;
        app.browse(browser::Source::File(path.clone()), args.follow);
    } else if let Some(path) = &args.file {
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
    let result = runtime::event_loop(&mut terminal, &mut app);
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
