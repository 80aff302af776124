//! Tests of tui_tmux, continued: following a log, in the browser and with `inspect`.

use super::*;

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("log opens");
    f.write_all(text.as_bytes()).expect("log written");
}

/// `tokenscope --batch FILE --follow`: rows are added as lines are written (the list stays on
/// the last one), a truncation is told in the header, and a row of the file before it is not
/// read from the new one.
#[test]
fn the_log_browser_follows_a_growing_log_through_a_rotation() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    store_secret(home.path());
    let good = qualifio(3600);
    let expired = qualifio(-7200);
    let log = home.path().join("access.log");
    std::fs::write(&log, format!("boot\nGET /play?qual_token={good}\n")).expect("log");
    let path = log.to_str().expect("path").to_string();
    let t = Tmux::start_in(home, &["--batch", &path, "--follow"]);
    t.wait_for("1 tokens, following…");
    // Lines appended while the keys work: each shows, the selection on the newest.
    append(&log, &format!("login token={expired}\nhealthcheck ok\n"));
    let s = t.wait_for("2 tokens, following…");
    assert!(s.contains("▶3 "), "the selection follows the new row\n{s}");
    assert!(s.contains("1 rejected"), "{s}");
    for i in 0..20 {
        append(&log, &format!("{i} GET /play?qual_token={good}\n"));
    }
    t.wait_for("22 tokens, following…");
    t.keys(&["Up"]);
    t.wait_for("▶23 ");
    // A line in two writes: a row once it is whole.
    append(&log, &format!("late token={}", &good[..30]));
    append(&log, &format!("{}\n", &good[30..]));
    let s = t.wait_for("23 tokens, following…");
    assert!(s.contains("▶23 "), "moved up, the selection stays\n{s}");
    // copytruncate: the rows of the new content start at line 1 again.
    std::fs::write(&log, format!("after rotation token={expired}\n")).expect("log");
    t.wait_for("24 tokens, following… · truncated (generation 1)");
    // The selection is still on line 23 of the old file: it is not read from the new one.
    t.keys(&["Enter"]);
    t.wait_for("line 23 is from before the log was truncated");
    // The new file's row opens.
    t.keys(&["End"]);
    t.wait_for("▶1 ");
    t.keys(&["Enter"]);
    let s = t.wait_for("line 1 of the log");
    assert!(s.contains("REJECTED"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("following…");
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
}

/// `inspect --batch FILE --follow` on a terminal counts on stderr while it follows; Ctrl-C
/// prints the summary and exits with the batch status.
#[test]
fn following_a_log_counts_on_stderr_and_ctrl_c_prints_the_summary() {
    need_tmux!();
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("tokens.log");
    std::fs::write(&log, format!("{}\n", qualifio(3600))).expect("log");
    let path = log.display().to_string();
    let t = Tmux::start(&["inspect", "--secret", SECRET, "--batch", &path, "--follow"]);
    t.wait_for("1 token(s): 1 accepted");
    append(&log, &format!("{}\n", qualifio(-7200)));
    let s = t.wait_for("2 token(s): 1 accepted, 1 rejected");
    assert!(s.contains("following") && s.contains("Ctrl-C"), "{s}");
    t.keys(&["C-c"]);
    let s = t.wait_for("TS-EXIT-");
    assert!(
        s.contains("2 token(s): 1 accepted, 1 rejected, 0 not verified, 0 malformed"),
        "{s}"
    );
    assert!(s.contains("TS-EXIT-1"), "{s}");
}
