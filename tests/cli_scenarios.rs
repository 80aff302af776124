//! `tokenscope scenarios` through the real binary: the matrix covers every combination, its
//! outcomes follow RULES.md 3 row by row, and the files `--out` writes are accepted or
//! rejected by `inspect` exactly as the table says.

mod common;

use common::{Sandbox, json_of};
use predicates::prelude::*;
use serde_json::Value;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

/// One line of index.tsv.
#[derive(Debug)]
struct Row {
    file: String,
    can_play: String,
    nb: String,
    cw: String,
    label: String,
    participation: String,
    win: String,
    accepted: bool,
}

fn rows(tsv: &str) -> Vec<Row> {
    let mut lines = tsv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "file\tcanPlay\tnb\tcw\tlabel\tparticipation\twin\taccepted\terrors"
    );
    lines
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 9, "{l}");
            Row {
                file: c[0].into(),
                can_play: c[1].into(),
                nb: c[2].into(),
                cw: c[3].into(),
                label: c[4].into(),
                participation: c[5].into(),
                win: c[6].into(),
                accepted: match c[7] {
                    "yes" => true,
                    "no" => false,
                    other => panic!("accepted column: {other}"),
                },
            }
        })
        .collect()
}

fn find<'a>(rows: &'a [Row], cells: [&str; 4]) -> &'a Row {
    rows.iter()
        .find(|r| [&r.can_play, &r.nb, &r.cw, &r.label] == cells)
        .unwrap_or_else(|| panic!("no row {cells:?}"))
}

#[test]
fn the_matrix_follows_the_rules_tables_and_its_files_agree_with_inspect() {
    let sb = Sandbox::new();
    let secret = sb.write("secret.bin", SECRET);
    let secret_arg = format!("@{}", secret.display());
    let out_dir = sb.home.path().join("tokens");
    let out = sb
        .cmd()
        .args([
            "scenarios",
            "--profile",
            "qualifio",
            "--secret",
            &secret_arg,
            "--out",
        ])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("wrote 221 tokens and index.tsv"),
        "{stderr}"
    );

    // Every combination: no limit + canPlay (4) x nb (4), no gift + cw (4) x label (3).
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 1 + 17 * 13);
    assert!(lines[0].starts_with("  #  canPlay  nb"), "{}", lines[0]);
    assert!(lines[0].contains("participation") && lines[0].contains("accepted"));
    let rows = rows(&std::fs::read_to_string(out_dir.join("index.tsv")).unwrap());
    assert_eq!(rows.len(), 221);
    for can_play in ["true", "false", "absent", "\"true\""] {
        for nb in ["3", "0", "absent", "\"3\""] {
            for cw in ["true", "false", "absent", "\"false\""] {
                for label in ["\"Prize\"", "absent", "5"] {
                    find(&rows, [can_play, nb, cw, label]);
                }
            }
        }
    }
    // The table prints the same rows as the index.
    for (line, row) in lines[1..].iter().zip(&rows) {
        let number: usize = line.split_whitespace().next().unwrap().parse().unwrap();
        assert_eq!(format!("{number:03}"), row.file[..3]);
        assert!(line.contains(&row.participation) && line.contains(&row.win));
    }

    // RULES.md 3, participation table (no gift, so the win is standard).
    let p = |cells: [&str; 4]| {
        let r = find(&rows, cells);
        (r.participation.as_str(), r.accepted)
    };
    assert_eq!(p(["-", "-", "-", "-"]), ("standard", true));
    assert_eq!(p(["false", "3", "-", "-"]), ("blocked (nb ignored)", true));
    assert_eq!(p(["false", "absent", "-", "-"]), ("blocked", true));
    assert_eq!(p(["true", "3", "-", "-"]), ("limited (3)", true));
    assert_eq!(p(["true", "absent", "-", "-"]), ("allowed", true));
    assert_eq!(p(["absent", "3", "-", "-"]), ("limited (3)", true));
    assert_eq!(p(["absent", "absent", "-", "-"]), ("invalid", false));
    // Type rules: a string canPlay or nb is invalid, unless canPlay is false; nb 0 is a
    // warning only.
    assert_eq!(p(["\"true\"", "3", "-", "-"]), ("invalid", false));
    assert_eq!(p(["true", "\"3\"", "-", "-"]), ("invalid", false));
    assert_eq!(
        p(["false", "\"3\"", "-", "-"]),
        ("blocked (nb ignored)", true)
    );
    assert_eq!(p(["true", "0", "-", "-"]), ("limited (0)", true));

    // Win table (no limit, so participation is standard).
    let w = |cw: &str, label: &str| {
        let r = find(&rows, ["-", "-", cw, label]);
        (r.win.as_str(), r.accepted)
    };
    assert_eq!(w("true", "\"Prize\""), ("given_prize", true));
    assert_eq!(w("true", "absent"), ("any_prize", true));
    assert_eq!(
        w("false", "\"Prize\""),
        ("cannot_win (label ignored)", true)
    );
    assert_eq!(w("false", "absent"), ("cannot_win", true));
    assert_eq!(w("absent", "\"Prize\""), ("given_prize", true));
    assert_eq!(w("absent", "absent"), ("standard", true));
    assert_eq!(w("-", "-"), ("standard", true));
    assert_eq!(w("\"false\"", "absent").0, "invalid");
    assert!(!w("\"false\"", "absent").1);
    assert_eq!(w("true", "5"), ("invalid", false));

    // Every file: inspect with the same key agrees with the index.
    for row in &rows {
        let path = out_dir.join(&row.file);
        let mut cmd = sb.cmd();
        cmd.args([
            "inspect",
            "--json",
            "--profile",
            "qualifio",
            "--secret",
            &secret_arg,
        ])
        .arg("--file")
        .arg(&path);
        let (code, v): (i32, Value) = json_of(&mut cmd);
        assert_eq!(v["accepted"], row.accepted, "{}", row.file);
        assert_eq!(code, if row.accepted { 0 } else { 1 }, "{}", row.file);
        let participation = v["verdict"]["participation"]["outcome"].as_str().unwrap();
        let win = v["verdict"]["win"]["outcome"].as_str().unwrap();
        assert!(row.participation.starts_with(participation), "{}", row.file);
        assert!(row.win.starts_with(win), "{}", row.file);
        assert_eq!(v["layers"][0]["status"], "valid");
    }
}

#[test]
fn a_stored_rsa_key_signs_the_matrix_and_a_key_is_required() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["keys", "gen", "q", "--type", "rsa2048", "--kid", "q-1"])
        .assert()
        .success();
    sb.cmd()
        .args(["scenarios", "--profile", "qualifio", "--key", "q"])
        .assert()
        .success()
        .stdout(predicate::str::contains("given_prize"))
        .stdout(
            predicate::str::is_match(r"(?m)^  1  -  +-  +-  +-  +standard  +standard  +yes$")
                .unwrap(),
        );
    sb.cmd()
        .args(["scenarios", "--profile", "qualifio"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scenarios needs a key"));
}
