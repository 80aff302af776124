//! `tokenscope scenarios` through the real binary: the matrix covers every combination, its
//! outcomes follow RULES.md 3 row by row (type rules included), index.tsv keeps JSON types
//! (the string "true" is never the boolean true), and the files `--out` writes are read by
//! `inspect` exactly as the index says.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{Sandbox, json_of};
use predicates::prelude::*;
use serde_json::{Value, json};

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

/// One line of index.tsv, its cells parsed as JSON.
#[derive(Debug)]
struct Row {
    file: String,
    limit: Value,
    can_play: Value,
    nb: Value,
    gift: Value,
    cw: Value,
    label: Value,
    participation: Value,
    win: Value,
    accepted: bool,
    errors: Value,
    warnings: Value,
}

const COLUMNS: &str = "file\t/limit\t/limit/canPlay\t/limit/nb\t/gift\t/gift/cw\t/gift/label\tparticipation.outcome\tparticipation.nb\tparticipation.nb_ignored\twin.outcome\twin.label\twin.label_ignored\taccepted\terrors\twarnings";

fn rows(tsv: &str) -> Vec<Row> {
    let mut lines = tsv.lines();
    let comment = lines.next().unwrap();
    assert!(
        comment.starts_with("# ") && comment.contains("every cell is JSON"),
        "{comment}"
    );
    assert_eq!(lines.next().unwrap(), COLUMNS);
    lines
        .map(|l| {
            let c: Vec<Value> = l
                .split('\t')
                .map(|cell| {
                    serde_json::from_str(cell).unwrap_or_else(|e| panic!("{cell}: {e} in {l}"))
                })
                .collect();
            assert_eq!(c.len(), 16, "{l}");
            Row {
                file: c[0].as_str().unwrap().into(),
                limit: c[1].clone(),
                can_play: c[2].clone(),
                nb: c[3].clone(),
                gift: c[4].clone(),
                cw: c[5].clone(),
                label: c[6].clone(),
                participation: json!({"outcome": c[7], "nb": c[8], "nb_ignored": c[9]}),
                win: json!({"outcome": c[10], "label": c[11], "label_ignored": c[12]}),
                accepted: c[13].as_bool().unwrap(),
                errors: c[14].clone(),
                warnings: c[15].clone(),
            }
        })
        .collect()
}

/// The row whose claims are `limit` and `gift` (null: left out).
fn find(rows: &[Row], limit: Value, gift: Value) -> &Row {
    rows.iter()
        .find(|r| r.limit == limit && r.gift == gift)
        .unwrap_or_else(|| panic!("no row {limit} {gift}"))
}

fn has(ids: &Value, id: &str) -> bool {
    ids.as_array().unwrap().iter().any(|i| i == id)
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
            "--format",
            "jsonl",
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
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("wrote 504 tokens, index.tsv and index.jsonl"),
        "{stderr}"
    );
    // --format jsonl prints index.jsonl.
    let index_jsonl = std::fs::read_to_string(out_dir.join("index.jsonl")).unwrap();
    assert_eq!(stdout, index_jsonl);

    let rows = rows(&std::fs::read_to_string(out_dir.join("index.tsv")).unwrap());
    assert_eq!(rows.len(), 504);
    // Every combination: no limit, canPlay (4) x nb (6), limit not an object (3); no gift,
    // cw (4) x label (4), gift not an object (1).
    let can_play = [
        Some(json!(true)),
        Some(json!(false)),
        None,
        Some(json!("true")),
    ];
    let nb = [
        Some(json!(3)),
        Some(json!(0)),
        None,
        Some(json!("3")),
        Some(json!(-1)),
        Some(json!(1.5)),
    ];
    let cw = [
        Some(json!(true)),
        Some(json!(false)),
        None,
        Some(json!("false")),
    ];
    let label = [Some(json!("Prize")), None, Some(json!(5)), Some(json!(""))];
    let object = |pairs: [(&str, &Option<Value>); 2]| {
        let mut map = serde_json::Map::new();
        for (name, value) in pairs {
            if let Some(v) = value {
                map.insert(name.into(), v.clone());
            }
        }
        Value::Object(map)
    };
    let mut limits = vec![
        Value::Null,
        json!("3"),
        json!(3),
        json!([{"canPlay": true}]),
    ];
    for c in &can_play {
        for n in &nb {
            limits.push(object([("canPlay", c), ("nb", n)]));
        }
    }
    let mut gifts = vec![Value::Null, json!("Prize")];
    for c in &cw {
        for l in &label {
            gifts.push(object([("cw", c), ("label", l)]));
        }
    }
    assert_eq!(limits.len() * gifts.len(), 504);
    for limit in &limits {
        for gift in &gifts {
            let r = find(&rows, limit.clone(), gift.clone());
            // The member columns are the claims at their JSON pointers, null when none.
            assert_eq!(
                r.can_play,
                limit.get("canPlay").cloned().unwrap_or_default()
            );
            assert_eq!(r.nb, limit.get("nb").cloned().unwrap_or_default());
            assert_eq!(r.cw, gift.get("cw").cloned().unwrap_or_default());
            assert_eq!(r.label, gift.get("label").cloned().unwrap_or_default());
        }
    }
    // The distinction the matrix exists to show survives the index: a string "true" is a
    // string, the boolean true a boolean.
    let string_true = find(&rows, json!({"canPlay": "true", "nb": 3}), Value::Null);
    let bool_true = find(&rows, json!({"canPlay": true, "nb": 3}), Value::Null);
    assert_eq!(
        (&string_true.can_play, &bool_true.can_play),
        (&json!("true"), &json!(true))
    );
    assert_ne!(string_true.participation, bool_true.participation);

    // RULES.md 3, participation table (no gift, so the win is standard).
    let p = |limit: Value| {
        let r = find(&rows, limit, Value::Null);
        (r.participation.clone(), r.accepted)
    };
    let outcome =
        |o: &str, nb: Value, ignored: bool| json!({"outcome": o, "nb": nb, "nb_ignored": ignored});
    assert_eq!(
        p(Value::Null),
        (outcome("standard", Value::Null, false), true)
    );
    assert_eq!(
        p(json!({"canPlay": false, "nb": 3})),
        (outcome("blocked", json!(3), true), true)
    );
    assert_eq!(
        p(json!({"canPlay": false})),
        (outcome("blocked", Value::Null, false), true)
    );
    assert_eq!(
        p(json!({"canPlay": true, "nb": 3})),
        (outcome("limited", json!(3), false), true)
    );
    assert_eq!(
        p(json!({"canPlay": true})),
        (outcome("allowed", Value::Null, false), true)
    );
    assert_eq!(
        p(json!({"nb": 3})),
        (outcome("limited", json!(3), false), true)
    );
    assert_eq!(p(json!({})).0["outcome"], "invalid");
    assert!(!p(json!({})).1);
    // Type rules: canPlay a boolean, nb a non-negative integer (unless canPlay is false), limit
    // an object; nb 0 is a warning only.
    for (limit, error) in [
        (
            json!({"canPlay": "true", "nb": 3}),
            "qualifio.limit.canplay_type",
        ),
        (
            json!({"canPlay": true, "nb": "3"}),
            "qualifio.limit.nb_type",
        ),
        (json!({"canPlay": true, "nb": -1}), "qualifio.limit.nb_type"),
        (
            json!({"canPlay": true, "nb": 1.5}),
            "qualifio.limit.nb_type",
        ),
        (json!("3"), "qualifio.limit.type"),
        (json!(3), "qualifio.limit.type"),
        (json!([{"canPlay": true}]), "qualifio.limit.type"),
    ] {
        let r = find(&rows, limit.clone(), Value::Null);
        assert_eq!(r.participation["outcome"], "invalid", "{limit}");
        assert!(!r.accepted, "{limit}");
        assert!(has(&r.errors, error), "{limit}: {:?}", r.errors);
    }
    for nb in [json!("3"), json!(-1), json!(1.5)] {
        assert_eq!(
            p(json!({"canPlay": false, "nb": nb})),
            (outcome("blocked", Value::Null, true), true),
            "{nb}"
        );
    }
    assert_eq!(
        p(json!({"canPlay": true, "nb": 0})),
        (outcome("limited", json!(0), false), true)
    );

    // Win table (no limit, so participation is standard).
    let w = |gift: Value| {
        let r = find(&rows, Value::Null, gift);
        (r.win["outcome"].as_str().unwrap().to_string(), r.accepted)
    };
    let yes = |o: &str| (o.to_string(), true);
    assert_eq!(w(json!({"cw": true, "label": "Prize"})), yes("given_prize"));
    assert_eq!(w(json!({"cw": true})), yes("any_prize"));
    assert_eq!(w(json!({"cw": false, "label": "Prize"})), yes("cannot_win"));
    assert_eq!(
        find(&rows, Value::Null, json!({"cw": false, "label": "Prize"})).win["label_ignored"],
        true
    );
    assert_eq!(w(json!({"cw": false})), yes("cannot_win"));
    assert_eq!(w(json!({"label": "Prize"})), yes("given_prize"));
    assert_eq!(w(json!({})), yes("standard"));
    assert_eq!(w(Value::Null), yes("standard"));
    assert_eq!(w(json!({"cw": "false"})), ("invalid".to_string(), false));
    assert_eq!(
        w(json!({"cw": true, "label": 5})),
        ("invalid".to_string(), false)
    );
    // An empty label counts as absent, with a warning.
    for (cw, o) in [
        (json!(true), "any_prize"),
        (json!(false), "cannot_win"),
        (Value::Null, "standard"),
    ] {
        let mut gift = json!({"label": ""});
        if !cw.is_null() {
            gift = json!({"cw": cw, "label": ""});
        }
        let r = find(&rows, Value::Null, gift.clone());
        assert_eq!(
            (r.win["outcome"].as_str().unwrap(), r.accepted),
            (o, true),
            "{gift}"
        );
        assert_eq!(r.win["label"], Value::Null, "{gift}");
        assert!(has(&r.warnings, "qualifio.gift.label_empty"), "{gift}");
    }
    // A gift that is not an object.
    let r = find(&rows, Value::Null, json!("Prize"));
    assert_eq!(
        (r.win["outcome"].as_str().unwrap(), r.accepted),
        ("invalid", false)
    );
    assert!(has(&r.errors, "qualifio.gift.type"), "{:?}", r.errors);

    // Every file: inspect with the same key says what the index says, and index.jsonl holds
    // the same scenarios with the token and the claims signed.
    let records: Vec<Value> = index_jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), rows.len());
    for (row, record) in rows.iter().zip(&records) {
        let path = out_dir.join(&row.file);
        let token = std::fs::read_to_string(&path).unwrap();
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
        let f = &row.file;
        assert_eq!(v["accepted"], row.accepted, "{f}");
        assert_eq!(code, if row.accepted { 0 } else { 1 }, "{f}");
        assert_eq!(v["verdict"]["participation"], row.participation, "{f}");
        assert_eq!(v["verdict"]["win"], row.win, "{f}");
        let ids = |severity: &str| -> Value {
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["severity"] == severity)
                .map(|x| x["id"].clone())
                .collect()
        };
        assert_eq!(ids("error"), row.errors, "{f}");
        assert_eq!(ids("warning"), row.warnings, "{f}");
        assert_eq!(v["layers"][0]["status"], "valid");
        assert_eq!(v["payload"]["limit"], row.limit, "{f}");
        assert_eq!(v["payload"]["gift"], row.gift, "{f}");

        assert_eq!(record["file"], row.file.as_str());
        assert_eq!(record["token"], token.trim_end(), "{f}");
        assert_eq!(record["limit"], row.limit, "{f}");
        assert_eq!(record["gift"], row.gift, "{f}");
        assert_eq!(record["participation"], row.participation, "{f}");
        assert_eq!(record["win"], row.win, "{f}");
        assert_eq!(record["accepted"], row.accepted, "{f}");
        assert_eq!(
            (&record["errors"], &record["warnings"]),
            (&row.errors, &row.warnings)
        );
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
        )
        .stdout(
            predicate::str::is_match(
                r#"(?m)^504  limit: \[\{"canPlay":true\}\]  +-  +gift: "Prize"  +-  +invalid  +invalid  +no  +qualifio.limit.type, qualifio.gift.type$"#,
            )
            .unwrap(),
        );
    // --format tsv prints the index on stdout.
    let out = sb
        .cmd()
        .args(["scenarios", "--key", "q", "--format", "tsv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let tsv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(rows(&tsv).len(), 504);
    sb.cmd()
        .args(["scenarios", "--profile", "qualifio"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scenarios needs a key"));
}
