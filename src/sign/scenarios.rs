//! The Qualifio scenario matrix: one token per combination of `limit.canPlay` x `limit.nb` x
//! `gift.cw` x `gift.label` (present, absent, wrong type), each signed and run through the
//! real `inspect`, so a presenter can show every precedence rule of RULES.md 3 and a tester
//! can feed the tokens to a staging campaign.
//!
//! The values (documented in the README):
//! - `limit`: no `limit` object at all, or `canPlay` in true, false, absent, "true" crossed
//!   with `nb` in 3, 0, absent, "3" (17 variants);
//! - `gift`: no `gift` object at all, or `cw` in true, false, absent, "false" crossed with
//!   `label` in "Prize", absent, 5 (13 variants);
//!
//! 17 x 13 = 221 tokens, on top of the qualifio-winner template without its `limit` and `gift`.

use serde_json::{Map, Value, json};

use super::{Template, claims_bytes};
use crate::inspect::{Options, inspect_token};
use crate::jose::sign::{SignError, SignOptions, sign_jws};
use crate::keys::{Key, KeyRing};
use crate::profile::{Profile, ProfileChoice};
use crate::report::Severity;
use crate::rules::{ParticipationOutcome, WinOutcome};

/// One member of the matrix: absent, or a JSON value (possibly of the wrong type).
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    Absent,
    Value(Value),
}

impl Slot {
    /// `absent`, or the value as JSON (`true`, `"true"`, `3`).
    pub fn cell(&self) -> String {
        match self {
            Slot::Absent => "absent".into(),
            Slot::Value(v) => v.to_string(),
        }
    }

    fn slug(&self) -> String {
        match self {
            Slot::Absent => "absent".into(),
            Slot::Value(Value::String(s)) => format!("str-{}", slugify(s)),
            Slot::Value(v) => slugify(&v.to_string()),
        }
    }
}

fn slugify(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// One token to make: the `limit` and `gift` objects (None: the object is left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// 1-based.
    pub number: usize,
    /// (canPlay, nb).
    pub limit: Option<(Slot, Slot)>,
    /// (cw, label).
    pub gift: Option<(Slot, Slot)>,
}

fn object(members: [(&str, &Slot); 2]) -> Value {
    let mut map = Map::new();
    for (name, slot) in members {
        if let Slot::Value(v) = slot {
            map.insert(name.to_string(), v.clone());
        }
    }
    Value::Object(map)
}

impl Scenario {
    /// Table cells: canPlay, nb, cw, label (`-` when the whole object is left out).
    pub fn cells(&self) -> [String; 4] {
        let pair = |p: &Option<(Slot, Slot)>| match p {
            Some((a, b)) => [a.cell(), b.cell()],
            None => ["-".to_string(), "-".to_string()],
        };
        let [can_play, nb] = pair(&self.limit);
        let [cw, label] = pair(&self.gift);
        [can_play, nb, cw, label]
    }

    /// `canplay-true_nb-3_cw-absent_label-str-prize`, `no-limit_no-gift`...
    pub fn slug(&self) -> String {
        let limit = match &self.limit {
            Some((c, n)) => format!("canplay-{}_nb-{}", c.slug(), n.slug()),
            None => "no-limit".into(),
        };
        let gift = match &self.gift {
            Some((c, l)) => format!("cw-{}_label-{}", c.slug(), l.slug()),
            None => "no-gift".into(),
        };
        format!("{limit}_{gift}")
    }

    /// `NNN-<slug>.jwt`.
    pub fn file_name(&self) -> String {
        format!("{:03}-{}.jwt", self.number, self.slug())
    }

    /// `base` with this scenario's `limit` and `gift` (any already in `base` replaced).
    pub fn claims(&self, base: &Value) -> Value {
        let mut map = base.as_object().cloned().unwrap_or_default();
        map.shift_remove("limit");
        map.shift_remove("gift");
        if let Some((can_play, nb)) = &self.limit {
            map.insert("limit".into(), object([("canPlay", can_play), ("nb", nb)]));
        }
        if let Some((cw, label)) = &self.gift {
            map.insert("gift".into(), object([("cw", cw), ("label", label)]));
        }
        Value::Object(map)
    }
}

/// The documented matrix (see the module comment): limit variants outer, gift variants inner.
pub fn qualifio_matrix() -> Vec<Scenario> {
    let v = |x: Value| Slot::Value(x);
    let can_play = [
        v(json!(true)),
        v(json!(false)),
        Slot::Absent,
        v(json!("true")),
    ];
    let nb = [v(json!(3)), v(json!(0)), Slot::Absent, v(json!("3"))];
    let cw = [
        v(json!(true)),
        v(json!(false)),
        Slot::Absent,
        v(json!("false")),
    ];
    let label = [v(json!("Prize")), Slot::Absent, v(json!(5))];
    let mut limits = vec![None];
    for c in &can_play {
        for n in &nb {
            limits.push(Some((c.clone(), n.clone())));
        }
    }
    let mut gifts = vec![None];
    for c in &cw {
        for l in &label {
            gifts.push(Some((c.clone(), l.clone())));
        }
    }
    let mut out = Vec::with_capacity(limits.len() * gifts.len());
    for limit in &limits {
        for gift in &gifts {
            out.push(Scenario {
                number: out.len() + 1,
                limit: limit.clone(),
                gift: gift.clone(),
            });
        }
    }
    out
}

/// One signed scenario and what `inspect` made of it.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub scenario: Scenario,
    pub token: String,
    pub participation: ParticipationOutcome,
    /// `limit.nb` as the verdict read it.
    pub nb: Option<i64>,
    pub nb_ignored: bool,
    pub win: WinOutcome,
    pub label_ignored: bool,
    pub accepted: bool,
    /// Ids of the `error` findings, in order.
    pub errors: Vec<String>,
}

fn participation_name(p: ParticipationOutcome) -> &'static str {
    match p {
        ParticipationOutcome::Standard => "standard",
        ParticipationOutcome::Allowed => "allowed",
        ParticipationOutcome::Limited => "limited",
        ParticipationOutcome::Blocked => "blocked",
        ParticipationOutcome::Invalid => "invalid",
    }
}

fn win_name(w: WinOutcome) -> &'static str {
    match w {
        WinOutcome::Standard => "standard",
        WinOutcome::GivenPrize => "given_prize",
        WinOutcome::AnyPrize => "any_prize",
        WinOutcome::CannotWin => "cannot_win",
        WinOutcome::Invalid => "invalid",
    }
}

impl ScenarioResult {
    /// `limited (3)`, `blocked (nb ignored)`, `allowed`...
    pub fn participation_cell(&self) -> String {
        let name = participation_name(self.participation);
        match (self.participation, self.nb) {
            (ParticipationOutcome::Limited, Some(n)) => format!("{name} ({n})"),
            _ if self.nb_ignored => format!("{name} (nb ignored)"),
            _ => name.to_string(),
        }
    }

    /// `given_prize`, `cannot_win (label ignored)`...
    pub fn win_cell(&self) -> String {
        let name = win_name(self.win);
        if self.label_ignored {
            format!("{name} (label ignored)")
        } else {
            name.to_string()
        }
    }
}

/// Sign every scenario with `key` (claims: the qualifio-winner template at `now`, with the
/// scenario's `limit` and `gift`) and inspect each with that key under the qualifio profile.
pub fn run(
    scenarios: &[Scenario],
    key: Key,
    alg: Option<&str>,
    now: i64,
) -> Result<Vec<ScenarioResult>, SignError> {
    let base = Template::QualifioWinner.claims(now);
    let ring = KeyRing { keys: vec![key] };
    let key = &ring.keys[0];
    let opts = Options {
        profile: ProfileChoice::Fixed(Profile::Qualifio),
        at: now,
        skew: 60,
        campaign: None,
        campaigns: Vec::new(),
        detached_payload: None,
        summary_only: false,
        max_pbes2_count: crate::limits::MAX_PBES2_COUNT,
    };
    let sign_opts = SignOptions { alg, kid: None };
    let mut out = Vec::with_capacity(scenarios.len());
    for scenario in scenarios {
        let claims = scenario.claims(&base);
        let token = sign_jws(&Map::new(), &claims_bytes(&claims), key, &sign_opts)?;
        let result = match inspect_token(&token, Vec::new(), &ring, &opts) {
            Ok(insp) => ScenarioResult {
                scenario: scenario.clone(),
                participation: insp.verdict.participation.outcome,
                nb: insp.verdict.participation.nb,
                nb_ignored: insp.verdict.participation.nb_ignored,
                win: insp.verdict.win.outcome,
                label_ignored: insp.verdict.win.label_ignored,
                accepted: insp.accepted,
                errors: insp
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .map(|f| f.id.clone())
                    .collect(),
                token,
            },
            // A token tokenscope just signed always decodes; keep the row honest if not.
            Err(e) => ScenarioResult {
                scenario: scenario.clone(),
                participation: ParticipationOutcome::Invalid,
                nb: None,
                nb_ignored: false,
                win: WinOutcome::Invalid,
                label_ignored: false,
                accepted: false,
                errors: vec![e.to_string()],
                token,
            },
        };
        out.push(result);
    }
    Ok(out)
}

const COLUMNS: [&str; 9] = [
    "#",
    "canPlay",
    "nb",
    "cw",
    "label",
    "participation",
    "win",
    "accepted",
    "errors",
];

fn row(r: &ScenarioResult) -> [String; 9] {
    let [can_play, nb, cw, label] = r.scenario.cells();
    [
        r.scenario.number.to_string(),
        can_play,
        nb,
        cw,
        label,
        r.participation_cell(),
        r.win_cell(),
        if r.accepted { "yes" } else { "no" }.to_string(),
        r.errors.join(", "),
    ]
}

/// The table `tokenscope scenarios` prints: aligned columns, one line per token.
pub fn table(results: &[ScenarioResult]) -> String {
    let rows: Vec<[String; 9]> = results.iter().map(row).collect();
    let mut widths = COLUMNS.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i == 0 {
                text.push_str(&format!("{cell:>w$}"));
            } else {
                text.push_str("  ");
                text.push_str(&format!("{cell:<w$}"));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&COLUMNS.map(String::from));
    for r in &rows {
        line(r);
    }
    out
}

/// `index.tsv` for `--out`: a header line, then file name and the table's cells.
pub fn index_tsv(results: &[ScenarioResult]) -> String {
    let mut out =
        String::from("file\tcanPlay\tnb\tcw\tlabel\tparticipation\twin\taccepted\terrors\n");
    for r in results {
        let cells = row(r);
        out.push_str(&r.scenario.file_name());
        for cell in &cells[1..] {
            out.push('\t');
            out.push_str(cell);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::secret_key;
    use zeroize::Zeroizing;

    fn find<'a>(
        results: &'a [ScenarioResult],
        limit: Option<(&Slot, &Slot)>,
        gift: Option<(&Slot, &Slot)>,
    ) -> &'a ScenarioResult {
        results
            .iter()
            .find(|r| {
                r.scenario.limit.as_ref().map(|(a, b)| (a, b)) == limit
                    && r.scenario.gift.as_ref().map(|(a, b)| (a, b)) == gift
            })
            .expect("scenario in the matrix")
    }

    #[test]
    fn matrix_shape_and_names() {
        let m = qualifio_matrix();
        assert_eq!(m.len(), 17 * 13);
        assert_eq!(m[0].file_name(), "001-no-limit_no-gift.jwt");
        assert_eq!(m[1].file_name(), "002-no-limit_cw-true_label-str-prize.jwt");
        let last = m.last().unwrap();
        assert_eq!(
            last.file_name(),
            "221-canplay-str-true_nb-str-3_cw-str-false_label-5.jwt"
        );
        assert_eq!(last.cells(), ["\"true\"", "\"3\"", "\"false\"", "5"]);
        let base = json!({"sub": "1", "gift": {"cw": true}});
        assert_eq!(
            serde_json::to_string(&last.claims(&base)).unwrap(),
            r#"{"sub":"1","limit":{"canPlay":"true","nb":"3"},"gift":{"cw":"false","label":5}}"#
        );
        let names: std::collections::HashSet<_> = m.iter().map(Scenario::file_name).collect();
        assert_eq!(names.len(), m.len());
    }

    #[test]
    fn outcomes_follow_the_rules_tables() {
        let key = secret_key("s", Zeroizing::new(vec![9u8; 32]));
        let results = run(&qualifio_matrix(), key, None, 1_700_000_000).unwrap();
        let t = Slot::Value(json!(true));
        let f = Slot::Value(json!(false));
        let a = Slot::Absent;
        let n3 = Slot::Value(json!(3));
        let prize = Slot::Value(json!("Prize"));
        let no_gift = None;
        use ParticipationOutcome as P;
        use WinOutcome as W;
        // RULES.md 3, participation table, row by row.
        assert_eq!(find(&results, None, no_gift).participation, P::Standard);
        let blocked = find(&results, Some((&f, &n3)), no_gift);
        assert_eq!(blocked.participation, P::Blocked);
        assert!(blocked.nb_ignored);
        let limited = find(&results, Some((&t, &n3)), no_gift);
        assert_eq!((limited.participation, limited.nb), (P::Limited, Some(3)));
        assert_eq!(limited.participation_cell(), "limited (3)");
        assert_eq!(
            find(&results, Some((&t, &a)), no_gift).participation,
            P::Allowed
        );
        assert_eq!(
            find(&results, Some((&a, &n3)), no_gift).participation,
            P::Limited
        );
        let invalid = find(&results, Some((&a, &a)), no_gift);
        assert_eq!(invalid.participation, P::Invalid);
        assert!(!invalid.accepted);
        // Win table.
        let win = |cw: &Slot, label: &Slot| find(&results, None, Some((cw, label))).win;
        assert_eq!(win(&t, &prize), W::GivenPrize);
        assert_eq!(win(&t, &a), W::AnyPrize);
        assert_eq!(win(&f, &prize), W::CannotWin);
        assert!(find(&results, None, Some((&f, &prize))).label_ignored);
        assert_eq!(win(&f, &a), W::CannotWin);
        assert_eq!(win(&a, &prize), W::GivenPrize);
        assert_eq!(win(&a, &a), W::Standard);
        assert_eq!(find(&results, None, None).win, W::Standard);
        assert!(find(&results, None, None).accepted);

        let table = table(&results);
        assert_eq!(table.lines().count(), 1 + 221);
        assert!(table.starts_with("  #  canPlay"));
        let tsv = index_tsv(&results);
        assert!(
            tsv.lines()
                .nth(1)
                .unwrap()
                .starts_with("001-no-limit_no-gift.jwt\t-\t-\t-\t-\tstandard\tstandard\tyes")
        );
    }
}
