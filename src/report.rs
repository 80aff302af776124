//! The Inspection value: what `inspect` prints and the TUI shows.
//!
//! Member names serialised here are a contract (`inspect --json`): add, never rename. A batch's
//! JSON Lines record writes the members of `Inspection` and `Layer` itself
//! (`inspect::record`, from the borrowed evaluation): its tests compare the two, so a member
//! added here and not there fails them.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::profile::Profile;

/// How bad a finding is (RULES.md preamble).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The platform would reject the token or misbehave.
    Error,
    /// Works, but risky or against a recommendation.
    Warning,
    /// Explains an outcome.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One rule outcome worth telling the user about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable dotted id, e.g. `qualifio.limit.canplay_type`.
    pub id: String,
    pub severity: Severity,
    /// JSON pointer of the claim: `/limit/canPlay`, or `/header/alg` for header members;
    /// empty when the finding is about the token as a whole.
    pub claim: String,
    /// One line a support agent can paste into a ticket.
    pub message: String,
    /// Document title and section, or RFC and section.
    pub source: String,
    /// Only on the last finding of an id that occurred more than
    /// [`crate::limits::MAX_FINDINGS_PER_ID`] times in the token: how many findings of that
    /// id were left out (this one stands for them, its message says so).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<usize>,
}

impl Finding {
    pub fn new(
        id: impl Into<String>,
        severity: Severity,
        claim: impl Into<String>,
        message: impl Into<String>,
        source: impl Into<String>,
    ) -> Self {
        Finding {
            id: id.into(),
            severity,
            claim: claim.into(),
            message: message.into(),
            source: source.into(),
            more: None,
        }
    }

    /// How many findings this one counts for: itself, or those it stands for.
    pub fn weight(&self) -> usize {
        self.more.unwrap_or(1)
    }
}

/// The serialisation a layer (or the whole token) uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Jws,
    Jwe,
}

impl TokenKind {
    /// `JWS` or `JWE`, as reports and the interactive view name it.
    pub fn label(self) -> &'static str {
        match self {
            TokenKind::Jws => "JWS",
            TokenKind::Jwe => "JWE",
        }
    }
}

/// Outcome of one layer. JWS: valid | invalid | unverified | unsupported;
/// JWE: decrypted | failed | no_key | unsupported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerStatus {
    Valid,
    Invalid,
    Unverified,
    Unsupported,
    Decrypted,
    Failed,
    NoKey,
}

impl LayerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LayerStatus::Valid => "valid",
            LayerStatus::Invalid => "invalid",
            LayerStatus::Unverified => "unverified",
            LayerStatus::Unsupported => "unsupported",
            LayerStatus::Decrypted => "decrypted",
            LayerStatus::Failed => "failed",
            LayerStatus::NoKey => "no_key",
        }
    }

    /// True when the layer verified or decrypted.
    pub fn is_ok(self) -> bool {
        matches!(self, LayerStatus::Valid | LayerStatus::Decrypted)
    }

    /// True when the layer positively failed (as opposed to: could not be checked).
    pub fn is_failure(self) -> bool {
        matches!(self, LayerStatus::Invalid | LayerStatus::Failed)
    }
}

/// What happened when one key was tried on a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptResult {
    /// The signature verified / the JWE decrypted with this key.
    Verified,
    /// Right kind of key, but the signature or tag did not match.
    Mismatch,
    /// The key cannot serve this alg (e.g. an EC key for RS256).
    WrongType,
    /// The token's `kid` names another key.
    KidMismatch,
    /// The key's allowed algs exclude this alg.
    AlgNotAllowed,
    /// An RSA/EC/OKP public key offered for an HS* token: refused (algorithm confusion).
    PublicKeyAsHmacRefused,
    /// A secret whose bytes are a public or private key (PEM, DER, JWK): never used.
    SecretIsKey,
    /// The key could not be loaded or the library refused it.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// Key name (or file) as the user knows it.
    pub key: String,
    pub result: AttemptResult,
    /// Human detail (never secret material).
    pub detail: String,
}

/// Facts about a key that the rules need (never the material itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyFacts {
    /// Key name (or file) as the user knows it.
    pub name: String,
    /// `hmac`, `rsa`, `ec`, `okp`, `oct` ... see keys::KeyType::as_str.
    pub key_type: &'static str,
    /// Public or private half, or a shared secret.
    pub visibility: &'static str,
    /// Profile tag of the stored key, if any.
    pub profile: Option<crate::Profile>,
    /// The key came from a JWKS (file or endpoint).
    pub from_jwks: bool,
    /// The key was given as PKCS#1 (`BEGIN RSA PUBLIC KEY` / `BEGIN RSA PRIVATE KEY`).
    pub pkcs1: bool,
    /// Secret length in bytes (HMAC / dir keys only).
    pub secret_len: Option<usize>,
    /// The `kid` the key carries, if any.
    pub kid: Option<String>,
    /// An RSA key's modulus size in bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rsa_bits: Option<u32>,
}

/// One layer of the token, outer to inner.
#[derive(Debug, Clone, Serialize)]
pub struct Layer {
    pub kind: TokenKind,
    pub alg: Option<String>,
    /// JWE only (serialised as null for a JWS).
    pub enc: Option<String>,
    pub kid: Option<String>,
    pub status: LayerStatus,
    /// Name (or file) of the key used, or null.
    pub key: Option<String>,
    /// Facts about the key that verified/decrypted this layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_facts: Option<KeyFacts>,
    /// Every key tried and why it did or did not fit.
    pub attempts: Vec<Attempt>,
    /// Why the status is what it is, in one line.
    pub detail: String,
    /// This layer's protected header.
    pub header: Map<String, Value>,
    /// The layer's payload (JWS) or plaintext (JWE) as UTF-8 text, when it was read and is
    /// text: byte for byte what the token carries.
    pub content: Option<String>,
    /// The only key that verified or decrypted carries another `kid` than the token's, where
    /// `kid` selects the key (not serialised: the attempts say it).
    #[serde(skip)]
    pub kid_mismatch: bool,
}

/// What the innermost payload turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PayloadView {
    /// A JSON value (claims object, or any other JSON).
    Json,
    /// Not JSON, but valid UTF-8 text.
    Text { text: String },
    /// Neither JSON nor UTF-8: hex dump.
    Binary { hex: String },
    /// Could not be read (JWE not decrypted, or the segment did not decode).
    Unavailable { reason: String },
}

/// `verdict.participation.outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipationOutcome {
    Standard,
    Allowed,
    Limited,
    Blocked,
    Invalid,
}

impl ParticipationOutcome {
    /// The name as serialised (`standard`, `blocked`...).
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipationOutcome::Standard => "standard",
            ParticipationOutcome::Allowed => "allowed",
            ParticipationOutcome::Limited => "limited",
            ParticipationOutcome::Blocked => "blocked",
            ParticipationOutcome::Invalid => "invalid",
        }
    }
}

/// `verdict.win.outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WinOutcome {
    Standard,
    GivenPrize,
    AnyPrize,
    CannotWin,
    Invalid,
}

impl WinOutcome {
    /// The name as serialised (`given_prize`, `cannot_win`...).
    pub fn as_str(self) -> &'static str {
        match self {
            WinOutcome::Standard => "standard",
            WinOutcome::GivenPrize => "given_prize",
            WinOutcome::AnyPrize => "any_prize",
            WinOutcome::CannotWin => "cannot_win",
            WinOutcome::Invalid => "invalid",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub outcome: ParticipationOutcome,
    pub nb: Option<i64>,
    pub nb_ignored: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Win {
    pub outcome: WinOutcome,
    pub label: Option<String>,
    pub label_ignored: bool,
}

/// `verdict`: the platform outcomes and the table rows that decided them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub profile: Profile,
    /// Why this profile applies (`--profile`, a payload member, the verifying key's tag...).
    pub profile_reason: Cow<'static, str>,
    pub participation: Participation,
    pub win: Win,
    /// The rows of RULES.md's tables (and type rules) that decided the profile and each
    /// outcome, in that order: `{table, row, text}` with `row` 0-based in `tables`.
    pub path: Vec<PathStep>,
}

impl Verdict {
    /// The verdict of a token no rule looked at (standard outcomes).
    pub fn standard(profile: Profile) -> Self {
        Verdict {
            profile,
            participation: Participation {
                outcome: ParticipationOutcome::Standard,
                nb: None,
                nb_ignored: false,
            },
            win: Win {
                outcome: WinOutcome::Standard,
                label: None,
                label_ignored: false,
            },
            profile_reason: Cow::Borrowed(""),
            path: Vec::new(),
        }
    }
}

/// One step of `verdict.path`: which row of which table decided (part of) the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    /// `profile`, `participation`, `participation_rules`, `win` or `win_rules`.
    pub table: &'static str,
    /// 0-based row of that table (`PROFILE_ROWS`, `PARTICIPATION_ROWS`, ...).
    pub row: usize,
    /// The row in words.
    pub text: Cow<'static, str>,
}

impl PathStep {
    pub fn new(table: &'static str, row: usize, text: impl Into<Cow<'static, str>>) -> Self {
        PathStep {
            table,
            row,
            text: text.into(),
        }
    }
}

/// Everything tokenscope learned about one token: the value `inspect` prints and the TUI shows.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// Outermost serialisation.
    pub kind: TokenKind,
    /// What intake removed around the token (`Bearer prefix`, `url parameter 'qual_token'`...).
    pub stripped: Vec<String>,
    /// The compact token as inspected, after intake.
    pub token: String,
    /// Raw segments of the outer compact token, for display.
    pub segments: Vec<String>,
    /// Outer protected header.
    pub header: Map<String, Value>,
    /// Innermost claims (any JSON value), or null when unreadable or not JSON.
    pub payload: Option<Value>,
    /// How the innermost payload reads when it is not JSON.
    pub payload_view: PayloadView,
    /// Outer to inner.
    pub layers: Vec<Layer>,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
    /// Every layer verified/decrypted and no `error` finding.
    pub accepted: bool,
    /// Accepted, rejected or not verified, as the rules decide it from the layers and the
    /// findings (`rules::overall`); not serialised (`accepted` and the findings say it).
    #[serde(skip)]
    pub overall: Overall,
    /// The evaluation instant, unix seconds and RFC 3339.
    pub evaluated_at: i64,
    pub evaluated_at_rfc3339: String,
    pub skew: i64,
    /// What batch summaries count, read from the claims (not serialised).
    #[serde(skip)]
    pub tally: Tally,
}

/// The claims a batch summary tallies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// `campaignId` as text (a number as written).
    pub campaign_id: Option<String>,
    /// `gift.cw` is `true` (001 "Manage prizes").
    pub winning: bool,
}

impl Inspection {
    /// Overall state, as the status bar and exit code see it.
    pub fn overall(&self) -> Overall {
        self.overall
    }
}

/// The one-word verdict: ACCEPTED / REJECTED / NOT VERIFIED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    Accepted,
    Rejected,
    NotVerified,
}

impl Overall {
    pub fn label(self) -> &'static str {
        match self {
            Overall::Accepted => "ACCEPTED",
            Overall::Rejected => "REJECTED",
            Overall::NotVerified => "NOT VERIFIED",
        }
    }
}

/// A token's fingerprint for logs and reports: the first 8 bytes of its SHA-256, in hex. Enough to
/// match two log lines about one token; nothing of the token can be read from it.
pub fn token_fingerprint(token: &str) -> String {
    let digest = openssl::sha::sha256(token.as_bytes());
    format!("sha256:{}", crate::text::hex(&digest[..8]))
}
