//! Pin and diff: the model. `P` pins the token shown in the panes; while another token is
//! shown, both are evaluated at the view's instant with the same keys and compared with
//! `crate::diff` (the differences `tokenscope diff` prints). Here: what a pin keeps, and how
//! the two payloads are laid side by side (aligned rows, each line marked with its change).

use std::collections::HashMap;

use crate::diff::{Change, ChangeKind, Diff};
use crate::json_lines::JsonDoc;
use crate::report::Inspection;

/// The part of the diff view the movement keys scroll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffPart {
    /// The two payloads, side by side (they scroll together).
    #[default]
    Payloads,
    /// The verdicts, findings, layers, time and header compared.
    Verdicts,
}

impl DiffPart {
    pub fn index(self) -> usize {
        match self {
            DiffPart::Payloads => 0,
            DiffPart::Verdicts => 1,
        }
    }

    pub fn other(self) -> DiffPart {
        match self {
            DiffPart::Payloads => DiffPart::Verdicts,
            DiffPart::Verdicts => DiffPart::Payloads,
        }
    }
}

/// The pinned token: its text (kept, as the history may move on), and its inspection at
/// the view's instant, refreshed with the current token's.
#[derive(Debug, Clone)]
pub struct Pin {
    /// What the status bar calls it: `line 12`, `pasted token`, `EDITED copy of line 12`.
    pub label: String,
    /// The text the token was found in, and which of its tokens (as a history entry).
    pub text: String,
    pub index: usize,
    /// An edited copy pinned while unsigned: why (it is evaluated as the edit view does).
    pub unsigned: Option<String>,
    pub insp: Option<Inspection>,
    /// Why it could not be read at all (or only in part).
    pub error: Option<String>,
    /// Its payload as the Payload pane draws it (every line: no folds in the diff view).
    pub doc: JsonDoc,
    /// The diff view (true) or the usual panes, while another token is shown (`D`).
    pub view: bool,
    /// The comparison with the token shown, when it is another and both were read.
    pub compared: Option<Compared>,
    pub focus: DiffPart,
    /// First row shown of each part.
    pub scroll: [usize; 2],
    /// The difference Enter went to last (an index into `Compared::starts`).
    pub at_change: usize,
}

impl Pin {
    /// Whether `text` (token `index` of it) is the pinned token.
    pub fn is(&self, text: &str, index: usize) -> bool {
        self.index == index && self.text == text
    }
}

/// One row of the side-by-side payloads: a line of the pinned payload, of the current one,
/// or both (the same member); None leaves that side blank.
pub type AlignedRow = (Option<usize>, Option<usize>);

/// The pinned token against the token shown.
#[derive(Debug, Clone)]
pub struct Compared {
    pub diff: Diff,
    /// Indices into the pin's lines (left) and the current payload lines (right).
    pub rows: Vec<AlignedRow>,
    /// The payload change (an index into `diff.payload`) each line of the left and right
    /// payloads is part of.
    pub left: Vec<Option<usize>>,
    pub right: Vec<Option<usize>>,
    /// The aligned rows where a change starts, in order (Enter goes to the next).
    pub starts: Vec<usize>,
    /// A fingerprint of the token compared (text, index): another token starts the view at
    /// its first difference, the same one (a tick, a new key) keeps the scroll.
    pub against: u64,
    /// Each payload change's values (pinned, shown) as one line of JSON, escaped and cut to
    /// `MAX_VALUE` characters: written once per comparison, not at each frame.
    pub payload_values: Vec<[Option<String>; 2]>,
    /// The same for each header change.
    pub header_values: Vec<[Option<String>; 2]>,
}

/// Characters of a value the comparison keeps to show (a removed 1 MB object is not drawn
/// whole in a cell).
pub const MAX_VALUE: usize = 200;

/// A value as one line of JSON, safe for the terminal, at most `MAX_VALUE` characters
/// (the last one "…" when cut); None when there is no value (added or removed).
pub fn shown_value(v: Option<&serde_json::Value>) -> Option<String> {
    let text = match v? {
        // A long string is cut before it is written: the frame need not copy it all.
        serde_json::Value::String(s) if s.chars().nth(MAX_VALUE).is_some() => {
            let start: String = s.chars().take(MAX_VALUE).collect();
            crate::escape::json(&start).unwrap_or_default() + "…"
        }
        v => crate::escape::json(v).unwrap_or_default(),
    };
    if text.chars().count() <= MAX_VALUE {
        return Some(text);
    }
    let mut cut: String = text.chars().take(MAX_VALUE - 1).collect();
    cut.push('…');
    Some(cut)
}

fn values(changes: &[Change]) -> Vec<[Option<String>; 2]> {
    changes
        .iter()
        .map(|c| [shown_value(c.a.as_ref()), shown_value(c.b.as_ref())])
        .collect()
}

impl Compared {
    pub fn new(diff: Diff, left_doc: &JsonDoc, right_doc: &JsonDoc, against: u64) -> Self {
        // Every line's pointer, for the comparison only (the documents keep none).
        let (lp, rp) = (left_doc.pointers(), right_doc.pointers());
        let rows = align(&lp, &rp);
        let left = marks(&lp, &diff.payload, Side::Pinned);
        let right = marks(&rp, &diff.payload, Side::Current);
        let mut c = Compared {
            payload_values: values(&diff.payload),
            header_values: values(&diff.header),
            diff,
            rows,
            left,
            right,
            starts: Vec::new(),
            against,
        };
        let mut before = None;
        for row in 0..c.rows.len() {
            let m = c.change_at(row);
            if m.is_some() && m != before {
                c.starts.push(row);
            }
            before = m;
        }
        c
    }

    /// The payload change shown on an aligned row (either side's), by index.
    pub fn change_at(&self, row: usize) -> Option<usize> {
        let (l, r) = self.rows.get(row).copied().unwrap_or((None, None));
        l.and_then(|i| self.left.get(i).copied().flatten())
            .or_else(|| r.and_then(|i| self.right.get(i).copied().flatten()))
    }

    /// The kind of a payload change, by index.
    pub fn kind(&self, change: Option<usize>) -> Option<ChangeKind> {
        change
            .and_then(|i| self.diff.payload.get(i))
            .map(|c| c.change)
    }
}

/// A fingerprint of a token's text and index, to tell whether the token compared changed.
pub fn fingerprint(text: &str, index: usize) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    index.hash(&mut h);
    h.finish()
}

/// Which token a payload's lines are from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The pinned token: `diff`'s A.
    Pinned,
    /// The token shown: `diff`'s B.
    Current,
}

/// The change (an index into `changes`) each line (by its pointer) is part of: its own
/// member's, or that of the object or array holding it (a removed object marks all its
/// lines). A side marks what it has: the pinned token its removed members, the current one
/// its added ones, both the changed ones.
pub fn marks(pointers: &[String], changes: &[Change], side: Side) -> Vec<Option<usize>> {
    let shows = |k: ChangeKind| match side {
        Side::Pinned => k != ChangeKind::Added,
        Side::Current => k != ChangeKind::Removed,
    };
    let by_path: HashMap<&str, usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, c)| shows(c.change))
        .map(|(i, c)| (c.path.as_str(), i))
        .collect();
    if by_path.is_empty() {
        return vec![None; pointers.len()];
    }
    pointers
        .iter()
        .map(|pointer| {
            // Lines that are not JSON (a text payload, a note) are the whole payload's.
            let mut p = if pointer.starts_with('#') {
                ""
            } else {
                pointer.as_str()
            };
            loop {
                if let Some(k) = by_path.get(p) {
                    return Some(*k);
                }
                // Pointer tokens escape '/' (`~1`): the last '/' starts the last token.
                match p.rfind('/') {
                    Some(i) => p = &p[..i],
                    None => return None,
                }
            }
        })
        .collect()
}

/// The two payloads' lines (by their pointers) side by side: a line is paired with the line
/// of the same member on the other side (its pointer; an object's closing line with its
/// closing line), and a member only one side has faces a blank. Linear in the lines; members
/// in another order on each side are shown unpaired where each side has them.
pub fn align(left: &[String], right: &[String]) -> Vec<AlignedRow> {
    fn keys(pointers: &[String]) -> Vec<(&str, usize)> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        pointers
            .iter()
            .map(|p| {
                let n = seen.entry(p.as_str()).or_insert(0);
                *n += 1;
                (p.as_str(), *n)
            })
            .collect()
    }
    let (kl, kr) = (keys(left), keys(right));
    let index_r: HashMap<(&str, usize), usize> =
        kr.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut partner_l: Vec<Option<usize>> = kl.iter().map(|k| index_r.get(k).copied()).collect();
    let mut partner_r: Vec<Option<usize>> = vec![None; kr.len()];
    for (i, p) in partner_l.iter().enumerate() {
        if let Some(j) = p {
            partner_r[*j] = Some(i);
        }
    }
    let mut rows = Vec::with_capacity(left.len().max(right.len()));
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        if i >= left.len() {
            rows.push((None, Some(j)));
            j += 1;
        } else if j >= right.len() {
            rows.push((Some(i), None));
            i += 1;
        } else if partner_l[i] == Some(j) {
            rows.push((Some(i), Some(j)));
            i += 1;
            j += 1;
        } else if partner_l[i].is_none() {
            rows.push((Some(i), None));
            i += 1;
        } else if partner_r[j].is_none() {
            rows.push((None, Some(j)));
            j += 1;
        } else {
            // Both lines have partners further on: members in another order. This one is
            // shown alone, and so will its partner be.
            if let Some(p) = partner_l[i].take() {
                partner_r[p] = None;
            }
            rows.push((Some(i), None));
            i += 1;
        }
    }
    rows
}

#[cfg(test)]
mod tests;
