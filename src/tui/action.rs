//! What happens to the TUI, as values: the panes, the `Action`s that change the state (from
//! a key through the keymap, the mouse, a paste, or a finished job) and the `Effect`s `update`
//! asks of the event loop.

use super::edit::json_editor::EditorOp;
use super::jobs::{Done, Job};

/// The panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Token,
    Header,
    Payload,
    Findings,
    Verdict,
    Keys,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Token,
        Pane::Header,
        Pane::Payload,
        Pane::Findings,
        Pane::Verdict,
        Pane::Keys,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Token => "Token",
            Pane::Header => "Header",
            Pane::Payload => "Payload",
            Pane::Findings => "Findings",
            Pane::Verdict => "Verdict",
            Pane::Keys => "Keys",
        }
    }

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub(crate) fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }

    pub(crate) fn prev(self) -> Pane {
        Pane::ALL[(self.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }
}

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    FocusNext,
    FocusPrev,
    Focus(Pane),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Enter: the selected finding's details.
    Select,
    HistoryPrev,
    HistoryNext,
    ReadClipboard,
    OpenFilePrompt,
    TimePrompt,
    /// Move the evaluation instant by this many seconds.
    StepTime(i64),
    TimeNow,
    AddKeyPrompt,
    DeleteKeyPrompt,
    /// Choose the type of a new key (Keys pane).
    GenerateKeyMenu,
    /// Ask for a key file's path.
    AddKeyFilePrompt,
    /// Show or mask the selected key's secret.
    ToggleReveal,
    ToggleMouse,
    /// Copy the ticket-ready Markdown report of the token on screen.
    CopyReport,
    /// Bracketed paste (or the clipboard's text).
    Paste(String),
    /// The clipboard could not be read.
    ClipboardFailed(String),
    /// Mouse wheel over a point: positive is down.
    Scroll {
        delta: i32,
        column: u16,
        row: u16,
    },
    Click {
        column: u16,
        row: u16,
    },
    Resize(u16, u16),
    // Input while a popup is open.
    Char(char),
    Backspace,
    ClearInput,
    Submit,
    Cancel,
    /// Fold or unfold the object at the top line of Header/Payload.
    ToggleFold,
    /// Ask for the clock skew.
    SkewPrompt,
    /// Enter or leave edit mode (`E`).
    ToggleEdit,
    /// A claim toggle or edit-mode command.
    Edit(EditCmd),
    /// A key in the JSON editor.
    Editor(EditorOp),
    /// What `$VISUAL`/`$EDITOR` left in the file (or why it could not run).
    ExternalEdited(Result<String, String>),
    /// News from the engine filling log browser number `browse` (rows, in input order; what
    /// happened to a followed log; its end).
    Browse {
        browse: u64,
        news: super::browser::News,
    },
    /// Ask for the log browser's filter.
    BrowseFilterPrompt,
    /// Group the log browser's rows by the next field (verdict, finding, campaign,
    /// participation, win, then none).
    BrowseGroup,
    /// Show or hide the log's summary (the counts `inspect --batch` prints).
    BrowseSummary,
    /// Pin the token shown to compare others with it (the pinned one again: unpin).
    Pin,
    Unpin,
    /// The diff view or the usual panes, while a token is pinned and another is shown.
    ToggleDiff,
    /// A second passed (sent only while `App::ticking`): evaluate again at the new "now".
    Tick,
    /// A job (`Effect::Run`) finished off the event loop: its outcome.
    Done(Done),
    /// A message from the event loop (clipboard copy, OSC 52 fallback).
    Notice {
        text: String,
        error: bool,
    },
}

/// Edit-mode commands (see `KeyMap::edit_entries`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditCmd {
    Cw,
    LabelPrompt,
    LabelToggle,
    CanPlay,
    Nb(i64),
    NbAbsent,
    LimitAbsent,
    /// Set `exp` as `sign --exp SPEC` does, relative to the evaluation instant.
    Exp(&'static str),
    CampaignId,
    Sub,
    NextKey,
    NextAlg,
    NextJwe,
    NextEnc,
    JsonEditor,
    ExternalEditor,
    ExportMenu,
}

/// Side effects for the event loop.
#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    ReadClipboard,
    SetMouseCapture(bool),
    /// Put text on the clipboard (OSC 52 when no clipboard is reachable); `what` names it.
    CopyToClipboard {
        text: String,
        what: String,
    },
    /// Suspend the TUI and run `$VISUAL`/`$EDITOR` on this text.
    OpenEditor(String),
    /// Slow work (disk, network, key generation) for a worker thread; its outcome comes
    /// back as `Action::Done`.
    Run(Job),
    /// Fill the log browser from `path` with the batch engine on worker threads; what it
    /// finds comes back as `Action::Browse` while it reads (or follows), to its end.
    Browse(BrowseJob),
}

/// What the thread filling the log browser needs (no reference to the app).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowseJob {
    /// The browser's number (see `Browser::id`).
    pub id: u64,
    pub source: super::browser::Source,
    /// Follow the log as it grows, until this stop signal.
    pub follow: Option<crate::batch::follow::Stop>,
    /// The `--campaign` file's campaign: every token is checked against it.
    pub campaign: Option<crate::rules::Campaign>,
    /// The key store and JWKS cache to load the ring from (none: no keys, the demo).
    pub store: Option<(crate::keys::Store, std::path::PathBuf)>,
    pub at: i64,
    pub skew: i64,
    pub max_pbes2_count: u64,
}

impl BrowseJob {
    /// How the log's tokens are inspected: the view's instant, skew and PBES2 bound, and its
    /// configured campaigns.
    pub fn options(&self, campaigns: Vec<crate::rules::Campaign>) -> crate::inspect::Options {
        crate::inspect::Options {
            at: self.at,
            skew: self.skew,
            max_pbes2_count: self.max_pbes2_count,
            campaign: self.campaign.clone(),
            // As `inspect --campaign`: the file given, else the configured ones.
            campaigns: if self.campaign.is_some() {
                Vec::new()
            } else {
                campaigns
            },
            ..crate::inspect::Options::default()
        }
    }
}
