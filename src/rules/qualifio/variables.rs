//! The campaign variables a token fills: optin variables (000 "Secure token structure") and
//! form values that prefill the campaign's fields, checked against a campaign file that lists
//! them.

use crate::rules::text::{child, did_you_mean, quote, render, seen};
use crate::rules::{Ctx, ids};
use crate::token::tree::Json;

use super::optin_value_ok;

pub(super) fn optin(ctx: &mut Ctx<'_, '_>) {
    let Some(optin) = ctx.claims.get("optin") else {
        return;
    };
    let Json::Object(optin) = optin else {
        ctx.report(
            &ids::QUALIFIO_OPTIN_TYPE,
            "/optin",
            format!(
                "optin is {}: it must be an object of optin variables, e.g. {{\"myOptin\": 1}}",
                seen(optin)
            ),
        );
        return;
    };
    let known = ctx.input.campaign.and_then(|c| c.optins.as_ref());
    for (name, v) in optin {
        // Built only for a finding.
        let claim = || child("/optin", name);
        if !optin_value_ok(v) {
            ctx.report(
                &ids::QUALIFIO_OPTIN_VALUE,
                claim(),
                format!(
                    "optin.{name} is {}: send one of 0, 1, \"0\", \"1\", true, false, \"on\", \"off\"",
                    seen(v)
                ),
            );
        }
        if let Some(known) = known
            && !known.iter().any(|k| k == name)
        {
            let hint = match did_you_mean(name, known.iter().map(String::as_str)) {
                Some(real) => format!("did you mean '{real}'? names are case-sensitive"),
                None if known.is_empty() => String::from("the campaign lists no optin variables"),
                None => format!("known: {}", known.join(", ")),
            };
            ctx.report(
                &ids::QUALIFIO_OPTIN_UNKNOWN,
                claim(),
                format!("optin.{name} is not an optin variable of the campaign: {hint}"),
            );
        }
    }
}

/// The form value as the platform compares it: the string, or the JSON text of a scalar.
fn form_text(v: &Json<'_>) -> Option<String> {
    match v {
        Json::String(s) => Some(s.to_string()),
        Json::Number(_) | Json::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}

/// 000: form values must be "exactly the same as the value put behind the field. The value is
/// case sensitive." Checked only against a campaign file that lists the fields.
pub(super) fn form(ctx: &mut Ctx<'_, '_>) {
    let Some(form) = ctx.claims.get("form") else {
        return;
    };
    let Json::Object(form) = form else {
        ctx.report(
            &ids::QUALIFIO_FORM_TYPE,
            "/form",
            format!(
                "form is {}: it must be an object of Qualifio variables, e.g. {{\"firstname\": \"Ada\"}}",
                seen(form)
            ),
        );
        return;
    };
    let Some(fields) = ctx.input.campaign.and_then(|c| c.form.as_ref()) else {
        return;
    };
    for (name, v) in form {
        // Built only for a finding.
        let claim = || child("/form", name);
        let Some(allowed) = fields.get(name) else {
            let hint = match did_you_mean(name, fields.keys().map(String::as_str)) {
                Some(real) => format!("did you mean '{real}'? names are case-sensitive"),
                None if fields.is_empty() => String::from("the campaign lists no form variables"),
                None => format!(
                    "known: {}",
                    fields.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            ctx.report(
                &ids::QUALIFIO_FORM_UNKNOWN,
                claim(),
                format!("form.{name} is not a form variable of the campaign, so it prefills nothing: {hint}"),
            );
            continue;
        };
        // An empty list: a free field, any value goes.
        if allowed.is_empty() {
            continue;
        }
        let text = form_text(v);
        if text.as_ref().is_some_and(|t| allowed.contains(t)) {
            continue;
        }
        let suggestion = text
            .as_deref()
            .and_then(|t| did_you_mean(t, allowed.iter().map(String::as_str)));
        match suggestion {
            Some(real) => ctx.report(
                &ids::QUALIFIO_FORM_CASE,
                claim(),
                format!(
                    "form.{name} is {}, which differs only by letter case from the allowed value {}: values are case-sensitive, did you mean {}?",
                    render(v),
                    quote(real),
                    quote(real)
                ),
            ),
            None => ctx.report(
                &ids::QUALIFIO_FORM_VALUE,
                claim(),
                format!(
                    "form.{name} is {}, not one of the campaign's values ({}): the field will not be prefilled; send the value behind the field, not its label",
                    seen(v),
                    crate::rules::text::truncate(
                        &allowed
                            .iter()
                            .map(|a| quote(a))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                ),
            ),
        }
    }
}
