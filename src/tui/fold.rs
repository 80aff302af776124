//! Folding of objects and arrays in the Header and Payload panes. Folds are remembered by
//! JSON pointer (so they survive a re-inspection or an edit); the visible lines are an index
//! into `json_lines::json_lines`' output, computed once per inspection or fold change, so drawing
//! and scrolling a 1 MB payload only touch the rows on screen.

use std::collections::BTreeSet;

use crate::json_lines::JsonLine;

/// The index of the line that closes the object or array opened at `open`.
pub fn closing(lines: &[JsonLine], open: usize) -> usize {
    let depth = lines[open].depth;
    lines[open + 1..]
        .iter()
        .position(|l| l.depth <= depth)
        .map_or(lines.len().saturating_sub(1), |i| open + 1 + i)
}

/// Indices of the lines shown when the objects at `folded` pointers are folded: a folded
/// object keeps its opening line and hides everything to its closing line included.
pub fn visible(lines: &[JsonLine], folded: &BTreeSet<String>) -> Vec<usize> {
    if folded.is_empty() {
        return (0..lines.len()).collect();
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        out.push(i);
        if lines[i].opens && folded.contains(&lines[i].pointer) {
            i = closing(lines, i) + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The pointer to fold or unfold for the line at `at`: the line's own object when it opens
/// one, else the innermost object holding it.
pub fn target(lines: &[JsonLine], at: usize) -> Option<String> {
    let line = lines.get(at)?;
    if line.opens {
        return Some(line.pointer.clone());
    }
    lines[..at]
        .iter()
        .rev()
        .find(|l| l.opens && l.depth < line.depth)
        .map(|l| l.pointer.clone())
}

/// Lines hidden under a folded opening line.
pub fn hidden(lines: &[JsonLine], open: usize) -> usize {
    closing(lines, open) - open
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn folding_and_unfolding_round_trips() {
        let v = json!({"a": 1, "gift": {"cw": true, "x": [1, 2]}, "z": {}});
        let lines = crate::json_lines::json_lines(&v, None);
        let all = visible(&lines, &BTreeSet::new());
        assert_eq!(all.len(), lines.len());
        let mut folded = BTreeSet::new();
        // The line of "cw" folds the object holding it.
        let cw = lines.iter().position(|l| l.pointer == "/gift/cw").unwrap();
        let p = target(&lines, cw).unwrap();
        assert_eq!(p, "/gift");
        folded.insert(p.clone());
        let shown = visible(&lines, &folded);
        let texts: Vec<String> = shown.iter().map(|i| lines[*i].text()).collect();
        assert_eq!(
            texts,
            ["{", "  \"a\": 1,", "  \"gift\": {", "  \"z\": {}", "}"]
        );
        let gift = lines.iter().position(|l| l.pointer == "/gift").unwrap();
        assert_eq!(hidden(&lines, gift), 6);
        folded.remove(&p);
        assert_eq!(visible(&lines, &folded), all);
        // The root folds to one line.
        folded.insert(String::new());
        assert_eq!(visible(&lines, &folded), vec![0]);
    }
}
