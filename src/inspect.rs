//! `inspect`: value in, value out. Intake, decoding, verification/decryption of every layer,
//! then the rules. Nothing here prints or reads the clock: the caller passes the instant.

use std::borrow::Cow;
use std::rc::Rc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::jose;
use crate::keys::KeyRing;
use crate::limits::MAX_DEPTH;
use crate::profile::ProfileChoice;
use crate::report::{Inspection, Layer, LayerStatus, PayloadView, Severity, TokenKind};
use crate::rules::{self, Campaign, PlaintextKind, RuleInput, TokenFacts};
use crate::token::tree::{self, Json};
use crate::token::{self, Compact, TokenError, json};

mod evaluation;
mod lenient;
mod record;

pub use evaluation::{Claims, Evaluation, InspectionRef, Unreadable};
pub use record::Records;

/// How to inspect.
#[derive(Debug, Clone)]
pub struct Options {
    pub profile: ProfileChoice,
    /// Evaluation instant, unix seconds.
    pub at: i64,
    /// Allowed clock skew, seconds.
    pub skew: i64,
    pub campaign: Option<Campaign>,
    /// Configured campaigns (config.toml `campaigns`), used when `campaign` is None: the one
    /// whose id is the token's `campaignId`, else the only one configured.
    pub campaigns: Vec<Campaign>,
    /// Payload for a JWS with an empty payload segment (RFC 7515 appendix F, RFC 7797).
    pub detached_payload: Option<Vec<u8>>,
    /// For batch summaries, which read only the outcome, the findings and the tally: leave
    /// out what only a report shows (`payload` stays None, the layers carry no content and
    /// the outer JWS's none of its header; `token`, `segments`, `header` and
    /// `evaluated_at_rfc3339` stay empty).
    pub summary_only: bool,
    /// PBES2 iterations (`p2c`) run at most: a JWE asking for more fails before any key is
    /// tried (README "Bounded work").
    pub max_pbes2_count: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: ProfileChoice::default(),
            at: 0,
            skew: 0,
            campaign: None,
            campaigns: Vec::new(),
            detached_payload: None,
            summary_only: false,
            max_pbes2_count: crate::limits::MAX_PBES2_COUNT,
        }
    }
}

impl Options {
    /// The profile the user stated (`--profile`, else the campaign file's), if any: the
    /// platform's rules apply before any claim is read.
    pub fn stated_profile(&self) -> Option<crate::Profile> {
        match self.profile {
            ProfileChoice::Fixed(p) => Some(p),
            ProfileChoice::Auto => self.campaign.as_ref().and_then(|c| c.profile),
        }
    }
}

/// Why a token could not be inspected.
#[derive(Debug, Error)]
pub enum InspectError {
    /// No token could be found or split.
    #[error(transparent)]
    Intake(#[from] TokenError),
    /// A token was found, but a segment does not decode; `partial` holds what did.
    #[error("{error}")]
    Malformed {
        error: TokenError,
        partial: Box<Inspection>,
    },
}

/// Find the token in pasted text and inspect it.
pub fn inspect_text(
    text: &str,
    ring: &KeyRing,
    opts: &Options,
) -> Result<Inspection, InspectError> {
    inspect_text_nth(text, 0, ring, opts)
}

/// Find the tokens in pasted text and inspect the `n`th (0-based; the first is 0). An `n`
/// past the tokens found is `TokenError::NoSuchIndex`.
pub fn inspect_text_nth(
    text: &str,
    n: usize,
    ring: &KeyRing,
    opts: &Options,
) -> Result<Inspection, InspectError> {
    let (token, stripped, facts) = intake_nth(text, n)?;
    inspect_with(&token, stripped, facts, ring, opts)
}

/// [`inspect_text_nth`], handing the report to `then` borrowed from the evaluation instead
/// of building an [`Inspection`]: what `inspect` prints a big token from (a token that did
/// not decode whole still comes as [`InspectError::Malformed`], with its partial report).
pub fn inspect_text_nth_with<R>(
    text: &str,
    n: usize,
    ring: &KeyRing,
    opts: &Options,
    then: impl FnOnce(Result<&InspectionRef<'_>, InspectError>) -> R,
) -> R {
    let (token, stripped, facts) = match intake_nth(text, n) {
        Ok(found) => found,
        Err(e) => return then(Err(e)),
    };
    evaluate_with(&token, facts, ring, opts, |judged| match judged {
        Ok(evaluation) => then(Ok(&evaluation.borrowed(&stripped))),
        Err(Unreadable {
            error,
            partial: None,
        }) => then(Err(InspectError::Intake(error.clone()))),
        Err(Unreadable {
            error,
            partial: Some(partial),
        }) => then(Err(InspectError::Malformed {
            error: error.clone(),
            partial: Box::new(partial.to_inspection(stripped.clone())),
        })),
    })
}

/// The `n`th token of pasted text, what intake removed around it and what intake tells the
/// rules.
fn intake_nth(text: &str, n: usize) -> Result<(String, Vec<String>, TokenFacts), InspectError> {
    let mut intake = token::find_token(text)?;
    let total = intake.others + 1;
    if n > 0 {
        let Some(token) = intake.alternatives.get(n - 1).cloned() else {
            return Err(TokenError::NoSuchIndex {
                index: n + 1,
                total,
            }
            .into());
        };
        intake.token = token;
        intake.stripped = vec![format!(
            "text around the token (token {} of {total})",
            n + 1
        )];
        intake.swallowed_by = None;
    }
    let facts = TokenFacts {
        token_index: n,
        swallowed_by: intake.swallowed_by.clone(),
        other_tokens: intake.others,
        set_meta_data: intake.from_set_meta_data(),
        div_mismatch: intake.div_mismatch.clone(),
        ..TokenFacts::default()
    };
    Ok((intake.token, intake.stripped, facts))
}

/// Everything decoded so far, assembled into an Inspection at the end.
struct Work {
    layers: Vec<Layer>,
    duplicates: Vec<String>,
    /// The header of a JWS nested in a JWE (a plain JWS's is the outer header).
    jws_header: Option<Map<String, Value>>,
    payload_bytes: Option<Vec<u8>>,
    unavailable: Option<String>,
    jwe_plaintext: Option<PlaintextKind>,
    /// What the rules need to know about the token as a whole.
    facts: TokenFacts,
}

/// Inspect a compact token (already through intake).
pub fn inspect_token(
    token_text: &str,
    stripped: Vec<String>,
    ring: &KeyRing,
    opts: &Options,
) -> Result<Inspection, InspectError> {
    inspect_with(token_text, stripped, TokenFacts::default(), ring, opts)
}

fn inspect_with(
    token_text: &str,
    stripped: Vec<String>,
    facts: TokenFacts,
    ring: &KeyRing,
    opts: &Options,
) -> Result<Inspection, InspectError> {
    evaluate_with(token_text, facts, ring, opts, |judged| match judged {
        Ok(evaluation) => Ok(evaluation.to_inspection(stripped)),
        Err(Unreadable {
            error,
            partial: None,
        }) => Err(InspectError::Intake(error.clone())),
        Err(Unreadable {
            error,
            partial: Some(partial),
        }) => Err(InspectError::Malformed {
            error: error.clone(),
            partial: Box::new(partial.to_inspection(stripped)),
        }),
    })
}

/// Inspect a compact token (already through intake) and hand its evaluation to `then`,
/// without building an [`Inspection`]: what a batch counts or writes (the same checks as
/// [`inspect_token`], which builds its report from the same evaluation).
pub fn evaluate_token<R>(
    token_text: &str,
    ring: &KeyRing,
    opts: &Options,
    then: impl FnOnce(Result<&Evaluation<'_>, Unreadable<'_>>) -> R,
) -> R {
    evaluate_with(token_text, TokenFacts::default(), ring, opts, then)
}

fn evaluate_with<R>(
    token_text: &str,
    facts: TokenFacts,
    ring: &KeyRing,
    opts: &Options,
    then: impl FnOnce(Result<&Evaluation<'_>, Unreadable<'_>>) -> R,
) -> R {
    let compact = match Compact::split(token_text) {
        Ok(compact) => compact,
        Err(error) => {
            return then(Err(Unreadable {
                error: &error,
                partial: None,
            }));
        }
    };
    let mut work = Work {
        layers: Vec::new(),
        duplicates: Vec::new(),
        jws_header: None,
        payload_bytes: None,
        unavailable: None,
        jwe_plaintext: None,
        facts,
    };
    let header = match token::decode_header(compact.header_b64()) {
        Ok(h) => h,
        Err(error) => {
            return judge(&compact, &Map::new(), work, false, ring, opts, |partial| {
                then(Err(Unreadable {
                    error: &error,
                    partial: Some(partial),
                }))
            });
        }
    };
    work.duplicates
        .extend(header.duplicates.iter().map(|p| format!("/header{p}")));
    let result = match compact.kind {
        // A plain JWS's header stays the outer header: no copy for the claims-carrying one.
        TokenKind::Jws => open_jws(&compact, &header.map, true, ring, opts, &mut work),
        TokenKind::Jwe => open(&compact, header.map.clone(), ring, opts, &mut work, 0),
    };
    let outer_jws_opened = compact.kind == TokenKind::Jws && result.is_ok();
    judge(
        &compact,
        &header.map,
        work,
        outer_jws_opened,
        ring,
        opts,
        |evaluation| match &result {
            Ok(()) => then(Ok(evaluation)),
            Err(error) => then(Err(Unreadable {
                error,
                partial: Some(evaluation),
            })),
        },
    )
}

/// Open one layer (and recurse into a nested token).
fn open(
    compact: &Compact,
    header: Map<String, Value>,
    ring: &KeyRing,
    opts: &Options,
    work: &mut Work,
    depth: usize,
) -> Result<(), TokenError> {
    match compact.kind {
        TokenKind::Jws => {
            open_jws(compact, &header, false, ring, opts, work)?;
            work.jws_header = Some(header);
            Ok(())
        }
        TokenKind::Jwe => {
            for (i, name) in ["encrypted key", "iv", "ciphertext", "tag"]
                .into_iter()
                .enumerate()
            {
                token::decode_segment(name, compact.segments[i + 1])?;
            }
            let kids = jose::KidPolicy::new(opts.stated_profile(), &[], rules::detect_profile);
            let (mut layer, plaintext) =
                jose::decrypt_jwe(compact.text, &header, ring, &kids, opts.max_pbes2_count);
            layer.content = plaintext
                .as_deref()
                .and_then(|p| std::str::from_utf8(p).ok())
                .map(str::to_string);
            let status = layer.status;
            work.layers.push(layer);
            let Some(plaintext) = plaintext else {
                work.unavailable = Some(match status {
                    LayerStatus::Unsupported => {
                        "the JWE uses an algorithm tokenscope cannot decrypt".to_string()
                    }
                    LayerStatus::NoKey => {
                        "encrypted: add the decryption key to read the claims".to_string()
                    }
                    _ => "encrypted: decryption failed".to_string(),
                });
                return Ok(());
            };
            let nested = nested_token(&plaintext);
            if nested.is_some() && depth + 1 >= MAX_DEPTH {
                // RULES.md section 2: every layer is opened, or the token is not accepted.
                work.facts.too_deep = Some(work.layers.len().saturating_sub(1));
                work.facts.is_jwt = true;
                work.unavailable = Some(format!(
                    "the token nests more than {MAX_DEPTH} layers: the innermost one was not opened"
                ));
                return Ok(());
            }
            if let Some((inner, inner_header)) = nested {
                if work.jwe_plaintext.is_none() {
                    work.jwe_plaintext = Some(PlaintextKind::NestedJws);
                }
                work.duplicates.extend(
                    inner_header
                        .duplicates
                        .iter()
                        .map(|p| format!("/header{p}")),
                );
                return open(
                    &inner,
                    inner_header.map.clone(),
                    ring,
                    opts,
                    work,
                    depth + 1,
                );
            }
            if work.jwe_plaintext.is_none() {
                work.jwe_plaintext = Some(if json::parse(&plaintext).is_ok() {
                    PlaintextKind::Json
                } else {
                    PlaintextKind::Other
                });
            }
            work.payload_bytes = Some(plaintext);
            Ok(())
        }
    }
}

/// Decode and verify a JWS (`outer`: the token itself, not one nested in a JWE); the caller
/// keeps its header.
fn open_jws(
    compact: &Compact,
    header: &Map<String, Value>,
    outer: bool,
    ring: &KeyRing,
    opts: &Options,
    work: &mut Work,
) -> Result<(), TokenError> {
    let b64_flag = jose::b64_flag(header);
    let b64 = b64_flag.clone().unwrap_or(true);
    let segment = &compact.segments[1];
    let detached = segment.is_empty() && opts.detached_payload.is_some();
    let payload = match (&opts.detached_payload, detached) {
        (Some(p), true) => p.clone(),
        // A malformed `b64` is refused by verify_jws with its reason: a payload that is not
        // base64url must not hide that reason behind a decoding error.
        _ if b64 => token::decode_segment("payload", segment).or_else(|e| match b64_flag {
            Err(_) => Ok(segment.as_bytes().to_vec()),
            Ok(_) => Err(e),
        })?,
        // RFC 7797: the payload travels as-is.
        _ => segment.as_bytes().to_vec(),
    };
    let signature = token::decode_segment("signature", compact.segments[2])?;
    let signing_input: std::borrow::Cow<'_, [u8]> = if detached {
        let mut input = compact.header_b64().as_bytes().to_vec();
        input.push(b'.');
        if b64 {
            input.extend_from_slice(URL_SAFE_NO_PAD.encode(&payload).as_bytes());
        } else {
            input.extend_from_slice(&payload);
        }
        input.into()
    } else {
        // `header.payload` as the token carries it: everything before the last dot.
        let end = compact.segments[0].len() + 1 + segment.len();
        compact.text.as_bytes()[..end].into()
    };
    // The rules read an outer JWS's header from the inspection; a summary has no use for a
    // copy in the layer.
    let with_header = !(outer && opts.summary_only);
    let kids = jose::KidPolicy::new(opts.stated_profile(), &payload, rules::detect_profile);
    let mut layer =
        jose::verify_jws_with(header, &signing_input, &signature, ring, with_header, &kids);
    if !opts.summary_only {
        layer.content = std::str::from_utf8(&payload).ok().map(str::to_string);
    }
    if segment.is_empty() && !detached && layer.status != LayerStatus::Valid {
        layer.detail.push_str(
            " — the payload segment is empty (detached content): pass the payload with --payload",
        );
        if layer.status == LayerStatus::Unverified && !ring.keys.is_empty() {
            layer.status = LayerStatus::Unverified;
        }
    }
    work.layers.push(layer);
    work.payload_bytes = Some(payload);
    Ok(())
}

/// A compact JWS or JWE inside a JWE plaintext (RFC 7519 section 5.2 nested JWT).
fn nested_token(plaintext: &[u8]) -> Option<(Compact<'_>, Rc<token::DecodedHeader>)> {
    let text = std::str::from_utf8(plaintext).ok()?.trim();
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return None;
    }
    let compact = Compact::split(text).ok()?;
    let header = token::decode_header(compact.header_b64()).ok()?;
    header.map.get("alg")?;
    Some((compact, header))
}

/// Read the claims and run the rules on what was opened, then hand the evaluation to `then`.
fn judge<R>(
    compact: &Compact,
    header: &Map<String, Value>,
    work: Work,
    // The outer token is a JWS whose payload and signature decoded: its header carries the
    // claims.
    outer_jws_opened: bool,
    ring: &KeyRing,
    opts: &Options,
    then: impl FnOnce(&Evaluation<'_>) -> R,
) -> R {
    let Work {
        layers,
        mut duplicates,
        jws_header,
        payload_bytes,
        unavailable,
        jwe_plaintext,
        mut facts,
    } = work;

    let verified_by = layers
        .iter()
        .rev()
        .find(|l| l.kind == TokenKind::Jws)
        .and_then(|l| l.key_facts.as_ref());
    let jws_header_ref = match outer_jws_opened {
        true => Some(header),
        false => jws_header.as_ref(),
    };
    // RULES.md section 2: what makes the token a JWT, whose claims must then be read.
    facts.is_jwt |= says_jwt(header)
        || jws_header_ref.is_some_and(says_jwt)
        || layers.iter().any(|l| says_jwt(&l.header))
        || opts
            .stated_profile()
            .is_some_and(|p| p != crate::Profile::Generic)
        || verified_by
            .and_then(|k| k.profile)
            .is_some_and(|p| p != crate::Profile::Generic)
        || payload_bytes.as_deref().is_some_and(starts_like_json);

    // The rules read the claims as a tree borrowed from the payload bytes; claims that do
    // not read strictly are read leniently (below), so that the rules still run on them.
    let lenient_text;
    let mut payload_text = None;
    let (claims, payload_view) = match payload_bytes.as_deref().map(tree::parse) {
        Some(Ok(parsed)) => {
            duplicates.extend(parsed.duplicates);
            // Claims a report would write byte for byte as the token carries them (compact,
            // nothing to escape) are copied from the token instead.
            if parsed.compact && !opts.summary_only {
                payload_text = payload_bytes
                    .as_deref()
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .filter(|text| crate::escape::nothing_to_escape(text));
            }
            (Some(parsed.value), PayloadView::Json)
        }
        Some(Err(e)) => {
            let bytes = payload_bytes.as_deref().unwrap_or_default();
            let mut claims = None;
            if facts.is_jwt {
                let (text, problem) = lenient::read(bytes, &e);
                facts.claims_problem = Some(problem);
                lenient_text = text;
                claims = lenient_text
                    .as_deref()
                    .and_then(|t| tree::parse(t.as_bytes()).ok())
                    .map(|p| p.value);
            }
            let view = match std::str::from_utf8(bytes) {
                Ok(text) => PayloadView::Text {
                    text: text.to_string(),
                },
                Err(_) => PayloadView::Binary {
                    hex: hex_dump(bytes),
                },
            };
            (claims, view)
        }
        None => (
            None,
            PayloadView::Unavailable {
                reason: unavailable.unwrap_or_else(|| "the token did not decode".to_string()),
            },
        ),
    };
    let keyring = ring.facts();
    let campaign_id = campaign_id(claims.as_ref());
    let winning = claims
        .as_ref()
        .and_then(|c| c.get("gift")?.get("cw"))
        .is_some_and(|cw| *cw == true);
    let outcome = rules::evaluate(&RuleInput {
        requested: opts.profile,
        kind: compact.kind,
        header,
        // A plain JWS's header is the outer header itself: handing the rules the same
        // reference spares them comparing the two maps.
        jws_header: jws_header_ref,
        layers: &layers,
        payload: claims.as_ref(),
        jwe_plaintext,
        duplicates: &duplicates,
        verified_by,
        keyring: &keyring,
        at: opts.at,
        skew: opts.skew,
        campaign: opts
            .campaign
            .as_ref()
            .or_else(|| configured_campaign(&opts.campaigns, campaign_id.as_deref())),
        facts: &facts,
    });

    // Errors first, then warnings, then info (a stable sort: the rules' order within each),
    // as every report shows them.
    let mut outcome = outcome;
    outcome.findings.sort_by_key(|f| f.severity);
    let layers_ok = !layers.is_empty() && layers.iter().all(|l| l.status.is_ok());
    let accepted = layers_ok
        && !outcome
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error);
    let overall = rules::overall(accepted, &layers, &outcome.findings);
    then(&Evaluation {
        kind: compact.kind,
        token: compact.text,
        segments: &compact.segments,
        header,
        payload: match payload_view {
            PayloadView::Json => claims.as_ref(),
            _ => None,
        },
        payload_text,
        payload_view: &payload_view,
        layers: &layers,
        findings: &outcome.findings,
        verdict: &outcome.verdict,
        accepted,
        overall,
        campaign_id,
        winning,
        at: opts.at,
        skew: opts.skew,
        summary_only: opts.summary_only,
    })
}

/// A payload's `campaignId` as text (a number is shown as written), for matching and tallies.
pub fn campaign_id<'a>(payload: Option<&'a Json<'_>>) -> Option<Cow<'a, str>> {
    payload.and_then(|p| p.get("campaignId")).map(|v| match v {
        Json::String(s) => Cow::Borrowed(&**s),
        other => Cow::Owned(other.to_string()),
    })
}

/// The configured campaign a token is checked against: the one whose `id` is its
/// `campaignId` (see [`campaign_id`]), else the only one configured.
pub fn configured_campaign<'a>(
    campaigns: &'a [Campaign],
    campaign_id: Option<&str>,
) -> Option<&'a Campaign> {
    campaign_id
        .and_then(|id| campaigns.iter().find(|c| c.id == id))
        .or(match campaigns {
            [only] => Some(only),
            _ => None,
        })
}

/// A `typ` or `cty` that says JWT (RULES.md section 2): any letter case, with or without
/// `application/`, and the `+jwt` types (`at+jwt`).
fn says_jwt(header: &Map<String, Value>) -> bool {
    ["typ", "cty"].iter().any(|name| {
        token::header_str(header, name).is_some_and(|v| {
            // Without allocating: every token of a batch asks.
            const APP: &str = "application/";
            let v = match v.get(..APP.len()) {
                Some(p) if p.eq_ignore_ascii_case(APP) => &v[APP.len()..],
                _ => v,
            };
            v.eq_ignore_ascii_case("jwt")
                || v.len() > 4
                    && v.is_char_boundary(v.len() - 4)
                    && v[v.len() - 4..].eq_ignore_ascii_case("+jwt")
        })
    })
}

/// Hex of the first 4 KiB, for payloads that are neither JSON nor text.
fn hex_dump(bytes: &[u8]) -> String {
    const MAX: usize = 4096;
    let mut out = crate::text::hex(&bytes[..bytes.len().min(MAX)]);
    if bytes.len() > MAX {
        out.push_str(&format!("… ({} bytes in all)", bytes.len()));
    }
    out
}

/// The payload starts with `{` or `[` (after white space and a byte order mark): it means
/// to be JSON, so a JWT.
fn starts_like_json(bytes: &[u8]) -> bool {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    matches!(bytes.trim_ascii_start().first(), Some(b'{' | b'['))
}

#[cfg(test)]
mod says_jwt_tests {
    use super::*;

    #[test]
    fn typ_and_cty_say_jwt_in_any_case_with_or_without_application() {
        for (typ, jwt) in [
            ("JWT", true),
            ("jwt", true),
            ("application/jwt", true),
            ("Application/JWT", true),
            ("at+jwt", true),
            ("application/secevent+JWT", true),
            ("JOSE", false),
            ("application/json", false),
            ("jwtx", false),
            ("é+jwt", true),
            ("", false),
        ] {
            let mut h = Map::new();
            h.insert("typ".into(), Value::String(typ.into()));
            assert_eq!(says_jwt(&h), jwt, "{typ}");
        }
    }
}
