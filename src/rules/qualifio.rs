//! Qualifio secure token (RULES.md section 3; documents 000 "Secure token", 001 "How to use
//! the secure token to pass prize and winner information", 002 "Share information at the
//! campaign load").
//!
//! This file holds the constants, `check` and the two verdict tables (participation from
//! `limit`, win from `gift`); `envelope` checks the header, key and encryption, `claims` the
//! claims every token carries, `variables` the optin and form variables.

use crate::token::tree::{Json, Object};

use super::tables;
use super::text::{case_variant, child, did_you_mean, quote, seen};
use super::{Ctx, Participation, ParticipationOutcome, Verdict, Win, WinOutcome, ids};
use crate::report::PathStep;

mod claims;
mod envelope;
mod variables;

use claims::{member_case, required_claims};
use envelope::header;
pub(crate) use envelope::{channel, encryption};
use variables::{form, optin};

/// Signature algs Qualifio validates (000 "Validation methods and algorithms").
pub const ALGS: &[&str] = &[
    "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512",
];

/// JWE content encryptions Qualifio decrypts (000 "Token encryption"); `alg` must be `dir`.
pub const JWE_ENCS: &[&str] = &[
    "A128GCM",
    "A192GCM",
    "A256GCM",
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
];

/// The command 000 gives to turn a PKCS#1 public key into the PKCS#8/SPKI form Qualifio wants.
pub const PKCS1_CONVERSION: &str = "openssl rsa -RSAPublicKey_in -in <filename> -pubout";

/// Top-level members of a Qualifio secure token (000 "Secure token structure"), for the
/// letter-case typo check.
pub const MEMBERS: &[&str] = &[
    "sub",
    "exp",
    "nbf",
    "iat",
    "iss",
    "campaignId",
    "limit",
    "gift",
    "custom",
    "form",
    "optin",
];

/// Optin values 000 lists: `(0|1) | ("1"|"0") | (true|false) | ("on"|"off")`.
pub fn optin_value_ok(v: &Json<'_>) -> bool {
    match v {
        Json::Bool(_) => true,
        Json::Number(n) => matches!(n.as_u64(), Some(0 | 1)),
        Json::String(s) => matches!(s.as_ref(), "0" | "1" | "on" | "off"),
        _ => false,
    }
}

pub(crate) fn check(ctx: &mut Ctx<'_, '_>, verdict: &mut Verdict) {
    header(ctx);
    encryption(ctx);
    if !ctx.has_claims() {
        return;
    }
    required_claims(ctx);
    member_case(ctx);
    let (participation, steps) = participation(ctx);
    verdict.participation = participation;
    verdict.path.extend(steps);
    let (win, steps) = win(ctx);
    verdict.win = win;
    verdict.path.extend(steps);
    optin(ctx);
    form(ctx);
}

/// Where a missing claim is probably hiding: " (found 'campaignID': did you mean 'campaignId'?)".
fn hint_case(claims: &Object<'_>, name: &str) -> String {
    case_variant(claims, name)
        .map(|v| format!(" (found '{v}': did you mean '{name}'? names are case-sensitive)"))
        .unwrap_or_default()
}

/// A member of `limit`/`gift`.
enum Member<'v, T> {
    Absent,
    Ok(T),
    /// Present but of the wrong type or value: the value and why.
    Bad(&'v Json<'v>, String),
}

fn can_play<'a>(limit: &'a Object<'a>) -> Member<'a, bool> {
    match limit.get("canPlay") {
        None => Member::Absent,
        Some(Json::Bool(b)) => Member::Ok(*b),
        Some(v) => Member::Bad(v, String::from("a JSON boolean")),
    }
}

/// `nb`: a non-negative JSON integer (RULES.md section 3, type rules).
pub fn nb_value(v: &Json<'_>) -> Result<i64, String> {
    match v {
        Json::Number(n) => match n.as_i64() {
            Some(i) if i >= 0 => Ok(i),
            Some(_) => Err(String::from("negative")),
            None if n.is_u64() => Err(String::from("too large")),
            None => Err(String::from("not an integer")),
        },
        _ => Err(String::from("not a number")),
    }
}

fn nb<'a>(limit: &'a Object<'a>) -> Member<'a, i64> {
    match limit.get("nb") {
        None => Member::Absent,
        Some(v) => match nb_value(v) {
            Ok(n) => Member::Ok(n),
            Err(why) => Member::Bad(v, why),
        },
    }
}

/// Suggest the integer a malformed nb probably meant.
fn nb_suggestion(v: &Json<'_>) -> String {
    let guess = match v {
        Json::String(s) => s.trim().parse::<i64>().ok().filter(|n| *n >= 0),
        Json::Number(n) => n.as_f64().filter(|f| *f >= 0.0).map(|f| f.floor() as i64),
        _ => None,
    };
    match guess {
        Some(n) => format!("send \"nb\": {n} (a non-negative integer, no quotes)"),
        None => String::from("send a non-negative integer such as \"nb\": 1"),
    }
}

fn unknown_members(
    ctx: &mut Ctx<'_, '_>,
    obj: &Object<'_>,
    base: &str,
    known: &[&str],
    spec: &ids::RuleSpec,
) {
    for key in obj.keys() {
        if known.contains(&key) {
            continue;
        }
        // RULES.md section 3: a case variant (canplay, CW) is an error: the platform reads
        // names case-sensitively, so the real member is absent.
        if let Some(real) = did_you_mean(key, known.iter().copied()) {
            ctx.report(
                &ids::QUALIFIO_MEMBER_CASE,
                child(base, key),
                format!(
                    "{base}/{key} is not a Qualifio member and is ignored: did you mean '{real}'? names are case-sensitive"
                ),
            );
            continue;
        }
        ctx.report(
            spec,
            child(base, key),
            format!(
                "{base}/{key} is not a Qualifio member and is ignored: Qualifio only reads {}",
                known.join(" and ")
            ),
        );
    }
}

/// The participation table of 000 "Access limitation" (RULES.md section 3), with its type
/// rules. Returns the outcome and the path steps that decided it.
fn participation(ctx: &mut Ctx<'_, '_>) -> (Participation, Vec<PathStep>) {
    use ParticipationOutcome as O;
    use tables::participation_rule as rule;
    let mut out = Participation {
        outcome: O::Standard,
        nb: None,
        nb_ignored: false,
    };
    let mut steps = Vec::new();
    let row = |i: usize, steps: &mut Vec<PathStep>| steps.push(tables::participation_step(i));
    let limit = match ctx.claims.get("limit") {
        None => {
            ctx.report(
                &ids::QUALIFIO_LIMIT_MISSING,
                "/limit",
                format!(
                    "there is no limit, so the campaign's own participation rules apply; yet 000 says canPlay is \"always mandatory (except when specifying the nb), even when only used to pass technical information via the token\": send \"limit\": {{\"canPlay\": true}}{}",
                    hint_case(ctx.claims, "limit")
                ),
            );
            row(0, &mut steps);
            return (out, steps);
        }
        Some(Json::Object(limit)) => limit,
        Some(v) => {
            ctx.report(
                &ids::QUALIFIO_LIMIT_TYPE,
                "/limit",
                format!(
                    "limit is {}: it must be an object such as {{\"canPlay\": true, \"nb\": 1}}",
                    seen(v)
                ),
            );
            out.outcome = O::Invalid;
            steps.push(rule(tables::P_RULE_LIMIT_OBJECT));
            return (out, steps);
        }
    };
    unknown_members(
        ctx,
        limit,
        "/limit",
        &["canPlay", "nb"],
        &ids::QUALIFIO_LIMIT_UNKNOWN_MEMBER,
    );
    let can_play = can_play(limit);
    let nb = nb(limit);
    if let Member::Ok(n) = nb {
        out.nb = Some(n);
    }
    let report_nb_error = |ctx: &mut Ctx<'_, '_>, v: &Json<'_>, why: &str| {
        ctx.report(
            &ids::QUALIFIO_LIMIT_NB_TYPE,
            "/limit/nb",
            format!(
                "limit.nb is {} ({why}): nb must be a non-negative JSON integer; {}",
                seen(v),
                nb_suggestion(v)
            ),
        );
    };
    match (&can_play, &nb) {
        (Member::Bad(v, _), nb) => {
            let fix = match v {
                Json::String(s) if s.trim().eq_ignore_ascii_case("true") => "send true",
                Json::String(s) if s.trim().eq_ignore_ascii_case("false") => "send false",
                _ => "send true or false",
            };
            ctx.report(
                &ids::QUALIFIO_LIMIT_CANPLAY_TYPE,
                "/limit/canPlay",
                format!(
                    "limit.canPlay is {}: Qualifio wants a JSON boolean; {fix} (no quotes)",
                    seen(v)
                ),
            );
            out.outcome = O::Invalid;
            steps.push(rule(tables::P_RULE_CANPLAY_BOOLEAN));
            if let Member::Bad(nv, why) = nb {
                report_nb_error(ctx, nv, why);
                steps.push(rule(tables::P_RULE_NB_INTEGER));
            }
        }
        (Member::Ok(false), nb) => {
            // 000: "If canPlay is false, the user can't participate and nb isn't checked".
            out.outcome = O::Blocked;
            row(1, &mut steps);
            match nb {
                Member::Absent => {}
                Member::Ok(_) => out.nb_ignored = true,
                Member::Bad(v, why) => {
                    out.nb_ignored = true;
                    ctx.report(
                        &ids::QUALIFIO_LIMIT_NB_TYPE_IGNORED,
                        "/limit/nb",
                        format!(
                            "limit.nb is {} ({why}) but canPlay is false, so Qualifio never reads it; the participant stays blocked; {}",
                            seen(v),
                            nb_suggestion(v)
                        ),
                    );
                    steps.push(rule(tables::P_RULE_NB_IGNORED));
                }
            }
        }
        (Member::Ok(true) | Member::Absent, Member::Bad(v, why)) => {
            report_nb_error(ctx, v, why);
            out.outcome = O::Invalid;
            steps.push(rule(tables::P_RULE_NB_INTEGER));
        }
        (Member::Ok(true), Member::Ok(n)) => {
            out.outcome = O::Limited;
            row(2, &mut steps);
            nb_zero(ctx, *n, &mut steps);
        }
        (Member::Ok(true), Member::Absent) => {
            out.outcome = O::Allowed;
            row(3, &mut steps);
        }
        (Member::Absent, Member::Ok(n)) => {
            out.outcome = O::Limited;
            row(4, &mut steps);
            nb_zero(ctx, *n, &mut steps);
        }
        (Member::Absent, Member::Absent) => {
            let hint = if limit.is_empty() {
                String::from("limit is {}")
            } else {
                String::from("limit has neither canPlay nor nb")
            };
            ctx.report(
                &ids::QUALIFIO_LIMIT_EMPTY,
                "/limit",
                format!(
                    "{hint}: limit needs canPlay, or nb; send {{\"canPlay\": true}} (optionally with \"nb\": 1), or drop limit for the campaign's own rules"
                ),
            );
            out.outcome = O::Invalid;
            row(5, &mut steps);
        }
    }
    (out, steps)
}

fn nb_zero(ctx: &mut Ctx<'_, '_>, n: i64, steps: &mut Vec<PathStep>) {
    if n == 0 {
        ctx.report(
            &ids::QUALIFIO_LIMIT_NB_ZERO,
            "/limit/nb",
            "limit.nb is 0: the participant can never play; send \"canPlay\": false to block on purpose, or nb >= 1",
        );
        steps.push(tables::participation_rule(tables::P_RULE_NB_ZERO));
    }
}

fn label<'a>(gift: &'a Object<'a>) -> Member<'a, String> {
    match gift.get("label") {
        None => Member::Absent,
        Some(Json::String(s)) => Member::Ok(s.to_string()),
        Some(v) => Member::Bad(v, String::from("a string")),
    }
}

/// The win table of 001 "Additional claims" and 000 "Winner and gift definition"
/// (RULES.md section 3), with its type rules.
fn win(ctx: &mut Ctx<'_, '_>) -> (Win, Vec<PathStep>) {
    use WinOutcome as O;
    use tables::win_rule as rule;
    let mut out = Win {
        outcome: O::Standard,
        label: None,
        label_ignored: false,
    };
    let mut steps = Vec::new();
    let row = |i: usize, steps: &mut Vec<PathStep>| steps.push(tables::win_step(i));
    let gift = match ctx.claims.get("gift") {
        None => {
            row(6, &mut steps);
            return (out, steps);
        }
        Some(Json::Object(gift)) => gift,
        Some(v) => {
            ctx.report(
                &ids::QUALIFIO_GIFT_TYPE,
                "/gift",
                format!(
                    "gift is {}: it must be an object such as {{\"cw\": true, \"label\": \"...\"}}",
                    seen(v)
                ),
            );
            out.outcome = O::Invalid;
            steps.push(rule(tables::W_RULE_GIFT_OBJECT));
            return (out, steps);
        }
    };
    unknown_members(
        ctx,
        gift,
        "/gift",
        &["cw", "label"],
        &ids::QUALIFIO_GIFT_UNKNOWN_MEMBER,
    );
    if gift.is_empty() {
        ctx.report(
            &ids::QUALIFIO_GIFT_EMPTY,
            "/gift",
            "gift is {}: with neither cw nor label the contest runs in the standard way",
        );
    }
    let cw = match gift.get("cw") {
        None => Member::Absent,
        Some(Json::Bool(b)) => Member::Ok(*b),
        Some(v) => Member::Bad(v, String::from("a JSON boolean")),
    };
    let mut label = label(gift);
    // RULES.md: an empty-string label counts as absent, with a warning.
    if let Member::Ok(s) = &label
        && s.is_empty()
    {
        ctx.report(
            &ids::QUALIFIO_GIFT_LABEL_EMPTY,
            "/gift/label",
            "gift.label is the empty string \"\": it counts as absent; send the prize name, or drop label",
        );
        steps.push(rule(tables::W_RULE_LABEL_EMPTY));
        label = Member::Absent;
    }
    if let Member::Ok(s) = &label {
        out.label = Some(s.clone());
    }
    let report_label_error = |ctx: &mut Ctx<'_, '_>, v: &Json<'_>| {
        ctx.report(
            &ids::QUALIFIO_GIFT_LABEL_TYPE,
            "/gift/label",
            format!(
                "gift.label is {}: the prize name must be a string, e.g. \"label\": \"five-night getaway\"",
                seen(v)
            ),
        );
    };
    match (&cw, &label) {
        (Member::Bad(v, _), label) => {
            let fix = match v {
                Json::String(s) if s.trim().eq_ignore_ascii_case("true") => "send true",
                Json::String(s) if s.trim().eq_ignore_ascii_case("false") => "send false",
                _ => "send true or false",
            };
            ctx.report(
                &ids::QUALIFIO_GIFT_CW_TYPE,
                "/gift/cw",
                format!(
                    "gift.cw is {}: Qualifio wants a JSON boolean; {fix} (no quotes)",
                    seen(v)
                ),
            );
            out.outcome = O::Invalid;
            steps.push(rule(tables::W_RULE_CW_BOOLEAN));
            if let Member::Bad(lv, _) = label {
                report_label_error(ctx, lv);
                steps.push(rule(tables::W_RULE_LABEL_STRING));
            }
        }
        (Member::Ok(false), label) => {
            out.outcome = O::CannotWin;
            match label {
                Member::Absent => row(3, &mut steps),
                Member::Ok(_) => {
                    // 001: "Participant may not win (gift.label is ignored.)"
                    out.label_ignored = true;
                    row(2, &mut steps);
                }
                Member::Bad(v, _) => {
                    out.label_ignored = true;
                    row(2, &mut steps);
                    ctx.report(
                        &ids::QUALIFIO_GIFT_LABEL_TYPE_IGNORED,
                        "/gift/label",
                        format!(
                            "gift.label is {} but cw is false, so it is ignored and the participant cannot win; send the prize name as a string or drop label",
                            seen(v)
                        ),
                    );
                    steps.push(rule(tables::W_RULE_LABEL_IGNORED));
                }
            }
        }
        (Member::Ok(true) | Member::Absent, Member::Bad(v, _)) => {
            report_label_error(ctx, v);
            out.outcome = O::Invalid;
            steps.push(rule(tables::W_RULE_LABEL_STRING));
        }
        (Member::Ok(true), Member::Ok(_)) => {
            out.outcome = O::GivenPrize;
            row(0, &mut steps);
        }
        (Member::Ok(true), Member::Absent) => {
            ctx.report(
                &ids::QUALIFIO_GIFT_LABEL_MISSING,
                "/gift/label",
                "gift.cw is true without a label: the participant may win any prize (001 allows this, though 000 calls label mandatory inside gift); add a label to promise a given prize",
            );
            out.outcome = O::AnyPrize;
            row(1, &mut steps);
        }
        (Member::Absent, Member::Ok(l)) => {
            ctx.report(
                &ids::QUALIFIO_GIFT_PLACEHOLDER,
                "/gift/cw",
                format!(
                    "gift.label is {} without cw: the prize is granted only if the campaign has a placeholder prize available in Engage; send \"cw\": true to make the intent explicit",
                    quote(l)
                ),
            );
            out.outcome = O::GivenPrize;
            row(4, &mut steps);
        }
        (Member::Absent, Member::Absent) => {
            out.outcome = O::Standard;
            row(5, &mut steps);
        }
    }
    (out, steps)
}

#[cfg(test)]
mod tests;
