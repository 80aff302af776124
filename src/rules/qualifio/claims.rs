//! The claims every Qualifio token carries (000 "Secure token structure"): sub, campaignId,
//! exp and nbf, and top-level members that differ from them only by letter case.

use crate::rules::text::{child, did_you_mean, quote, render, seen};
use crate::rules::{Ctx, ids};
use crate::token::tree::{Json, Object};

use super::{MEMBERS, hint_case};

pub(super) fn required_claims(ctx: &mut Ctx<'_, '_>) {
    let claims = ctx.claims;
    match claims.get("sub") {
        None => ctx.report(
            &ids::QUALIFIO_SUB_MISSING,
            "/sub",
            format!(
                "sub is missing{}: send the participant's unique id as a string, e.g. \"sub\": \"1234\"",
                hint_case(claims, "sub")
            ),
        ),
        Some(Json::String(s)) if s.trim().is_empty() => ctx.report(
            &ids::QUALIFIO_SUB_MISSING,
            "/sub",
            format!(
                "sub is {}: send the participant's unique id, e.g. \"sub\": \"1234\"",
                quote(s)
            ),
        ),
        Some(Json::String(_)) => {}
        Some(v @ Json::Number(_)) => ctx.report(
            &ids::QUALIFIO_SUB_NUMBER,
            "/sub",
            format!(
                "sub is {}: a string is expected, send \"sub\": \"{}\"",
                seen(v),
                render(v)
            ),
        ),
        Some(v) => ctx.report(
            &ids::QUALIFIO_SUB_TYPE,
            "/sub",
            format!(
                "sub is {}: send the participant's unique id as a string, e.g. \"sub\": \"1234\"",
                seen(v)
            ),
        ),
    }
    campaign_id(ctx, claims);
    if !claims.contains_key("exp") {
        ctx.report(
            &ids::QUALIFIO_EXP_MISSING,
            "/exp",
            format!(
                "exp is missing{}: 001 says Qualifio requires it (000 calls it recommended); add exp, e.g. iat + 900 seconds",
                hint_case(claims, "exp")
            ),
        );
    }
    match (claims.get("nbf"), claims.get("iat")) {
        (None, _) => ctx.report(
            &ids::QUALIFIO_NBF_MISSING,
            "/nbf",
            "nbf is absent: Qualifio recommends setting it a few minutes before iat so that small clock differences do not reject the token",
        ),
        (Some(Json::Number(nbf)), Some(Json::Number(iat)))
            if nbf.as_f64().zip(iat.as_f64()).is_some_and(|(n, i)| n >= i) =>
        {
            ctx.report(
                &ids::QUALIFIO_NBF_NOT_BEFORE_IAT,
                "/nbf",
                format!(
                    "nbf ({nbf}) is not before iat ({iat}): Qualifio recommends nbf a few minutes before iat, so that a participant's clock a little behind does not reject the token"
                ),
            );
        }
        _ => {}
    }
}

fn campaign_id(ctx: &mut Ctx<'_, '_>, claims: &Object<'_>) {
    let expected = ctx.input.campaign.map(|c| c.id.clone());
    let example = expected.clone().unwrap_or_else(|| String::from("123456"));
    let value = match claims.get("campaignId") {
        None => {
            ctx.report(
                &ids::QUALIFIO_CAMPAIGN_ID_MISSING,
                "/campaignId",
                format!(
                    "campaignId is missing{}: send the campaign's technical id as a string, e.g. \"campaignId\": {}",
                    hint_case(claims, "campaignId"),
                    quote(&example)
                ),
            );
            return;
        }
        Some(Json::String(s)) if s.trim().is_empty() => {
            ctx.report(
                &ids::QUALIFIO_CAMPAIGN_ID_MISSING,
                "/campaignId",
                format!(
                    "campaignId is {}: send the campaign's technical id, e.g. \"campaignId\": {}",
                    quote(s),
                    quote(&example)
                ),
            );
            return;
        }
        Some(Json::String(s)) => s.to_string(),
        Some(v) => {
            let as_text = match v {
                Json::Number(n) => n.to_string(),
                _ => example.clone(),
            };
            ctx.report(
                &ids::QUALIFIO_CAMPAIGN_ID_TYPE,
                "/campaignId",
                format!(
                    "campaignId is {}: Qualifio wants a string, send \"campaignId\": {}",
                    seen(v),
                    quote(&as_text)
                ),
            );
            match v {
                Json::Number(n) => n.to_string(),
                _ => return,
            }
        }
    };
    if let Some(expected) = expected
        && value != expected
    {
        ctx.report(
            &ids::QUALIFIO_CAMPAIGN_ID_MISMATCH,
            "/campaignId",
            format!(
                "campaignId is {} but the campaign file is for campaign {}: the limitation and gift would apply to another campaign; send \"campaignId\": {}",
                quote(&value),
                quote(&expected),
                quote(&expected)
            ),
        );
    }
}

/// A top-level member that differs only by case from a Qualifio claim (say `Gift`) leaves
/// the real claim absent, which silently changes the outcome: worth a warning.
pub(super) fn member_case(ctx: &mut Ctx<'_, '_>) {
    let claims = ctx.claims;
    for key in claims.keys() {
        if MEMBERS.contains(&key) {
            continue;
        }
        // campaignId, sub and exp: the "missing" errors already say "did you mean".
        if let Some(real) = did_you_mean(key, MEMBERS.iter().copied())
            && !claims.contains_key(real)
            && !matches!(real, "campaignId" | "sub" | "exp")
        {
            ctx.report(
                &ids::QUALIFIO_MEMBER_CASE,
                child("", key),
                format!(
                    "the payload has '{key}', which Qualifio does not read: did you mean '{real}'? names are case-sensitive"
                ),
            );
        }
    }
}
