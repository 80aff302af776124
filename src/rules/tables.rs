//! RULES.md's tables as data, shared by the rules (which record the deciding row in
//! `Verdict.path`), the human report (`render_tables`) and the TUI (which highlights the cell
//! of the row a `PathStep` names).
//!
//! Row indexes are 0-based, in the order of RULES.md's tables; the type rules under each table
//! are numbered the same way in `PARTICIPATION_RULES` / `WIN_RULES`.

use std::sync::LazyLock;

use super::text::quote;
use crate::profile::Profile;
use crate::report::{ParticipationOutcome, PathStep, Verdict, WinOutcome};

/// `PathStep.table` values.
pub const TABLE_PROFILE: &str = "profile";
pub const TABLE_PARTICIPATION: &str = "participation";
pub const TABLE_PARTICIPATION_RULES: &str = "participation_rules";
pub const TABLE_WIN: &str = "win";
pub const TABLE_WIN_RULES: &str = "win_rules";

/// RULES.md section 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileRow {
    pub profile: Profile,
    pub chosen_when: &'static str,
    pub platform: &'static str,
}

pub const PROFILE_ROWS: &[ProfileRow] = &[
    ProfileRow {
        profile: Profile::Qualifio,
        chosen_when: "payload has campaignId, limit or gift",
        platform: "Qualifio secure token",
    },
    ProfileRow {
        profile: Profile::Adictiz,
        chosen_when: "payload has partnerUserID (or a case variant of it)",
        platform: "Adictiz Box",
    },
    ProfileRow {
        profile: Profile::Xtremepush,
        chosen_when: "chosen explicitly or by the profile tag of the verifying key",
        platform: "Xtremepush loyalty widget",
    },
    ProfileRow {
        profile: Profile::Generic,
        chosen_when: "otherwise",
        platform: "RFC 7519 / RFC 8725 only",
    },
];

/// Index of a profile in `PROFILE_ROWS`.
pub fn profile_row(p: Profile) -> usize {
    PROFILE_ROWS
        .iter()
        .position(|r| r.profile == p)
        .unwrap_or(PROFILE_ROWS.len() - 1)
}

/// A row of the participation table (`limit`, 000 "Access limitation").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParticipationRow {
    pub limit: &'static str,
    pub can_play: &'static str,
    pub nb: &'static str,
    pub outcome: ParticipationOutcome,
    /// The outcome cell as RULES.md writes it (`limited (n)`).
    pub outcome_text: &'static str,
    pub notes: &'static str,
}

pub const PARTICIPATION_HEADERS: [&str; 5] = ["limit", "canPlay", "nb", "outcome", "notes"];

pub const PARTICIPATION_ROWS: &[ParticipationRow] = &[
    ParticipationRow {
        limit: "absent",
        can_play: "-",
        nb: "-",
        outcome: ParticipationOutcome::Standard,
        outcome_text: "standard",
        notes: "the campaign's own participation rules apply",
    },
    ParticipationRow {
        limit: "present",
        can_play: "false",
        nb: "any",
        outcome: ParticipationOutcome::Blocked,
        outcome_text: "blocked",
        notes: "nb is not checked (nb_ignored when present)",
    },
    ParticipationRow {
        limit: "present",
        can_play: "true",
        nb: "n",
        outcome: ParticipationOutcome::Limited,
        outcome_text: "limited (n)",
        notes: "nb participations allowed for this sub",
    },
    ParticipationRow {
        limit: "present",
        can_play: "true",
        nb: "absent",
        outcome: ParticipationOutcome::Allowed,
        outcome_text: "allowed",
        notes: "",
    },
    ParticipationRow {
        limit: "present",
        can_play: "absent",
        nb: "n",
        outcome: ParticipationOutcome::Limited,
        outcome_text: "limited (n)",
        notes: "canPlay may be omitted only when nb is given",
    },
    ParticipationRow {
        limit: "present",
        can_play: "absent",
        nb: "absent",
        outcome: ParticipationOutcome::Invalid,
        outcome_text: "invalid",
        notes: "error: limit needs canPlay, or nb",
    },
];

/// A type rule under a table: what it says and the outcome it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeRule {
    pub text: &'static str,
    pub outcome: &'static str,
}

pub const P_RULE_CANPLAY_BOOLEAN: usize = 0;
pub const P_RULE_NB_INTEGER: usize = 1;
pub const P_RULE_NB_IGNORED: usize = 2;
pub const P_RULE_NB_ZERO: usize = 3;
pub const P_RULE_LIMIT_OBJECT: usize = 4;

pub const PARTICIPATION_RULES: &[TypeRule] = &[
    TypeRule {
        text: "canPlay must be a JSON boolean (\"true\" as a string is an error)",
        outcome: "invalid",
    },
    TypeRule {
        text: "nb must be a non-negative JSON integer",
        outcome: "invalid",
    },
    TypeRule {
        text: "canPlay false: nb is never read, a malformed nb is only a warning",
        outcome: "blocked",
    },
    TypeRule {
        text: "nb 0: the participant can never play (warning)",
        outcome: "limited (0)",
    },
    TypeRule {
        text: "limit must be a JSON object",
        outcome: "invalid",
    },
];

/// A row of the win table (`gift`, 001 "Additional claims").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WinRow {
    pub cw: &'static str,
    pub label: &'static str,
    pub outcome: WinOutcome,
    pub outcome_text: &'static str,
    pub notes: &'static str,
}

pub const WIN_HEADERS: [&str; 4] = ["gift.cw", "gift.label", "outcome", "notes"];

pub const WIN_ROWS: &[WinRow] = &[
    WinRow {
        cw: "true",
        label: "yes",
        outcome: WinOutcome::GivenPrize,
        outcome_text: "given_prize",
        notes: "may win the labelled prize (if prizes remain)",
    },
    WinRow {
        cw: "true",
        label: "no",
        outcome: WinOutcome::AnyPrize,
        outcome_text: "any_prize",
        notes: "may win any prize",
    },
    WinRow {
        cw: "false",
        label: "yes",
        outcome: WinOutcome::CannotWin,
        outcome_text: "cannot_win",
        notes: "label is ignored (label_ignored)",
    },
    WinRow {
        cw: "false",
        label: "no",
        outcome: WinOutcome::CannotWin,
        outcome_text: "cannot_win",
        notes: "",
    },
    WinRow {
        cw: "absent",
        label: "yes",
        outcome: WinOutcome::GivenPrize,
        outcome_text: "given_prize",
        notes: "needs a placeholder prize in the campaign",
    },
    WinRow {
        cw: "absent",
        label: "no",
        outcome: WinOutcome::Standard,
        outcome_text: "standard",
        notes: "contest runs in the standard way",
    },
    WinRow {
        cw: "(no gift)",
        label: "-",
        outcome: WinOutcome::Standard,
        outcome_text: "standard",
        notes: "",
    },
];

pub const W_RULE_CW_BOOLEAN: usize = 0;
pub const W_RULE_LABEL_STRING: usize = 1;
pub const W_RULE_LABEL_IGNORED: usize = 2;
pub const W_RULE_LABEL_EMPTY: usize = 3;
pub const W_RULE_GIFT_OBJECT: usize = 4;

pub const WIN_RULES: &[TypeRule] = &[
    TypeRule {
        text: "cw must be a JSON boolean (\"false\" as a string is an error)",
        outcome: "invalid",
    },
    TypeRule {
        text: "label must be a string",
        outcome: "invalid",
    },
    TypeRule {
        text: "cw false: label is never read, a malformed label is only a warning",
        outcome: "cannot_win",
    },
    TypeRule {
        text: "an empty-string label counts as absent (warning)",
        outcome: "as if absent",
    },
    TypeRule {
        text: "gift must be a JSON object",
        outcome: "invalid",
    },
];

pub(crate) fn participation_step(row: usize) -> PathStep {
    // Every token takes a step through this table: its rows are put in words once.
    static TEXTS: LazyLock<Vec<String>> = LazyLock::new(|| {
        PARTICIPATION_ROWS
            .iter()
            .map(|r| {
                format!(
                    "limit {}, canPlay {}, nb {} -> {}",
                    r.limit, r.can_play, r.nb, r.outcome_text
                )
            })
            .collect()
    });
    let text = TEXTS[row.min(PARTICIPATION_ROWS.len() - 1)].as_str();
    PathStep::new(TABLE_PARTICIPATION, row, text)
}

pub(crate) fn participation_rule(rule: usize) -> PathStep {
    let r = &PARTICIPATION_RULES[rule.min(PARTICIPATION_RULES.len() - 1)];
    PathStep::new(
        TABLE_PARTICIPATION_RULES,
        rule,
        format!("{} -> {}", r.text, r.outcome),
    )
}

pub(crate) fn win_step(row: usize) -> PathStep {
    static TEXTS: LazyLock<Vec<String>> = LazyLock::new(|| {
        WIN_ROWS
            .iter()
            .map(|r| format!("cw {}, label {} -> {}", r.cw, r.label, r.outcome_text))
            .collect()
    });
    let text = TEXTS[row.min(WIN_ROWS.len() - 1)].as_str();
    PathStep::new(TABLE_WIN, row, text)
}

pub(crate) fn win_rule(rule: usize) -> PathStep {
    let r = &WIN_RULES[rule.min(WIN_RULES.len() - 1)];
    PathStep::new(
        TABLE_WIN_RULES,
        rule,
        format!("{} -> {}", r.text, r.outcome),
    )
}

/// Lay out rows as aligned columns; `marked` rows get a `>` in the margin.
fn grid(headers: &[&str], rows: &[Vec<String>], marked: &[usize]) -> Vec<String> {
    let mut columns = crate::text::Columns::default();
    columns.fit(headers);
    rows.iter().for_each(|r| columns.fit(r));
    let line = |margin: &str, cells: &[String]| {
        format!("{margin}{}", columns.line(cells))
            .trim_end()
            .to_owned()
    };
    let mut out = vec![line(
        "    ",
        &headers.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
    )];
    for (i, r) in rows.iter().enumerate() {
        let margin = if marked.contains(&i) { "  > " } else { "    " };
        out.push(line(margin, r));
    }
    out
}

fn rules_lines(rules: &[TypeRule], marked: &[usize]) -> Vec<String> {
    let mut out = vec![String::from("    type rules:")];
    for (i, r) in rules.iter().enumerate() {
        let margin = if marked.contains(&i) { "  > " } else { "    " };
        out.push(format!("{margin}  {} -> {}", r.text, r.outcome));
    }
    out
}

fn marked(verdict: &Verdict, table: &str) -> Vec<usize> {
    verdict
        .path
        .iter()
        .filter(|s| s.table == table)
        .map(|s| s.row)
        .collect()
}

/// The two outcome tables as plain text lines, the deciding rows marked with `>` and
/// `(ignored)` beside nb/label when the platform ignores them. Under a profile without these
/// tables (generic, adictiz, xtremepush) two summary lines say both outcomes are standard.
pub fn render_tables(verdict: &Verdict) -> Vec<String> {
    let p = &verdict.participation;
    let w = &verdict.win;
    let nb = p.nb.map(|n| format!(", nb {n}")).unwrap_or_default();
    let ignored = |b: bool| if b { " (ignored)" } else { "" };
    let nb_ignored = match (p.nb_ignored, p.nb) {
        (true, Some(_)) => " (ignored)",
        // A malformed nb under canPlay false: there is no value to show, only that it is unread.
        (true, None) => ", nb ignored",
        _ => "",
    };
    let mut out = vec![format!(
        "Participation: {}{nb}{nb_ignored}",
        p.outcome.as_str()
    )];
    if verdict.profile != Profile::Qualifio {
        out[0].push_str(&format!(
            " (profile {} has no participation table)",
            verdict.profile
        ));
        out.push(format!(
            "Win: {} (profile {} has no win table)",
            w.outcome.as_str(),
            verdict.profile
        ));
        return out;
    }
    let p_marked = marked(verdict, TABLE_PARTICIPATION);
    let rows: Vec<Vec<String>> = PARTICIPATION_ROWS
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut nb = r.nb.to_owned();
            if p.nb_ignored && p_marked.contains(&i) {
                nb.push_str(" (ignored)");
            }
            vec![
                r.limit.to_owned(),
                r.can_play.to_owned(),
                nb,
                r.outcome_text.to_owned(),
                r.notes.to_owned(),
            ]
        })
        .collect();
    out.extend(grid(&PARTICIPATION_HEADERS, &rows, &p_marked));
    out.extend(rules_lines(
        PARTICIPATION_RULES,
        &marked(verdict, TABLE_PARTICIPATION_RULES),
    ));
    out.push(String::new());
    let label = w
        .label
        .as_deref()
        .map(|l| format!(", label {}", quote(l)))
        .unwrap_or_default();
    out.push(format!(
        "Win: {}{label}{}",
        w.outcome.as_str(),
        ignored(w.label_ignored)
    ));
    let w_marked = marked(verdict, TABLE_WIN);
    let rows: Vec<Vec<String>> = WIN_ROWS
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut label = r.label.to_owned();
            if w.label_ignored && w_marked.contains(&i) {
                label.push_str(" (ignored)");
            }
            vec![
                r.cw.to_owned(),
                label,
                r.outcome_text.to_owned(),
                r.notes.to_owned(),
            ]
        })
        .collect();
    out.extend(grid(&WIN_HEADERS, &rows, &w_marked));
    out.extend(rules_lines(WIN_RULES, &marked(verdict, TABLE_WIN_RULES)));
    out
}

#[cfg(test)]
mod tests;
