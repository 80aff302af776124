//! A ticket-ready report of one inspection, in Markdown: what support pastes back to a
//! customer. The verdict and outcomes, the findings with their sources, the claims with
//! personal data masked, the token elided to its header and a fingerprint, the evaluation
//! instant and skew, and the command that reproduces the verdict.

use serde_json::{Map, Value};

use crate::escape;
use crate::report::{Inspection, Overall, ParticipationOutcome, Severity, WinOutcome};

/// How much personal data the report keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Redact {
    /// `sub`, ids, emails, phones, names, addresses and `form` values: first and last
    /// character kept.
    #[default]
    Personal,
    /// Everything as the token carries it.
    None,
}

/// Claims holding personal data (lowercase; matched case-insensitively).
const PERSONAL: &[&str] = &[
    "sub",
    "partneruserid",
    "email",
    "mail",
    "phone",
    "deskphone",
    "mobilephone",
    "firstname",
    "lastname",
    "name",
    "given_name",
    "family_name",
    "nickname",
    "address",
    "add_address",
    "street",
    "street_number",
    "zipcode",
    "birthday",
    "loyalty",
];

/// `value` with its first and last character kept and the rest starred (`j******e`); two
/// characters or fewer are starred whole.
pub fn mask(value: &str) -> String {
    mask_with(value, "*", usize::MAX)
}

/// [`mask`] with `star` for the hidden characters, at most `most` of them between the two
/// kept (a list column keeps its width).
pub fn mask_with(value: &str, star: &str, most: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    match chars.len() {
        0 => String::new(),
        n if n <= 2 => star.repeat(n),
        n => format!(
            "{}{}{}",
            chars[0],
            star.repeat((n - 2).min(most)),
            chars[n - 1]
        ),
    }
}

fn mask_value(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(mask(s)),
        Value::Number(n) => Value::String(mask(&n.to_string())),
        Value::Array(a) => Value::Array(a.iter().map(mask_value).collect()),
        Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), mask_value(v))).collect())
        }
        other => other.clone(),
    }
}

/// The claims with personal data masked: the members named in [`PERSONAL`] at any depth, and
/// every value under `form` (Qualifio prefill data is personal by nature).
pub fn redact(claims: &Value) -> Value {
    fn walk(map: &Map<String, Value>) -> Map<String, Value> {
        map.iter()
            .map(|(k, v)| {
                let lower = k.to_ascii_lowercase();
                let v = if PERSONAL.contains(&lower.as_str()) || lower == "form" {
                    mask_value(v)
                } else if let Value::Object(inner) = v {
                    Value::Object(walk(inner))
                } else {
                    v.clone()
                };
                (k.clone(), v)
            })
            .collect()
    }
    match claims {
        Value::Object(map) => Value::Object(walk(map)),
        other => other.clone(),
    }
}

/// A table cell: one line, escaped, `|` guarded.
fn cell(s: &str) -> String {
    escape::line(s).replace('|', "\\|")
}

/// The report. `command` is the `tokenscope inspect ...` line that reproduces it (the token
/// itself replaced by `--file token.txt`).
pub fn render(insp: &Inspection, redact_mode: Redact, command: &str) -> String {
    let mut out = String::new();
    let overall = insp.overall();
    let verdict = insp.verdict.clone();
    out.push_str(&format!("## tokenscope: {}\n\n", overall.label()));
    out.push_str("| | |\n|---|---|\n");
    let exit = match overall {
        Overall::Accepted => 0,
        Overall::Rejected => 1,
        Overall::NotVerified => 3,
    };
    out.push_str(&format!(
        "| Verdict | **{}** (exit {exit}) |\n",
        overall.label()
    ));
    out.push_str(&format!(
        "| Profile | {} ({}) |\n",
        verdict.profile,
        cell(&verdict.profile_reason)
    ));
    let participation = verdict.participation.outcome;
    let nb = verdict
        .participation
        .nb
        .map(|n| format!(" (nb {n})"))
        .unwrap_or_default();
    out.push_str(&format!(
        "| Participation | {}{nb} |\n",
        participation.as_str()
    ));
    let win = verdict.win.outcome;
    let win_note = match (participation, win) {
        (ParticipationOutcome::Blocked, w) if w != WinOutcome::Standard => {
            " (does not matter: participation is blocked)"
        }
        _ => "",
    };
    out.push_str(&format!("| Win | {}{win_note} |\n", win.as_str()));
    out.push_str(&format!(
        "| Evaluated at | {} (skew {} s) |\n",
        insp.evaluated_at_rfc3339, insp.skew
    ));
    let header = escape::json(&insp.header).unwrap_or_default();
    out.push_str(&format!(
        "| Token | {} of {} characters, header `{}`, fingerprint `{}` (the token itself is not in this report) |\n",
        insp.kind.label(),
        insp.token.len(),
        cell(&header),
        crate::report::token_fingerprint(&insp.token)
    ));
    for (i, layer) in insp.layers.iter().enumerate() {
        let key = layer
            .key
            .as_deref()
            .map(|k| format!(" with key '{}'", cell(k)))
            .unwrap_or_default();
        out.push_str(&format!(
            "| Layer {i} | {} {}: {}{key} |\n",
            layer.kind.label(),
            cell(layer.alg.as_deref().unwrap_or("?")),
            layer.status.as_str()
        ));
    }
    out.push('\n');

    let mut findings: Vec<_> = insp.findings.iter().collect();
    findings.sort_by_key(|f| f.severity);
    out.push_str(&format!("### Findings ({})\n\n", findings.len()));
    if findings.is_empty() {
        out.push_str("None.\n\n");
    } else {
        out.push_str("| severity | id | claim | message | source |\n|---|---|---|---|---|\n");
        for f in findings {
            let sev = match f.severity {
                Severity::Error => "**error**",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            out.push_str(&format!(
                "| {sev} | `{}` | `{}` | {} | {} |\n",
                cell(&f.id),
                cell(&f.claim),
                cell(&f.message),
                cell(&f.source)
            ));
        }
        out.push('\n');
    }

    match &insp.payload {
        Some(claims) => {
            let (title, shown) = match redact_mode {
                Redact::Personal => ("Claims (personal data masked)", redact(claims)),
                Redact::None => ("Claims", claims.clone()),
            };
            out.push_str(&format!("### {title}\n\n```json\n"));
            out.push_str(&escape::json_pretty(&shown).unwrap_or_default());
            out.push_str("\n```\n\n");
        }
        None => out.push_str("### Claims\n\nNot readable as JSON (see the findings).\n\n"),
    }

    out.push_str("### Reproduce\n\nWith the token in `token.txt` and the same keys:\n\n```sh\n");
    out.push_str(&escape::line(command));
    out.push_str("\n```\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_keep_the_first_and_last_character() {
        assert_eq!(mask("jane.doe@example.com"), "j******************m");
        assert_eq!(mask("ab"), "**");
        assert_eq!(mask("x"), "*");
        assert_eq!(mask("Zoë"), "Z*ë");
    }

    #[test]
    fn personal_claims_are_masked_at_any_depth_and_form_wholly() {
        let claims = json!({
            "sub": "user-1234",
            "campaignId": "42",
            "Email": "a@b.example",
            "form": {"city": "Lille", "zip": 59000},
            "custom": {"lastname": "Martin", "plan": "gold"},
            "limit": {"canPlay": true}
        });
        assert_eq!(
            redact(&claims),
            json!({
                "sub": "u*******4",
                "campaignId": "42",
                "Email": "a*********e",
                "form": {"city": "L***e", "zip": "5***0"},
                "custom": {"lastname": "M****n", "plan": "gold"},
                "limit": {"canPlay": true}
            })
        );
    }
}
