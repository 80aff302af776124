//! Generic rules (RULES.md section 2: RFC 7515/7516/7518/7519, RFC 8725). They apply under
//! every profile.

use serde_json::{Map, Value};

use crate::token::header_member;
use crate::token::tree::Json;

use super::text::{child, instant, quote, render, rfc3339, seen, span};
use super::{Ctx, all_headers, ids};
use crate::jose::understood_crit;
use crate::profile::Profile;
use crate::report::{AttemptResult, KeyFacts, TokenKind};

/// Header members that name or carry a key: never fetched or trusted (RFC 8725 3.10).
pub const KEY_REFERENCE_MEMBERS: &[&str] = &["jku", "x5u", "x5c", "jwk"];

/// A NumericDate above this looks like milliseconds (RULES.md section 2): 10^11 seconds is
/// the year 5138, while 10^11 milliseconds is 1973.
pub const MILLISECONDS_THRESHOLD: f64 = 1e11;

/// The time claims (RFC 7519 4.1.4 to 4.1.6).
pub const TIME_CLAIMS: &[&str] = &["exp", "nbf", "iat"];

/// Minimum HMAC secret length in bytes for an HS* alg: the hash output size (RFC 7518 3.2).
pub fn hmac_min_len(alg: &str) -> Option<usize> {
    match alg {
        "HS256" => Some(32),
        "HS384" => Some(48),
        "HS512" => Some(64),
        _ => None,
    }
}

pub(crate) fn check(ctx: &mut Ctx<'_, '_>) {
    headers(ctx);
    keys(ctx);
    duplicates(ctx);
    if ctx.has_claims() {
        claims(ctx);
    }
}

fn headers(ctx: &mut Ctx<'_, '_>) {
    for (prefix, header) in all_headers(ctx.input) {
        alg_none(ctx, &prefix, header);
        for name in KEY_REFERENCE_MEMBERS {
            if let Some(v) = header_member(header, name) {
                // URLs are shown (they are where a key would be fetched from); embedded key
                // and certificate material never is.
                let what = match (*name, v) {
                    ("jku" | "x5u", Value::String(_)) => format!("{name} {}", render(v)),
                    _ => format!("{name} (embedded key material, not shown)"),
                };
                ctx.report(
                    &ids::GENERIC_HEADER_KEY_REFERENCE,
                    child(&prefix, name),
                    format!(
                        "the header carries {what}: tokenscope never fetches or trusts a key named by the token itself and verifies only with stored keys; drop '{name}' or make sure the platform ignores it"
                    ),
                );
            }
        }
        crit(ctx, &prefix, header);
        // RFC 7515 4.1.4, 4.1.9, 4.1.10 (and RFC 7516 4.1): strings, or absent.
        for name in ["kid", "typ", "cty"] {
            if let Some(v) = header_member(header, name)
                && !v.is_string()
            {
                ctx.report(
                    &ids::GENERIC_HEADER_MEMBER_TYPE,
                    child(&prefix, name),
                    format!(
                        "{name} is {}: the JOSE header parameter {name} is a string, and other JOSE libraries refuse to read the header; send it as a string or leave it out",
                        seen(v)
                    ),
                );
            }
        }
    }
}

fn alg_none(ctx: &mut Ctx<'_, '_>, prefix: &str, header: &Map<String, Value>) {
    if let Some(Value::String(alg)) = header_member(header, "alg")
        && alg.eq_ignore_ascii_case("none")
    {
        ctx.report(
            &ids::GENERIC_ALG_NONE,
            child(prefix, "alg"),
            format!(
                "alg is {}: the token is unsigned and is never accepted; sign it with the algorithm the platform expects (e.g. RS256 or HS256)",
                quote(alg)
            ),
        );
    }
}

/// RFC 7515 4.1.11: `crit` must be a non-empty array of names, each present in the header
/// and understood by the recipient.
fn crit(ctx: &mut Ctx<'_, '_>, prefix: &str, header: &Map<String, Value>) {
    let Some(crit) = header_member(header, "crit") else {
        return;
    };
    let claim = child(prefix, "crit");
    let Value::Array(names) = crit else {
        ctx.report(
            &ids::GENERIC_CRIT_INVALID,
            claim,
            format!(
                "crit is {}: it must be a non-empty array of header member names; remove crit or send e.g. [\"b64\"]",
                seen(crit)
            ),
        );
        return;
    };
    if names.is_empty() {
        ctx.report(
            &ids::GENERIC_CRIT_INVALID,
            claim,
            "crit is the empty array []: RFC 7515 forbids an empty crit; remove the crit member",
        );
        return;
    }
    for (i, name) in names.iter().enumerate() {
        let at = child(&claim, &i.to_string());
        let Value::String(name) = name else {
            ctx.report(
                &ids::GENERIC_CRIT_INVALID,
                at,
                format!(
                    "crit[{i}] is {}: crit lists header member names as strings",
                    seen(name)
                ),
            );
            continue;
        };
        let understood = understood_crit(header);
        if !understood.contains(&name.as_str()) {
            ctx.report(
                &ids::GENERIC_CRIT_UNKNOWN,
                at,
                format!(
                    "crit lists {}, an extension tokenscope does not understand, so the token must be rejected; understood: {}",
                    quote(name),
                    match understood.is_empty() {
                        true => String::from("none in a JWE header"),
                        false => understood.join(", "),
                    }
                ),
            );
        } else if !header.contains_key(name) {
            ctx.report(
                &ids::GENERIC_CRIT_INVALID,
                at,
                format!(
                    "crit lists {} but the header has no such member; add it or remove it from crit",
                    quote(name)
                ),
            );
        }
    }
}

fn keys(ctx: &mut Ctx<'_, '_>) {
    let input = ctx.input;
    let mut short_secret_checked = false;
    for (i, layer) in input.layers.iter().enumerate() {
        if layer.kind != TokenKind::Jws {
            continue;
        }
        let prefix = if i == 0 {
            String::from("/header")
        } else {
            format!("/layers/{i}/header")
        };
        let alg = layer.alg.as_deref().unwrap_or_default();
        // RFC 8725 3.1: an RSA/EC public key must never be used as an HMAC secret; the jose
        // glue refuses it and records the attempt, and the token is an attack or a mistake.
        let refused: Vec<&str> = layer
            .attempts
            .iter()
            .filter(|a| a.result == AttemptResult::PublicKeyAsHmacRefused)
            .map(|a| a.key.as_str())
            .collect();
        if !refused.is_empty() {
            ctx.report(
                &ids::GENERIC_ALG_CONFUSION,
                child(&prefix, "alg"),
                format!(
                    "the token is signed {} but the stored key {} is a public key (RSA/EC/OKP): tokenscope refused to use it as an HMAC secret (algorithm confusion); sign with the private key and its algorithm (e.g. RS256), or verify with the shared secret",
                    quote(alg),
                    refused
                        .iter()
                        .map(|k| format!("'{k}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if let Some(facts) = &layer.key_facts {
            short_secret(ctx, &prefix, alg, facts);
            short_secret_checked = true;
        }
    }
    if !short_secret_checked
        && let Some(facts) = input.verified_by
        && let Some((claim, alg)) = ctx.jws_alg()
    {
        let prefix = claim.trim_end_matches("/alg").to_owned();
        short_secret(ctx, &prefix, alg, facts);
    }
}

/// RFC 7518 3.2: an HMAC key must be at least as long as the hash output. Only the length
/// is said, never the secret.
fn short_secret(ctx: &mut Ctx<'_, '_>, prefix: &str, alg: &str, facts: &KeyFacts) {
    let Some(min) = hmac_min_len(alg) else {
        return;
    };
    let secret_key = matches!(facts.key_type, "secret" | "hmac" | "oct");
    if let (true, Some(len)) = (secret_key, facts.secret_len)
        && len < min
    {
        ctx.report(
            &ids::GENERIC_HMAC_SHORT_SECRET,
            child(prefix, "alg"),
            format!(
                "the {alg} secret of key '{}' is {len} bytes, shorter than the {min}-byte hash output: use a random secret of at least {min} bytes",
                facts.name
            ),
        );
    }
}

fn duplicates(ctx: &mut Ctx<'_, '_>) {
    for pointer in ctx.input.duplicates {
        let (place, name) = match pointer.strip_prefix("/header/") {
            Some(rest) => ("header", rest),
            None => ("payload", pointer.trim_start_matches('/')),
        };
        ctx.report(
            &ids::GENERIC_DUPLICATE_MEMBER,
            pointer.clone(),
            format!(
                "the member {} appears more than once in the {place} JSON: parsers disagree on which value wins (a smuggling risk); send it once",
                quote(name)
            ),
        );
    }
}

/// A NumericDate read as whole seconds (fractions are allowed by RFC 7519 2 and rounded down;
/// values beyond i64 saturate).
fn numeric_date(n: &serde_json::Number) -> i64 {
    if let Some(i) = n.as_i64() {
        i
    } else if n.as_u64().is_some() {
        i64::MAX
    } else {
        // `as` saturates on overflow, which is what a comparison with `at` needs.
        n.as_f64().map(|f| f.floor() as i64).unwrap_or_default()
    }
}

/// The time claims as seconds, after the type checks (RULES.md section 2).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    pub exp: Option<i64>,
    pub nbf: Option<i64>,
    pub iat: Option<i64>,
}

impl Times {
    /// The time claims of a claims set as `check` reads them: a claim that is not a JSON
    /// number has no time (it gets a type finding instead). For a caller that holds the
    /// claims as a `serde_json` value (an inspection's `payload`).
    pub fn of(claims: &Map<String, Value>) -> Times {
        let time = |name: &str| match claims.get(name) {
            Some(Value::Number(n)) => Some(numeric_date(n)),
            _ => None,
        };
        Times {
            exp: time("exp"),
            nbf: time("nbf"),
            iat: time("iat"),
        }
    }
}

/// RULES.md section 2: a JWS whose payload is not a JWT (no JWT marker, generic profile, not
/// starting with `{` or `[`) is shown as it is.
fn opaque(ctx: &mut Ctx<'_, '_>) {
    if ctx
        .input
        .layers
        .last()
        .is_some_and(|l| l.kind == TokenKind::Jws)
    {
        ctx.report(
            &ids::GENERIC_PAYLOAD_OPAQUE,
            "",
            "the payload is not a JWT claims set (no typ or cty JWT, not a JSON object): it is shown as it is and no claim rule applies; add \"typ\": \"JWT\" if it is meant to be one",
        );
    }
}

fn claims(ctx: &mut Ctx<'_, '_>) {
    let input = ctx.input;
    let Some(payload) = input.payload else {
        if !input.facts.is_jwt && ctx.has_claims() {
            opaque(ctx);
        }
        return;
    };
    if !payload.is_object() {
        match input.facts.is_jwt {
            true => ctx.report(
                &ids::GENERIC_CLAIMS_NOT_OBJECT,
                "",
                format!(
                    "the payload is {}, not a JSON object: it is not a JWT claims set, so the token is not accepted; send an object such as {{\"sub\": \"...\", \"exp\": ...}}",
                    seen(payload)
                ),
            ),
            false => opaque(ctx),
        }
        return;
    }
    let mut times = Times::default();
    for (name, claim) in TIME_CLAIMS.iter().zip(["/exp", "/nbf", "/iat"]) {
        let Some(v) = ctx.claims.get(name) else {
            continue;
        };
        let Json::Number(n) = &v else {
            let hint = match &v {
                Json::String(s) if s.trim().parse::<f64>().is_ok() => {
                    format!("send the number {} without quotes", s.trim())
                }
                _ => String::from("send a JSON number of seconds since 1970-01-01T00:00:00Z"),
            };
            ctx.report(
                &ids::GENERIC_TIME_TYPE,
                claim,
                format!(
                    "{name} is {}, not a NumericDate (a JSON number of seconds): {hint}",
                    seen(v)
                ),
            );
            continue;
        };
        let secs = numeric_date(n);
        if n.as_f64().is_some_and(|f| f > MILLISECONDS_THRESHOLD) {
            ctx.report(
                &ids::GENERIC_TIME_MILLISECONDS,
                claim,
                format!(
                    "{name} is {}, which looks like milliseconds ({} if divided by 1000): NumericDate is seconds; send {}",
                    render(v),
                    rfc3339(secs / 1000),
                    secs / 1000
                ),
            );
        }
        match *name {
            "exp" => times.exp = Some(secs),
            "nbf" => times.nbf = Some(secs),
            _ => times.iat = Some(secs),
        }
    }
    evaluate_times(ctx, times);
    if !ctx.claims.contains_key("exp")
        && !matches!(ctx.profile, Profile::Qualifio | Profile::Xtremepush)
    {
        // Qualifio and Xtremepush make a missing exp an error: they report it themselves,
        // so the generic warning is not added on top.
        ctx.report(
            &ids::GENERIC_EXP_MISSING,
            "/exp",
            "the token has no exp, so it never expires: add exp (e.g. iat + 15 minutes) to bound its lifetime",
        );
    }
}

/// RULES.md section 2, evaluated at `at` with `skew`.
fn evaluate_times(ctx: &mut Ctx<'_, '_>, t: Times) {
    for (spec, claim, message) in instant_rules(t, ctx.input.at, ctx.input.skew) {
        ctx.report(spec, claim, message);
    }
    if let (Some(exp), Some(iat)) = (t.exp, t.iat)
        && exp <= iat
    {
        let gap = if exp == iat {
            String::from("equal to")
        } else {
            format!("{} before", span(iat.saturating_sub(exp)))
        };
        ctx.report(
            &ids::GENERIC_EXP_BEFORE_IAT,
            "/exp",
            format!(
                "the token was born expired: exp {} is {gap} iat {}; set exp after iat (e.g. iat + 900)",
                instant(exp),
                instant(iat)
            ),
        );
    }
}

/// The time rules whose outcome depends on the evaluation instant (expired, not yet valid,
/// issued in the future): what each reports for `t` at `at` with `skew`, in order.
fn instant_rules(
    t: Times,
    at: i64,
    skew: i64,
) -> Vec<(&'static ids::RuleSpec, &'static str, String)> {
    let mut out = Vec::new();
    // Formatted only for a finding that quotes it.
    let at_s = || rfc3339(at);
    if let Some(exp) = t.exp
        && exp <= at.saturating_sub(skew)
    {
        out.push((
            &ids::GENERIC_EXP_EXPIRED,
            "/exp",
            format!(
                "the token expired {} before the evaluation instant {at_s}: exp is {} (skew {skew} s); issue a new token with exp in the future",
                span(at.saturating_sub(exp)),
                instant(exp),
                at_s = at_s(),
            ),
        ));
    }
    if let Some(nbf) = t.nbf
        && nbf > at.saturating_add(skew)
    {
        out.push((
            &ids::GENERIC_NBF_NOT_YET_VALID,
            "/nbf",
            format!(
                "the token is not valid yet: nbf is {}, {} after the evaluation instant {at_s} (beyond the {skew} s skew); set nbf a few minutes before iat, from a synchronised clock",
                instant(nbf),
                span(nbf.saturating_sub(at)),
                at_s = at_s(),
            ),
        ));
    }
    if let Some(iat) = t.iat
        && iat > at.saturating_add(skew)
    {
        out.push((
            &ids::GENERIC_IAT_FUTURE,
            "/iat",
            format!(
                "the token was issued in the future: iat is {}, {} after the evaluation instant {at_s} (skew {skew} s); check the issuer's clock",
                instant(iat),
                span(iat.saturating_sub(at)),
                at_s = at_s(),
            ),
        ));
    }
    out
}

/// The findings of the time rules that depend on the evaluation instant, for `t` at `at`
/// with `skew`, as an inspection at `at` reports them (ids, claims, messages; their source is
/// the inspection's). For a caller that keeps an inspection while its instant moves (the
/// TUI's clock): when these findings have the same ids at the new instant, nothing else in
/// the inspection changes but their messages and the instant.
pub fn instant_findings(t: Times, at: i64, skew: i64) -> Vec<crate::Finding> {
    instant_rules(t, at, skew)
        .into_iter()
        .map(|(spec, claim, message)| spec.at(claim, message))
        .collect()
}

/// The ids of the findings [`instant_findings`] can report.
pub const INSTANT_FINDINGS: [&str; 3] = [
    ids::GENERIC_EXP_EXPIRED.id,
    ids::GENERIC_NBF_NOT_YET_VALID.id,
    ids::GENERIC_IAT_FUTURE.id,
];

#[cfg(test)]
mod tests;
