//! The TUI's state: the `App` and everything it holds, the `Action`s that change it and the
//! `Effect`s it asks of the event loop. The view reads it; only `App::update` (in `app`)
//! changes it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use zeroize::Zeroizing;

pub use super::action::{Action, EditCmd, Effect, Pane};
use super::edit::Edit;
use super::edit::json_editor::TextEditor;
use super::fold::Visible;
use super::keymap::KeyMap;
use super::theme::Theme;
use crate::cli::{GenType, TimeDisplay};
use crate::export::ExportFormat;
use crate::json_lines::JsonDoc;
use crate::keys::{KeyRing, SecretEncoding, Store};
use crate::report::Inspection;
use crate::rules::Campaign;
use crate::rules::checklist::ClaimCheck;
use crate::time::Clock;

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
    /// The log browser's filter (text any column holds).
    BrowseFilter,
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
            PromptKind::BrowseFilter => {
                "Show the rows holding every word (text, or finding:ID, campaign=ID, !verdict:accepted…; empty = all)"
            }
        }
    }
}

/// A popup over the main view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
    /// Which token of a paste holding several to show.
    Pick {
        sel: usize,
        rows: Vec<PickRow>,
    },
    None,
    Help,
    /// Details of the selected finding.
    Detail,
    Prompt {
        kind: PromptKind,
        input: String,
    },
    /// Leave edit mode though the edited copy has changes?
    ConfirmLeaveEdit,
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
    /// Edit mode with no token: the `sign --template` templates, which one is selected.
    Templates {
        sel: usize,
    },
    /// How a pasted secret is written (utf8, base64, base64url, hex): the last step of
    /// adding one.
    Encoding(EncodingMenu),
}

/// The encoding menu of a pasted secret: what each encoding makes of the text, and what the
/// current token needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingMenu {
    pub name: String,
    pub material: Zeroizing<String>,
    pub rows: Vec<EncodingRow>,
    pub sel: usize,
    /// The key length the current token's unopened JWE needs, with what sets it (`A256GCM`
    /// for `dir`, the alg for a key wrap).
    pub need: Option<(String, usize)>,
}

/// One way to read a pasted secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingRow {
    pub encoding: SecretEncoding,
    /// The bytes it gives, or why the text does not decode.
    pub bytes: Result<usize, String>,
    /// Those bytes open a layer of the current token that no stored key opens.
    pub opens: bool,
}

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
    /// Which of the tokens in `text` is shown (0: the first; the picker chooses another).
    pub index: usize,
}

/// One token of a paste that holds several (the picker's rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickRow {
    /// JWS or JWE, by the number of segments.
    pub kind: &'static str,
    /// The header's `alg` (and `enc`), or why the header does not read.
    pub alg: String,
    /// The token's first characters.
    pub preview: String,
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

/// What is shown for the current token, computed once per inspection (and, when the clock
/// moves, only its time notes and messages again: see `App::tick`).
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub insp: Option<Inspection>,
    /// Intake or decoding error.
    pub error: Option<String>,
    /// Header pane lines; pointers are full (`/header/alg`, `/layers/1/header/kid`).
    pub header: JsonDoc,
    pub payload: JsonDoc,
    /// The lines shown (folded objects hidden), for each pane.
    pub header_visible: Visible,
    pub payload_visible: Visible,
    /// The Verdict pane's required claims (`rules::checklist::claim_checks`), worked out
    /// once: the pane is laid out for every frame and key.
    pub checks: Vec<ClaimCheck>,
    /// The token is printable ASCII (`widgets::token::plain`): its rows are slices.
    pub token_plain: bool,
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
    pub clock: Clock,
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
    /// Run jobs on worker threads (`Effect::Run`): the event loop does; tests run them in
    /// `update`.
    pub background: bool,
    /// Jobs queued and not yet done.
    pub pending: usize,
    /// The fold cursor of Header and Payload: an index into their visible lines. The
    /// movement keys move it (the view follows); folding acts on its line.
    pub cursor: [usize; 2],
    /// The log browser (`tokenscope --batch FILE`), when one is open.
    pub browser: Option<super::browser::Browser>,
    /// The `--campaign` file's campaign: the log browser checks every token against it and
    /// counts its winning tokens against its prizes.
    pub campaign_file: Option<Campaign>,
    /// The pinned token (`P`), compared with the token shown.
    pub pin: Option<super::pin::Pin>,
    /// Log browsers opened so far (the next one's number).
    pub browsers: u64,
    /// Inspections of the token shown so far. A tick re-inspects only when the instant
    /// crosses a time rule's boundary (`App::tick`); tests count them.
    pub inspections: u64,
}

/// What the view reads.
impl App {
    /// The log browser's list fills the screen (no row of it is open in the panes).
    pub fn browsing(&self) -> bool {
        self.browser.as_ref().is_some_and(|b| !b.opened)
    }

    /// The diff view fills the screen: a token is pinned, another is shown, both were read,
    /// and `D` did not turn the view back to the panes.
    pub fn diff_shown(&self) -> bool {
        !self.browsing()
            && self
                .pin
                .as_ref()
                .is_some_and(|p| p.view && p.compared.is_some())
    }

    /// Whether the view changes with the clock: a token evaluated at "now" (its verdict, the
    /// status bar's instant and the time claims' "in 5 minutes" move each second). The event
    /// loop sends `Action::Tick` every second only then, so an idle view uses no CPU.
    pub fn ticking(&self) -> bool {
        !self.pinned && self.shown.insp.is_some() && !self.browsing()
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

    /// Header/Payload slot of `cursor` and `folded`.
    pub(crate) fn json_slot(p: Pane) -> usize {
        usize::from(p != Pane::Header)
    }

    /// The fold cursor of a JSON pane, if it is one (index into its visible lines).
    pub fn cursor_of(&self, p: Pane) -> Option<usize> {
        match p {
            Pane::Header | Pane::Payload => Some(self.cursor[Self::json_slot(p)]),
            _ => None,
        }
    }
}
