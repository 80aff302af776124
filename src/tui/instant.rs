//! The view's clock without the cost of inspecting again. A token evaluated at "now" is
//! evaluated again every second; what depends on the instant is only the instant itself and
//! the time rules that compare it with `exp`, `nbf` and `iat` (RULES.md section 2). While none
//! of those rules changes its outcome, an inspection moves to the next instant by taking the
//! new messages of its time findings (`rules::generic::instant_findings`), and is then what
//! `inspect --at` that instant reports; when one does (the instant crosses `exp + skew`,
//! `nbf - skew` or `iat - skew`), the token is inspected again.

use serde_json::Value;

use crate::report::Inspection;
use crate::rules::generic::{INSTANT_FINDINGS, Times, instant_findings};
use crate::rules::ids::GENERIC_CLAIMS_UNREADABLE;

/// A message of a finding that changed as the instant moved: (before, after).
pub type Reworded = (String, String);

/// Move `insp` to instant `at` (same skew) when no time rule's outcome changes between its
/// instant and `at`: the instant and the time findings' messages change, nothing else does.
/// Returns the messages that changed, or None (and leaves `insp` as it was) when the token
/// must be inspected again: a time rule's outcome changes, or its claims were read leniently
/// (not kept in `payload`), so their times are not known here.
pub fn move_to(insp: &mut Inspection, at: i64) -> Option<Vec<Reworded>> {
    let times = match &insp.payload {
        Some(Value::Object(claims)) => Times::of(claims),
        // Claims that are not an object have no time rules.
        Some(_) => Times::default(),
        None if insp
            .findings
            .iter()
            .any(|f| f.id == GENERIC_CLAIMS_UNREADABLE.id) =>
        {
            return None;
        }
        None => Times::default(),
    };
    let after = instant_findings(times, at, insp.skew);
    let before = insp
        .findings
        .iter()
        .filter(|f| INSTANT_FINDINGS.contains(&f.id.as_str()));
    // The same findings (by id and claim, each once) on both sides, or an outcome changed.
    let same = before.clone().count() == after.len()
        && before
            .clone()
            .all(|f| after.iter().any(|a| a.id == f.id && a.claim == f.claim));
    if !same {
        return None;
    }
    let mut reworded = Vec::new();
    for f in insp
        .findings
        .iter_mut()
        .filter(|f| INSTANT_FINDINGS.contains(&f.id.as_str()))
    {
        if let Some(a) = after.iter().find(|a| a.id == f.id)
            && a.message != f.message
        {
            let old = std::mem::replace(&mut f.message, a.message.clone());
            reworded.push((old, a.message.clone()));
        }
    }
    insp.evaluated_at = at;
    insp.evaluated_at_rfc3339 = crate::time::rfc3339(at);
    Some(reworded)
}

#[cfg(test)]
mod tests;
