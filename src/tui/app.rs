//! The TUI's state and the one place it changes: `App::update(Action)`.
//!
//! Terminal events become `Action`s through `App::action` (a pure lookup in the keymap, or
//! raw input while a prompt is open); side effects that need the terminal or the system
//! clipboard are queued as `Effect`s for the event loop.

use std::path::PathBuf;

use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, MouseEventKind};
use ratatui::layout::{Position, Rect};
use zeroize::Zeroizing;

use std::collections::BTreeSet;

use super::edit::Edit;
use super::editor::{EditorOp, TextEditor};
use super::fold;
use super::keymap::{Key, KeyMap};
use super::theme::Theme;
use super::view;
use crate::cli::{GenType, TimeDisplay};
use crate::export::ExportFormat;
use crate::inspect::{InspectError, Options, configured_campaign, inspect_text};
use crate::keys::{self, KeyRing, KeyType, Material, MaterialSource, Store, StoredKey};
use crate::report::{Inspection, PayloadView};
use crate::rules::Campaign;
use crate::view::{JsonLine, Tok, json_lines};

/// Default clock skew (seconds), as `inspect --skew`.
pub const SKEW: i64 = 60;

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

    fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }

    fn prev(self) -> Pane {
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
    /// A key generated off the event loop (`Effect::GenerateKey`), or why it failed.
    KeyGenerated(GeneratedKey),
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Generate a key on another thread (RSA 4096 takes seconds) and report it with
    /// `Action::KeyGenerated`.
    GenerateKey {
        kind: GenType,
        name: String,
    },
}

/// What a prompt asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    OpenFile,
    Time,
    KeyMaterial,
    /// Second step of adding a key: its name (the material is kept until then).
    KeyName {
        material: Zeroizing<String>,
    },
    /// A claim of the edited token, by dotted path (`--set` syntax; empty removes it).
    Claim {
        path: &'static str,
    },
    /// Where to write the exported token.
    ExportFile {
        format: ExportFormat,
    },
    /// Clock skew in seconds.
    Skew,
    /// The base URL of the URL and curl snippets (back to the export menu at `sel`).
    BaseUrl {
        sel: usize,
    },
    /// A key file to add (PEM, JWK, JWKS or a secret).
    KeyFile,
    /// The name of a key about to be generated.
    GenerateName {
        kind: GenType,
    },
}

impl PromptKind {
    pub fn title(&self) -> &'static str {
        match self {
            PromptKind::OpenFile => "Open a file (path)",
            PromptKind::Time => "Evaluate at (RFC 3339 or unix seconds; empty = now)",
            PromptKind::KeyMaterial => "Add a key: paste a PEM, JWK, JWKS or an HMAC secret",
            PromptKind::KeyName { .. } => "Name for the new key",
            PromptKind::Claim { path } => match *path {
                "gift.label" => "gift.label of the EDITED token",
                "campaignId" => "campaignId of the EDITED token",
                _ => "sub of the EDITED token",
            },
            PromptKind::ExportFile { .. } => "Write the EDITED token to a file (path)",
            PromptKind::Skew => "Clock skew allowed for exp, nbf and iat (seconds)",
            PromptKind::BaseUrl { .. } => {
                "Base URL for the URL and curl snippets (empty = placeholder)"
            }
            PromptKind::KeyFile => "Add a key from a file (path to a PEM, JWK, JWKS or secret)",
            PromptKind::GenerateName { .. } => "Name for the generated key",
        }
    }
}

/// A popup over the main view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
    None,
    Help,
    /// Details of the selected finding.
    Detail,
    Prompt {
        kind: PromptKind,
        input: String,
    },
    ConfirmDelete {
        name: String,
    },
    /// The in-place JSON editor over the edited token's header and payload.
    Editor(TextEditor),
    /// The export menu: which format is selected.
    Export {
        sel: usize,
    },
    /// The key types `keys gen` makes: which one is selected.
    Generate {
        sel: usize,
    },
}

/// A freshly generated key on its way from the worker thread to `update`. Compared by name
/// and kind only: the material never takes part in an `Action`'s equality or debug output.
#[derive(Clone)]
pub struct GeneratedKey {
    pub kind: GenType,
    pub name: String,
    pub key: Result<crate::keys::StoredKey, String>,
}

impl GeneratedKey {
    /// Generate (slow for RSA): `keys gen` with a 32-byte HMAC secret.
    pub fn make(kind: GenType, name: &str) -> GeneratedKey {
        GeneratedKey {
            kind,
            name: name.to_string(),
            key: keys::generate(name, kind, crate::tui::keyops::HMAC_BYTES)
                .map_err(|e| e.to_string()),
        }
    }
}

impl std::fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GeneratedKey({:?} '{}')", self.kind, self.name)
    }
}

impl PartialEq for GeneratedKey {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.name == other.name && self.key.is_ok() == other.key.is_ok()
    }
}

impl Eq for GeneratedKey {}

/// The key types the Keys pane generates, in menu order, with what each is for.
pub const GEN_TYPES: [(GenType, &str, &str); 9] = [
    (
        GenType::Rsa2048,
        "rsa2048",
        "RS256/PS256, the common choice",
    ),
    (GenType::Rsa3072, "rsa3072", "RSA 3072 bits"),
    (
        GenType::Rsa4096,
        "rsa4096",
        "RSA 4096 bits (takes a moment)",
    ),
    (GenType::P256, "p256", "ES256"),
    (GenType::P384, "p384", "ES384"),
    (GenType::P521, "p521", "ES512"),
    (GenType::Ed25519, "ed25519", "EdDSA"),
    (
        GenType::Hmac,
        "hmac",
        "HS256/384/512: a 32-byte shared secret",
    ),
    (
        GenType::Dir,
        "dir",
        "JWE dir: a 32-byte A256GCM content key",
    ),
];

/// One token of the session history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub label: String,
    pub text: String,
}

/// A status-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// One row of the Keys pane (never key material).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub name: String,
    /// Type and size: `rsa 2048`, `ec P256`, `secret 32 B`.
    pub kind: String,
    /// `private` or `public` for a key pair, empty for a secret.
    pub half: &'static str,
    pub kid: String,
    pub profile: String,
    pub fingerprint: String,
    /// The fingerprint changes each run (a key generated at startup).
    pub volatile: bool,
}

/// What is shown for the current token, computed once per inspection.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub insp: Option<Inspection>,
    /// Intake or decoding error.
    pub error: Option<String>,
    /// Header pane lines; pointers are full (`/header/alg`, `/layers/1/header/kid`).
    pub header_lines: Vec<JsonLine>,
    pub payload_lines: Vec<JsonLine>,
    /// Indices of the lines shown (folded objects hidden), for each pane.
    pub header_visible: Vec<usize>,
    pub payload_visible: Vec<usize>,
}

/// Where keys come from and go to.
#[derive(Debug)]
pub enum KeySource {
    /// The demo's in-memory ring: adds and deletes never touch the disk.
    Memory,
    /// The key store (`tokenscope keys`).
    Store { store: Store, cache: PathBuf },
}

/// The whole TUI state.
pub struct App {
    pub keymap: KeyMap,
    pub theme: Theme,
    pub ring: KeyRing,
    pub keys: KeySource,
    pub key_rows: Vec<KeyRow>,
    pub history: Vec<Entry>,
    pub current: Option<usize>,
    pub shown: Shown,
    /// Evaluation instant (unix seconds) and whether the user pinned it.
    pub at: i64,
    pub pinned: bool,
    pub clock: fn() -> i64,
    pub focus: Pane,
    /// Which of Verdict / Keys the lower right slot shows.
    pub lower: Pane,
    pub scroll: [usize; 6],
    pub finding_sel: usize,
    pub key_sel: usize,
    pub modal: Modal,
    pub message: Option<Message>,
    pub mouse_capture: bool,
    pub size: (u16, u16),
    pub effects: Vec<Effect>,
    pub quit: bool,
    /// Draw values that change from run to run (signatures, ciphertext, fingerprints of keys
    /// generated at startup) as placeholders: for stable snapshots only.
    pub redact_volatile: bool,
    pub demo: bool,
    /// Edit mode: the edited copy of the current token.
    pub edit: Option<Edit>,
    /// Folded objects by pointer: Header, Payload.
    pub folded: [BTreeSet<String>; 2],
    /// Clock skew allowed for exp/nbf/iat (seconds), as `inspect --skew`.
    pub skew: i64,
    /// PBES2 iterations tried at most (`max_pbes2_count`), as `inspect --max-pbes2-count`.
    pub max_pbes2_count: u64,
    /// How time claims and the evaluation instant are written.
    pub time_display: TimeDisplay,
    /// Campaign files from the configuration (`campaigns`).
    pub campaigns: Vec<Campaign>,
    /// The campaign the current inspection was checked against, by id.
    pub campaign: Option<String>,
    /// The key whose secret is shown (masked otherwise).
    pub revealed: Option<String>,
    /// First row of the help overlay shown (it scrolls when taller than the screen).
    pub help_scroll: usize,
    /// Generate keys on a worker thread (`Effect::GenerateKey`): the event loop does; tests
    /// generate in `update`.
    pub generate_in_background: bool,
    /// The fold cursor of Header and Payload: an index into their visible lines. The
    /// movement keys move it (the view follows); folding acts on its line.
    pub cursor: [usize; 2],
}

/// Wall-clock unix seconds.
pub fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

impl App {
    /// An app over `ring`, with no token yet.
    pub fn new(ring: KeyRing, keys: KeySource, theme: Theme, clock: fn() -> i64) -> App {
        let mut app = App {
            keymap: KeyMap::default(),
            theme,
            ring,
            keys,
            key_rows: Vec::new(),
            history: Vec::new(),
            current: None,
            shown: Shown::default(),
            at: clock(),
            pinned: false,
            clock,
            focus: Pane::Payload,
            lower: Pane::Verdict,
            scroll: [0; 6],
            finding_sel: 0,
            key_sel: 0,
            modal: Modal::None,
            message: None,
            mouse_capture: true,
            size: (100, 30),
            effects: Vec::new(),
            quit: false,
            redact_volatile: false,
            demo: false,
            edit: None,
            folded: Default::default(),
            skew: SKEW,
            max_pbes2_count: crate::limits::MAX_PBES2_COUNT,
            time_display: TimeDisplay::Utc,
            campaigns: Vec::new(),
            campaign: None,
            revealed: None,
            help_scroll: 0,
            generate_in_background: false,
            cursor: [0; 2],
        };
        app.refresh_key_rows();
        app
    }

    /// The demo at a fixed instant with a fixed terminal size and stable rendering: what the
    /// snapshot tests draw. `clock` is pinned to `at` so `n` keeps snapshots stable too.
    pub fn demo_for_tests(at: i64, width: u16, height: u16) -> Result<App, String> {
        fn fixed() -> i64 {
            FIXED_AT.load(std::sync::atomic::Ordering::Relaxed)
        }
        FIXED_AT.store(at, std::sync::atomic::Ordering::Relaxed);
        let mut app = App::demo(Theme::dark(), fixed)?;
        app.redact_volatile = true;
        app.size = (width, height);
        app.pinned = true;
        app.at = at;
        app.reinspect();
        Ok(app)
    }

    /// `tokenscope --demo`.
    pub fn demo(theme: Theme, clock: fn() -> i64) -> Result<App, String> {
        let now = clock();
        let (ring, tokens) = super::demo::build(now)?;
        let mut app = App::new(ring, KeySource::Memory, theme, clock);
        app.demo = true;
        app.refresh_key_rows();
        app.history = tokens
            .into_iter()
            .map(|t| Entry {
                label: t.label.to_string(),
                text: t.text,
            })
            .collect();
        app.current = Some(0);
        app.reinspect();
        Ok(app)
    }

    /// Open a token (argument or file) as the first history entry.
    pub fn open_text(&mut self, label: &str, text: String) {
        self.history.push(Entry {
            label: label.to_string(),
            text,
        });
        self.current = Some(self.history.len() - 1);
        self.reinspect();
    }

    /// First visible row of a scrolling pane.
    pub fn scroll_of(&self, p: Pane) -> usize {
        self.scroll[p.index()]
    }

    pub fn inspection(&self) -> Option<&Inspection> {
        self.shown.insp.as_ref()
    }

    /// The selected finding, if any.
    pub fn selected_finding(&self) -> Option<&crate::Finding> {
        self.inspection()?.findings.get(self.finding_sel)
    }

    /// The claim pointer the selected finding points at (highlighted in Header/Payload).
    pub fn highlighted_claim(&self) -> Option<&str> {
        self.selected_finding()
            .map(|f| f.claim.as_str())
            .filter(|c| !c.is_empty())
    }

    /// Map a terminal event to an action (pure: no state changes).
    pub fn action(&self, event: &Event) -> Option<Action> {
        match event {
            Event::Key(k) if k.kind == KeyEventKind::Press => {
                let key = Key::from_event(k);
                if key == Key::ctrl('c') {
                    return Some(Action::Quit);
                }
                match &self.modal {
                    Modal::None => self.keymap.lookup_in(key, self.edit.is_some()),
                    Modal::Editor(_) => super::editing::editor_key(key).map(Action::Editor),
                    Modal::Export { .. } | Modal::Generate { .. } => match key.code {
                        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
                        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
                        KeyCode::Enter => Some(Action::Submit),
                        KeyCode::Esc | KeyCode::Char('q') => Some(Action::Cancel),
                        KeyCode::Char(c) => Some(Action::Char(c)),
                        _ => None,
                    },
                    // The help scrolls with the movement keys in effect; any other key closes.
                    Modal::Help => match self.keymap.lookup(key) {
                        Some(
                            a @ (Action::Up
                            | Action::Down
                            | Action::PageUp
                            | Action::PageDown
                            | Action::Top
                            | Action::Bottom),
                        ) => Some(a),
                        _ => Some(Action::Cancel),
                    },
                    Modal::Detail => match key.code {
                        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => None,
                        _ => Some(Action::Cancel),
                    },
                    Modal::ConfirmDelete { .. } => match key.code {
                        KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                            Some(Action::Submit)
                        }
                        _ => Some(Action::Cancel),
                    },
                    Modal::Prompt { .. } => match key.code {
                        KeyCode::Esc => Some(Action::Cancel),
                        KeyCode::Enter => Some(Action::Submit),
                        KeyCode::Backspace => Some(Action::Backspace),
                        KeyCode::Char('u') if key.mods.contains(KeyModifiers::CONTROL) => {
                            Some(Action::ClearInput)
                        }
                        KeyCode::Char(c) if !key.mods.contains(KeyModifiers::CONTROL) => {
                            Some(Action::Char(c))
                        }
                        _ => None,
                    },
                }
            }
            Event::Paste(text) => Some(Action::Paste(text.clone())),
            Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
            Event::Mouse(m) => match m.kind {
                MouseEventKind::ScrollDown => Some(Action::Scroll {
                    delta: 3,
                    column: m.column,
                    row: m.row,
                }),
                MouseEventKind::ScrollUp => Some(Action::Scroll {
                    delta: -3,
                    column: m.column,
                    row: m.row,
                }),
                MouseEventKind::Down(_) => Some(Action::Click {
                    column: m.column,
                    row: m.row,
                }),
                _ => None,
            },
            _ => None,
        }
    }

    /// The only place state changes.
    pub fn update(&mut self, action: Action) {
        // A message lasts until the next thing the user does.
        if !matches!(action, Action::Resize(..) | Action::Scroll { .. }) {
            self.message = None;
        }
        if matches!(self.modal, Modal::Export { .. })
            && matches!(
                action,
                Action::Up | Action::Down | Action::Char(_) | Action::Submit
            )
        {
            self.export_menu(action);
            return;
        }
        if matches!(self.modal, Modal::Generate { .. })
            && matches!(
                action,
                Action::Up | Action::Down | Action::Char(_) | Action::Submit
            )
        {
            self.generate_menu(action);
            return;
        }
        if self.modal == Modal::Help
            && matches!(
                action,
                Action::Up
                    | Action::Down
                    | Action::PageUp
                    | Action::PageDown
                    | Action::Top
                    | Action::Bottom
            )
        {
            self.scroll_help(&action);
            return;
        }
        match action {
            a @ (Action::ToggleEdit
            | Action::Edit(_)
            | Action::Editor(_)
            | Action::ExternalEdited(_)) => self.update_edit(a),
            Action::KeyGenerated(generated) => self.install_generated(generated),
            Action::Notice { text, error } => {
                self.message = Some(Message { text, error });
            }
            Action::ToggleFold => self.toggle_fold(),
            Action::SkewPrompt => {
                let input = self.skew.to_string();
                self.modal = Modal::Prompt {
                    kind: PromptKind::Skew,
                    input,
                };
            }
            Action::Quit => self.quit = true,
            Action::ToggleHelp => {
                self.help_scroll = 0;
                self.modal = Modal::Help;
            }
            Action::FocusNext => self.set_focus(self.focus.next()),
            Action::FocusPrev => self.set_focus(self.focus.prev()),
            Action::Focus(p) => self.set_focus(p),
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_page(-1),
            Action::PageDown => self.move_page(1),
            Action::Top => self.move_by(i64::MIN / 2),
            Action::Bottom => self.move_by(i64::MAX / 2),
            Action::Select => {
                if self.selected_finding().is_some() {
                    self.modal = Modal::Detail;
                } else {
                    self.info("no finding selected");
                }
            }
            Action::HistoryPrev => self.flip(-1),
            Action::HistoryNext => self.flip(1),
            Action::ReadClipboard => self.effects.push(Effect::ReadClipboard),
            Action::ClipboardFailed(e) => self.error(format!("clipboard: {e}")),
            Action::OpenFilePrompt => self.prompt(PromptKind::OpenFile),
            Action::TimePrompt => self.prompt(PromptKind::Time),
            Action::StepTime(delta) => {
                self.at = self.at.saturating_add(delta);
                self.pinned = true;
                self.reinspect();
            }
            Action::TimeNow => {
                self.pinned = false;
                self.reinspect();
            }
            Action::AddKeyPrompt => self.prompt(PromptKind::KeyMaterial),
            Action::AddKeyFilePrompt => self.prompt(PromptKind::KeyFile),
            Action::GenerateKeyMenu => self.modal = Modal::Generate { sel: 0 },
            Action::ToggleReveal => self.toggle_reveal(),
            Action::DeleteKeyPrompt => match self.key_rows.get(self.key_sel) {
                Some(row) => {
                    self.modal = Modal::ConfirmDelete {
                        name: row.name.clone(),
                    }
                }
                None => self.info("no key to delete (focus the Keys pane and pick one)"),
            },
            Action::CopyReport => match &self.shown.insp {
                Some(insp) => {
                    let command = format!(
                        "tokenscope inspect --at {} --skew {} --profile {} --file token.txt",
                        insp.evaluated_at_rfc3339, insp.skew, insp.verdict.profile
                    );
                    let text =
                        crate::ticket::render(insp, crate::ticket::Redact::Personal, &command);
                    self.effects.push(Effect::CopyToClipboard {
                        text,
                        what: "Markdown report".to_string(),
                    });
                }
                None => self.info("no token to report on: paste one first"),
            },
            Action::ToggleMouse => {
                self.mouse_capture = !self.mouse_capture;
                self.effects
                    .push(Effect::SetMouseCapture(self.mouse_capture));
                self.info(if self.mouse_capture {
                    "mouse capture on: wheel scrolls, click focuses"
                } else {
                    "mouse capture off: select text with the mouse; m turns it back on"
                });
            }
            Action::Paste(text) => self.paste(text),
            Action::Scroll { delta, column, row } => {
                if let Some(p) = self.pane_at(column, row) {
                    let saved = self.focus;
                    self.focus = p;
                    self.scroll_by(p, delta as i64);
                    self.focus = saved;
                }
            }
            Action::Click { column, row } => {
                if let Some(p) = self.pane_at(column, row) {
                    self.set_focus(p);
                }
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_all();
            }
            Action::Char(c) => {
                if let Modal::Prompt { input, .. } = &mut self.modal {
                    input.push(c);
                }
            }
            Action::Backspace => {
                if let Modal::Prompt { input, .. } = &mut self.modal {
                    input.pop();
                }
            }
            Action::ClearInput => {
                if let Modal::Prompt { input, .. } = &mut self.modal {
                    input.clear();
                }
            }
            Action::Cancel => self.modal = Modal::None,
            Action::Submit => self.submit(),
        }
    }

    fn scroll_help(&mut self, action: &Action) {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        let (rows, shown) = super::widgets::help::extent(self, area);
        let page = shown.saturating_sub(1).max(1) as i64;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => i64::MIN / 2,
            _ => i64::MAX / 2,
        };
        self.help_scroll = step(self.help_scroll, delta, rows.saturating_sub(shown));
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    pub(crate) fn prompt(&mut self, kind: PromptKind) {
        self.modal = Modal::Prompt {
            kind,
            input: String::new(),
        };
    }

    fn set_focus(&mut self, p: Pane) {
        self.focus = p;
        // A revealed secret is masked again as soon as the Keys pane loses the focus.
        if p != Pane::Keys {
            self.revealed = None;
        }
        if matches!(p, Pane::Verdict | Pane::Keys) {
            self.lower = p;
        }
    }

    /// Rows a page moves in a pane.
    fn page(&self, p: Pane) -> usize {
        self.pane_height(p).saturating_sub(1).max(1)
    }

    /// Inner height of a pane in the current layout (0 when hidden).
    pub fn pane_height(&self, p: Pane) -> usize {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        view::layout(self, area)
            .rect(p)
            .map_or(0, |r| r.height.saturating_sub(2) as usize)
    }

    fn pane_at(&self, column: u16, row: u16) -> Option<Pane> {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        let l = view::layout(self, area);
        Pane::ALL.into_iter().find(|p| {
            l.rect(*p)
                .is_some_and(|r| r.contains(Position::new(column, row)))
        })
    }

    /// Lines of content a scrolling pane holds.
    pub fn content_len(&self, p: Pane) -> usize {
        match p {
            Pane::Header => self.shown.header_visible.len(),
            Pane::Payload => self.shown.payload_visible.len(),
            Pane::Verdict => view::verdict_len(self),
            Pane::Token => view::token_len(self),
            Pane::Findings => self.inspection().map_or(0, |i| i.findings.len()),
            Pane::Keys => self.key_rows.len(),
        }
    }

    /// A page up (-1) or down (1): in Header/Payload the view and the cursor move together.
    fn move_page(&mut self, sign: i64) {
        let p = self.focus;
        let delta = sign * self.page(p) as i64;
        if matches!(p, Pane::Header | Pane::Payload) {
            let max = self.max_scroll(p);
            let s = &mut self.scroll[p.index()];
            *s = step(*s, delta, max);
        }
        self.move_by(delta);
    }

    fn move_by(&mut self, delta: i64) {
        match self.focus {
            p @ (Pane::Header | Pane::Payload) => self.move_cursor(p, delta),
            p => self.scroll_by(p, delta),
        }
    }

    /// Header/Payload slot of `cursor` and `folded`.
    fn json_slot(p: Pane) -> usize {
        usize::from(p != Pane::Header)
    }

    /// The fold cursor of a JSON pane, if it is one (index into its visible lines).
    pub fn cursor_of(&self, p: Pane) -> Option<usize> {
        match p {
            Pane::Header | Pane::Payload => Some(self.cursor[Self::json_slot(p)]),
            _ => None,
        }
    }

    /// Move a JSON pane's cursor; the view scrolls to keep it on screen.
    fn move_cursor(&mut self, p: Pane, delta: i64) {
        let len = self.content_len(p);
        let c = &mut self.cursor[Self::json_slot(p)];
        *c = step(*c, delta, len.saturating_sub(1));
        self.cursor_in_view(p, true);
    }

    /// Keep cursor and view together: scroll to the cursor (`follow`), or bring the cursor
    /// into the view (a mouse wheel scrolls the view).
    fn cursor_in_view(&mut self, p: Pane, follow: bool) {
        let Some(slot) = matches!(p, Pane::Header | Pane::Payload).then(|| Self::json_slot(p))
        else {
            return;
        };
        let h = self.pane_height(p).max(1);
        let max = self.max_scroll(p);
        let len = self.content_len(p);
        let c = &mut self.cursor[slot];
        *c = (*c).min(len.saturating_sub(1));
        let s = &mut self.scroll[p.index()];
        if follow {
            if *c < *s {
                *s = *c;
            } else if *c >= *s + h {
                *s = *c + 1 - h;
            }
            *s = (*s).min(max);
        } else {
            *c = (*c).clamp(*s, (*s + h - 1).min(len.saturating_sub(1)).max(*s));
        }
    }

    fn scroll_by(&mut self, p: Pane, delta: i64) {
        match p {
            Pane::Findings => {
                let n = self.content_len(p);
                self.finding_sel = step(self.finding_sel, delta, n.saturating_sub(1));
                self.follow_claim();
            }
            Pane::Keys => {
                let n = self.content_len(p);
                self.key_sel = step(self.key_sel, delta, n.saturating_sub(1));
                // A revealed secret is shown only while its key stays selected.
                self.revealed = None;
            }
            _ => {
                let max = self.max_scroll(p);
                let s = &mut self.scroll[p.index()];
                *s = step(*s, delta, max);
                self.cursor_in_view(p, false);
            }
        }
    }

    fn clamp_all(&mut self) {
        for p in [Pane::Token, Pane::Header, Pane::Payload, Pane::Verdict] {
            let max = self.max_scroll(p);
            let s = &mut self.scroll[p.index()];
            *s = (*s).min(max);
        }
        self.cursor_in_view(Pane::Header, true);
        self.cursor_in_view(Pane::Payload, true);
        self.finding_sel = self
            .finding_sel
            .min(self.content_len(Pane::Findings).saturating_sub(1));
        self.key_sel = self.key_sel.min(self.key_rows.len().saturating_sub(1));
    }

    /// How far a pane scrolls: until its last line is at the bottom.
    fn max_scroll(&self, p: Pane) -> usize {
        self.content_len(p).saturating_sub(self.pane_height(p))
    }

    /// Scroll Header/Payload so the selected finding's claim is in view.
    fn follow_claim(&mut self) {
        let Some(claim) = self.highlighted_claim().map(str::to_string) else {
            return;
        };
        for p in [Pane::Header, Pane::Payload] {
            let (lines, shown) = match p {
                Pane::Header => (&self.shown.header_lines, &self.shown.header_visible),
                _ => (&self.shown.payload_lines, &self.shown.payload_visible),
            };
            if let Some(i) = shown.iter().position(|i| lines[*i].pointer == claim) {
                let h = self.pane_height(p).max(1);
                let s = &mut self.scroll[p.index()];
                if i < *s || i >= *s + h {
                    *s = i.saturating_sub(h / 2);
                }
                // The fold cursor goes to the claim too.
                self.cursor[Self::json_slot(p)] = i;
            }
        }
        self.clamp_all();
    }

    fn flip(&mut self, delta: i64) {
        let Some(cur) = self.current else {
            self.info("no token yet: paste one");
            return;
        };
        let next = step(cur, delta, self.history.len().saturating_sub(1));
        if next == cur {
            self.info(if delta < 0 {
                "this is the first token of the session"
            } else {
                "this is the last token of the session"
            });
            return;
        }
        self.current = Some(next);
        self.leave_edit();
        self.reset_view();
        self.reinspect();
    }

    fn reset_view(&mut self) {
        self.scroll = [0; 6];
        self.cursor = [0; 2];
        self.finding_sel = 0;
    }

    fn paste(&mut self, text: String) {
        if let Modal::Prompt { kind, input } = &mut self.modal {
            match kind {
                PromptKind::KeyMaterial => input.push_str(&text),
                _ => input.push_str(text.trim()),
            }
            return;
        }
        if let Modal::Editor(ed) = &mut self.modal {
            for c in text.chars() {
                match c {
                    '\n' => ed.apply(EditorOp::Newline),
                    '\r' => {}
                    c => ed.apply(EditorOp::Insert(c)),
                }
            }
            return;
        }
        if !matches!(self.modal, Modal::None) {
            return;
        }
        self.open_pasted("pasted", text);
    }

    /// Inspect pasted text; when it holds no token, keep the current view and say why.
    fn open_pasted(&mut self, label: &str, text: String) {
        if let Err(e) = crate::token::find_token(&text) {
            self.error(format!("no token in the pasted text: {e}"));
            return;
        }
        self.history.push(Entry {
            label: label.to_string(),
            text,
        });
        self.current = Some(self.history.len() - 1);
        self.leave_edit();
        self.reset_view();
        self.reinspect();
        self.info(format!(
            "{label}: token {} of {} (< > flip through the history)",
            self.history.len(),
            self.history.len()
        ));
    }

    fn submit(&mut self) {
        let modal = std::mem::replace(&mut self.modal, Modal::None);
        match modal {
            Modal::Prompt { kind, input } => match kind {
                PromptKind::Time => {
                    if input.trim().is_empty() || input.trim() == "now" {
                        self.update(Action::TimeNow);
                        return;
                    }
                    match crate::time::parse_instant(&input) {
                        Ok(at) => {
                            self.at = at;
                            self.pinned = true;
                            self.reinspect();
                        }
                        Err(e) => {
                            self.modal = Modal::Prompt {
                                kind: PromptKind::Time,
                                input,
                            };
                            self.error(e);
                        }
                    }
                }
                PromptKind::OpenFile => self.open_file(input.trim()),
                PromptKind::KeyMaterial => {
                    if input.trim().is_empty() {
                        self.info("no key added");
                        return;
                    }
                    let name = self.free_key_name();
                    self.modal = Modal::Prompt {
                        kind: PromptKind::KeyName {
                            material: Zeroizing::new(input),
                        },
                        input: name,
                    };
                }
                PromptKind::KeyName { material } => self.add_key(input.trim(), &material),
                PromptKind::Claim { path } => self.set_claim(path, &input),
                PromptKind::ExportFile { format } => self.export_to_file(format, input.trim()),
                PromptKind::BaseUrl { sel } => self.set_base_url(input.trim(), sel),
                PromptKind::KeyFile => self.key_file(input.trim()),
                PromptKind::GenerateName { kind } => self.generate_key(kind, input.trim()),
                PromptKind::Skew => match input.trim().parse::<i64>() {
                    Ok(s) if (0..=86_400).contains(&s) => {
                        self.skew = s;
                        self.reinspect();
                        let word = self
                            .inspection()
                            .map_or("no token", |i| i.overall().label());
                        self.info(format!("clock skew {s} s: token {word}"));
                    }
                    _ => {
                        self.modal = Modal::Prompt {
                            kind: PromptKind::Skew,
                            input: input.clone(),
                        };
                        self.error(format!(
                            "skew '{}': expected whole seconds from 0 to 86400",
                            input.trim()
                        ));
                    }
                },
            },
            Modal::ConfirmDelete { name } => self.delete_key(&name),
            other => self.modal = other,
        }
    }

    fn open_file(&mut self, path: &str) {
        if path.is_empty() {
            return;
        }
        let path = expand_home(path);
        match crate::limits::read_file(&path, crate::limits::TOKEN_FILE) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => self.open_pasted(&path.display().to_string(), text),
                Err(_) => self.error(format!("'{}' is not UTF-8 text", path.display())),
            },
            Err(e) => self.error(format!("cannot read '{}': {e}", path.display())),
        }
    }

    pub(crate) fn free_key_name(&self) -> String {
        let taken = |n: &str| {
            self.key_rows
                .iter()
                .any(|r| r.name == n || r.name.starts_with(&format!("{n}#")))
        };
        (1..)
            .map(|i| format!("key-{i}"))
            .find(|n| !taken(n))
            .unwrap_or_else(|| "key".to_string())
    }

    /// Add pasted material: a PEM/JWK/JWKS, else the text is an HMAC (or `dir`) secret.
    pub(crate) fn add_key(&mut self, name: &str, material: &str) {
        if name.is_empty() {
            self.error("a key needs a name");
            return;
        }
        let trimmed = material.trim();
        let source = if trimmed.starts_with('{') {
            match serde_json::from_str::<serde_json::Value>(trimmed) {
                Ok(v) if v.get("keys").is_some() => MaterialSource::Jwks,
                _ => MaterialSource::Jwk,
            }
        } else if trimmed.contains("-----BEGIN ") {
            MaterialSource::Pem
        } else {
            MaterialSource::Secret
        };
        let result = match &mut self.keys {
            KeySource::Memory => {
                if self.ring.keys.iter().any(|k| k.name == name) {
                    Err(format!("a key named '{name}' exists already"))
                } else if source == MaterialSource::Secret {
                    self.ring.keys.push(keys::secret_key(
                        name,
                        Zeroizing::new(trimmed.as_bytes().to_vec()),
                    ));
                    Ok(Vec::new())
                } else {
                    keys::parse_key_bytes(name, trimmed.as_bytes())
                        .map(|ks| {
                            self.ring.keys.extend(ks);
                            Vec::new()
                        })
                        .map_err(|e| e.to_string())
                }
            }
            KeySource::Store { store, cache } => {
                let mut entry = StoredKey::new(name, source, trimmed);
                if source == MaterialSource::Secret {
                    entry.encoding = Some(keys::SecretEncoding::Utf8);
                }
                match store.add(entry, false) {
                    Ok(warnings) => reload(store, cache, &mut self.ring).map(|mut w| {
                        w.extend(warnings);
                        w
                    }),
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        match result {
            Ok(warnings) => {
                self.refresh_key_rows();
                self.resign_edit();
                self.reinspect();
                let verdict = self
                    .inspection()
                    .map(|i| i.overall().label())
                    .unwrap_or("no token");
                let where_ = if matches!(self.keys, KeySource::Memory) {
                    "in memory"
                } else {
                    "in the key store"
                };
                let mut text = format!("key '{name}' added {where_}: token now {verdict}");
                if let Some(w) = warnings.first() {
                    text.push_str(&format!(" (warning: {w})"));
                }
                self.info(text);
            }
            Err(e) => self.error(format!("key not added: {e}")),
        }
    }

    fn delete_key(&mut self, name: &str) {
        let result = match &mut self.keys {
            KeySource::Memory => {
                let before = self.ring.keys.len();
                self.ring.keys.retain(|k| k.name != name);
                if before == self.ring.keys.len() {
                    Err(format!("no key named '{name}'"))
                } else {
                    Ok(())
                }
            }
            KeySource::Store { store, cache } => {
                // A JWKS member (`set#kid`) lives in its entry (`set`).
                let entry = name.split_once('#').map_or(name, |(e, _)| e);
                store
                    .remove(entry)
                    .map_err(|e| e.to_string())
                    .and_then(|_| reload(store, cache, &mut self.ring).map(|_| ()))
            }
        };
        match result {
            Ok(()) => {
                self.refresh_key_rows();
                self.clamp_all();
                self.resign_edit();
                self.reinspect();
                self.info(format!("key '{name}' deleted"));
            }
            Err(e) => self.error(format!("key not deleted: {e}")),
        }
    }

    pub fn refresh_key_rows(&mut self) {
        self.revealed = None;
        self.key_rows = self
            .ring
            .keys
            .iter()
            .map(|k| {
                let (kind, half) = match (&k.key_type, &k.material) {
                    (KeyType::Secret, Material::Secret(s)) => (format!("secret {} B", s.len()), ""),
                    (KeyType::Rsa { bits }, m) => (format!("rsa {bits}"), m.visibility()),
                    (KeyType::Ec(c), m) => (format!("ec {c:?}"), m.visibility()),
                    (KeyType::Okp(c), m) => (format!("okp {c:?}"), m.visibility()),
                    (t, m) => (t.as_str().to_string(), m.visibility()),
                };
                KeyRow {
                    name: k.name.clone(),
                    kind,
                    half,
                    kid: k.kid.clone().unwrap_or_default(),
                    profile: k.profile.map(|p| p.to_string()).unwrap_or_default(),
                    fingerprint: keys::key_fingerprint(k),
                    volatile: self.demo && !matches!(k.material, Material::Secret(_)),
                }
            })
            .collect();
    }

    /// Inspect the current token again (new token, new keys, new instant).
    pub fn reinspect(&mut self) {
        if !self.pinned {
            self.at = (self.clock)();
        }
        let Some(entry) = self.current.and_then(|i| self.history.get(i)) else {
            self.shown = Shown::default();
            return;
        };
        let text = match &self.edit {
            Some(edit) => match &edit.token {
                Ok(token) => token,
                Err(e) => {
                    self.shown = Shown {
                        error: Some(format!("EDITED token not signed: {e}")),
                        ..Shown::default()
                    };
                    self.clamp_all();
                    return;
                }
            },
            None => &entry.text,
        };
        // Configured campaigns: the one whose id is the token's campaignId, or the only one
        // (as `inspect --campaign FILE` would check it); the core picks it.
        let opts = Options {
            at: self.at,
            skew: self.skew,
            campaigns: self.campaigns.clone(),
            max_pbes2_count: self.max_pbes2_count,
            ..Options::default()
        };
        let (insp, error) = match inspect_text(text, &self.ring, &opts) {
            Ok(i) => (Some(i), None),
            Err(InspectError::Intake(e)) => (None, Some(e.to_string())),
            Err(InspectError::Malformed { error, partial }) => {
                (Some(*partial), Some(error.to_string()))
            }
        };
        self.campaign = insp
            .as_ref()
            .and_then(|i| configured_campaign(&self.campaigns, i.tally.campaign_id.as_deref()))
            .map(|c| c.id.clone());
        let display = self.time_display;
        self.shown = Shown {
            header_lines: insp.as_ref().map(header_lines).unwrap_or_default(),
            payload_lines: insp
                .as_ref()
                .map(|i| retime(payload_lines(i, self.at), i, self.at, display))
                .unwrap_or_default(),
            insp,
            error,
            ..Shown::default()
        };
        self.refresh_visible();
    }

    /// Recompute the visible lines after an inspection or a fold.
    pub fn refresh_visible(&mut self) {
        self.shown.header_visible = fold::visible(&self.shown.header_lines, &self.folded[0]);
        self.shown.payload_visible = fold::visible(&self.shown.payload_lines, &self.folded[1]);
        self.clamp_all();
    }

    /// Fold or unfold, in the focused Header or Payload pane, the object at the cursor line
    /// (or the innermost object holding that line).
    fn toggle_fold(&mut self) {
        let (slot, lines, shown) = match self.focus {
            Pane::Header if self.edit.is_none() => {
                (0, &self.shown.header_lines, &self.shown.header_visible)
            }
            Pane::Payload => (1, &self.shown.payload_lines, &self.shown.payload_visible),
            _ => {
                self.info("folding works in the Header and Payload panes (Tab to focus one)");
                return;
            }
        };
        let at = self.cursor[slot];
        let Some(target) = shown.get(at).and_then(|i| fold::target(lines, *i)) else {
            self.info("nothing to fold here");
            return;
        };
        let set = &mut self.folded[slot];
        if !set.remove(&target) {
            set.insert(target.clone());
        }
        self.refresh_visible();
        // The cursor stays on the folded (or unfolded) line, in view.
        let lines = if slot == 0 {
            (&self.shown.header_lines, &self.shown.header_visible)
        } else {
            (&self.shown.payload_lines, &self.shown.payload_visible)
        };
        if let Some(i) = lines.1.iter().position(|i| lines.0[*i].pointer == target) {
            self.cursor[slot] = i;
            self.cursor_in_view(self.focus, true);
        }
    }
}

/// An instant as the `time_display` setting asks: UTC (RFC 3339), local time, or both.
pub fn format_instant(secs: i64, display: TimeDisplay) -> String {
    let local = || {
        chrono::DateTime::from_timestamp(secs, 0)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S%:z")
                    .to_string()
            })
            .unwrap_or_else(|| crate::time::rfc3339(secs))
    };
    match display {
        TimeDisplay::Utc => crate::time::rfc3339(secs),
        TimeDisplay::Local => local(),
        TimeDisplay::Both => format!("{} / {}", crate::time::rfc3339(secs), local()),
    }
}

/// The status bar's shorter form: with `both`, the local time of day only (the date is the
/// UTC one's, give or take the offset shown).
pub fn format_instant_short(secs: i64, display: TimeDisplay) -> String {
    match display {
        TimeDisplay::Both => {
            let local = chrono::DateTime::from_timestamp(secs, 0)
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%H:%M%:z")
                        .to_string()
                })
                .unwrap_or_default();
            format!("{} / {local}", crate::time::rfc3339(secs))
        }
        other => format_instant(secs, other),
    }
}

/// Time-claim notes in the local time zone (or both) when the settings ask for it.
fn retime(
    mut lines: Vec<JsonLine>,
    insp: &Inspection,
    at: i64,
    display: TimeDisplay,
) -> Vec<JsonLine> {
    if display == TimeDisplay::Utc {
        return lines;
    }
    let Some(payload) = &insp.payload else {
        return lines;
    };
    for line in lines.iter_mut().filter(|l| l.depth == 1) {
        if !matches!(
            line.pointer.as_str(),
            "/exp" | "/nbf" | "/iat" | "/auth_time"
        ) {
            continue;
        }
        let Some(secs) = payload.pointer(&line.pointer).and_then(|v| v.as_i64()) else {
            continue;
        };
        for (tok, text) in line.parts.iter_mut() {
            if *tok == Tok::Note && !text.contains("milliseconds") {
                *text = format!(
                    "  // {} ({})",
                    format_instant(secs, display),
                    crate::time::relative(secs, at)
                );
            }
        }
    }
    lines
}

static FIXED_AT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

pub(crate) fn reload(
    store: &Store,
    cache: &std::path::Path,
    ring: &mut KeyRing,
) -> Result<Vec<String>, String> {
    let (r, warnings) = keys::load_ring(store, &[], cache).map_err(|e| e.to_string())?;
    *ring = r;
    Ok(warnings)
}

pub(crate) fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// `cur + delta` clamped to `0..=max`.
fn step(cur: usize, delta: i64, max: usize) -> usize {
    (cur as i64).saturating_add(delta).clamp(0, max as i64) as usize
}

fn note_line(text: String) -> JsonLine {
    JsonLine {
        depth: 0,
        pointer: "#".to_string(),
        opens: false,
        parts: vec![(Tok::Note, text)],
    }
}

/// Header pane: every layer's protected header, outer first, with full pointers.
fn header_lines(insp: &Inspection) -> Vec<JsonLine> {
    let mut out = Vec::new();
    let several = insp.layers.len() > 1;
    if insp.layers.is_empty() {
        let v = serde_json::Value::Object(insp.header.clone());
        out.extend(prefixed(json_lines(&v, None), "/header"));
        return out;
    }
    for (i, layer) in insp.layers.iter().enumerate() {
        if several {
            let kind = layer.kind.label();
            out.push(note_line(format!("// layer {}: {kind}", i + 1)));
        }
        let prefix = if i == 0 {
            "/header".to_string()
        } else {
            format!("/layers/{i}/header")
        };
        let v = serde_json::Value::Object(layer.header.clone());
        out.extend(prefixed(json_lines(&v, None), &prefix));
    }
    out
}

fn prefixed(lines: Vec<JsonLine>, prefix: &str) -> Vec<JsonLine> {
    lines
        .into_iter()
        .map(|mut l| {
            l.pointer = format!("{prefix}{}", l.pointer);
            l
        })
        .collect()
}

fn payload_lines(insp: &Inspection, at: i64) -> Vec<JsonLine> {
    if let Some(v) = &insp.payload {
        return json_lines(v, Some(at));
    }
    let text_lines = |text: &str, tok: Tok| -> Vec<JsonLine> {
        text.lines()
            .map(|l| JsonLine {
                depth: 0,
                pointer: "#".to_string(),
                opens: false,
                parts: vec![(tok, crate::escape::line(l).into_owned())],
            })
            .collect()
    };
    match &insp.payload_view {
        PayloadView::Json => Vec::new(),
        PayloadView::Text { text } => {
            let mut v = vec![note_line("// not JSON: the payload as text".into())];
            v.extend(text_lines(text, Tok::Str));
            v
        }
        PayloadView::Binary { hex } => {
            let mut v = vec![note_line("// neither JSON nor text: hex".into())];
            v.extend(
                hex.as_bytes()
                    .chunks(64)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .map(|l| JsonLine {
                        depth: 0,
                        pointer: "#".into(),
                        opens: false,
                        parts: vec![(Tok::Num, l)],
                    }),
            );
            v
        }
        PayloadView::Unavailable { reason } => vec![note_line(format!("// {reason}"))],
    }
}

#[cfg(test)]
mod tests;
