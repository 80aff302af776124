//! Command-line definitions: the single source of help, completions and man page.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod inspect;
mod keys;
mod sign;

pub use inspect::*;
pub use keys::*;
pub use sign::*;

/// A terminal debugger for signed and encrypted tokens (JWS, JWE, JWT) that knows the
/// platforms' claim rules (Qualifio, Adictiz, Xtremepush).
#[derive(Debug, Parser)]
#[command(
    name = "tokenscope",
    version,
    about,
    long_about = None,
    override_usage = "tokenscope [OPTIONS] [TOKEN]\n       tokenscope [OPTIONS] <COMMAND>"
)]
pub struct Cli {
    /// Key store directory (default: the platform config dir, or $TOKENSCOPE_HOME/keys).
    #[arg(long, global = true, value_name = "DIR")]
    pub store: Option<PathBuf>,

    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub tui: TuiArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode, verify/decrypt and check one token; print a report or `--json`.
    Inspect(InspectArgs),
    /// Compare two tokens evaluated at one instant: claims, layers, time, verdicts, findings.
    #[command(after_long_help = DIFF_AFTER_HELP)]
    Diff(DiffArgs),
    /// Manage the key store.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Sign claims (a file or a template) into a token; optionally encrypt it and package it.
    Sign(SignArgs),
    /// Sign one Qualifio token per combination of limit and gift claims and tabulate outcomes.
    Scenarios(ScenariosArgs),
    /// Show or edit the configuration file (config.toml).
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout, or write one page per command to a directory.
    Man(ManArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// What `keys gen` makes: defined with the key generator (core), a value of the CLI too.
pub use crate::keys::GenType;

/// Without a subcommand tokenscope opens the interactive view.
#[derive(Debug, Args, Default)]
pub struct TuiArgs {
    /// Open the interactive view on this token (or text containing it: a URL, a ticket).
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,

    /// Open the interactive view on a file holding a token (or text around one).
    #[arg(long, value_name = "PATH", conflicts_with = "token")]
    pub file: Option<PathBuf>,

    /// Open the interactive view on sample tokens and in-memory demo keys (nothing stored).
    #[arg(long)]
    pub demo: bool,

    /// Browse a log in the interactive view: one row per token (line, verdict, profile,
    /// campaign, outcomes, first error), filled in the background; / filters, Enter opens a
    /// token, Esc comes back.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["token", "file", "demo"])]
    pub batch: Option<PathBuf>,

    /// Check every token against this campaign file (TOML or JSON), as `inspect --campaign`
    /// does; the log browser's summary counts its winning tokens against its prizes.
    #[arg(long, value_name = "PATH", conflicts_with = "demo")]
    pub campaign: Option<PathBuf>,
    /// With --batch: follow the log as it grows, as `tail -F` (rotation-safe): rows are added
    /// as lines are written.
    #[arg(long, requires = "batch")]
    pub follow: bool,

    /// Colour theme: dark (default), light, high-contrast, colorblind, or a user theme
    /// (themes/NAME.toml beside config.toml).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
}

/// Options every command takes. Each has a key in config.toml too; precedence is flag, then
/// environment variable, then config file, then built-in default (`tokenscope config show`).
#[derive(Debug, Args, Default)]
pub struct GlobalArgs {
    /// Configuration file [default: config.toml in the config dir, or $TOKENSCOPE_HOME;
    /// env: TOKENSCOPE_CONFIG].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,

    /// Colour: auto (only on a terminal, NO_COLOR honoured), always or never [default: auto;
    /// env: TOKENSCOPE_COLOR; config: color].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "WHEN"
    )]
    pub color: Option<ColorArg>,

    /// Write a log file at this level (never secrets or whole tokens) [default: off; env:
    /// TOKENSCOPE_LOG; config: log_level].
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_enum,
        value_name = "LEVEL"
    )]
    pub log_level: Option<LogLevel>,

    /// Capture the mouse (on), or leave it to the terminal so text can be
    /// selected (off) [default: on; config: mouse].
    #[arg(
        long,
        help_heading = "Interactive view",
        value_enum,
        value_name = "on|off"
    )]
    pub mouse: Option<Switch>,

    /// Show time claims in UTC, local time or both [default: utc; config:
    /// time_display].
    #[arg(
        long,
        help_heading = "Interactive view",
        value_enum,
        value_name = "ZONE"
    )]
    pub time_display: Option<TimeDisplay>,
}

/// `--log-level`, `TOKENSCOPE_LOG`, `log_level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

/// `--mouse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// `--time-display`, `time_display`: how the interactive view writes instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimeDisplay {
    Utc,
    Local,
    Both,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of the configuration file in use (it need not exist).
    Path,
    /// Print the effective configuration as TOML, each value with where it came from.
    Show,
    /// Open the configuration file in $VISUAL or $EDITOR (created from the documented example
    /// when missing), then check it.
    Edit,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write tokenscope.1 and one page per subcommand (tokenscope-inspect.1, ...) into DIR
    /// instead of printing tokenscope.1.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// The version line: tokenscope's version and the OpenSSL library it runs with.
pub fn version() -> String {
    format!(
        "{} ({})",
        env!("CARGO_PKG_VERSION"),
        openssl::version::version()
    )
}

/// The clap command, with the long version line (`tokenscope 0.1.0 (OpenSSL 3.0.13 ...)`).
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().version(version())
}

/// Parse the process arguments. A usage error is printed as every tokenscope error is
/// (`tokenscope: ...` on stderr) and exits with status 2; help and version print as clap
/// prints them.
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let matches = command()
        .try_get_matches()
        .unwrap_or_else(|e| usage_exit(e));
    let mut cli =
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| usage_exit(e.format(&mut command())));
    // `--format json` is `--json`.
    if let Some(Command::Inspect(args)) = &mut cli.command
        && args.format == Some(InspectFormat::Json)
    {
        args.json = true;
    }
    if let Some(e) =
        view_args_with_a_command(&cli, matches.subcommand_name()).or_else(|| misspelt_command(&cli))
    {
        usage_exit(e)
    }
    cli
}

/// Print a clap error the tokenscope way and exit: help and version to stdout (status 0),
/// a usage error to stderr as `tokenscope: ...` (status 2).
fn usage_exit(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit()
    }
    let text = e.render().to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    // clap quotes what was typed: never raw to the terminal.
    eprint!("tokenscope: {}", crate::escape::text(text));
    std::process::exit(2)
}

/// A bare word close to a command name (`tokenscope inspct`) would open the interactive view
/// on a "token" that is a typo: a usage error with "did you mean".
fn misspelt_command(cli: &Cli) -> Option<clap::Error> {
    let word = cli.tui.token.as_deref()?;
    if cli.command.is_some()
        || !(2..=16).contains(&word.len())
        || !word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
    {
        return None;
    }
    let names: Vec<String> = command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let best = names
        .iter()
        .map(|n| (strsim::jaro_winkler(word, n), n))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    Some(command().error(
        clap::error::ErrorKind::InvalidSubcommand,
        format!(
            "unrecognized command '{word}': did you mean '{}'? (a token is base64url with dots; \
             a file goes with --file)",
            best.1
        ),
    ))
}

/// `--demo`, `--file` and a TOKEN open the interactive view: given with a command, they would
/// be silently ignored, so they are a usage error.
fn view_args_with_a_command(cli: &Cli, command_name: Option<&str>) -> Option<clap::Error> {
    let name = command_name?;
    let arg = match &cli.tui {
        TuiArgs { demo: true, .. } => "--demo",
        TuiArgs { batch: Some(_), .. } => "--batch",
        TuiArgs { file: Some(_), .. } => "--file",
        TuiArgs { token: Some(_), .. } => "TOKEN",
        _ => return None,
    };
    Some(command().error(
        clap::error::ErrorKind::ArgumentConflict,
        format!(
            "{arg} opens the interactive view and cannot be used with the '{name}' command: \
             drop it, or run tokenscope without a command"
        ),
    ))
}
