//! Adictiz Box (RULES.md section 4; document 003 "JWT for Adictiz Box campaigns").

use crate::token::tree::{Json, Object};
use chrono::NaiveDate;
use email_address::{EmailAddress, Options};

use super::text::{case_variant, child, did_you_mean, quote, seen};
use super::{Ctx, ids};

/// The mandatory, case-sensitive user id (003 "Données d'authentification (obligatoire)").
pub const PARTNER_USER_ID: &str = "partnerUserID";

/// 003 "Autres données": the normalised fields and their formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldFormat {
    /// `mr`, `miss` or `mme`.
    Civility,
    /// Letters only; accents, spaces and hyphens allowed.
    Letters,
    /// A valid email address.
    Email,
    /// `DD/MM/YYYY` or `YYYY-MM-DD`, and a real date.
    Birthday,
    /// Digits only.
    Phone,
    /// The JSON integer 0 or 1.
    OptIn,
    /// Any text.
    Free,
}

/// Every normalised field of 003 with its format.
pub const FIELDS: &[(&str, FieldFormat)] = &[
    ("civility", FieldFormat::Civility),
    ("lastname", FieldFormat::Letters),
    ("firstname", FieldFormat::Letters),
    ("email", FieldFormat::Email),
    ("address", FieldFormat::Free),
    ("add_address", FieldFormat::Free),
    ("street", FieldFormat::Free),
    ("street_number", FieldFormat::Free),
    ("zipCode", FieldFormat::Free),
    ("city", FieldFormat::Letters),
    ("country", FieldFormat::Letters),
    ("birthday", FieldFormat::Birthday),
    ("deskPhone", FieldFormat::Phone),
    ("mobilePhone", FieldFormat::Phone),
    ("loyalty", FieldFormat::Free),
    ("rule", FieldFormat::OptIn),
    ("newsletter", FieldFormat::OptIn),
    ("optin_mobile", FieldFormat::OptIn),
    ("optin_partner", FieldFormat::OptIn),
    ("state", FieldFormat::Letters),
    ("nickname", FieldFormat::Free),
    ("pointofsale", FieldFormat::Free),
];

pub const CIVILITIES: &[&str] = &["mr", "miss", "mme"];

/// Why a field's value breaks its format: the finding kind and the expected format in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Violation {
    pub spec: &'static ids::RuleSpec,
    pub expected: &'static str,
}

fn violation(spec: &'static ids::RuleSpec, expected: &'static str) -> Violation {
    Violation { spec, expected }
}

/// 003 "Autres données", "Certified email format": a plain RFC 5322 address with a dotted
/// domain, no display name and no IP literal.
pub fn email_ok(s: &str) -> bool {
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    EmailAddress::parse_with_options(s, options).is_ok()
}

/// `DD/MM/YYYY` or `YYYY-MM-DD`: Err(false) for a wrong shape, Err(true) for a shape that
/// names no real day (31/02/2020).
pub fn birthday(s: &str) -> Result<NaiveDate, bool> {
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let (d, m, y) = if let [d, m, y] = s.split('/').collect::<Vec<_>>()[..] {
        if !(digits(d, 2) && digits(m, 2) && digits(y, 4)) {
            return Err(false);
        }
        (d, m, y)
    } else if let [y, m, d] = s.split('-').collect::<Vec<_>>()[..] {
        if !(digits(d, 2) && digits(m, 2) && digits(y, 4)) {
            return Err(false);
        }
        (d, m, y)
    } else {
        return Err(false);
    };
    let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) else {
        return Err(false);
    };
    NaiveDate::from_ymd_opt(y, m, d).ok_or(true)
}

/// Check one normalised field's value against its 003 format.
pub fn check_field(format: FieldFormat, v: &Json<'_>) -> Result<(), Violation> {
    let s = v.as_str();
    match format {
        FieldFormat::Civility => match s {
            Some(s) if CIVILITIES.contains(&s) => Ok(()),
            _ => Err(violation(
                &ids::ADICTIZ_CIVILITY_FORMAT,
                "one of \"mr\", \"miss\", \"mme\" (lowercase)",
            )),
        },
        FieldFormat::Letters => match s {
            Some(s) if !s.trim().is_empty() && s.chars().all(name_char) => Ok(()),
            _ => Err(violation(
                &ids::ADICTIZ_LETTERS_FORMAT,
                "a string of letters (any script, with accents), spaces, hyphens, apostrophes and periods, e.g. \"Villeneuve-d'Ascq\"",
            )),
        },
        FieldFormat::Email => match s {
            Some(s) if email_ok(s) => Ok(()),
            _ => Err(violation(
                &ids::ADICTIZ_EMAIL_FORMAT,
                "a valid email address such as \"name@example.com\"",
            )),
        },
        FieldFormat::Birthday => match s.map(birthday) {
            Some(Ok(_)) => Ok(()),
            Some(Err(true)) => Err(violation(
                &ids::ADICTIZ_BIRTHDAY_DATE,
                "a real date as DD/MM/YYYY or YYYY-MM-DD",
            )),
            _ => Err(violation(
                &ids::ADICTIZ_BIRTHDAY_FORMAT,
                "a string DD/MM/YYYY or YYYY-MM-DD, e.g. \"24/12/1990\"",
            )),
        },
        FieldFormat::Phone => match s {
            Some(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
            _ => Err(violation(
                &ids::ADICTIZ_PHONE_FORMAT,
                "a string of digits only, e.g. \"0612345678\" (no spaces, dots or +)",
            )),
        },
        FieldFormat::OptIn => match v.as_u64() {
            Some(0 | 1) if v.is_u64() => Ok(()),
            _ => Err(violation(
                &ids::ADICTIZ_OPTIN_FORMAT,
                "the JSON integer 0 or 1 (no quotes)",
            )),
        },
        FieldFormat::Free => Ok(()),
    }
}

/// `custom_<n>`: free-form custom fields.
/// "Lettre uniquement" as real names use it (RULES.md section 4): letters of any script and
/// their combining accents, spaces, hyphens, apostrophes (' and ’) and periods
/// (`Villeneuve-d'Ascq`, `O'Brien`, `St. Louis`). Digits and other symbols are not.
fn name_char(c: char) -> bool {
    c.is_alphabetic()
        || matches!(c, ' ' | '-' | '\'' | '’' | '.')
        || matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn is_custom(name: &str) -> bool {
    name.strip_prefix("custom_")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

pub(super) fn partner_user_id(
    claims: &Object<'_>,
) -> Result<(), (String, &'static ids::RuleSpec, String)> {
    match claims.get(PARTNER_USER_ID) {
        Some(Json::String(s)) if !s.trim().is_empty() => Ok(()),
        Some(Json::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
        Some(Json::String(s)) => Err((
            child("", PARTNER_USER_ID),
            &ids::ADICTIZ_PARTNER_USER_ID_MISSING,
            format!(
                "partnerUserID is {}: send the participant's unique, stable id, e.g. \"partnerUserID\": \"u-1234\"",
                quote(s)
            ),
        )),
        Some(v) => Err((
            child("", PARTNER_USER_ID),
            &ids::ADICTIZ_PARTNER_USER_ID_TYPE,
            format!(
                "partnerUserID is {}: send the participant's unique id as a string, e.g. \"partnerUserID\": \"u-1234\"",
                seen(v)
            ),
        )),
        None => match case_variant(claims, PARTNER_USER_ID) {
            Some(variant) => Err((
                child("", variant),
                &ids::ADICTIZ_PARTNER_USER_ID_CASE,
                format!(
                    "the payload has '{variant}' but Adictiz reads only 'partnerUserID' (case-sensitive): did you mean 'partnerUserID'? rename the member"
                ),
            )),
            None => Err((
                child("", PARTNER_USER_ID),
                &ids::ADICTIZ_PARTNER_USER_ID_MISSING,
                "partnerUserID is missing: Adictiz requires the participant's unique id in \"partnerUserID\" (case-sensitive)".to_owned(),
            )),
        },
    }
}

/// 003 "Pré-requis": once a campaign has its own key, the account key stops working for it.
/// A campaign file naming both keys makes a token that verified only with the account key an
/// error.
fn account_key(ctx: &mut Ctx<'_, '_>) {
    let input = ctx.input;
    let (Some(c), Some(k)) = (input.campaign, input.verified_by) else {
        return;
    };
    let (Some(campaign_key), Some(account_key)) = (&c.campaign_key, &c.account_key) else {
        return;
    };
    let names = |wanted: &str| {
        k.name == wanted
            || k.name
                .strip_prefix(wanted)
                .is_some_and(|rest| rest.starts_with('#'))
    };
    if names(account_key) && !names(campaign_key) {
        let claim = ctx
            .jws_alg()
            .map(|(p, _)| p.into_owned())
            .unwrap_or_else(|| String::from("/header/alg"));
        ctx.report(
            &ids::ADICTIZ_ACCOUNT_KEY,
            claim,
            format!(
                "the token verifies with the account key {} but not with the campaign's own key {}: once a campaign has its own key, Adictiz no longer accepts the account key for it; sign with the campaign key",
                quote(account_key),
                quote(campaign_key)
            ),
        );
    }
}

pub(crate) fn check(ctx: &mut Ctx<'_, '_>) {
    if let Some((claim, alg)) = ctx.jws_alg()
        && alg != "HS256"
        && !alg.eq_ignore_ascii_case("none")
    {
        ctx.report(
            &ids::ADICTIZ_ALG,
            claim,
            format!(
                "alg is {}: 003's example signs HS256 with the campaign's or the account's key; its introduction also names RSA and ECDSA, so check that the campaign is set up for this alg",
                quote(alg)
            ),
        );
    }
    if let Some((prefix, h)) = ctx.jws_header()
        && let Some(kid) = crate::token::header_str(h, "kid")
    {
        ctx.report(
            &ids::ADICTIZ_KID_IGNORED,
            child(&prefix, "kid"),
            format!(
                "kid is {}: Adictiz Box ignores it, so it neither selected nor excluded a key",
                quote(kid)
            ),
        );
    }
    if !ctx.has_claims() {
        return;
    }
    let claims = ctx.claims;
    if let Err((claim, spec, message)) = partner_user_id(claims) {
        ctx.report(spec, claim, message);
    }
    account_key(ctx);
    for (name, v) in claims {
        if let Some((_, format)) = FIELDS.iter().find(|(f, _)| *f == name) {
            // 003 types these fields String: a number works, but a zipCode of 01000 sent as
            // a number arrives as 1000.
            if matches!(format, FieldFormat::Free | FieldFormat::Phone)
                && let Json::Number(n) = v
                && (n.is_u64() || n.is_i64())
            {
                ctx.report(
                    &ids::ADICTIZ_FIELD_NUMBER,
                    child("", name),
                    format!(
                        "{name} is the JSON number {n}: 003 types it String, and a number loses any leading zero (a zipCode of 01000 arrives as 1000); send \"{name}\": \"{n}\""
                    ),
                );
                continue;
            }
            if let Err(bad) = check_field(*format, v) {
                ctx.report(
                    bad.spec,
                    child("", name),
                    format!("{name} is {}: expected {}", seen(v), bad.expected),
                );
            }
            continue;
        }
        if name == PARTNER_USER_ID || is_custom(name) || name.eq_ignore_ascii_case(PARTNER_USER_ID)
        {
            continue;
        }
        let known = FIELDS.iter().map(|(f, _)| *f);
        let suggestion = did_you_mean(name, known)
            .map(str::to_owned)
            .or_else(|| is_custom(&name.to_lowercase()).then(|| name.to_lowercase()));
        if let Some(real) = suggestion
            && !claims.contains_key(&real)
        {
            ctx.report(
                &ids::ADICTIZ_FIELD_CASE,
                child("", name),
                format!(
                    "'{name}' is not a normalised Adictiz field, so it will not reach the platform's '{real}' field: did you mean '{real}'? names are case-sensitive"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests;
