//! Xtremepush loyalty widget (RULES.md section 5; document 004 "Manage User Authentication").

use serde_json::Value;

use crate::token::header_member;
use crate::token::tree::Json;

use super::text::{child, quote, seen};
use super::{Ctx, ids};
use crate::report::TokenKind;

pub(crate) fn check(ctx: &mut Ctx<'_, '_>) {
    let input = ctx.input;
    if input.kind == TokenKind::Jwe {
        ctx.report(
            &ids::XTREMEPUSH_JWE,
            "",
            "the token is a JWE: the loyalty widget takes a signed JWT (RS256, typ JWT), not an encrypted one; send the signed JWS itself",
        );
    }
    if let Some((prefix, h)) = ctx.jws_header() {
        // 004 "JWT Token and Payload": "alg: This must be set to RS256."
        match header_member(h, "alg") {
            Some(Value::String(a)) if a == "RS256" || a.eq_ignore_ascii_case("none") => {}
            other => ctx.report(
                &ids::XTREMEPUSH_ALG,
                child(&prefix, "alg"),
                format!(
                    "alg is {}: the loyalty widget only accepts RS256; sign with the RSA private key whose public key is uploaded in the Loyalty Hub",
                    other.map(seen).unwrap_or_else(|| String::from("missing"))
                ),
            ),
        }
        match header_member(h, "typ") {
            Some(Value::String(t)) if t == "JWT" => {}
            other => ctx.report(
                &ids::XTREMEPUSH_TYP,
                child(&prefix, "typ"),
                format!(
                    "typ is {}: the loyalty widget requires \"typ\": \"JWT\"",
                    other.map(seen).unwrap_or_else(|| String::from("missing"))
                ),
            ),
        }
        // 004 "Security Best Practices": with several public keys uploaded, kid picks the
        // right one during key rotation.
        let n = input.keyring.xtremepush_keys;
        if n > 1 && !matches!(header_member(h, "kid"), Some(Value::String(k)) if !k.is_empty()) {
            ctx.report(
                &ids::XTREMEPUSH_KID_MISSING,
                child(&prefix, "kid"),
                format!(
                    "{n} xtremepush keys are stored and the header has no kid: add \"kid\" naming the signing key so rotation picks the right public key"
                ),
            );
        }
    }
    if !ctx.has_claims() {
        return;
    }
    match ctx.claims.get("sub") {
        None => ctx.report(
            &ids::XTREMEPUSH_SUB_MISSING,
            "/sub",
            "sub is missing: send the User ID recorded in Data Manager, e.g. \"sub\": \"user_88421\"",
        ),
        Some(Json::String(s)) if s.trim().is_empty() => ctx.report(
            &ids::XTREMEPUSH_SUB_MISSING,
            "/sub",
            format!(
                "sub is {}: send the User ID recorded in Data Manager, e.g. \"sub\": \"user_88421\"",
                quote(s)
            ),
        ),
        Some(Json::String(_)) => {}
        Some(v) => ctx.report(
            &ids::XTREMEPUSH_SUB_TYPE,
            "/sub",
            format!(
                "sub is {}: the User ID should be a string, e.g. \"sub\": \"user_88421\"",
                seen(v)
            ),
        ),
    }
    if !ctx.claims.contains_key("exp") {
        ctx.report(
            &ids::XTREMEPUSH_EXP_MISSING,
            "/exp",
            "exp is missing: the loyalty widget requires the expiry as a Unix timestamp in seconds, e.g. \"exp\": 1741436048",
        );
    }
}

#[cfg(test)]
mod tests;
