//! The required-claims checklist the TUI shows: for each profile, the claims it requires (and,
//! for Adictiz, the normalised fields present), each present or not, well-formed or not. It
//! reads each platform's field rules from its module.
//!
//! [`claim_checks`] is what is shown: each item's state as the inspection found it, so that
//! the checklist and the findings never disagree (a claim a finding warns about is not ✔, and
//! claims that were never read are "not checked").

use serde::Serialize;
use serde_json::Value;

use super::adictiz::{FIELDS, PARTNER_USER_ID, check_field, partner_user_id};
use super::qualifio;
use super::text::{child, render};
use crate::profile::Profile;
use crate::report::{Inspection, PayloadView, Severity};
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

/// How one checklist item stands in an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    /// Present and well-formed (or optional and absent), and no finding about it.
    Ok,
    /// A warning finding is about it, or it is a recommended claim that is absent.
    Warning,
    /// An error finding is about it, or it is required and missing or malformed.
    Error,
    /// The payload was not read (a JWE not decrypted, a segment that does not decode).
    NotChecked,
}

impl CheckState {
    /// The mark the checklist shows: ✔ ▲ ✖ ?.
    pub fn mark(self) -> &'static str {
        match self {
            CheckState::Ok => "✔",
            CheckState::Warning => "▲",
            CheckState::Error => "✖",
            CheckState::NotChecked => "?",
        }
    }
}

/// One line of the checklist as shown: the claim, its state, and the words for it (the
/// finding's message when a finding decided the state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimCheck {
    /// JSON pointer of the claim.
    pub claim: String,
    pub state: CheckState,
    pub note: String,
}

/// The checklist of the inspection's profile, each item's state taken from what the
/// inspection found: the worst error or warning finding about the claim (or a member of it)
/// decides, with its message; without one, the claim's presence and form do. Nothing is ✔
/// when the payload was not read.
pub fn claim_checks(insp: &Inspection) -> Vec<ClaimCheck> {
    let profile = insp.verdict.profile;
    let Some(payload) = insp.payload.as_ref() else {
        let why = match &insp.payload_view {
            PayloadView::Unavailable { reason } => reason.clone(),
            PayloadView::Text { .. } | PayloadView::Binary { .. } => {
                String::from("the payload is not JSON")
            }
            PayloadView::Json => String::from("the payload was not read"),
        };
        return checklist(profile, None)
            .into_iter()
            .map(|item| ClaimCheck {
                claim: item.claim,
                state: CheckState::NotChecked,
                note: format!("not checked: {why}"),
            })
            .collect();
    };
    checklist(profile, Some(payload))
        .into_iter()
        .map(|item| {
            let about = |severity: Severity| {
                insp.findings.iter().find(|f| {
                    f.severity == severity
                        && (f.claim == item.claim
                            || f.claim
                                .strip_prefix(item.claim.as_str())
                                .is_some_and(|rest| rest.starts_with('/')))
                })
            };
            let (state, note) = if let Some(f) = about(Severity::Error) {
                (CheckState::Error, f.message.clone())
            } else if let Some(f) = about(Severity::Warning) {
                (CheckState::Warning, f.message.clone())
            } else if !item.ok {
                (CheckState::Error, item.note)
            } else if !item.present && item.note.starts_with("recommended") {
                (CheckState::Warning, item.note)
            } else {
                (CheckState::Ok, item.note)
            };
            ClaimCheck {
                claim: item.claim,
                state,
                note,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};
    use zeroize::Zeroizing;

    use super::*;
    use crate::inspect::{Options, inspect_text_nth};
    use crate::jose::mint::{SignOptions, encrypt_dir, sign_jws};
    use crate::keys::{KeyRing, secret_key};

    const AT: i64 = 1_714_564_800;

    fn signed(claims: Value) -> (String, KeyRing) {
        let key = secret_key("hs", Zeroizing::new(vec![7u8; 32]));
        let mut header = Map::new();
        header.insert("alg".into(), json!("HS256"));
        let token = sign_jws(
            &header,
            &serde_json::to_vec(&claims).unwrap(),
            &key,
            &SignOptions::default(),
        )
        .unwrap();
        let ring = KeyRing { keys: vec![key] };
        (token, ring)
    }

    fn inspect(token: &str, ring: &KeyRing) -> Inspection {
        let opts = Options {
            at: AT,
            ..Options::default()
        };
        inspect_text_nth(token, 0, ring, &opts).unwrap()
    }

    /// The generic profile recommends exp: absent, it is ▲ with the finding's words, never ✔.
    #[test]
    fn a_missing_recommended_exp_is_a_warning_in_the_finding_s_words() {
        let (token, ring) = signed(json!({"sub": "u", "iat": AT}));
        let insp = inspect(&token, &ring);
        let finding = insp
            .findings
            .iter()
            .find(|f| f.claim == "/exp")
            .expect("a finding about the missing exp");
        let checks = claim_checks(&insp);
        let exp = checks.iter().find(|c| c.claim == "/exp").unwrap();
        assert_eq!(exp.state, CheckState::Warning, "{checks:?}");
        assert_eq!(exp.note, finding.message);
        // With exp, the same token's checklist is ✔.
        let (token, ring) = signed(json!({"sub": "u", "iat": AT, "exp": AT + 600}));
        let checks = claim_checks(&inspect(&token, &ring));
        assert!(
            checks.iter().all(|c| c.state == CheckState::Ok),
            "{checks:?}"
        );
    }

    /// A JWE that was not decrypted: its claims were never read, so nothing is ✔.
    #[test]
    fn an_undecrypted_jwe_checks_nothing() {
        let claims = json!({"sub": "u", "campaignId": "1", "exp": AT + 600});
        let (jws, _) = signed(claims);
        let dir = secret_key("dir", Zeroizing::new(vec![9u8; 32]));
        let jwe = encrypt_dir(&jws, &dir, "A256GCM").unwrap();
        let insp = inspect(&jwe, &KeyRing::default());
        assert!(insp.payload.is_none());
        let checks = claim_checks(&insp);
        assert!(!checks.is_empty());
        for c in &checks {
            assert_eq!(c.state, CheckState::NotChecked, "{c:?}");
            assert!(c.note.starts_with("not checked: "), "{c:?}");
        }
        // Decrypted, the same token's claims are checked.
        let ring = KeyRing { keys: vec![dir] };
        let checks = claim_checks(&inspect(&jwe, &ring));
        assert!(
            checks.iter().all(|c| c.state != CheckState::NotChecked),
            "{checks:?}"
        );
    }

    /// An error finding about a present, well-formed claim (an expired exp) is ✖ with its
    /// words: the checklist never says ✔ where Findings says ✖.
    #[test]
    fn an_error_finding_on_a_claim_marks_it() {
        let (token, ring) = signed(json!({"sub": "u", "exp": AT - 3600}));
        let insp = inspect(&token, &ring);
        let exp = claim_checks(&insp)
            .into_iter()
            .find(|c| c.claim == "/exp")
            .unwrap();
        assert_eq!(exp.state, CheckState::Error);
        assert!(exp.note.contains("expired"), "{exp:?}");
    }
}
