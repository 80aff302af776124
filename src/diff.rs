//! Two inspections side by side: what `tokenscope diff` prints. Value in, value out: the
//! caller evaluates both tokens at one instant and with the same keys, then compares.
//!
//! Member names serialised here are a contract (`diff --json`): add, never rename.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::report::{Finding, Inspection, Layer, Overall, PayloadView, Severity};

/// How one JSON value differs between A and B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in B.
    Added,
    /// Only in A.
    Removed,
    /// In both, same JSON type, another value.
    Changed,
    /// In both, another JSON type (`true` vs `"true"`, `3` vs `"3"`).
    TypeChanged,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::TypeChanged => "type_changed",
        }
    }
}

/// One difference in a header or the payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Header changes only: the layer whose header it is, 1 for the outermost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    /// JSON pointer (RFC 6901) of the member: `/limit/canPlay`; empty for the whole value.
    pub path: String,
    pub change: ChangeKind,
    /// A's value; absent when added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<Value>,
    /// B's value; absent when removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<Value>,
}

/// A time claim (`exp`, `nbf`, `iat`) that differs, each side relative to the instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeChange {
    /// `exp`, `nbf` or `iat`.
    pub claim: &'static str,
    /// The claim as written, or null when absent.
    pub a: Value,
    pub b: Value,
    /// "5 minutes ago", "in 2 hours"; null when absent or not a number.
    pub a_relative: Option<String>,
    pub b_relative: Option<String>,
}

/// One layer field that differs (`kind`, `alg`, `enc`, `kid`, `key`, `status`); a layer only
/// one token has shows its fields against null.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerChange {
    /// 1 for the outermost layer.
    pub layer: usize,
    pub field: &'static str,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// A value on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pair<T> {
    pub a: T,
    pub b: T,
}

/// The verdict parts that differ; null when the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictDiff {
    pub overall: Option<Pair<Overall>>,
    pub profile: Option<Pair<String>>,
    pub participation: Option<Pair<String>>,
    pub win: Option<Pair<String>>,
}

impl VerdictDiff {
    pub fn is_same(&self) -> bool {
        self.overall.is_none()
            && self.profile.is_none()
            && self.participation.is_none()
            && self.win.is_none()
    }
}

/// One side's verdict in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub overall: Overall,
    pub profile: String,
    pub participation: String,
    pub win: String,
}

impl Outcome {
    fn of(insp: &Inspection) -> Self {
        Outcome {
            overall: insp.overall(),
            profile: insp.verdict.profile.as_str().to_string(),
            participation: insp.verdict.participation.outcome.as_str().to_string(),
            win: insp.verdict.win.outcome.as_str().to_string(),
        }
    }
}

/// A finding on one side only (matched by id and claim).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRef {
    pub id: String,
    pub severity: Severity,
    pub claim: String,
    pub message: String,
}

impl From<&Finding> for FindingRef {
    fn from(f: &Finding) -> Self {
        FindingRef {
            id: f.id.clone(),
            severity: f.severity,
            claim: f.claim.clone(),
            message: f.message.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingsDiff {
    pub only_in_a: Vec<FindingRef>,
    pub only_in_b: Vec<FindingRef>,
}

/// Everything that differs between two inspections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The instant both were evaluated at (A's; the caller passes the same to both).
    pub evaluated_at: i64,
    pub evaluated_at_rfc3339: String,
    pub skew: i64,
    /// Overall, profile, participation and win outcomes all match.
    pub same_verdict: bool,
    pub a: Outcome,
    pub b: Outcome,
    pub header: Vec<Change>,
    pub payload: Vec<Change>,
    pub time: Vec<TimeChange>,
    pub layers: Vec<LayerChange>,
    pub verdict: VerdictDiff,
    pub findings: FindingsDiff,
}

impl Diff {
    /// Nothing differs at all (the verdicts, claims, layers and findings).
    pub fn is_empty(&self) -> bool {
        self.same_verdict
            && self.header.is_empty()
            && self.payload.is_empty()
            && self.time.is_empty()
            && self.layers.is_empty()
            && self.findings.only_in_a.is_empty()
            && self.findings.only_in_b.is_empty()
    }
}

/// Compare two inspections. Both should have been evaluated at the same instant; the
/// relative times are taken from A's.
pub fn diff(a: &Inspection, b: &Inspection) -> Diff {
    compare(a, b, header_changes(a, b), payload_changes(a, b))
}

/// Make `diff`, which compared `a` and `b` when they were evaluated at another instant with
/// the same claims and headers (the TUI's clock moved them), `diff(a, b)`: the header and
/// payload changes, which do not depend on the instant, are kept rather than compared again
/// (two 1 MB payloads); the rest is compared again.
pub fn diff_moved(diff: &mut Diff, a: &Inspection, b: &Inspection) {
    let header = std::mem::take(&mut diff.header);
    let payload = std::mem::take(&mut diff.payload);
    *diff = compare(a, b, header, payload);
}

fn compare(a: &Inspection, b: &Inspection, header: Vec<Change>, payload: Vec<Change>) -> Diff {
    let verdict = verdict_diff(a, b);
    Diff {
        evaluated_at: a.evaluated_at,
        evaluated_at_rfc3339: a.evaluated_at_rfc3339.clone(),
        skew: a.skew,
        same_verdict: verdict.is_same(),
        a: Outcome::of(a),
        b: Outcome::of(b),
        header,
        payload,
        time: time_changes(a.payload.as_ref(), b.payload.as_ref(), a.evaluated_at),
        layers: layer_changes(&a.layers, &b.layers),
        verdict,
        findings: findings_diff(&a.findings, &b.findings),
    }
}

/// The differences between two JSON values, in A's member order then B's new members;
/// objects are compared by member name, arrays by index.
pub fn json_changes(a: &Value, b: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(&mut String::new(), a, b, &mut out);
    out
}

fn walk(path: &mut String, a: &Value, b: &Value, out: &mut Vec<Change>) {
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            for (key, va) in ma {
                let len = path.len();
                push_token(path, key);
                match mb.get(key) {
                    Some(vb) => walk(path, va, vb, out),
                    None => out.push(change(path, ChangeKind::Removed, Some(va), None)),
                }
                path.truncate(len);
            }
            for (key, vb) in mb.iter().filter(|(k, _)| !ma.contains_key(*k)) {
                let len = path.len();
                push_token(path, key);
                out.push(change(path, ChangeKind::Added, None, Some(vb)));
                path.truncate(len);
            }
        }
        (Value::Array(xa), Value::Array(xb)) => {
            for i in 0..xa.len().max(xb.len()) {
                let len = path.len();
                push_token(path, &i.to_string());
                match (xa.get(i), xb.get(i)) {
                    (Some(va), Some(vb)) => walk(path, va, vb, out),
                    (Some(va), None) => out.push(change(path, ChangeKind::Removed, Some(va), None)),
                    (None, Some(vb)) => out.push(change(path, ChangeKind::Added, None, Some(vb))),
                    (None, None) => {}
                }
                path.truncate(len);
            }
        }
        _ if a == b => {}
        _ if json_type(a) == json_type(b) => {
            out.push(change(path, ChangeKind::Changed, Some(a), Some(b)))
        }
        _ => out.push(change(path, ChangeKind::TypeChanged, Some(a), Some(b))),
    }
}

fn change(path: &str, kind: ChangeKind, a: Option<&Value>, b: Option<&Value>) -> Change {
    Change {
        layer: None,
        path: path.to_string(),
        change: kind,
        a: a.cloned(),
        b: b.cloned(),
    }
}

/// Append `/token` with RFC 6901's escapes (`~` as `~0`, `/` as `~1`).
fn push_token(path: &mut String, token: &str) {
    path.push('/');
    for c in token.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// The JSON type of a value, as `type_changed` reports it.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Layer by layer (outer to inner), each layer's protected header; the outer header when a
/// token has no layers.
fn header_changes(a: &Inspection, b: &Inspection) -> Vec<Change> {
    let headers = |insp: &Inspection| -> Vec<Value> {
        if insp.layers.is_empty() {
            vec![Value::Object(insp.header.clone())]
        } else {
            insp.layers
                .iter()
                .map(|l| Value::Object(l.header.clone()))
                .collect()
        }
    };
    let (ha, hb) = (headers(a), headers(b));
    let empty = Value::Object(Map::new());
    let mut out = Vec::new();
    for i in 0..ha.len().max(hb.len()) {
        let changes = json_changes(ha.get(i).unwrap_or(&empty), hb.get(i).unwrap_or(&empty));
        out.extend(changes.into_iter().map(|c| Change {
            layer: Some(i + 1),
            ..c
        }));
    }
    out
}

/// The claims; a payload that is not JSON compares as its text (or hex), and one that could
/// not be read (a JWE not decrypted) as absent.
fn payload_changes(a: &Inspection, b: &Inspection) -> Vec<Change> {
    let value = |insp: &Inspection| -> Option<Value> {
        match (&insp.payload, &insp.payload_view) {
            (Some(v), _) => Some(v.clone()),
            (None, PayloadView::Text { text }) => Some(Value::String(text.clone())),
            (None, PayloadView::Binary { hex }) => Some(Value::String(hex.clone())),
            (None, PayloadView::Unavailable { .. } | PayloadView::Json) => None,
        }
    };
    match (value(a), value(b)) {
        (Some(va), Some(vb)) => json_changes(&va, &vb),
        (Some(va), None) => vec![change("", ChangeKind::Removed, Some(&va), None)],
        (None, Some(vb)) => vec![change("", ChangeKind::Added, None, Some(&vb))],
        (None, None) => Vec::new(),
    }
}

fn time_changes(a: Option<&Value>, b: Option<&Value>, at: i64) -> Vec<TimeChange> {
    let claim = |p: Option<&Value>, name: &str| -> Value {
        p.and_then(|p| p.get(name)).cloned().unwrap_or(Value::Null)
    };
    // A NumericDate may carry a fraction (RFC 7519 section 2): whole seconds are enough here.
    let relative = |v: &Value| -> Option<String> {
        let secs = v.as_i64().or_else(|| {
            v.as_f64()
                .filter(|f| f.is_finite() && f.abs() < i64::MAX as f64)
                .map(|f| f as i64)
        })?;
        Some(crate::time::relative(secs, at))
    };
    // The time claims RFC 7519 defines as NumericDate, as the rules read them.
    crate::rules::generic::TIME_CLAIMS
        .iter()
        .filter_map(|&name| {
            let (va, vb) = (claim(a, name), claim(b, name));
            (va != vb).then(|| TimeChange {
                claim: name,
                a_relative: relative(&va),
                b_relative: relative(&vb),
                a: va,
                b: vb,
            })
        })
        .collect()
}

fn layer_changes(a: &[Layer], b: &[Layer]) -> Vec<LayerChange> {
    type Field = (&'static str, fn(&Layer) -> Option<String>);
    const FIELDS: [Field; 6] = [
        ("kind", |l| Some(l.kind.label().to_ascii_lowercase())),
        ("alg", |l| l.alg.clone()),
        ("enc", |l| l.enc.clone()),
        ("kid", |l| l.kid.clone()),
        ("key", |l| l.key.clone()),
        ("status", |l| Some(l.status.as_str().to_string())),
    ];
    let mut out = Vec::new();
    for i in 0..a.len().max(b.len()) {
        for (field, get) in FIELDS {
            let va = a.get(i).and_then(get);
            let vb = b.get(i).and_then(get);
            if va != vb {
                out.push(LayerChange {
                    layer: i + 1,
                    field,
                    a: va,
                    b: vb,
                });
            }
        }
    }
    out
}

fn verdict_diff(a: &Inspection, b: &Inspection) -> VerdictDiff {
    fn pair<T: PartialEq>(a: T, b: T) -> Option<Pair<T>> {
        (a != b).then_some(Pair { a, b })
    }
    let (oa, ob) = (Outcome::of(a), Outcome::of(b));
    VerdictDiff {
        overall: pair(oa.overall, ob.overall),
        profile: pair(oa.profile, ob.profile),
        participation: pair(oa.participation, ob.participation),
        win: pair(oa.win, ob.win),
    }
}

/// Findings matched by id and claim pointer, counted: a finding twice in A and once in B is
/// once in `only_in_a`.
fn findings_diff(a: &[Finding], b: &[Finding]) -> FindingsDiff {
    fn only(xs: &[Finding], ys: &[Finding]) -> Vec<FindingRef> {
        let mut unmatched: Vec<&Finding> = ys.iter().collect();
        xs.iter()
            .filter(|f| {
                match unmatched
                    .iter()
                    .position(|g| g.id == f.id && g.claim == f.claim)
                {
                    Some(i) => {
                        unmatched.swap_remove(i);
                        false
                    }
                    None => true,
                }
            })
            .map(FindingRef::from)
            .collect()
    }
    FindingsDiff {
        only_in_a: only(a, b),
        only_in_b: only(b, a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(changes: &[Change]) -> Vec<(String, ChangeKind)> {
        changes.iter().map(|c| (c.path.clone(), c.change)).collect()
    }

    #[test]
    fn equal_values_have_no_changes() {
        let v = json!({"sub": "1", "limit": {"canPlay": true, "nb": 3}, "tags": [1, 2]});
        assert!(json_changes(&v, &v.clone()).is_empty());
    }

    #[test]
    fn a_boolean_and_its_string_are_a_type_change() {
        let a = json!({"limit": {"canPlay": true}});
        let b = json!({"limit": {"canPlay": "true"}});
        let changes = json_changes(&a, &b);
        assert_eq!(
            changes,
            vec![Change {
                layer: None,
                path: "/limit/canPlay".into(),
                change: ChangeKind::TypeChanged,
                a: Some(json!(true)),
                b: Some(json!("true")),
            }]
        );
    }

    #[test]
    fn added_removed_and_changed_members() {
        let a = json!({"sub": "1", "nb": 3, "gone": null});
        let b = json!({"sub": "2", "nb": 3, "new": {"x": 1}});
        assert_eq!(
            kinds(&json_changes(&a, &b)),
            vec![
                ("/sub".into(), ChangeKind::Changed),
                ("/gone".into(), ChangeKind::Removed),
                ("/new".into(), ChangeKind::Added),
            ]
        );
        let added = &json_changes(&a, &b)[2];
        assert_eq!(
            (added.a.as_ref(), added.b.as_ref()),
            (None, Some(&json!({"x": 1})))
        );
    }

    #[test]
    fn arrays_compare_by_index() {
        let a = json!([1, 2, 3]);
        let b = json!([1, "2"]);
        assert_eq!(
            kinds(&json_changes(&a, &b)),
            vec![
                ("/1".into(), ChangeKind::TypeChanged),
                ("/2".into(), ChangeKind::Removed),
            ]
        );
        assert_eq!(
            kinds(&json_changes(&json!([]), &json!([{"a": 1}]))),
            vec![("/0".into(), ChangeKind::Added)]
        );
    }

    #[test]
    fn an_object_against_a_scalar_is_one_change_at_its_path() {
        let a = json!({"gift": {"cw": true}});
        let b = json!({"gift": "none"});
        assert_eq!(
            kinds(&json_changes(&a, &b)),
            vec![("/gift".into(), ChangeKind::TypeChanged)]
        );
        assert_eq!(
            kinds(&json_changes(&json!(1), &json!(2))),
            vec![("".into(), ChangeKind::Changed)]
        );
        assert_eq!(
            kinds(&json_changes(&json!(null), &json!({}))),
            vec![("".into(), ChangeKind::TypeChanged)]
        );
    }

    #[test]
    fn numbers_of_any_form_are_one_type() {
        let changes = json_changes(&json!({"exp": 1}), &json!({"exp": 1.5}));
        assert_eq!(kinds(&changes), vec![("/exp".into(), ChangeKind::Changed)]);
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        let a = json!({"a/b": {"m~n": 1}});
        let b = json!({"a/b": {"m~n": 2}});
        assert_eq!(
            kinds(&json_changes(&a, &b)),
            vec![("/a~1b/m~0n".into(), ChangeKind::Changed)]
        );
        // The pointer finds the member in A.
        assert_eq!(a.pointer("/a~1b/m~0n"), Some(&json!(1)));
    }

    #[test]
    fn time_claims_are_relative_to_the_instant() {
        let at = 1_700_000_000;
        let a = json!({"exp": at - 300, "iat": at - 3600});
        let b = json!({"exp": at + 7200, "iat": at - 3600, "nbf": "soon"});
        let t = time_changes(Some(&a), Some(&b), at);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(t[0].claim, "exp");
        assert_eq!(t[0].a_relative.as_deref(), Some("5 minutes ago"));
        assert_eq!(t[0].b_relative.as_deref(), Some("in 2 hours"));
        assert_eq!(t[1].claim, "nbf");
        assert_eq!(
            (t[1].a.clone(), t[1].a_relative.clone()),
            (Value::Null, None)
        );
        assert_eq!(t[1].b_relative, None);
    }

    #[test]
    fn findings_match_by_id_and_claim_counted() {
        let f = |id: &str, claim: &str| Finding::new(id, Severity::Error, claim, "m", "s");
        let a = [f("x", "/a"), f("x", "/a"), f("y", "")];
        let b = [f("x", "/a"), f("x", "/b")];
        let d = findings_diff(&a, &b);
        let ids = |v: &[FindingRef]| -> Vec<(String, String)> {
            v.iter().map(|r| (r.id.clone(), r.claim.clone())).collect()
        };
        assert_eq!(
            ids(&d.only_in_a),
            vec![("x".into(), "/a".into()), ("y".into(), "".into())]
        );
        assert_eq!(ids(&d.only_in_b), vec![("x".into(), "/b".into())]);
    }
}
