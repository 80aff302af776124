//! Text that came from a token, a log, a key file or an endpoint never reaches a terminal
//! raw, through the real binary: the batch summary, `keys` output, warnings and errors on
//! stderr, the human report, every `--json` document and the TUI. Control characters, bidi
//! controls, zero-width characters and line separators are shown escaped, never dropped.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::crypto::{b64url, hmac_token};
use common::{Sandbox, assert_terminal_safe, hidden, json_of};
use serde_json::{Value, json};

/// OSC 52 (clipboard write), clear screen, a C1 CSI, a bidi override and a zero width space,
/// then a newline and a forged line of the batch summary.
const HOSTILE: &str = "\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\u{9b}31m\u{202e}\u{200b}\n0 rejected";
/// HOSTILE as tokenscope shows it in text.
const HOSTILE_SHOWN: &str =
    "\\u{1b}]52;c;SGVsbG8=\\u{7}\\u{1b}[2J\\u{9b}31m\\u{202e}\\u{200b}\\u{a}0 rejected";

/// The other characters of the policy: DEL, C1 (NEL, APC), the Arabic letter mark, ZWNJ, ZWJ,
/// LRM, RLM, LRE, LRO, word joiner, the isolates, the BOM and the two separators.
const INVISIBLE: &str = "\u{7f}\u{85}\u{9f}\u{61c}\u{200c}\u{200d}\u{200e}\u{200f}\u{202a}\u{202d}\u{2060}\u{2066}\u{2069}\u{feff}\u{2028}\u{2029}";

const SECRET: &[u8] = b"escaping-test-secret-0123456789abcdef";
const FAR: i64 = 4_102_444_800; // 2100-01-01

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Claims that carry every character of the policy, in member names and values.
fn hostile_claims() -> Value {
    json!({
        "sub": format!("user{INVISIBLE}"),
        "exp": FAR,
        "campaignId": HOSTILE,
        format!("claim{INVISIBLE}"): [HOSTILE, {"nested": INVISIBLE}],
    })
}

fn hostile_token() -> String {
    hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "typ": "JWT", "kid": format!("kid{HOSTILE}")}),
        &hostile_claims(),
    )
}

/// An unsigned junk token, as one could sit in a customer's log.
fn junk_token(campaign: &str) -> String {
    let claims = json!({"sub": "x", "campaignId": campaign});
    format!(
        "{}.{}.",
        b64url(br#"{"alg":"none"}"#),
        b64url(claims.to_string().as_bytes())
    )
}

#[test]
fn the_batch_summary_shows_a_hostile_campaign_id_escaped() {
    let sb = Sandbox::new();
    let log = sb.write(
        "app.log",
        format!(
            "2024-05-01 GET /play?qual_token={}\n{}\n",
            junk_token(HOSTILE),
            junk_token(&format!("c{INVISIBLE}"))
        ),
    );
    let out = sb
        .cmd()
        .args(["inspect", "--batch"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_terminal_safe("batch summary", &out.stdout);
    assert_terminal_safe("batch stderr", &out.stderr);
    let summary = text(&out.stdout);
    assert!(
        summary.starts_with("2 token(s): 0 accepted, 2 rejected,"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("\n  {HOSTILE_SHOWN}: 1 token(s)\n")),
        "{summary}"
    );
    assert!(
        summary.contains("\n  c\\u{7f}\\u{85}\\u{9f}\\u{61c}\\u{200c}\\u{200d}"),
        "{summary}"
    );
    // The forged line never starts a line of its own.
    assert!(
        !summary.lines().any(|l| l.starts_with("0 rejected")),
        "{summary}"
    );

    // The JSON Lines of the same log: no raw character, the same strings once decoded.
    let out = sb
        .cmd()
        .args(["inspect", "--json", "--batch"])
        .arg(&log)
        .output()
        .unwrap();
    assert_terminal_safe("batch --json", &out.stdout);
    let lines = text(&out.stdout);
    let first: Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["payload"]["campaignId"], HOSTILE);
}

/// A JWKS whose usable member has a hostile kid, and a broken member with another (skipped,
/// with a warning, on every command that loads the keys).
fn hostile_jwks() -> String {
    json!({"keys": [
        {"kty": "oct", "k": b64url(SECRET), "kid": format!("good{HOSTILE}")},
        {"kty": "RSA", "n": "%%%", "e": "AQAB", "kid": format!("bad{HOSTILE}{INVISIBLE}")},
    ]})
    .to_string()
}

#[track_caller]
fn run_safe(case: &str, cmd: &mut assert_cmd::Command) -> (String, String) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{case}: exit {:?}\n{}",
        out.status.code(),
        text(&out.stderr)
    );
    assert_terminal_safe(&format!("{case} stdout"), &out.stdout);
    assert_terminal_safe(&format!("{case} stderr"), &out.stderr);
    (text(&out.stdout), text(&out.stderr))
}

#[test]
fn kids_and_key_names_from_files_and_flags_are_shown_escaped() {
    let sb = Sandbox::new();
    let jwks = sb.write("jwks.json", hostile_jwks());
    let (added, warned) = run_safe(
        "keys add --file",
        sb.cmd().args(["keys", "add", "j", "--file"]).arg(&jwks),
    );
    assert!(
        added.starts_with(&format!("added 'j': j#good{HOSTILE_SHOWN} secret")),
        "{added}"
    );
    assert!(
        warned.starts_with(&format!(
            "tokenscope: warning: skipped JWKS member 1: key 'j#bad{HOSTILE_SHOWN}\\u{{7f}}"
        )),
        "{warned}"
    );
    assert_eq!(warned.lines().count(), 1, "{warned}");

    let kid = format!("k{HOSTILE}");
    run_safe(
        "keys add --kid",
        sb.cmd()
            .args([
                "keys",
                "add",
                "s",
                "--secret",
                "another-secret-0123456789abcdef",
                "--kid",
            ])
            .arg(&kid),
    );

    let (list, warned) = run_safe("keys list", sb.cmd().args(["keys", "list"]));
    assert!(list.contains(&format!("  good{HOSTILE_SHOWN}  ")), "{list}");
    assert!(list.contains(&format!("  k{HOSTILE_SHOWN}  ")), "{list}");
    // One line per key, the header first: no kid breaks the table.
    assert_eq!(list.lines().count(), 3, "{list}");
    assert!(warned.contains("skipped JWKS member 1"), "{warned}");

    let (show, _) = run_safe("keys show j", sb.cmd().args(["keys", "show", "j"]));
    assert!(
        show.contains(&format!("\n    kid:         good{HOSTILE_SHOWN}\n")),
        "{show}"
    );
    let (show, _) = run_safe("keys show s", sb.cmd().args(["keys", "show", "s"]));
    assert!(
        show.contains(&format!("\nkid:      k{HOSTILE_SHOWN}\n")),
        "{show}"
    );

    // --json: escaped in the text, the same strings once decoded.
    for args in [
        &["keys", "list", "--json"][..],
        &["keys", "show", "s", "--json"],
    ] {
        let (json, _) = run_safe(&args.join(" "), sb.cmd().args(args));
        let v: Value = serde_json::from_str(&json).unwrap();
        let kids: Vec<&Value> = match &v {
            Value::Array(items) => items.iter().map(|k| &k["kid"]).collect(),
            obj => vec![&obj["kid"]],
        };
        assert!(kids.contains(&&Value::from(kid.clone())), "{json}");
    }

    // Every later command that loads the keys warns about the skipped member: escaped.
    let token = hmac_token(
        "HS256",
        SECRET,
        &json!({"alg": "HS256", "kid": format!("good{HOSTILE}")}),
        &json!({"sub": "user-1", "exp": FAR}),
    );
    let out = sb
        .cmd()
        .args(["inspect", "--key", "j", &token])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_terminal_safe("inspect --key stdout", &out.stdout);
    assert_terminal_safe("inspect --key stderr", &out.stderr);
    let report = text(&out.stdout);
    assert!(
        report.contains(&format!("verified with key 'j#good{HOSTILE_SHOWN}'\n")),
        "{report}"
    );
    let warned = text(&out.stderr);
    assert!(warned.contains("skipped JWKS member 1"), "{warned}");
    assert_eq!(warned.lines().count(), 1, "{warned}");
}

#[test]
fn kids_from_a_jwks_endpoint_are_shown_escaped() {
    let (base, _) = common::serve(hostile_jwks());
    let sb = Sandbox::new();
    let url = format!("{base}/jwks");
    let mut add = sb.cmd();
    add.env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1").args([
        "keys",
        "add",
        "ep",
        "--jwks-url",
        &url,
    ]);
    run_safe("keys add --jwks-url", &mut add);
    let (list, warned) = run_safe("keys list", sb.cmd().args(["keys", "list"]));
    assert!(list.contains(&format!("good{HOSTILE_SHOWN}")), "{list}");
    assert!(
        warned.contains(&format!("key 'ep#bad{HOSTILE_SHOWN}")),
        "{warned}"
    );
    let out = sb
        .cmd()
        .args(["inspect", "--key", "ep"])
        .arg(hostile_token())
        .output()
        .unwrap();
    assert_terminal_safe("inspect --key ep stdout", &out.stdout);
    assert_terminal_safe("inspect --key ep stderr", &out.stderr);
    let warned = text(&out.stderr);
    assert!(warned.contains("skipped JWKS member 1"), "{warned}");
    assert_eq!(warned.lines().count(), 1, "{warned}");
}

#[test]
fn inspect_json_escapes_every_hidden_character_and_decodes_to_the_same_strings() {
    let sb = Sandbox::new();
    let secret = sb.write("secret.txt", SECRET);
    let token = hostile_token();
    let mut cmd = sb.cmd();
    cmd.args(["inspect", "--json", "--secret"])
        .arg(format!("@{}", secret.display()))
        .arg(&token);
    let out = cmd.output().unwrap();
    let raw = text(&out.stdout);
    for c in raw.chars() {
        assert!(
            c == '\n' || !hidden(c),
            "raw U+{:04X} in --json output",
            c as u32
        );
    }
    for escape in [
        "\\u007f", "\\u0085", "\\u009b", "\\u202e", "\\u200b", "\\u2028", "\\ufeff",
    ] {
        assert!(raw.contains(escape), "{escape} missing: {raw}");
    }
    let (code, v) = json_of(&mut cmd);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["payload"], hostile_claims());
    assert_eq!(v["header"]["kid"], format!("kid{HOSTILE}"));
    assert_eq!(v["layers"][0]["kid"], format!("kid{HOSTILE}"));
}

#[test]
fn the_human_report_shows_every_hidden_character_escaped() {
    let sb = Sandbox::new();
    let secret = sb.write("secret.txt", SECRET);
    for profile in ["generic", "qualifio"] {
        let out = sb
            .cmd()
            .args([
                "inspect",
                "--color",
                "never",
                "--profile",
                profile,
                "--secret",
            ])
            .arg(format!("@{}", secret.display()))
            .arg(hostile_token())
            .output()
            .unwrap();
        assert_terminal_safe(profile, &out.stdout);
        assert_terminal_safe(profile, &out.stderr);
        let report = text(&out.stdout);
        assert!(
            report.contains(&format!("kid 'kid{HOSTILE_SHOWN}'")),
            "{report}"
        );
        // Inside pretty JSON, strings keep JSON's escapes.
        assert!(
            report.contains("\"user\\u007f\\u0085\\u009f\\u061c\\u200c\\u200d\\u200e\\u200f"),
            "{report}"
        );
    }

    // An unencoded payload (RFC 7797) is text of the token itself: shown as text, escaped.
    let header = b64url(br#"{"alg":"HS256","b64":false,"crit":["b64"]}"#);
    let payload = format!("pay{HOSTILE}{INVISIBLE}load");
    let out = sb
        .cmd()
        .args(["inspect", &format!("{header}.{payload}.c2ln")])
        .output()
        .unwrap();
    assert_terminal_safe("unencoded payload stdout", &out.stdout);
    assert_terminal_safe("unencoded payload stderr", &out.stderr);
}

#[test]
fn errors_quote_hostile_values_on_one_line() {
    let sb = Sandbox::new();
    let path = format!("missing{HOSTILE}.log");
    let out = sb
        .cmd()
        .args(["inspect", "--batch", &path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_terminal_safe("error", &out.stderr);
    let error = text(&out.stderr);
    assert!(
        error.starts_with(&format!(
            "tokenscope: cannot open batch input 'missing{HOSTILE_SHOWN}.log'"
        )),
        "{error}"
    );
    assert_eq!(error.lines().count(), 1, "{error}");
}

mod tui {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use tokenscope::keys::{KeyRing, parse_key_bytes_lenient};
    use tokenscope::tui::{Action, App, KeySource, Pane, Theme};

    /// 2024-05-01T12:00:00Z.
    fn at() -> i64 {
        1_714_564_800
    }

    fn app(w: u16, h: u16) -> App {
        let (keys, _) = parse_key_bytes_lenient("j", hostile_jwks().as_bytes()).unwrap();
        let mut app = App::new(
            KeyRing { keys },
            KeySource::Memory,
            Theme::dark(),
            tokenscope::time::Clock::Fixed(at()),
        );
        app.size = (w, h);
        app.open_text("hostile", hostile_token());
        app
    }

    fn draw(term: &mut Terminal<TestBackend>, app: &App) -> Buffer {
        term.draw(|f| f.render_widget(app, f.area())).unwrap();
        term.backend().buffer().clone()
    }

    fn screen(buf: &Buffer) -> String {
        let mut out = String::new();
        for y in 0..buf.area.height {
            let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            out.push_str(row.trim_end());
            out.push('\n');
        }
        out
    }

    #[track_caller]
    fn assert_cells_safe(case: &str, buf: &Buffer) {
        for cell in buf.content() {
            for c in cell.symbol().chars() {
                assert!(!hidden(c), "{case}: a cell holds U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn a_hostile_token_is_drawn_escaped_in_every_pane() {
        for (w, h) in [(80, 24), (140, 45)] {
            let mut app = app(w, h);
            for pane in Pane::ALL {
                app.update(Action::Focus(pane));
                let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
                let buf = draw(&mut term, &app);
                assert_cells_safe(&format!("{pane:?} {w}x{h}"), &buf);
                if pane == Pane::Findings {
                    app.update(Action::Select);
                    assert_cells_safe("finding details", &draw(&mut term, &app));
                    app.update(Action::Select);
                }
            }
            let app = super::tui::app(w, h);
            let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
            let shown = screen(&draw(&mut term, &app));
            // The payload pane shows JSON's escapes, the token pane the kid's.
            assert!(shown.contains(r#""sub": "user\u007f\u0085"#), "{shown}");
            assert!(shown.contains("kid kid\\u{1b}]52;c;"), "{shown}");
        }
    }

    #[test]
    fn a_hostile_token_leaves_no_stale_text_when_the_next_one_is_drawn() {
        let mut app = app(140, 45);
        app.open_text(
            "plain",
            hmac_token(
                "HS256",
                SECRET,
                &json!({"alg": "HS256"}),
                &json!({"sub": "plain"}),
            ),
        );
        app.update(Action::HistoryPrev);
        let mut term = Terminal::new(TestBackend::new(140, 45)).unwrap();
        draw(&mut term, &app);
        app.update(Action::HistoryNext);
        // Drawn over the hostile frame (ratatui sends only the cells that changed) and drawn
        // on a fresh screen: the same.
        let over = draw(&mut term, &app);
        let mut fresh = Terminal::new(TestBackend::new(140, 45)).unwrap();
        assert_eq!(screen(&over), screen(&draw(&mut fresh, &app)));
    }

    #[test]
    fn a_token_of_wide_and_hidden_characters_is_laid_out_by_terminal_width() {
        // An unencoded payload (RFC 7797) puts text into the token itself: 40 double-width
        // characters, a bidi override and a zero width joiner.
        let header = b64url(br#"{"alg":"HS256","b64":false,"crit":["b64"]}"#);
        let payload = format!("{}\u{202e}\u{200d}end", "漢".repeat(40));
        let signature = "c2lnbmF0dXJlLXRoYXQtbXVzdC1zdGF5LXZpc2libGU";
        let mut app = app(140, 45);
        app.open_text("wide", format!("{header}.{payload}.{signature}"));
        let mut term = Terminal::new(TestBackend::new(140, 45)).unwrap();
        let buf = draw(&mut term, &app);
        assert_cells_safe("wide token", &buf);
        let shown = screen(&buf);
        // Counted in characters, the row holding the payload is 80 columns too wide and its
        // end (the signature) is cut off; counted in columns, all of it is on screen.
        let rows: String = shown
            .lines()
            .take(6)
            .map(|l| l.trim_start_matches('│').trim_end_matches('│'))
            .collect();
        assert!(rows.contains("\\u{202e}\\u{200d}end."), "{shown}");
        assert!(rows.contains(signature), "{shown}");
    }

    #[test]
    fn snapshot_of_a_hostile_payload() {
        let mut app = app(100, 30);
        app.update(Action::Focus(Pane::Keys));
        let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
        let buf = draw(&mut term, &app);
        assert_cells_safe("snapshot", &buf);
        insta::assert_snapshot!("hostile_payload_100x30", screen(&buf));
    }
}
