//! Pin and diff through the real binary: a log in the browser, a passing row pinned, a
//! failing row opened, the diff read on the screen.

use super::*;

/// Open a passing row of a log, `P`, `Esc`, open a failing row (expired, `canPlay` as a
/// string): the diff view shows both payloads with the differences marked and the two
/// verdicts side by side; `D` goes back to the panes with the pin still said; `U` unpins.
#[test]
fn a_passing_row_pinned_against_a_failing_row_of_a_log() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    store_secret(home.path());
    let good = qualifio(3600);
    let bad = hs256(json!({
        "sub": "e2e-participant",
        "iat": now() - 60,
        "nbf": now() - 120,
        "exp": now() - 7200,
        "campaignId": "e2e-campaign",
        "limit": {"canPlay": "true", "nb": 2}
    }));
    let log = home.path().join("access.log");
    let mut text = String::new();
    for i in 0..12 {
        match i % 3 {
            0 => text.push_str(&format!("GET /play?qual_token={good}\n")),
            1 => text.push_str("healthcheck ok\n"),
            _ => text.push_str(&format!("GET /play?qual_token={bad}\n")),
        }
    }
    std::fs::write(&log, text).expect("log");
    let t = Tmux::start_in(home, &["--batch", log.to_str().expect("path")]);
    t.wait_for("8 tokens, done");
    // The passing rows, the first of them opened and pinned.
    t.keys(&["/"]);
    t.wait_for("Show the rows holding");
    t.keys(&["-l", "accepted"]);
    t.keys(&["Enter"]);
    t.wait_for("4 of 8 rows");
    t.keys(&["Enter"]);
    t.wait_for("line 1 of the log");
    t.keys(&["P"]);
    let s = t.wait_for("pinned: line 1");
    assert!(s.contains("ACCEPTED"), "{s}");
    // Back to the list; the failing rows, the first of them opened.
    t.keys(&["Escape"]);
    t.wait_for("filter 'accepted'");
    t.keys(&["/"]);
    t.wait_for("Show the rows holding");
    t.keys(&["C-u"]);
    t.keys(&["-l", "generic.exp.expired"]);
    t.keys(&["Enter"]);
    t.wait_for("4 of 8 rows");
    t.keys(&["Enter"]);
    let s = t.wait_for("DIFF · pinned: line 1");
    for expected in [
        "Pinned: line 1",
        "Shown: line 3",
        "\"canPlay\": true",
        "\"canPlay\": \"true\"",
        "! type changed",
        "2 claims differ",
        "Verdicts differ",
        "✔ ACCEPTED",
        "✖ REJECTED",
    ] {
        assert!(s.contains(expected), "{expected}:\n{s}");
    }
    // Both type-changed lines carry the mark, on their own side.
    let marked: Vec<&str> = s
        .lines()
        .filter(|l| l.contains("!    \"canPlay\""))
        .collect();
    assert_eq!(marked.len(), 1, "{s}");
    assert_eq!(marked[0].matches("!    \"canPlay\"").count(), 2, "{s}");
    // The verdicts side by side: participation limited against invalid, and the findings
    // only the failing row has, further down.
    let row = s
        .lines()
        .find(|l| l.contains("participation") && l.contains("limited"))
        .unwrap_or_else(|| panic!("no participation row:\n{s}"));
    assert!(row.contains("invalid"), "{row}");
    t.keys(&["Tab"]);
    t.keys(&["End"]);
    let s = t.wait_for("Claims that differ");
    assert!(s.contains("generic.exp.expired"), "{s}");
    // Enter: the next difference, named.
    t.keys(&["Enter"]);
    t.wait_for("difference 2 of 2: /limit/canPlay type changed");
    // D: the panes, the pin still said; D again: the diff; U: unpinned.
    t.keys(&["D"]);
    let s = t.wait_for("the panes (D: back to the diff view)");
    assert!(s.contains("pinned: line 1"), "{s}");
    assert!(s.contains("Token · JWS"), "{s}");
    t.keys(&["D"]);
    t.wait_for("DIFF · pinned: line 1");
    t.keys(&["U"]);
    let s = t.wait_for("unpinned: line 1");
    assert!(!s.contains("DIFF"), "{s}");
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
}
