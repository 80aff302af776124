//! Every finding's `source` that cites a platform document names sections that exist in that
//! document (shared/docs, when it sits beside the repository).

use std::path::Path;

use tokenscope::rules::ids::ALL;

/// Document titles as findings cite them, and their files in shared/docs.
const DOCS: &[(&str, &str)] = &[
    ("Secure token", "000_ee23d96bd06c5f37.txt"),
    (
        "How to use the secure token to pass prize and winner information",
        "001_9c119154ee889ccf.txt",
    ),
    (
        "Share information at the campaign load",
        "002_fc47825ba79c056b.txt",
    ),
    ("JWT for Adictiz Box campaigns", "003_431b2f29e58f6486.txt"),
    ("Manage User Authentication", "004_bc1cfb8832d05ad0.txt"),
];

/// The lines of a document as headings read: trimmed, without a bullet or a trailing colon.
fn headings(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(['•', '-', '*'])
                .trim()
                .trim_end_matches(':')
                .to_string()
        })
        .collect()
}

/// Whether `section` is a heading of the document: a whole line, or the start of a bullet
/// that goes on with a parenthesis (`Public key (in PKCS#8 format ...)`).
fn has(lines: &[String], section: &str) -> bool {
    lines
        .iter()
        .any(|l| l == section || l.strip_prefix(section).is_some_and(|r| r.starts_with(" (")))
}

/// The sections a citation names that the document lacks. A citation reads `Title", A, B
/// and C (D)`: each comma-separated part is a heading as a whole (headings may hold "and"),
/// else each of its " and " pieces is; a parenthesis names a sub-heading, unless the part
/// with it is itself a heading.
fn missing_sections(rest: &str, lines: &[String]) -> (usize, Vec<String>) {
    let mut missing = Vec::new();
    let mut cited = 0;
    for part in rest.split(", ").map(str::trim).filter(|p| !p.is_empty()) {
        cited += 1;
        if has(lines, part) {
            continue;
        }
        let (head, sub) = match part.split_once(" (") {
            Some((h, s)) => (h.trim(), Some(s.trim_end_matches(')').trim())),
            None => (part, None),
        };
        let head_ok = has(lines, head) || head.split(" and ").all(|p| has(lines, p.trim()));
        if !head_ok {
            missing.push(head.to_string());
        }
        if let Some(sub) = sub
            && !has(lines, sub)
        {
            missing.push(sub.to_string());
        }
    }
    (cited, missing)
}

#[test]
fn every_cited_section_exists_in_its_document() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/docs");
    if !docs.is_dir() {
        eprintln!("shared/docs not beside the repository: source check skipped");
        return;
    }
    let mut missing = Vec::new();
    let mut cited = 0;
    for spec in ALL {
        for citation in spec.source.split("; ") {
            let Some((_, after)) = citation.split_once('"') else {
                continue;
            };
            let Some((title, rest)) = after.split_once('"') else {
                continue;
            };
            let (_, file) = DOCS
                .iter()
                .find(|(t, _)| *t == title)
                .unwrap_or_else(|| panic!("{}: unknown document title '{title}'", spec.id));
            let text = std::fs::read_to_string(docs.join(file)).expect("document");
            let lines = headings(&text);
            let (n, absent) = missing_sections(rest.trim_start_matches(','), &lines);
            cited += n;
            missing.extend(
                absent
                    .into_iter()
                    .map(|s| format!("{}: '{s}' is not a section of {file}", spec.id)),
            );
        }
    }
    assert!(cited > 50, "only {cited} sections cited");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
