//! Folding of objects and arrays in the Header and Payload panes. Folds are remembered by
//! JSON pointer (so they survive a re-inspection or an edit); what they hide is kept as a
//! few ranges of lines of the pane's `JsonDoc`, so that showing, scrolling and folding a
//! 1 MB payload touch the rows on screen and the folds, never every line.

use std::collections::BTreeSet;

use crate::json_lines::JsonDoc;

/// The lines shown of a document: all but those inside a folded object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visible {
    /// Lines in the document.
    total: usize,
    /// The hidden lines, as `start..end` ranges in order, apart from one another.
    hidden: Vec<(usize, usize)>,
}

impl Visible {
    /// The lines shown of `doc` when the objects at `folded` pointers are folded: a folded
    /// object keeps its opening line and hides everything to its closing line included.
    pub fn new(doc: &JsonDoc, folded: &BTreeSet<String>) -> Visible {
        let mut ranges: Vec<(usize, usize)> = folded
            .iter()
            .filter_map(|p| doc.find(p))
            .filter(|&i| doc.opens(i))
            .map(|i| (i + 1, doc.closing(i) + 1))
            .collect();
        ranges.sort_unstable();
        let mut hidden: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match hidden.last_mut() {
                // Inside a folded object: hidden already.
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => hidden.push((start, end)),
            }
        }
        Visible {
            total: doc.len(),
            hidden,
        }
    }

    /// Lines shown.
    pub fn len(&self) -> usize {
        self.total - self.hidden.iter().map(|(s, e)| e - s).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The document line shown at position `n`.
    pub fn line(&self, n: usize) -> Option<usize> {
        let mut i = n;
        for &(start, end) in &self.hidden {
            if i < start {
                break;
            }
            i += end - start;
        }
        (i < self.total).then_some(i)
    }

    /// The position at which document line `i` is shown, None when a fold hides it.
    pub fn position(&self, i: usize) -> Option<usize> {
        if i >= self.total {
            return None;
        }
        let mut before = 0;
        for &(start, end) in &self.hidden {
            if i < start {
                break;
            }
            if i < end {
                return None;
            }
            before += end - start;
        }
        Some(i - before)
    }

    /// The document lines shown from position `from` on, in order.
    pub fn lines_from(&self, from: usize) -> impl Iterator<Item = usize> + '_ {
        let mut next = self.line(from);
        let mut ranges = self.hidden.iter().peekable();
        std::iter::from_fn(move || {
            let i = next?;
            while ranges.next_if(|r| r.1 <= i).is_some() {}
            let mut after = i + 1;
            if let Some(&&(start, end)) = ranges.peek()
                && after == start
            {
                after = end;
            }
            next = (after < self.total).then_some(after);
            Some(i)
        })
    }

    /// Whether line `i` (shown) opens an object that is folded.
    pub fn folded_at(&self, doc: &JsonDoc, i: usize) -> bool {
        doc.opens(i) && self.hidden.iter().any(|&(start, _)| start == i + 1)
    }
}

/// The line whose object to fold or unfold for line `i`: its own object when it opens one,
/// else the innermost object holding it.
pub fn target(doc: &JsonDoc, i: usize) -> Option<usize> {
    if i >= doc.len() {
        return None;
    }
    if doc.opens(i) {
        return Some(i);
    }
    doc.container(i)
}

/// Lines hidden under a folded opening line.
pub fn hidden(doc: &JsonDoc, open: usize) -> usize {
    doc.closing(open) - open
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shown(doc: &JsonDoc, v: &Visible) -> Vec<String> {
        v.lines_from(0).map(|i| doc.text(i)).collect()
    }

    #[test]
    fn folding_and_unfolding_round_trips() {
        let v = json!({"a": 1, "gift": {"cw": true, "x": [1, 2]}, "z": {}});
        let doc = JsonDoc::from_value(&v, None);
        let all = Visible::new(&doc, &BTreeSet::new());
        assert_eq!(all.len(), doc.len());
        let mut folded = BTreeSet::new();
        // The line of "cw" folds the object holding it.
        let cw = doc.find("/gift/cw").unwrap();
        let p = doc.pointer(target(&doc, cw).unwrap());
        assert_eq!(p, "/gift");
        folded.insert(p.clone());
        let v = Visible::new(&doc, &folded);
        assert_eq!(
            shown(&doc, &v),
            ["{", "  \"a\": 1,", "  \"gift\": {", "  \"z\": {}", "}"]
        );
        assert_eq!(v.len(), 5);
        let gift = doc.find("/gift").unwrap();
        assert_eq!(hidden(&doc, gift), 6);
        assert!(v.folded_at(&doc, gift));
        assert!(!v.folded_at(&doc, 0));
        assert_eq!(v.position(gift), Some(2));
        assert_eq!(v.position(cw), None);
        assert_eq!(v.line(3), doc.find("/z"));
        assert_eq!(v.line(5), None);
        folded.remove(&p);
        assert_eq!(Visible::new(&doc, &folded), all);
        // The root folds to one line; a fold inside it changes nothing more.
        folded.insert(String::new());
        folded.insert("/gift/x".into());
        let v = Visible::new(&doc, &folded);
        assert_eq!(v.len(), 1);
        assert_eq!(v.lines_from(0).collect::<Vec<_>>(), [0]);
        // A pointer to nothing, or to a line that opens nothing, folds nothing.
        let v = Visible::new(&doc, &BTreeSet::from(["/a".to_string(), "/nope".into()]));
        assert_eq!(v, all);
    }

    #[test]
    fn positions_and_lines_agree_around_several_folds() {
        let items: Vec<_> = (0..20).map(|i| json!({"id": i, "t": [i]})).collect();
        let doc = JsonDoc::from_value(&json!({ "items": items }), None);
        let folded: BTreeSet<String> = ["/items/2", "/items/3/t", "/items/7", "/items/19"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let v = Visible::new(&doc, &folded);
        let lines: Vec<usize> = v.lines_from(0).collect();
        assert_eq!(lines.len(), v.len());
        for (n, &i) in lines.iter().enumerate() {
            assert_eq!(v.line(n), Some(i));
            assert_eq!(v.position(i), Some(n));
            assert_eq!(v.lines_from(n).next(), Some(i));
        }
        let hidden_lines = (0..doc.len()).filter(|i| v.position(*i).is_none()).count();
        assert_eq!(hidden_lines, 5 + 2 + 5 + 5);
        assert_eq!(v.lines_from(v.len()).next(), None);
    }
}
