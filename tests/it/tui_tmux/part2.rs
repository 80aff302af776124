//! Tests of tui_tmux, continued (3 tests; the module holds the shared helpers).

use super::*;

/// The support story of issue 18, end to end: a customer's ticket (quoted, folded at 76
/// columns) holds two links; the second is a Qualifio token (RS256, wrapped in a JWE `dir`)
/// for a participant who could not play. Support pastes the ticket, picks the second token,
/// adds the campaign's public key from a file and the shared `dir` secret as the customer sent
/// it (base64url), reads ACCEPTED with "participation blocked", and copies the Markdown report.
///
/// Inputs from start to verdict: the paste, Down, Enter (pick), f, the path, Enter, Enter
/// (name), a, the paste, Enter, Enter (name), Enter (encoding, preselected): 12; then R.
#[test]
fn the_support_story_from_ticket_to_report() {
    need_tmux!();
    // The issuer's side: a campaign key pair, the dir secret, the blocked participant's token.
    let issuer = tempfile::tempdir().expect("issuer home");
    let run = |args: &[&str]| tokenscope_in(issuer.path(), args);
    run(&["keys", "gen", "campaign", "--type", "rsa2048"]);
    let public = issuer.path().join("campaign-public.pem");
    std::fs::write(
        &public,
        run(&["keys", "export", "campaign", "--format", "pem"]) + "\n",
    )
    .expect("public key file");
    run(&[
        "keys",
        "add",
        "d",
        "--secret",
        DIR_KEY_B64URL,
        "--encoding",
        "base64url",
    ]);
    let claims = issuer.path().join("claims.json");
    std::fs::write(
        &claims,
        json!({
            "sub": "jane.doe@example.com",
            "iat": now() - 60,
            "nbf": now() - 120,
            "exp": now() + 3600,
            "campaignId": "summer-quiz",
            "limit": {"canPlay": false, "nb": 0}
        })
        .to_string(),
    )
    .expect("claims");
    let blocked = run(&[
        "sign",
        "--claims",
        claims.to_str().expect("path"),
        "--key",
        "campaign",
        "--alg",
        "RS256",
        "--encrypt-key",
        "d",
        "--enc",
        "A256GCM",
    ]);
    // The ticket: two links, quoted, folded at 76 columns as a mail client sends it.
    let other = qualifio(3600);
    let body = format!(
        "Hello support,\nyesterday this link worked: https://play.example/quiz?qual_token={other}\nbut today this one says I cannot play: https://play.example/quiz?qual_token={blocked}\nThanks, Jane"
    );
    let mut ticket = String::new();
    for line in body.lines() {
        let chars: Vec<char> = line.chars().collect();
        for piece in chars.chunks(74) {
            ticket.push_str("> ");
            ticket.extend(piece);
            ticket.push('\n');
        }
    }
    // Support's side: an empty key store.
    let t = Tmux::start(&[]);
    t.tmux(&["set", "-g", "set-clipboard", "on"]);
    t.wait_for("no token");
    t.paste(&ticket);
    let s = t.wait_for("2 tokens in the text");
    assert!(s.contains("JWE dir A256GCM"), "{s}");
    t.keys(&["Down"]);
    t.keys(&["Enter"]);
    let s = t.wait_for("token 2 of 2 in the text");
    assert!(s.contains("JWE"), "{s}");
    // The campaign's public key, from a file.
    t.keys(&["f"]);
    t.wait_for("Add a key from a file");
    t.keys(&["-l", public.to_str().expect("path")]);
    t.keys(&["Enter"]);
    t.wait_for("Name for the new key");
    t.keys(&["Enter"]);
    t.wait_for("key 'campaign-public' added");
    // The dir secret, pasted as the customer's developer sent it: base64url is preselected.
    t.keys(&["a"]);
    t.wait_for("Add a key");
    t.paste(DIR_KEY_B64URL);
    t.keys(&["Enter"]);
    t.wait_for("Name for the new key");
    t.keys(&["Enter"]);
    let s = t.wait_for("A256GCM needs 32 bytes: base64url gives 32");
    assert!(s.contains("▶ 3 base64url"), "{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for("ACCEPTED");
    assert!(s.contains("participation blocked"), "{s}");
    // The report, on the clipboard (tmux takes the OSC 52 copy into its buffer).
    t.keys(&["R"]);
    t.wait_for("Markdown report");
    let start = Instant::now();
    let report = loop {
        let buffer = t.tmux(&["show-buffer"]);
        if buffer.contains("tokenscope") {
            break buffer;
        }
        assert!(start.elapsed() < WAIT, "no report in the tmux buffer");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(report.contains("ACCEPTED"), "{report}");
    assert!(report.contains("blocked"), "{report}");
    assert!(report.contains("summer-quiz"), "{report}");
    assert!(report.contains("tokenscope inspect"), "{report}");
    // Personal data is masked, and the token itself is not in the report.
    assert!(!report.contains("jane.doe@example.com"), "{report}");
    assert!(!report.contains(&blocked), "{report}");
}

/// Issue 19's log browser: a 50,000-line log with accepted, expired and unreadable tokens and
/// noise; filter to one finding id, open a row, come back to it.
#[test]
fn the_log_browser_filters_a_large_log_and_comes_back_to_the_row() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    store_secret(home.path());
    let good = qualifio(3600);
    let expired = qualifio(-7200);
    let log = home.path().join("access.log");
    let mut text = String::new();
    for i in 0..50_000 {
        match i % 4 {
            0 => text.push_str(&format!(
                "2026-12-05T10:00:00Z GET /play?qual_token={good}\n"
            )),
            1 => text.push_str(&format!("2026-12-05T10:00:01Z login token={expired}\n")),
            2 => text.push_str("2026-12-05T10:00:02Z healthcheck ok\n"),
            _ => text.push_str("2026-12-05T10:00:03Z token=eyJhbGciOiJIUzI1NiJ9.bad.sig\n"),
        }
    }
    std::fs::write(&log, text).expect("log");
    let t = Tmux::start_in(home, &["--batch", log.to_str().expect("path")]);
    let s = t.wait_for("37500 tokens, done");
    assert!(s.contains("12500 accepted"), "{s}");
    assert!(s.contains("12500 rejected"), "{s}");
    // The header counts findings as the CLI summary does; s shows that summary whole.
    assert!(s.contains("generic.exp.expired 12500"), "{s}");
    t.keys(&["s"]);
    let s = t.wait_for("outcomes by campaignId:");
    assert!(
        s.contains("37500 token(s): 12500 accepted, 12500 rejected"),
        "{s}"
    );
    t.keys(&["Escape"]);
    t.wait_for("line     verdict");
    // Grouped by verdict, then by finding id.
    t.keys(&["Tab"]);
    let s = t.wait_for("by verdict");
    assert!(s.contains("MALFORMED"), "{s}");
    t.keys(&["Tab"]);
    let s = t.wait_for("by finding id");
    assert!(s.contains("generic.exp.expired"), "{s}");
    t.keys(&["Escape"]);
    // Back on the list (an Escape read together with the next key would be Alt-key).
    t.wait_for("line     verdict");
    // Filter to the expired ones by finding id.
    t.keys(&["/"]);
    t.wait_for("Show the rows holding");
    t.keys(&["-l", "finding=generic.exp.expired"]);
    t.keys(&["Enter"]);
    let s = t.wait_for("12500 of 37500 rows");
    assert!(!s.contains("ACCEPTED "), "{s}");
    // The second expired row is line 6: open it.
    t.keys(&["Down"]);
    let s = t.wait_for("▶6 ");
    assert!(s.contains("generic.exp.expired"), "{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for("line 6 of the log");
    assert!(s.contains("REJECTED"), "{s}");
    assert!(s.contains("Token · JWS"), "{s}");
    // Esc: back to the list, on the same row, the filter kept.
    t.keys(&["Escape"]);
    let s = t.wait_for("▶6 ");
    assert!(s.contains("filter 'finding=generic.exp.expired'"), "{s}");
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
}

/// Issue 18's "seeing the answer" and edit-mode bullets through the real binary at 80
/// columns: a JWE with no key checks no claim and its payload says so; edit mode with only a
/// public key shows the edited token unsigned with its verdict; E with no token offers the
/// templates.
#[test]
fn the_answer_agrees_and_edit_mode_works_without_a_private_key() {
    need_tmux!();
    // A JWE with no key: the checklist says not checked, the Payload title says no key.
    let jwe = qualifio_jwe();
    let t = Tmux::start(&[&jwe]);
    t.tmux(&["resize-window", "-t", "e2e", "-x", "80", "-y", "30"]);
    let s = t.wait_for("encrypted (no key)");
    assert!(s.contains("not checked"), "{s}");
    assert!(!s.contains("✔ /exp"), "{s}");
    drop(t);

    // Only the campaign's public key: E then a toggle evaluates the unsigned edit.
    let issuer = tempfile::tempdir().expect("issuer home");
    let run = tokenscope_in;
    run(
        issuer.path(),
        &["keys", "gen", "campaign", "--type", "rsa2048"],
    );
    let token = run(
        issuer.path(),
        &["sign", "--template", "qualifio-winner", "--key", "campaign"],
    );
    let public = run(
        issuer.path(),
        &["keys", "export", "campaign", "--format", "pem"],
    );
    let support = tempfile::tempdir().expect("support home");
    let pem = support.path().join("public.pem");
    std::fs::write(&pem, public + "\n").expect("pem");
    run(
        support.path(),
        &[
            "keys",
            "add",
            "campaign",
            "--file",
            pem.to_str().expect("path"),
        ],
    );
    let t = Tmux::start_in(support, &[&token]);
    t.wait_for("ACCEPTED");
    t.keys(&["E"]);
    let s = t.wait_for("UNSIGNED");
    assert!(s.contains("not re-signed (no private key)"), "{s}");
    // The status bar judges the edited token (the original's ACCEPTED is only recalled).
    assert!(s.contains("? NOT VERIFIED  profile qualifio"), "{s}");
    assert!(s.contains("Win: given_prize"), "{s}");
    drop(t);

    // No token: E offers the sign templates.
    let t = Tmux::start(&[]);
    t.wait_for("no token");
    t.keys(&["E"]);
    let s = t.wait_for("Edit a new token from a template");
    assert!(s.contains("qualifio-winner"), "{s}");
}
