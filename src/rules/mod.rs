//! The rules engine: RULES.md as pure functions of the decoded token, the layers' outcome,
//! the evaluation instant and the optional campaign file.
//!
//! CONTRACT (the core calls `evaluate` and serialises `Verdict` under `verdict` in
//! `inspect --json`): the types below are shared with the core; their fields may grow.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::profile::{Profile, ProfileChoice};
use crate::report::{Finding, KeyFacts, Layer, TokenKind};

pub mod campaign;

pub use campaign::Campaign;

/// `crit` extensions tokenscope understands (RFC 7515 4.1.11): anything else listed in `crit`
/// makes the JWS invalid. `b64` is RFC 7797 (unencoded payload), which the jose glue implements.
pub const UNDERSTOOD_CRIT: &[&str] = &["b64"];

/// What the JWE plaintext turned out to be (Qualifio wants a nested JWS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaintextKind {
    /// A compact JWS: opened and verified in turn.
    NestedJws,
    /// Bare JSON claims.
    Json,
    /// Anything else.
    Other,
}

/// Facts about the key ring that some rules need (never key material).
#[derive(Debug, Clone, Default)]
pub struct KeyringFacts {
    /// How many usable keys carry each profile tag.
    pub xtremepush_keys: usize,
    pub qualifio_keys: usize,
    pub adictiz_keys: usize,
}

/// Everything the rules look at. Built by the core after decoding and verification.
#[derive(Debug, Clone)]
pub struct RuleInput<'a> {
    pub requested: ProfileChoice,
    /// Outermost serialisation.
    pub kind: TokenKind,
    /// Outermost protected header (`/header/...` pointers refer to it).
    pub header: &'a Map<String, Value>,
    /// Header of the JWS that carries the claims (the inner JWS of a nested token, or the
    /// outer header for a plain JWS); None when no JWS header was read.
    pub jws_header: Option<&'a Map<String, Value>>,
    /// Outer to inner, with statuses, attempts and the facts of the key that opened each.
    pub layers: &'a [Layer],
    /// Innermost claims when they are JSON.
    pub payload: Option<&'a Value>,
    /// For a JWE that decrypted: what its plaintext was.
    pub jwe_plaintext: Option<PlaintextKind>,
    /// JSON pointers of duplicate member names: `/header/alg`, `/limit/nb` (payload members
    /// use plain pointers, header members are prefixed with `/header`).
    pub duplicates: &'a [String],
    /// The key that verified the claims-carrying JWS, if any.
    pub verified_by: Option<&'a KeyFacts>,
    pub keyring: &'a KeyringFacts,
    /// Evaluation instant (unix seconds) and allowed clock skew (seconds).
    pub at: i64,
    pub skew: i64,
    pub campaign: Option<&'a Campaign>,
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
    pub participation: Participation,
    pub win: Win,
    /// The rows of RULES.md's tables that decided each outcome.
    pub path: Vec<String>,
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
            path: Vec::new(),
        }
    }
}

/// What the rules concluded.
#[derive(Debug, Clone)]
pub struct RulesOutcome {
    pub profile: Profile,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
}

/// Apply the generic rules and the chosen (or detected) profile's rules.
pub fn evaluate(input: &RuleInput<'_>) -> RulesOutcome {
    let profile = match input.requested {
        ProfileChoice::Fixed(p) => p,
        ProfileChoice::Auto => Profile::Generic,
    };
    RulesOutcome {
        profile,
        findings: Vec::new(),
        verdict: Verdict::standard(profile),
    }
}
