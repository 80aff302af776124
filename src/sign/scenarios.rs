//! The Qualifio scenario matrix: one token per combination of `limit` x `gift`, each object
//! left out, of the wrong JSON type, or `canPlay` x `nb` (resp. `cw` x `label`) with each
//! member present, absent or of the wrong type; each token signed and run through the real
//! `inspect`, so a presenter can show every precedence and type rule of RULES.md 3 and a
//! tester can feed the tokens to a staging campaign.
//!
//! The values (documented in the README):
//! - `limit`: no `limit` at all; `canPlay` in true, false, absent, "true" crossed with `nb` in
//!   3, 0, absent, "3", -1, 1.5; or `limit` itself a string, a number, an array (28 variants);
//! - `gift`: no `gift` at all; `cw` in true, false, absent, "false" crossed with `label` in
//!   "Prize", absent, 5, ""; or `gift` itself a string (18 variants).
//!
//! 28 x 18 = 504 tokens, on top of the qualifio-winner template without its `limit` and `gift`.

use serde_json::{Map, Value, json};

use super::{Template, claims_bytes};
use crate::inspect::{Options, inspect_token};
use crate::jose::mint::{SignError, SignOptions, sign_jws};
use crate::keys::{Key, KeyRing};
use crate::profile::{Profile, ProfileChoice};
use crate::report::{Participation, ParticipationOutcome, Severity, Win, WinOutcome};

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

    fn value(&self) -> Option<&Value> {
        match self {
            Slot::Absent => None,
            Slot::Value(v) => Some(v),
        }
    }

    fn slug(&self) -> String {
        match self {
            Slot::Absent => "absent".into(),
            Slot::Value(v) => value_slug(v),
        }
    }
}

/// `true`, `3`, `minus1`, `1point5`, `str-prize`, `empty-str`, `array`.
fn value_slug(v: &Value) -> String {
    match v {
        Value::String(s) if s.is_empty() => "empty-str".into(),
        Value::String(s) => format!("str-{}", slugify(s)),
        Value::Number(n) => slugify(&n.to_string().replace('-', "minus").replace('.', "point")),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
        other => slugify(&other.to_string()),
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

/// A `limit` or `gift` claim of the matrix, when present.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// An object with these two members: (canPlay, nb) or (cw, label).
    Members(Slot, Slot),
    /// Not an object: the claim is this value (a string, a number, an array).
    NotObject(Value),
}

impl Part {
    /// The claim's value.
    pub fn value(&self, names: [&str; 2]) -> Value {
        match self {
            Part::Members(a, b) => {
                let mut map = Map::new();
                for (name, slot) in names.into_iter().zip([a, b]) {
                    if let Slot::Value(v) = slot {
                        map.insert(name.to_string(), v.clone());
                    }
                }
                Value::Object(map)
            }
            Part::NotObject(v) => v.clone(),
        }
    }

    /// The members' slots; both absent when the claim is not an object.
    fn members(&self) -> (Option<&Value>, Option<&Value>) {
        match self {
            Part::Members(a, b) => (a.value(), b.value()),
            Part::NotObject(_) => (None, None),
        }
    }
}

const LIMIT_MEMBERS: [&str; 2] = ["canPlay", "nb"];
const GIFT_MEMBERS: [&str; 2] = ["cw", "label"];

/// One token to make: the `limit` and `gift` claims (None: the claim is left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// 1-based.
    pub number: usize,
    pub limit: Option<Part>,
    pub gift: Option<Part>,
}

impl Scenario {
    /// Table cells: canPlay, nb, cw, label (`-` when the whole object is left out; a claim
    /// that is not an object reads `limit: "3"` in its first cell).
    pub fn cells(&self) -> [String; 4] {
        let pair = |p: &Option<Part>, name: &str| match p {
            Some(Part::Members(a, b)) => [a.cell(), b.cell()],
            Some(Part::NotObject(v)) => [format!("{name}: {v}"), "-".to_string()],
            None => ["-".to_string(), "-".to_string()],
        };
        let [can_play, nb] = pair(&self.limit, "limit");
        let [cw, label] = pair(&self.gift, "gift");
        [can_play, nb, cw, label]
    }

    /// `canplay-true_nb-3_cw-absent_label-str-prize`, `no-limit_no-gift`, `limit-array_...`.
    pub fn slug(&self) -> String {
        let limit = match &self.limit {
            Some(Part::Members(c, n)) => format!("canplay-{}_nb-{}", c.slug(), n.slug()),
            Some(Part::NotObject(v)) => format!("limit-{}", value_slug(v)),
            None => "no-limit".into(),
        };
        let gift = match &self.gift {
            Some(Part::Members(c, l)) => format!("cw-{}_label-{}", c.slug(), l.slug()),
            Some(Part::NotObject(v)) => format!("gift-{}", value_slug(v)),
            None => "no-gift".into(),
        };
        format!("{limit}_{gift}")
    }

    /// `NNN-<slug>.jwt`.
    pub fn file_name(&self) -> String {
        format!("{:03}-{}.jwt", self.number, self.slug())
    }

    /// The `limit` claim as signed (None: left out).
    pub fn limit_value(&self) -> Option<Value> {
        self.limit.as_ref().map(|p| p.value(LIMIT_MEMBERS))
    }

    /// The `gift` claim as signed (None: left out).
    pub fn gift_value(&self) -> Option<Value> {
        self.gift.as_ref().map(|p| p.value(GIFT_MEMBERS))
    }

    /// `base` with this scenario's `limit` and `gift` (any already in `base` replaced).
    pub fn claims(&self, base: &Value) -> Value {
        let mut map = base.as_object().cloned().unwrap_or_default();
        map.shift_remove("limit");
        map.shift_remove("gift");
        if let Some(limit) = self.limit_value() {
            map.insert("limit".into(), limit);
        }
        if let Some(gift) = self.gift_value() {
            map.insert("gift".into(), gift);
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
    // RULES.md 3: nb must be a non-negative JSON integer ("3", -1 and 1.5 are not).
    let nb = [
        v(json!(3)),
        v(json!(0)),
        Slot::Absent,
        v(json!("3")),
        v(json!(-1)),
        v(json!(1.5)),
    ];
    let cw = [
        v(json!(true)),
        v(json!(false)),
        Slot::Absent,
        v(json!("false")),
    ];
    // RULES.md 3: an empty-string label counts as absent, with a warning.
    let label = [v(json!("Prize")), Slot::Absent, v(json!(5)), v(json!(""))];
    let mut limits = vec![None];
    for c in &can_play {
        for n in &nb {
            limits.push(Some(Part::Members(c.clone(), n.clone())));
        }
    }
    // `limit` must be an object: a string, a number, the object wrapped in an array.
    for not_object in [json!("3"), json!(3), json!([{"canPlay": true}])] {
        limits.push(Some(Part::NotObject(not_object)));
    }
    let mut gifts = vec![None];
    for c in &cw {
        for l in &label {
            gifts.push(Some(Part::Members(c.clone(), l.clone())));
        }
    }
    // `gift` must be an object: the prize's name alone is not one.
    gifts.push(Some(Part::NotObject(json!("Prize"))));
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
    /// `verdict.participation` and `verdict.win`, as `inspect --json` prints them.
    pub participation: Participation,
    pub win: Win,
    pub accepted: bool,
    /// Ids of the `error` findings, in order.
    pub errors: Vec<String>,
    /// Ids of the `warning` findings, in order.
    pub warnings: Vec<String>,
}

impl ScenarioResult {
    /// `limited (3)`, `blocked (nb ignored)`, `allowed`...
    pub fn participation_cell(&self) -> String {
        let p = &self.participation;
        let name = p.outcome.as_str();
        match (p.outcome, p.nb) {
            (ParticipationOutcome::Limited, Some(n)) => format!("{name} ({n})"),
            _ if p.nb_ignored => format!("{name} (nb ignored)"),
            _ => name.to_string(),
        }
    }

    /// `given_prize`, `cannot_win (label ignored)`...
    pub fn win_cell(&self) -> String {
        let name = self.win.outcome.as_str();
        if self.win.label_ignored {
            format!("{name} (label ignored)")
        } else {
            name.to_string()
        }
    }

    /// The JSON Lines record of `scenarios --format jsonl` and `index.jsonl`: the claims as
    /// signed (`limit`, `gift`: left out when the token has none), the verdict as
    /// `inspect --json` prints it, and the token.
    pub fn record(&self) -> Value {
        let mut map = Map::new();
        map.insert("number".into(), json!(self.scenario.number));
        map.insert("file".into(), json!(self.scenario.file_name()));
        if let Some(limit) = self.scenario.limit_value() {
            map.insert("limit".into(), limit);
        }
        if let Some(gift) = self.scenario.gift_value() {
            map.insert("gift".into(), gift);
        }
        map.insert("participation".into(), json!(self.participation));
        map.insert("win".into(), json!(self.win));
        map.insert("accepted".into(), json!(self.accepted));
        map.insert("errors".into(), json!(self.errors));
        map.insert("warnings".into(), json!(self.warnings));
        map.insert("token".into(), json!(self.token));
        Value::Object(map)
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
    let ids = |insp: &crate::report::Inspection, severity: Severity| -> Vec<String> {
        insp.findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| f.id.clone())
            .collect()
    };
    let mut out = Vec::with_capacity(scenarios.len());
    for scenario in scenarios {
        let claims = scenario.claims(&base);
        let token = sign_jws(&Map::new(), &claims_bytes(&claims), key, &sign_opts)?;
        let result = match inspect_token(&token, Vec::new(), &ring, &opts) {
            Ok(insp) => ScenarioResult {
                scenario: scenario.clone(),
                participation: insp.verdict.participation.clone(),
                win: insp.verdict.win.clone(),
                accepted: insp.accepted,
                errors: ids(&insp, Severity::Error),
                warnings: ids(&insp, Severity::Warning),
                token,
            },
            // A token tokenscope just signed always decodes; keep the row honest if not.
            Err(e) => ScenarioResult {
                scenario: scenario.clone(),
                participation: Participation {
                    outcome: ParticipationOutcome::Invalid,
                    nb: None,
                    nb_ignored: false,
                },
                win: Win {
                    outcome: WinOutcome::Invalid,
                    label: None,
                    label_ignored: false,
                },
                accepted: false,
                errors: vec![e.to_string()],
                warnings: Vec::new(),
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
    // The scenario number is right-aligned.
    let mut columns = crate::text::Columns::default().align_right(0);
    columns.fit(&COLUMNS);
    rows.iter().for_each(|r| columns.fit(r));
    let mut out = String::new();
    let mut push = |line: String| {
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push(columns.line(&COLUMNS));
    for r in &rows {
        push(columns.line(r));
    }
    out
}

/// The first line of `index.tsv`: how to read the cells.
pub const TSV_COMMENT: &str = "# tokenscope scenarios index: tab-separated, every cell is JSON (a string is quoted: \"true\" is a string, true a boolean); null: no value there (no scenario signs a JSON null); columns /limit... are the claims at those JSON pointers, participation.* and win.* the verdict as inspect --json prints it";

/// The column names of `index.tsv`.
pub const TSV_COLUMNS: [&str; 16] = [
    "file",
    "/limit",
    "/limit/canPlay",
    "/limit/nb",
    "/gift",
    "/gift/cw",
    "/gift/label",
    "participation.outcome",
    "participation.nb",
    "participation.nb_ignored",
    "win.outcome",
    "win.label",
    "win.label_ignored",
    "accepted",
    "errors",
    "warnings",
];

/// `index.tsv`: the comment line, the column names, then one line per scenario whose every
/// cell is JSON, so that a string `"true"` never reads back as the boolean `true`.
pub fn index_tsv(results: &[ScenarioResult]) -> String {
    let mut out = format!("{TSV_COMMENT}\n{}\n", TSV_COLUMNS.join("\t"));
    for r in results {
        let s = &r.scenario;
        let member = |part: &Option<Part>, i: usize| -> Value {
            let (a, b) = part.as_ref().map(Part::members).unwrap_or((None, None));
            [a, b][i].cloned().unwrap_or(Value::Null)
        };
        let cells = [
            json!(s.file_name()),
            s.limit_value().unwrap_or(Value::Null),
            member(&s.limit, 0),
            member(&s.limit, 1),
            s.gift_value().unwrap_or(Value::Null),
            member(&s.gift, 0),
            member(&s.gift, 1),
            json!(r.participation.outcome),
            json!(r.participation.nb),
            json!(r.participation.nb_ignored),
            json!(r.win.outcome),
            json!(r.win.label),
            json!(r.win.label_ignored),
            json!(r.accepted),
            json!(r.errors),
            json!(r.warnings),
        ];
        let cells: Vec<String> = cells.iter().map(Value::to_string).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

/// `index.jsonl` and `scenarios --format jsonl`: one `ScenarioResult::record` a line.
pub fn jsonl(results: &[ScenarioResult]) -> String {
    let mut out = String::new();
    for r in results {
        out.push_str(&r.record().to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::secret_key;
    use zeroize::Zeroizing;

    /// The result whose claims are `limit` and `gift` (None: left out).
    fn find(
        results: &[ScenarioResult],
        limit: Option<Value>,
        gift: Option<Value>,
    ) -> &ScenarioResult {
        results
            .iter()
            .find(|r| r.scenario.limit_value() == limit && r.scenario.gift_value() == gift)
            .unwrap_or_else(|| panic!("no scenario {limit:?} {gift:?}"))
    }

    #[test]
    fn matrix_shape_and_names() {
        let m = qualifio_matrix();
        assert_eq!(m.len(), 28 * 18);
        assert_eq!(m[0].file_name(), "001-no-limit_no-gift.jwt");
        assert_eq!(m[1].file_name(), "002-no-limit_cw-true_label-str-prize.jwt");
        assert_eq!(m[4].file_name(), "005-no-limit_cw-true_label-empty-str.jwt");
        assert_eq!(m[17].file_name(), "018-no-limit_gift-str-prize.jwt");
        let last = m.last().unwrap();
        assert_eq!(last.file_name(), "504-limit-array_gift-str-prize.jwt");
        assert_eq!(
            last.cells(),
            ["limit: [{\"canPlay\":true}]", "-", "gift: \"Prize\"", "-"]
        );
        let base = json!({"sub": "1", "gift": {"cw": true}});
        assert_eq!(
            serde_json::to_string(&last.claims(&base)).unwrap(),
            r#"{"sub":"1","limit":[{"canPlay":true}],"gift":"Prize"}"#
        );
        let negative = m
            .iter()
            .find(|s| s.file_name().contains("nb-minus1_no-gift"))
            .unwrap();
        assert_eq!(
            negative.limit_value(),
            Some(json!({"canPlay": true, "nb": -1}))
        );
        assert!(m.iter().any(|s| s.file_name().contains("_nb-1point5_")));
        let names: std::collections::HashSet<_> = m.iter().map(Scenario::file_name).collect();
        assert_eq!(names.len(), m.len());
        // No scenario signs a JSON null: null in index.tsv always means "no value there".
        for s in &m {
            let text = serde_json::to_string(&s.claims(&json!({}))).unwrap();
            assert!(!text.contains("null"), "{text}");
        }
    }

    #[test]
    fn outcomes_follow_the_rules_tables() {
        let key = secret_key("s", Zeroizing::new(vec![9u8; 32]));
        let results = run(&qualifio_matrix(), key, None, 1_700_000_000).unwrap();
        use ParticipationOutcome as P;
        use WinOutcome as W;
        let p = |limit: Value| find(&results, Some(limit), None);
        // RULES.md 3, participation table, row by row.
        assert_eq!(
            find(&results, None, None).participation.outcome,
            P::Standard
        );
        let blocked = p(json!({"canPlay": false, "nb": 3}));
        assert_eq!(blocked.participation.outcome, P::Blocked);
        assert!(blocked.participation.nb_ignored);
        let limited = p(json!({"canPlay": true, "nb": 3}));
        assert_eq!(
            (limited.participation.outcome, limited.participation.nb),
            (P::Limited, Some(3))
        );
        assert_eq!(limited.participation_cell(), "limited (3)");
        assert_eq!(
            p(json!({"canPlay": true})).participation.outcome,
            P::Allowed
        );
        assert_eq!(p(json!({"nb": 3})).participation.outcome, P::Limited);
        let invalid = p(json!({}));
        assert_eq!(invalid.participation.outcome, P::Invalid);
        assert!(!invalid.accepted);
        // Type rules: nb a non-negative integer, limit an object.
        for limit in [
            json!({"canPlay": true, "nb": -1}),
            json!({"canPlay": true, "nb": 1.5}),
            json!("3"),
            json!(3),
            json!([{"canPlay": true}]),
        ] {
            let r = p(limit.clone());
            assert_eq!(r.participation.outcome, P::Invalid, "{limit}");
            assert!(!r.accepted, "{limit}");
        }
        let ignored = p(json!({"canPlay": false, "nb": -1}));
        assert_eq!(ignored.participation.outcome, P::Blocked);
        assert!(ignored.accepted);
        // Win table.
        let w = |gift: Value| find(&results, None, Some(gift));
        assert_eq!(
            w(json!({"cw": true, "label": "Prize"})).win.outcome,
            W::GivenPrize
        );
        assert_eq!(w(json!({"cw": true})).win.outcome, W::AnyPrize);
        let ignored = w(json!({"cw": false, "label": "Prize"}));
        assert_eq!(ignored.win.outcome, W::CannotWin);
        assert!(ignored.win.label_ignored);
        assert_eq!(w(json!({"cw": false})).win.outcome, W::CannotWin);
        assert_eq!(w(json!({"label": "Prize"})).win.outcome, W::GivenPrize);
        assert_eq!(w(json!({})).win.outcome, W::Standard);
        assert!(find(&results, None, None).accepted);
        // An empty label counts as absent, with a warning; a gift that is a string is invalid.
        let empty = w(json!({"cw": true, "label": ""}));
        assert_eq!((empty.win.outcome, empty.accepted), (W::AnyPrize, true));
        assert!(!empty.warnings.is_empty());
        let string = w(json!("Prize"));
        assert_eq!((string.win.outcome, string.accepted), (W::Invalid, false));

        let table = table(&results);
        assert_eq!(table.lines().count(), 1 + 504);
        assert!(table.starts_with("  #  canPlay"));
        let tsv = index_tsv(&results);
        let mut lines = tsv.lines();
        assert!(lines.next().unwrap().starts_with("# "));
        assert_eq!(lines.next().unwrap(), TSV_COLUMNS.join("\t"));
        // (Its warnings, the last cell, are whatever inspect reports.)
        let first = lines.next().unwrap();
        assert!(
            first.starts_with("\"001-no-limit_no-gift.jwt\"\tnull\tnull\tnull\tnull\tnull\tnull\t\"standard\"\tnull\tfalse\t\"standard\"\tnull\tfalse\ttrue\t[]\t["),
            "{first}"
        );
        let records = jsonl(&results);
        let first: Value = serde_json::from_str(records.lines().next().unwrap()).unwrap();
        assert_eq!(first["file"], "001-no-limit_no-gift.jwt");
        assert!(first.get("limit").is_none() && first.get("gift").is_none());
        assert_eq!(first["participation"]["outcome"], "standard");
        assert_eq!(records.lines().count(), 504);
    }
}
