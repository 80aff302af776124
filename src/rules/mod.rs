//! The rules engine: RULES.md as pure functions of the decoded token, the layers' outcome,
//! the evaluation instant and the optional campaign file.
//!
//! CONTRACT (the core calls `evaluate` and serialises `Verdict` under `verdict` in
//! `inspect --json`): the types below are shared with the core; their fields may grow.
//!
//! Layout: `generic` (RULES.md section 2, every profile), `qualifio`, `adictiz`, `xtremepush`
//! (sections 3 to 5), `campaign` (section 6: the file format and the checks against it),
//! `tables` (the two outcome tables as data, their text rendering), `checklist` (the
//! required claims of each profile, for the TUI),
//! `ids` (every finding kind: id, severity, claim, meaning, source), `text` (pointers,
//! value rendering, instants).
//!
//! Pointers: payload members are plain JSON pointers (`/limit/canPlay`); members of the
//! outermost header are `/header/<name>`; members of an inner header (the JWS inside a JWE)
//! are `/layers/<i>/header/<name>`, `i` being the layer's index in `Inspection.layers`.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::token::tree::{Json, Object};

use crate::keys::KeyringFacts;
use crate::limits::MAX_FINDINGS_PER_ID;
use crate::profile::{Profile, ProfileChoice};
use crate::report::{Finding, KeyFacts, Layer, TokenKind};

mod acceptance;
pub mod adictiz;
pub mod campaign;
pub mod checklist;
pub mod generic;
pub mod ids;
pub mod qualifio;
pub mod tables;
pub mod text;
pub mod xtremepush;

pub use acceptance::overall;
pub use campaign::{Campaign, CampaignError, SignatureMethod};
pub use checklist::{ChecklistItem, checklist};
// The verdict is part of the Inspection, so its types live in report; the rules produce it.
pub use crate::report::{Participation, ParticipationOutcome, PathStep, Verdict, Win, WinOutcome};
pub use ids::{ALL as FINDING_KINDS, RuleSpec};
pub use tables::{
    PARTICIPATION_ROWS, PARTICIPATION_RULES, PROFILE_ROWS, ParticipationRow, ProfileRow, TypeRule,
    WIN_ROWS, WIN_RULES, WinRow, render_tables,
};

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

/// What the core learned about the token as a whole that the acceptance rules need
/// (RULES.md section 2, "Acceptance fails closed" and "Where the token was found").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenFacts {
    /// The token is a JWT: a `typ`/`cty` says so, a platform profile applies, or the payload
    /// starts with `{` or `[`. Its claims must then read as a JSON object.
    pub is_jwt: bool,
    /// Why the claims of a JWT did not read as JSON (the rules ran on what could be read).
    pub claims_problem: Option<String>,
    /// The index of the layer whose content is a token nested past the depth limit.
    pub too_deep: Option<usize>,
    /// The URL parameter whose value swallowed the token's parameter (a second `?`).
    pub swallowed_by: Option<String>,
    /// How many other tokens the pasted text holds.
    pub other_tokens: usize,
    /// Which of them is inspected (0-based; `--index` picks another than the first).
    pub token_index: usize,
    /// The token was found in a Qualifio `setMetaData` call (002).
    pub set_meta_data: bool,
    /// The div ids of a `createIframe` tag and a `setMetaData` call in the same text, when
    /// they differ.
    pub div_mismatch: Option<(String, String)>,
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
    pub payload: Option<&'a Json<'a>>,
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
    /// The token as a whole: is it a JWT, did its claims read, where was it found.
    pub facts: &'a TokenFacts,
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
    let choice = select_profile(input);
    let profile = choice.profile;
    let mut verdict = Verdict::standard(profile);
    verdict.profile_reason = choice.reason;
    verdict.path.push(PathStep::new(
        tables::TABLE_PROFILE,
        choice.row,
        choice.step,
    ));
    let mut ctx = Ctx::new(input, profile);
    generic::check(&mut ctx);
    qualifio::channel(&mut ctx);
    match profile {
        Profile::Qualifio => qualifio::check(&mut ctx, &mut verdict),
        Profile::Adictiz => adictiz::check(&mut ctx),
        Profile::Xtremepush => xtremepush::check(&mut ctx),
        Profile::Generic => {}
    }
    campaign::check(&mut ctx, &verdict);
    // A JWE nothing decrypted, with a qualifio-tagged key stored: Qualifio's dir/enc rules
    // still say why the platform would not open it either.
    if profile != Profile::Qualifio
        && input.kind == TokenKind::Jwe
        && input.keyring.qualifio_keys > 0
        && input.layers.first().is_some_and(|l| !l.status.is_ok())
    {
        qualifio::encryption(&mut ctx);
    }
    // Last: a failed layer gets its own finding only when no rule above explained it.
    acceptance::check(&mut ctx);
    if profile == Profile::Qualifio {
        cite_unhappy_flows(&mut ctx.findings);
    }
    RulesOutcome {
        profile,
        findings: ctx.into_findings(),
        verdict,
    }
}

/// Findings that 002 "Unhappy flows" covers (an invalid, missing or expired token), which
/// also cite it under the qualifio profile.
const UNHAPPY_FLOWS: &[&str] = &[
    ids::GENERIC_EXP_EXPIRED.id,
    ids::GENERIC_NBF_NOT_YET_VALID.id,
    ids::GENERIC_ALG_NONE.id,
    ids::GENERIC_ALG_CONFUSION.id,
    ids::GENERIC_SIGNATURE_INVALID.id,
    ids::GENERIC_KID_MISMATCH.id,
    ids::GENERIC_JWE_DECRYPTION_FAILED.id,
    ids::GENERIC_CLAIMS_UNREADABLE.id,
];

fn cite_unhappy_flows(findings: &mut [Finding]) {
    for f in findings
        .iter_mut()
        .filter(|f| UNHAPPY_FLOWS.contains(&f.id.as_str()))
    {
        f.source
            .push_str("; Qualifio \"Share information at the campaign load\", Unhappy flows");
    }
}

/// The profile applied and why (RULES.md section 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSelection {
    pub profile: Profile,
    /// Row of `PROFILE_ROWS` that chose it.
    pub row: usize,
    pub reason: Cow<'static, str>,
    /// The verdict path's step: `profile: reason`.
    pub step: Cow<'static, str>,
}

/// Members whose presence in the payload means a Qualifio secure token (RULES.md section 1).
pub const QUALIFIO_MARKERS: &[&str] = &["campaignId", "limit", "gift"];

/// A choice whose reason is fixed text, as (profile, reason, path step): spelled out whole so
/// that the common choices (every token of a Qualifio batch) format no text.
macro_rules! fixed_choice {
    ($profile:ident, $name:literal, $reason:expr) => {
        (Profile::$profile, $reason, concat!($name, ": ", $reason))
    };
}
macro_rules! marker_choice {
    ($marker:literal) => {
        (
            $marker,
            fixed_choice!(
                Qualifio,
                "qualifio",
                concat!("the payload has '", $marker, "'")
            ),
        )
    };
}

/// [`QUALIFIO_MARKERS`], each with its choice.
const MARKER_CHOICES: [(&str, (Profile, &str, &str)); 3] = [
    marker_choice!("campaignId"),
    marker_choice!("limit"),
    marker_choice!("gift"),
];

/// `--profile`, for each profile.
const CHOSEN_WITH_FLAG: [(Profile, &str, &str); 4] = [
    fixed_choice!(Generic, "generic", "chosen with --profile"),
    fixed_choice!(Qualifio, "qualifio", "chosen with --profile"),
    fixed_choice!(Adictiz, "adictiz", "chosen with --profile"),
    fixed_choice!(Xtremepush, "xtremepush", "chosen with --profile"),
];

/// Nothing chose a platform.
const NOTHING_CHOSEN: (Profile, &str, &str) = fixed_choice!(
    Generic,
    "generic",
    "no platform claim and no tagged verifying key"
);

/// RULES.md section 1: an explicit `--profile` wins; in auto mode the campaign file's profile
/// (an explicit statement by the user about this campaign), then the payload (Qualifio
/// members, then any case variant of `partnerUserID`, since a miscased id is precisely what
/// the Adictiz rules must then report), then the verifying key's profile tag (the only way
/// to reach xtremepush besides `--profile`), else generic.
pub fn select_profile(input: &RuleInput<'_>) -> ProfileSelection {
    let fixed = |(profile, reason, step): (Profile, &'static str, &'static str)| ProfileSelection {
        profile,
        row: tables::profile_row(profile),
        reason: Cow::Borrowed(reason),
        step: Cow::Borrowed(step),
    };
    let pick = |profile: Profile, reason: String| ProfileSelection {
        profile,
        row: tables::profile_row(profile),
        step: Cow::Owned(format!("{profile}: {reason}")),
        reason: Cow::Owned(reason),
    };
    if let ProfileChoice::Fixed(p) = input.requested {
        return CHOSEN_WITH_FLAG
            .into_iter()
            .find(|c| c.0 == p)
            .map(fixed)
            .unwrap_or_else(|| pick(p, String::from("chosen with --profile")));
    }
    if let Some(c) = input.campaign
        && let Some(p) = c.profile
    {
        return pick(
            p,
            format!(
                "profile of the campaign file (campaign {})",
                text::quote(&c.id)
            ),
        );
    }
    if let Some(Json::Object(claims)) = input.payload
        && let Some(choice) = claims_choice(claims)
    {
        return match choice {
            ClaimsChoice::Marker(choice) => fixed(choice),
            ClaimsChoice::PartnerUserId(m) => {
                pick(Profile::Adictiz, format!("the payload has '{m}'"))
            }
            ClaimsChoice::QualifioCase(k, m) => pick(
                Profile::Qualifio,
                format!("the payload has '{k}' (a case variant of '{m}')"),
            ),
        };
    }
    if let Some(k) = input.verified_by
        && let Some(p) = k.profile
    {
        return pick(p, format!("profile tag of the verifying key '{}'", k.name));
    }
    fixed(NOTHING_CHOSEN)
}

/// The payload member that selects a profile in auto mode.
enum ClaimsChoice<'c> {
    /// A Qualifio member: the fixed choice that names it.
    Marker((Profile, &'static str, &'static str)),
    /// A case variant of a Qualifio member (`CampaignId`), as written, and the member.
    QualifioCase(&'c str, &'static str),
    /// A case variant of `partnerUserID` (Adictiz), as written.
    PartnerUserId(&'c str),
}

/// RULES.md section 1, from the claims: Qualifio members, then any case variant of
/// `partnerUserID`.
fn claims_choice<'c>(claims: &'c Object<'_>) -> Option<ClaimsChoice<'c>> {
    if let Some((_, choice)) = MARKER_CHOICES.iter().find(|(m, _)| claims.contains_key(m)) {
        return Some(ClaimsChoice::Marker(*choice));
    }
    for marker in QUALIFIO_MARKERS {
        if let Some(k) = claims.keys().find(|k| k.eq_ignore_ascii_case(marker)) {
            return Some(ClaimsChoice::QualifioCase(k, marker));
        }
    }
    claims
        .keys()
        .find(|k| k.eq_ignore_ascii_case(adictiz::PARTNER_USER_ID))
        .map(ClaimsChoice::PartnerUserId)
}

/// The profile a payload's members select in auto mode, if any (the same choice as
/// [`select_profile`] makes from the claims); None when the payload is not a JSON object.
pub fn detect_profile(payload: &[u8]) -> Option<Profile> {
    let parsed = crate::token::tree::parse(payload).ok()?;
    let claims = parsed.value.as_object()?;
    claims_choice(claims).map(|c| match c {
        ClaimsChoice::Marker((profile, _, _)) => profile,
        ClaimsChoice::QualifioCase(..) => Profile::Qualifio,
        ClaimsChoice::PartnerUserId(_) => Profile::Adictiz,
    })
}

/// What every rule module works with: the input, the profile applied, the findings so far.
pub(crate) struct Ctx<'i, 'a> {
    pub input: &'i RuleInput<'a>,
    pub profile: Profile,
    pub findings: Vec<Finding>,
    /// Findings reported per id, those left out included (README "Bounded work").
    reported: Vec<(&'static str, usize)>,
    /// The payload as a claims object (empty when it is not an object). Borrowed: rules run
    /// on every token of a batch, and cloning the claims would cost more than reading them.
    pub claims: &'a Object<'a>,
}

impl<'i, 'a> Ctx<'i, 'a> {
    fn new(input: &'i RuleInput<'a>, profile: Profile) -> Self {
        static EMPTY: Object<'static> = Object::EMPTY;
        let claims = match input.payload {
            Some(Json::Object(m)) => m,
            _ => &EMPTY,
        };
        Ctx {
            input,
            profile,
            findings: Vec::new(),
            reported: Vec::new(),
            claims,
        }
    }

    /// Report a finding; past [`MAX_FINDINGS_PER_ID`] of its id in this token it is only
    /// counted, for the finding [`Ctx::into_findings`] adds in its place.
    pub fn report(
        &mut self,
        spec: &ids::RuleSpec,
        claim: impl Into<String>,
        message: impl Into<String>,
    ) {
        let seen = match self.reported.iter_mut().find(|(id, _)| *id == spec.id) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.reported.push((spec.id, 1));
                1
            }
        };
        if seen <= MAX_FINDINGS_PER_ID {
            self.findings.push(spec.at(claim, message));
        }
    }

    /// The findings, each id that was reported more than [`MAX_FINDINGS_PER_ID`] times
    /// followed by one finding of that id saying how many more there were (`more`).
    fn into_findings(self) -> Vec<Finding> {
        let mut findings = self.findings;
        for &(id, n) in &self.reported {
            let Some(last) = findings.iter().rposition(|f| f.id == id) else {
                continue;
            };
            if n <= MAX_FINDINGS_PER_ID {
                continue;
            }
            let more = n - MAX_FINDINGS_PER_ID;
            let kept = &findings[last];
            let mut summary = Finding::new(
                id,
                kept.severity,
                "",
                format!(
                    "… and {more} more {id} finding(s) like the ones above: tokenscope lists the first {MAX_FINDINGS_PER_ID} of one id in a token"
                ),
                kept.source.clone(),
            );
            summary.more = Some(more);
            findings.insert(last + 1, summary);
        }
        findings
    }

    /// True when the claims are readable (a decrypted/decoded payload): claim rules only run
    /// then, since a JWE tokenscope could not open says nothing about its claims. A payload
    /// that was read but is not JSON (text, bytes) counts as readable: it carries no claims,
    /// so a profile's required claims are missing (never a silent pass).
    pub fn has_claims(&self) -> bool {
        self.input.payload.is_some()
            || self
                .input
                .layers
                .last()
                .is_some_and(|l| l.kind == TokenKind::Jws || l.status.is_ok())
    }

    /// The header of the claims-carrying JWS and the pointer prefix of its members.
    pub fn jws_header(&self) -> Option<(Cow<'static, str>, &'a Map<String, Value>)> {
        jws_header(self.input)
    }

    /// The claims-carrying JWS's `alg`, when it is a string.
    pub fn jws_alg(&self) -> Option<(Cow<'static, str>, &'a str)> {
        let (prefix, h) = self.jws_header()?;
        let alg = crate::token::header_str(h, "alg")?;
        let pointer = match prefix {
            Cow::Borrowed(OUTER_HEADER) => Cow::Borrowed("/header/alg"),
            prefix => Cow::Owned(text::child(&prefix, "alg")),
        };
        Some((pointer, alg))
    }
}

/// Pointer of the outer header in an inspection.
const OUTER_HEADER: &str = "/header";

/// The header of the JWS that carries the claims, with the pointer prefix of its members:
/// `/header` when it is the outermost header, `/layers/<i>/header` for an inner one. A plain
/// JWS whose `jws_header` the core left empty falls back to the outer header.
pub(crate) fn jws_header<'a>(
    input: &RuleInput<'a>,
) -> Option<(Cow<'static, str>, &'a Map<String, Value>)> {
    let h = match input.jws_header {
        Some(h) => h,
        None if input.kind == TokenKind::Jws => input.header,
        None => return None,
    };
    if std::ptr::eq(h, input.header) || (input.kind == TokenKind::Jws && h == input.header) {
        return Some((Cow::Borrowed(OUTER_HEADER), h));
    }
    let index = input
        .layers
        .iter()
        .rposition(|l| l.kind == TokenKind::Jws && &l.header == h)
        .unwrap_or(input.layers.len().saturating_sub(1).max(1));
    Some((Cow::Owned(format!("/layers/{index}/header")), h))
}

/// Every header of the token with its pointer prefix: the outer one, then each inner layer's
/// (generic header rules apply to all of them).
pub(crate) fn all_headers<'a>(
    input: &RuleInput<'a>,
) -> Vec<(Cow<'static, str>, &'a Map<String, Value>)> {
    let mut out = vec![(Cow::Borrowed(OUTER_HEADER), input.header)];
    for (i, layer) in input.layers.iter().enumerate().skip(1) {
        out.push((Cow::Owned(format!("/layers/{i}/header")), &layer.header));
    }
    if let Some((prefix, h)) = jws_header(input)
        && !out.iter().any(|(p, _)| *p == prefix)
    {
        out.push((prefix, h));
    }
    out
}

#[cfg(test)]
pub(crate) mod testkit;

#[cfg(test)]
mod tests;
