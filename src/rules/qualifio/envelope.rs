//! What wraps the Qualifio claims: the header (alg, kid), the key the token is verified with
//! (000 "Secure token"), the JWE around a signed token (000 "Token encryption") and the
//! setMetaData channel (002).

use serde_json::Value;

use crate::report::TokenKind;
use crate::rules::text::{child, quote, seen};
use crate::rules::{Ctx, PlaintextKind, ids};
use crate::token::header_member;

use super::{ALGS, JWE_ENCS, PKCS1_CONVERSION};

pub(super) fn header(ctx: &mut Ctx<'_, '_>) {
    let input = ctx.input;
    if let Some((claim, alg)) = ctx.jws_alg()
        && !alg.eq_ignore_ascii_case("none")
        && !ALGS.contains(&alg)
    {
        ctx.report(
            &ids::QUALIFIO_ALG,
            claim,
            format!(
                "alg is {}, which Qualifio does not validate: sign with one of {}",
                quote(alg),
                ALGS.join(", ")
            ),
        );
    }
    // 000 header comment and "JWKS Endpoint": with a JWKS, Qualifio picks the key by kid.
    let jwks = input.verified_by.is_some_and(|k| k.from_jwks)
        || input
            .campaign
            .is_some_and(|c| c.signature == Some(crate::rules::SignatureMethod::Jwks));
    if jwks && let Some((prefix, h)) = ctx.jws_header() {
        let kid = header_member(h, "kid");
        let kid_ok = matches!(kid, Some(Value::String(s)) if !s.is_empty());
        if !kid_ok {
            let seen_kid = kid
                .map(|v| format!(" (kid is {})", seen(v)))
                .unwrap_or_default();
            ctx.report(
                &ids::QUALIFIO_KID_MISSING,
                child(&prefix, "kid"),
                format!(
                    "the signature is checked against a JWKS but the header has no usable kid{seen_kid}: add \"kid\" with the id of the signing key in the JWKS"
                ),
            );
        }
    }
    // 000 header comment: kid is "useless for others signature methods" than JWKS.
    if !jwks
        && input.verified_by.is_some()
        && let Some((prefix, h)) = ctx.jws_header()
        && let Some(kid) = crate::token::header_str(h, "kid")
    {
        ctx.report(
            &ids::QUALIFIO_KID_IGNORED,
            child(&prefix, "kid"),
            format!(
                "kid is {}, but the key is not from a JWKS: Qualifio ignores kid then, so it neither selected nor excluded a key; drop it, or sign against the campaign's JWKS",
                quote(kid)
            ),
        );
    }
    if let Some(k) = input.verified_by
        && k.pkcs1
        && k.visibility == "public"
    {
        ctx.report(
            &ids::QUALIFIO_KEY_PKCS1,
            "",
            format!(
                "key '{}' is a PKCS#1 public key (BEGIN RSA PUBLIC KEY): tokenscope accepts it but Qualifio wants PKCS#8/SPKI (BEGIN PUBLIC KEY); convert it with: {PKCS1_CONVERSION}",
                k.name
            ),
        );
    }
}

/// 000 "Token encryption": `dir` + one of six enc, wrapping the whole signed JWS.
pub(crate) fn encryption(ctx: &mut Ctx<'_, '_>) {
    let input = ctx.input;
    if input.kind != TokenKind::Jwe {
        return;
    }
    let h = input.header;
    match header_member(h, "alg") {
        Some(Value::String(a)) if a == "dir" => {}
        other => ctx.report(
            &ids::QUALIFIO_JWE_ALG,
            "/header/alg",
            format!(
                "the JWE alg is {}: Qualifio only decrypts with a shared secret, send alg \"dir\"",
                other.map(seen).unwrap_or_else(|| String::from("missing"))
            ),
        ),
    }
    match header_member(h, "enc") {
        Some(Value::String(e)) if JWE_ENCS.contains(&e.as_str()) => {}
        other => ctx.report(
            &ids::QUALIFIO_JWE_ENC,
            "/header/enc",
            format!(
                "the JWE enc is {}: send one of {}",
                other.map(seen).unwrap_or_else(|| String::from("missing")),
                JWE_ENCS.join(", ")
            ),
        ),
    }
    match input.jwe_plaintext {
        Some(PlaintextKind::Json) => ctx.report(
            &ids::QUALIFIO_JWE_NOT_NESTED,
            "",
            "the JWE plaintext is bare JSON claims: Qualifio decrypts, then verifies a signed JWS; sign the claims first (JWS), then encrypt that compact JWS with alg dir",
        ),
        Some(PlaintextKind::Other) => ctx.report(
            &ids::QUALIFIO_JWE_NOT_NESTED,
            "",
            "the JWE plaintext is neither a signed JWS nor JSON: encrypt the compact signed JWS (header.payload.signature) with alg dir",
        ),
        Some(PlaintextKind::NestedJws) => {
            // RFC 7519 5.2: cty "JWT" tells the recipient the plaintext is itself a JWT.
            let cty = header_member(h, "cty");
            let cty_ok = matches!(cty, Some(Value::String(c)) if c.eq_ignore_ascii_case("JWT"));
            if !cty_ok {
                let now = cty
                    .map(|v| format!("cty is {}", seen(v)))
                    .unwrap_or_else(|| String::from("there is no cty"));
                ctx.report(
                    &ids::QUALIFIO_JWE_CTY,
                    "/header/cty",
                    format!(
                        "the JWE carries a nested JWS but {now}: \"cty\": \"JWT\" in the JWE header is recommended"
                    ),
                );
            }
        }
        None => {}
    }
}

/// 002: a token handed over with `setMetaData` travels its own channel; the div ids of the
/// `createIframe` tag and of the `setMetaData` call must match (RULES.md section 3, "Share at
/// load").
pub(crate) fn channel(ctx: &mut Ctx<'_, '_>) {
    let facts = ctx.input.facts;
    if facts.set_meta_data {
        ctx.report(
            &ids::QUALIFIO_CHANNEL_SET_META_DATA,
            "",
            "the token was found in a setMetaData call: this is 002's channel (the integrator's own tag calls setMetaData for a campaign embedded with createIframe, which needs the campaign on a CNAME and does not work with the mini-site), not the qual_token= URL of 000",
        );
    }
    if let Some((iframe, meta)) = &facts.div_mismatch {
        ctx.report(
            &ids::QUALIFIO_CHANNEL_DIV_MISMATCH,
            "",
            format!(
                "createIframe fills the div {} but setMetaData sends the token to {}: no campaign iframe receives it; pass the same div id to both",
                quote(iframe),
                quote(meta)
            ),
        );
    }
}
