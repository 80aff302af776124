//! The required-claims checklist the TUI shows: for each profile, the claims it requires (and,
//! for Adictiz, the normalised fields present), each present or not, well-formed or not. It
//! reads each platform's field rules from its module.

use serde::Serialize;
use serde_json::Value;

use super::adictiz::{FIELDS, PARTNER_USER_ID, check_field, partner_user_id};
use super::qualifio;
use super::text::{child, render};
use crate::profile::Profile;
use crate::token::tree::{Json, Object};

/// One line of the required-claims checklist the TUI shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    /// JSON pointer of the claim.
    pub claim: String,
    pub present: bool,
    /// Present and well-formed (for an optional field: absent, or present and well-formed).
    pub ok: bool,
    /// What is expected, or what is wrong.
    pub note: String,
}

fn item(claim: &str, present: bool, ok: bool, note: impl Into<String>) -> ChecklistItem {
    ChecklistItem {
        claim: format!("/{claim}"),
        present,
        ok,
        note: note.into(),
    }
}

fn required_string(payload: &Object<'_>, name: &str, what: &str) -> ChecklistItem {
    match payload.get(name) {
        None => item(name, false, false, format!("required: {what}")),
        Some(Json::String(s)) if !s.trim().is_empty() => item(name, true, true, what),
        Some(v) => item(name, true, false, format!("{what}; got {}", render(v))),
    }
}

fn required_time(payload: &Object<'_>, name: &str, required: bool) -> ChecklistItem {
    match payload.get(name) {
        None => item(
            name,
            false,
            !required,
            if required {
                "required: NumericDate (seconds)"
            } else {
                "recommended: NumericDate (seconds)"
            },
        ),
        Some(Json::Number(_)) => item(name, true, true, "NumericDate (seconds)"),
        Some(v) => item(
            name,
            true,
            false,
            format!("must be a JSON number; got {}", render(v)),
        ),
    }
}

/// The claims a profile requires (and, for Adictiz, the normalised fields present), each with
/// whether it is present and well-formed: the TUI's checklist pane.
pub fn checklist(profile: Profile, payload: Option<&Value>) -> Vec<ChecklistItem> {
    let tree = payload.map(Json::from_value);
    let claims = match &tree {
        Some(Json::Object(m)) => m,
        _ => &Object::EMPTY,
    };
    match profile {
        Profile::Generic => vec![required_time(claims, "exp", false)],
        Profile::Qualifio => {
            let mut v = vec![
                required_string(claims, "sub", "the participant's unique id, a string"),
                match claims.get("campaignId") {
                    None => item(
                        "campaignId",
                        false,
                        false,
                        "required: the campaign id, a string",
                    ),
                    Some(Json::String(s)) if !s.trim().is_empty() => {
                        item("campaignId", true, true, "the campaign id, a string")
                    }
                    Some(v) => item(
                        "campaignId",
                        true,
                        false,
                        format!("must be a non-empty string; got {}", render(v)),
                    ),
                },
                required_time(claims, "exp", true),
            ];
            if let Some(Json::Number(_)) = claims.get("sub")
                && let Some(first) = v.first_mut()
            {
                first.note = String::from("a string is expected (a number works with a warning)");
            }
            v.push(match claims.get("optin") {
                None => item("optin", false, true, "optional"),
                Some(Json::Object(o)) => {
                    let ok = o.iter().all(|(_, v)| qualifio::optin_value_ok(v));
                    item(
                        "optin",
                        true,
                        ok,
                        "values 0, 1, \"0\", \"1\", true, false, \"on\", \"off\"",
                    )
                }
                Some(v) => item(
                    "optin",
                    true,
                    false,
                    format!("must be an object; got {}", render(v)),
                ),
            });
            v
        }
        Profile::Adictiz => adictiz_checklist(claims),
        Profile::Xtremepush => vec![
            required_string(claims, "sub", "the user id, a string"),
            required_time(claims, "exp", true),
        ],
    }
}

/// partnerUserID, then every normalised field present, for the TUI checklist.
fn adictiz_checklist(claims: &Object<'_>) -> Vec<ChecklistItem> {
    let mut out = vec![match partner_user_id(claims) {
        Ok(()) => ChecklistItem {
            claim: child("", PARTNER_USER_ID),
            present: true,
            ok: true,
            note: String::from("required: the participant's unique id (case-sensitive)"),
        },
        Err((_, _, message)) => ChecklistItem {
            claim: child("", PARTNER_USER_ID),
            present: claims.contains_key(PARTNER_USER_ID),
            ok: false,
            note: message,
        },
    }];
    for (name, format) in FIELDS {
        if let Some(v) = claims.get(name) {
            let (ok, note) = match check_field(*format, v) {
                Ok(()) => (true, String::from("well-formed")),
                Err(bad) => (false, format!("expected {}", bad.expected)),
            };
            out.push(ChecklistItem {
                claim: child("", name),
                present: true,
                ok,
                note,
            });
        }
    }
    out
}
