//! One token judged: what the rules concluded and what was read, borrowed from the work of
//! one inspection. Every face reads the same evaluation: `inspect` and the TUI build an
//! owned [`Inspection`] from it, a batch counts it for its summary or writes it as a JSON
//! Lines record without building one.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::report::{Finding, Inspection, Layer, Overall, PayloadView, Tally, TokenKind, Verdict};
use crate::token::TokenError;
use crate::token::tree::Json;

/// A token decoded, opened and judged (see the module documentation).
#[derive(Debug)]
pub struct Evaluation<'a> {
    /// Outermost serialisation.
    pub kind: TokenKind,
    /// The compact token as inspected, and its segments.
    pub token: &'a str,
    pub segments: &'a [&'a str],
    /// Outer protected header.
    pub header: &'a Map<String, Value>,
    /// Innermost claims (any JSON value) when they read strictly as JSON.
    pub payload: Option<&'a Json<'a>>,
    /// The payload's text when it is written exactly as a report writes `payload` (compact,
    /// no escape, nothing to escape): a JSON Lines record copies it instead of writing the
    /// claims again.
    pub payload_text: Option<&'a str>,
    pub payload_view: &'a PayloadView,
    /// Outer to inner.
    pub layers: &'a [Layer],
    /// Errors first, then warnings, then info.
    pub findings: &'a [Finding],
    pub verdict: &'a Verdict,
    /// Every layer verified/decrypted and no `error` finding.
    pub accepted: bool,
    pub overall: Overall,
    /// The payload's `campaignId` as text (a number as written).
    pub campaign_id: Option<Cow<'a, str>>,
    /// `gift.cw` is `true` (001 "Manage prizes").
    pub winning: bool,
    /// The evaluation instant (unix seconds) and the allowed clock skew.
    pub at: i64,
    pub skew: i64,
    /// For batch summaries only: `Inspection` leaves out what only a report shows.
    pub summary_only: bool,
}

/// A token that did not decode whole: why, and what was read before the failure (none when
/// the text did not even split into segments).
#[derive(Debug, Clone, Copy)]
pub struct Unreadable<'a> {
    pub error: &'a TokenError,
    pub partial: Option<&'a Evaluation<'a>>,
}

impl Evaluation<'_> {
    /// The report borrowed from the evaluation, with what intake removed around the token:
    /// what [`to_inspection`](Self::to_inspection) would own, without a copy of the token or
    /// a `serde_json::Value` of the claims (`inspect` prints a 1 MiB payload from this).
    pub fn borrowed<'s>(&'s self, stripped: &'s [String]) -> InspectionRef<'s> {
        let full = !self.summary_only;
        InspectionRef {
            kind: self.kind,
            stripped,
            token: if full { self.token } else { "" },
            segments: match full {
                true => self.segments.to_vec(),
                false => Vec::new(),
            },
            header: match full {
                true => Cow::Borrowed(self.header),
                false => Cow::Owned(Map::new()),
            },
            payload: self.payload.filter(|_| full).map(Claims::Tree),
            payload_view: self.payload_view,
            layers: self.layers,
            findings: self.findings,
            verdict: self.verdict,
            accepted: self.accepted,
            overall: self.overall,
            evaluated_at: self.at,
            evaluated_at_rfc3339: match full {
                true => Cow::Owned(crate::time::rfc3339(self.at)),
                false => Cow::Borrowed(""),
            },
            skew: self.skew,
        }
    }

    /// The owned report, with what intake removed around the token.
    pub fn to_inspection(&self, stripped: Vec<String>) -> Inspection {
        let full = !self.summary_only;
        Inspection {
            kind: self.kind,
            stripped,
            // A summary never shows the token.
            token: match full {
                true => self.token.to_string(),
                false => String::new(),
            },
            segments: match full {
                true => self.segments.iter().map(|s| s.to_string()).collect(),
                false => Vec::new(),
            },
            header: match full {
                true => self.header.clone(),
                false => Map::new(),
            },
            // Claims read leniently are for the rules only: `payload` shows what the token
            // carries as JSON, or null.
            payload: match full {
                true => self.payload.map(Json::to_value),
                false => None,
            },
            payload_view: self.payload_view.clone(),
            layers: self.layers.to_vec(),
            findings: self.findings.to_vec(),
            verdict: self.verdict.clone(),
            accepted: self.accepted,
            overall: self.overall,
            evaluated_at: self.at,
            evaluated_at_rfc3339: match full {
                true => crate::time::rfc3339(self.at),
                false => String::new(),
            },
            skew: self.skew,
            tally: Tally {
                campaign_id: self.campaign_id.as_deref().map(str::to_string),
                winning: self.winning,
            },
        }
    }
}

/// An [`Inspection`] borrowed (from an evaluation, or from an `Inspection`): what the human
/// report and `inspect --json` write. It serialises as `Inspection` does, member for member
/// and in its order (its tests compare the two).
#[derive(Debug, Serialize)]
pub struct InspectionRef<'a> {
    pub kind: TokenKind,
    pub stripped: &'a [String],
    pub token: &'a str,
    pub segments: Vec<&'a str>,
    pub header: Cow<'a, Map<String, Value>>,
    pub payload: Option<Claims<'a>>,
    pub payload_view: &'a PayloadView,
    pub layers: &'a [Layer],
    pub findings: &'a [Finding],
    pub verdict: &'a Verdict,
    pub accepted: bool,
    #[serde(skip)]
    pub overall: Overall,
    pub evaluated_at: i64,
    pub evaluated_at_rfc3339: Cow<'a, str>,
    pub skew: i64,
}

/// Claims as an `Inspection` holds them, or as the evaluation read them (the same JSON).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(untagged)]
pub enum Claims<'a> {
    Value(&'a Value),
    Tree(&'a Json<'a>),
}

impl<'a> From<&'a Inspection> for InspectionRef<'a> {
    fn from(insp: &'a Inspection) -> Self {
        InspectionRef {
            kind: insp.kind,
            stripped: &insp.stripped,
            token: &insp.token,
            segments: insp.segments.iter().map(String::as_str).collect(),
            header: Cow::Borrowed(&insp.header),
            payload: insp.payload.as_ref().map(Claims::Value),
            payload_view: &insp.payload_view,
            layers: &insp.layers,
            findings: &insp.findings,
            verdict: &insp.verdict,
            accepted: insp.accepted,
            overall: insp.overall,
            evaluated_at: insp.evaluated_at,
            evaluated_at_rfc3339: Cow::Borrowed(&insp.evaluated_at_rfc3339),
            skew: insp.skew,
        }
    }
}

#[cfg(test)]
mod tests;
