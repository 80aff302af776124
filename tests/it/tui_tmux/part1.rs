//! Tests of tui_tmux, continued (18 tests; the module holds the shared helpers).

use super::*;

#[test]
fn demo_opens_on_the_verdict_tables() {
    need_tmux!();
    let t = Tmux::start(&["--demo"]);
    let s = t.wait_for("ACCEPTED");
    assert!(s.contains("Qualifio winner (RS256)"), "{s}");
    assert!(s.contains("▶ limited (n)"), "{s}");
    assert!(s.contains("\"campaignId\": \"123456\""), "{s}");
    // Next demo token: the JWE.
    t.keys(&[">"]);
    let s = t.wait_for("2/6");
    assert!(s.contains("decrypted with key demo-qualifio-dir"), "{s}");
}

#[test]
fn start_with_a_token_then_paste_a_url_holding_another() {
    need_tmux!();
    let first = qualifio(3600);
    let t = Tmux::start(&[&first]);
    let s = t.wait_for("e2e-participant");
    assert!(s.contains("NOT VERIFIED"), "{s}");
    let second = hs256(json!({
        "partnerUserID": "ADZ-e2e-7",
        "iat": now() - 10,
        "exp": now() + 600
    }));
    t.paste(&format!(
        "https://games.example/play?campaign=1&qual_token={second}&lang=en"
    ));
    let s = t.wait_for("ADZ-e2e-7");
    assert!(s.contains("2/2 pasted"), "{s}");
    assert!(s.contains("profile adictiz"), "{s}");
    assert!(s.contains("parameter 'qual_token'"), "{s}");
    // The previous token is still in the history.
    t.keys(&["<"]);
    t.wait_for("e2e-participant");
}

#[test]
fn tab_moves_the_focus_between_panes() {
    need_tmux!();
    let t = Tmux::start(&["--demo"]);
    t.wait_for("▶ Payload");
    t.keys(&["Tab"]);
    t.wait_for("▶ Findings");
    t.keys(&["Tab"]);
    t.wait_for("▶ [Verdict]");
    t.keys(&["Tab"]);
    let s = t.wait_for("▶ Verdict │ [Keys");
    assert!(s.contains("demo-qualifio-rs256"), "{s}");
    t.keys(&["BTab", "BTab", "BTab", "BTab"]);
    t.wait_for("▶ Header");
    t.keys(&["?"]);
    t.wait_for("key closes");
    t.keys(&["Escape"]);
    t.wait_for("▶ Header");
}

#[test]
fn adding_the_key_turns_the_token_accepted() {
    need_tmux!();
    let token = qualifio(3600);
    let t = Tmux::start(&[&token]);
    t.wait_for("NOT VERIFIED");
    t.keys(&["a"]);
    t.wait_for("Add a key");
    t.paste(SECRET);
    t.wait_for("(secret: 38 chars, hidden)");
    t.keys(&["Enter"]);
    t.wait_for("Name for the new key");
    t.keys(&["C-u"]);
    t.keys(&["-l", "e2e-hmac"]);
    t.keys(&["Enter"]);
    // A secret: how it is written is asked last; utf8 opens the token.
    let s = t.wait_for("how is the secret written?");
    assert!(
        s.contains("▶ 1 utf8       38 bytes  ✔ opens this token"),
        "{s}"
    );
    t.keys(&["Enter"]);
    let s = t.wait_for("ACCEPTED");
    assert!(s.contains("key 'e2e-hmac' added in the key store"), "{s}");
    assert!(s.contains("with key e2e-hmac"), "{s}");
    let stored = std::fs::read_to_string(t.store_file().join("keys.toml"))
        .or_else(|_| {
            // Whatever the store calls its file, the key is in the store dir.
            let dir = t.store_file();
            let entry = std::fs::read_dir(&dir)?
                .flatten()
                .next()
                .ok_or(std::io::ErrorKind::NotFound)?;
            std::fs::read_to_string(entry.path())
        })
        .expect("the key store was written");
    assert!(stored.contains("e2e-hmac"), "{stored}");
}

#[test]
fn stepping_time_forward_expires_the_token() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    store_secret(home.path());
    let token = qualifio(2 * 3600 + 600);
    let t = Tmux::start_in(home, &[&token]);
    t.wait_for("ACCEPTED");
    t.keys(&["]", "]"]);
    let s = t.wait_for("(in 2 hours)");
    assert!(s.contains("ACCEPTED"), "{s}");
    t.keys(&["]"]);
    let s = t.wait_for("REJECTED");
    assert!(s.contains("(in 3 hours)"), "{s}");
    // Back to now: valid again.
    t.keys(&["n"]);
    t.wait_for("ACCEPTED");
    // And a typed instant.
    t.keys(&["t"]);
    t.wait_for("Evaluate at");
    t.keys(&["-l", "2000-01-01T00:00:00Z"]);
    t.keys(&["Enter"]);
    let s = t.wait_for("REJECTED");
    assert!(s.contains("at 2000-01-01T00:00:00Z"), "{s}");
}

#[test]
fn quit_restores_the_terminal() {
    need_tmux!();
    let t = Tmux::start(&["--demo"]);
    t.wait_for("ACCEPTED");
    assert_eq!(
        t.tmux(&["display", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim(),
        "1"
    );
    t.keys(&["q"]);
    let s = t.wait_for("TS-EXIT-0");
    assert!(!s.contains("ACCEPTED"), "the TUI is gone:\n{s}");
    assert_eq!(
        t.tmux(&["display", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim(),
        "0"
    );
    assert_eq!(
        t.tmux(&["display", "-p", "-t", "e2e", "#{mouse_any_flag}"])
            .trim(),
        "0",
        "mouse capture is off again"
    );
}

#[test]
fn a_small_terminal_gets_a_readable_message() {
    need_tmux!();
    let t = Tmux::start(&["--demo"]);
    t.wait_for("ACCEPTED");
    t.tmux(&["resize-window", "-t", "e2e", "-x", "60", "-y", "20"]);
    t.wait_for("terminal too small");
    t.tmux(&["resize-window", "-t", "e2e", "-x", "100", "-y", "30"]);
    t.wait_for("ACCEPTED");
}

/// Issue 5's "done when": walk every cell of the win table and every row of the
/// participation table with the edit-mode toggles; at each step the Verdict pane shows the
/// outcome, and the exported token, inspected by the real binary with the same key, has
/// that outcome (and is accepted, but for the participation table's `invalid` row).
#[test]
fn edit_mode_walks_the_outcome_tables_and_exports_tokens_inspect_accepts() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    store_secret(home.path());
    let out = tempfile::tempdir().expect("out dir");
    let token = hs256(json!({
        "sub": "e2e-participant",
        "iat": now() - 60,
        "exp": now() + 3600,
        "campaignId": "e2e-campaign",
        "limit": {"canPlay": true, "nb": 2},
        "gift": {"cw": true, "label": "Prize"}
    }));
    let t = Tmux::start_in(home, &[&token]);
    t.wait_for("ACCEPTED");
    t.keys(&["E"]);
    t.wait_for("EDITED copy");
    // (keys, message it leaves, win outcome, participation outcome)
    let steps: [(&str, &str, &str, &str); 11] = [
        ("", "", "given_prize", "limited"),
        ("L", "gift.label absent", "any_prize", "limited"),
        ("w", "gift.cw false", "cannot_win", "limited"),
        ("L", "gift.label \"Prize\"", "cannot_win", "limited"),
        ("w", "gift.cw absent", "given_prize", "limited"),
        ("L", "gift.label absent", "standard", "limited"),
        ("0", "limit.nb absent", "standard", "allowed"),
        ("p", "limit.canPlay false", "standard", "blocked"),
        ("p", "limit.canPlay absent", "standard", "invalid"),
        ("+", "limit.nb 1", "standard", "limited"),
        ("b", "limit absent", "standard", "standard"),
    ];
    for (i, (key, message, win, participation)) in steps.iter().enumerate() {
        if !key.is_empty() {
            t.keys(&[key]);
            t.wait_for(message);
        }
        let screen = t.wait_for(&format!("Win: {win}"));
        assert!(
            screen.contains(&format!("Participation: {participation}")),
            "step {i}: {screen}"
        );
        // Export to a file through the menu, then inspect it for real.
        let path = out.path().join(format!("step-{i}.jwt"));
        t.keys(&["y"]);
        t.wait_for("Export the EDITED token");
        t.keys(&["f"]);
        t.wait_for("Write the EDITED token to a file");
        t.keys(&["-l", &path.display().to_string()]);
        t.keys(&["Enter"]);
        t.wait_for(&format!("step-{i}.jwt'"));
        let (accepted, got_win, got_participation) = inspect_file(&path);
        // The "invalid" row is an error by the rules (limit needs canPlay or nb): rejected.
        assert_eq!(
            accepted,
            *participation != "invalid",
            "step {i}: inspect accepts the exported token"
        );
        assert_eq!(
            (got_win.as_str(), got_participation.as_str()),
            (*win, *participation),
            "step {i}"
        );
    }
    // The original is still there, unchanged, after leaving edit mode (which asks first,
    // the edited copy having changes).
    t.keys(&["E"]);
    t.wait_for("Drop the EDITED token");
    t.keys(&["y"]);
    let s = t.wait_for("edit mode left");
    assert!(s.contains("Win: given_prize"), "{s}");
}

#[test]
fn vim_bindings_from_the_config_file_drive_the_view() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    let vim = include_str!("../../../examples/vim-keys.toml");
    std::fs::write(home.path().join("config.toml"), vim).expect("config");
    let t = Tmux::start_in(home, &["--demo"]);
    t.wait_for("Payload · 1-16 of 19");
    // Ctrl-F / Ctrl-B page the focused Payload pane.
    t.keys(&["C-f"]);
    t.wait_for("Payload · 4-19 of 19");
    t.keys(&["C-b"]);
    t.wait_for("Payload · 1-16 of 19");
    // j / k move the selection in the Keys pane (Ctrl-W is the next pane).
    t.keys(&["C-w", "C-w", "C-w"]);
    t.wait_for("▶ Verdict │ [Keys");
    t.keys(&["j"]);
    t.wait_for("▶  demo-qualifio-es256");
    t.keys(&["j"]);
    t.wait_for("▶  demo-xtremepush-rs256");
    t.keys(&["k"]);
    t.wait_for("▶  demo-qualifio-es256");
    // L / H flip through the history (the defaults, > and <, no longer do).
    t.keys(&["L"]);
    t.wait_for("2/6");
    t.keys(&["<"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(t.screen().contains("2/6"), "< is unbound under vim keys");
    t.keys(&["H"]);
    t.wait_for("1/6");
    // The hint bar and the help show the bindings in effect.
    let s = t.wait_for("HL history");
    assert!(!s.contains("<> history"), "{s}");
    t.keys(&["?"]);
    // (Waited for one by one: a capture can catch the overlay half drawn.)
    t.wait_for(" H          previous token");
    t.wait_for("Ctrl-F, PgDn");
    t.keys(&["Escape"]);
    t.wait_for("HL history");
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
}

/// Generate an HMAC key from the Keys pane; it is listed at once, and stored.
#[test]
fn a_key_generated_in_the_keys_pane_is_listed_and_stored() {
    need_tmux!();
    let token = qualifio(3600);
    let t = Tmux::start(&[&token]);
    t.wait_for("NOT VERIFIED");
    t.keys(&["Tab", "Tab", "Tab"]);
    t.wait_for("[Keys (0)]");
    t.keys(&["N"]);
    t.wait_for("Generate a key: type");
    t.keys(&["8"]);
    t.keys(&["Enter"]);
    t.wait_for("Name for the generated key");
    t.keys(&["C-u"]);
    t.keys(&["-l", "e2e-generated"]);
    t.keys(&["Enter"]);
    let s = t.wait_for("generated hmac key 'e2e-generated' in the key store");
    assert!(s.contains("[Keys (1)]"), "{s}");
    assert!(s.contains("e2e-generated"), "{s}");
    // Masked until revealed.
    assert!(s.contains("secret of 'e2e-generated': •"), "{s}");
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
    let listed = keys_list(t.home.path());
    assert!(listed.contains("e2e-generated"), "{listed}");
}

/// Under --demo the generated key lives in memory only.
#[test]
fn a_key_generated_in_the_demo_is_not_stored() {
    need_tmux!();
    let (t, _) = demo_keys_pane();
    t.keys(&["N", "7", "Enter"]);
    t.wait_for("Name for the generated key");
    t.keys(&["Enter"]);
    let s = t.wait_for("generated ed25519 key 'ed25519' in memory");
    assert!(s.contains("[Keys (6)]"), "{s}");
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
    assert!(!keys_list(t.home.path()).contains("ed25519"));
}

/// `mouse = false` leaves the mouse to the terminal from the start; `time_display = "both"`
/// writes instants in UTC and local time.
#[test]
fn mouse_and_time_display_from_the_config_file() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    std::fs::write(
        home.path().join("config.toml"),
        "mouse = false\ntime_display = \"both\"\n",
    )
    .expect("config");
    let t = Tmux::start_in(home, &["--demo"]);
    let s = t.wait_for("mouse off");
    assert!(s.contains("Z / "), "both: UTC, then local time\n{s}");
    assert_eq!(
        t.tmux(&["display", "-p", "-t", "e2e", "#{mouse_any_flag}"])
            .trim(),
        "0",
        "no mouse capture"
    );
    t.keys(&["m"]);
    t.wait_for("mouse capture on");
    assert_eq!(
        t.tmux(&["display", "-p", "-t", "e2e", "#{mouse_any_flag}"])
            .trim(),
        "1"
    );
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
}

/// `inspect --batch FILE` on a terminal reports its progress on stderr and leaves a receipt;
/// the summary still goes to stdout.
#[test]
fn batch_from_a_file_shows_progress_on_a_terminal() {
    need_tmux!();
    let dir = tempfile::tempdir().expect("temp dir");
    let token = qualifio(3600);
    let log = dir.path().join("tokens.log");
    std::fs::write(&log, format!("{token}\n").repeat(3000)).expect("log");
    let log = log.display().to_string();
    let t = Tmux::start(&["inspect", "--secret", SECRET, "--batch", &log]);
    let screen = t.wait_for("TS-EXIT-");
    assert!(screen.contains("inspected 3000 token(s)"), "{screen}");
    assert!(screen.contains("3000 token(s): 3000 accepted"), "{screen}");
    assert!(screen.contains("TS-EXIT-0"), "{screen}");
}

/// A narrow Keys pane (100 columns) shows key names whole, and the selected key's half,
/// profile and fingerprint under the table, following the selection.
#[test]
fn a_narrow_keys_pane_details_the_selected_key() {
    need_tmux!();
    let (t, s) = demo_keys_pane();
    assert!(s.contains("demo-xtremepush-rs256"), "{s}");
    assert!(s.contains("▶ demo-qualifio-rs256 private"), "{s}");
    t.keys(&["j", "j"]);
    let s = t.wait_for("▶ demo-xtremepush-rs256 private");
    assert!(s.contains("profile xtremepush kid xp-demo-1"), "{s}");
    // Its RFC 7638 thumbprint: 43 base64url characters.
    let mut words = s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert!(words.any(|w| w.len() == 43), "a thumbprint\n{s}");
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
}

#[test]
fn a_jwks_endpoint_that_never_answers_never_freezes_the_view() {
    need_tmux!();
    // An endpoint stored while it answered, then silent, with no cached copy left: the view
    // fetches it at start-up and again when a key is added, and both fetches hang.
    let pair = josekit::jwk::alg::rsa::RsaKeyPair::generate(2048).expect("rsa key");
    let mut jwk = josekit::jwk::KeyPair::to_jwk_public_key(&pair);
    jwk.set_key_id("k1");
    let body = format!("{{\"keys\":[{jwk}]}}");
    let (base, held) = jwks_then_silence(body);
    let home = tempfile::tempdir().expect("temp home");
    let out = Command::new(BIN)
        .env("TOKENSCOPE_HOME", home.path())
        .env("TOKENSCOPE_ALLOW_INSECURE_LOOPBACK", "1")
        .args([
            "keys",
            "add",
            "ep",
            "--jwks-url",
            &format!("{base}/jwks.json"),
        ])
        .output()
        .expect("keys add runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(home.path().join("cache")).expect("the JWKS was cached");
    let token = qualifio(3600);
    let t = Tmux::start_with(home, "TOKENSCOPE_ALLOW_INSECURE_LOOPBACK=1", &[&token]);
    // Drawn while the start-up fetch hangs.
    let s = t.wait_for("fetching JWKS ep");
    assert!(s.contains("busy: 1 job"), "{s}");
    assert!(s.contains("NOT VERIFIED"), "{s}");
    // Keys are answered: the help opens and closes.
    t.keys(&["?"]);
    t.wait_for("key closes");
    t.keys(&["Escape"]);
    // (Escape then a key at once would read as Alt-key: wait for the help to close.)
    t.wait_gone("key closes");
    // Adding a key stores it and loads the ring again, which fetches (and hangs) again.
    t.keys(&["a"]);
    t.wait_for("Add a key");
    t.paste(SECRET);
    t.keys(&["Enter"]);
    t.wait_for("Name for the new key");
    t.keys(&["Enter"]);
    t.wait_for("how is the secret written?");
    t.keys(&["Enter"]);
    let s = t.wait_for("busy: 2 jobs");
    assert!(s.contains("storing key 'key-1'"), "{s}");
    let start = Instant::now();
    while held.load(Ordering::SeqCst) < 2 {
        assert!(start.elapsed() < WAIT, "the endpoint was not asked twice");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Both fetches still hang (nothing answered them); the view still draws and quits.
    t.keys(&["?"]);
    let s = t.wait_for("key closes");
    assert!(!s.contains("JWKS not fetched"), "{s}");
    t.keys(&["Escape"]);
    // The status bar shows behind the help too: wait for the help to close first.
    t.wait_gone("key closes");
    let s = t.wait_for("busy: 2 jobs");
    assert!(!s.contains("JWKS not fetched"), "{s}");
    t.keys(&["q"]);
    t.wait_for("TS-EXIT-0");
}

#[test]
fn a_token_expiring_while_open_turns_rejected_on_its_own() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    store_secret(home.path());
    // No skew, and an exp two seconds away: the view must see it pass without a key press.
    let token = hs256(json!({"sub": "e2e", "exp": now() + 2}));
    let t = Tmux::start_with(home, "TOKENSCOPE_SKEW=0", &[&token]);
    let s = t.wait_for("(now)");
    assert!(s.contains("ACCEPTED"), "{s}");
    let s = t.wait_for("REJECTED");
    assert!(s.contains("(now)"), "{s}");
}

#[test]
fn a_base64url_dir_secret_pasted_decrypts_the_jwe() {
    need_tmux!();
    let token = qualifio_jwe();
    let t = Tmux::start(&[&token]);
    // The hints speak keys, not the command line, and the hint bar offers them first.
    let s = t.wait_for("no key: press a to paste one, f to add one from a file");
    assert!(s.contains(" a paste a key  f key from a file "), "{s}");
    assert!(!s.contains("tokenscope keys add"), "{s}");
    t.keys(&["a"]);
    t.wait_for("Add a key");
    t.paste(DIR_KEY_B64URL);
    t.wait_for("(secret: 43 chars, hidden)");
    t.keys(&["Enter"]);
    t.wait_for("Name for the new key");
    t.keys(&["Enter"]);
    let s = t.wait_for("A256GCM needs 32 bytes: base64url gives 32");
    assert!(s.contains("1 utf8       43 bytes"), "{s}");
    assert!(
        s.contains("▶ 3 base64url  32 bytes  ✔ opens this token"),
        "{s}"
    );
    assert!(s.contains("4 hex        does not decode"), "{s}");
    // hex is refused; base64url stores it.
    t.keys(&["4"]);
    t.keys(&["Enter"]);
    t.wait_for("hex does not decode this text: choose another encoding");
    t.keys(&["3"]);
    t.keys(&["Enter"]);
    t.wait_for("decrypted with key key-1");
    let stored = std::fs::read_to_string(t.store_file().join("keys.toml")).expect("stored");
    assert!(stored.contains("encoding = \"base64url\""), "{stored}");
    assert!(stored.contains(DIR_KEY_B64URL), "{stored}");
    // The inner JWS's secret, as text.
    t.keys(&["a"]);
    t.wait_for("Add a key");
    t.paste(SECRET);
    t.wait_for("(secret: 38 chars, hidden)");
    t.keys(&["Enter"]);
    t.wait_for("Name for the new key");
    t.keys(&["Enter"]);
    t.wait_for("how is the secret written?");
    t.keys(&["Enter"]);
    let s = t.wait_for("ACCEPTED");
    assert!(s.contains("valid with key key-2"), "{s}");
}

#[test]
fn tab_completes_the_path_of_a_token_file() {
    need_tmux!();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("jwt-one.txt"), qualifio(3600)).expect("token file");
    std::fs::write(dir.path().join("jwt-two.txt"), "x").expect("other file");
    std::fs::create_dir(dir.path().join("jwt-dir")).expect("dir");
    let t = Tmux::start(&[]);
    t.wait_for("no token yet");
    t.keys(&["o"]);
    t.wait_for("Tab completes");
    t.keys(&["-l", &format!("{}/jw", dir.path().display())]);
    t.keys(&["Tab"]);
    t.wait_for("3 matches: jwt-dir/ jwt-one.txt jwt-two.txt");
    t.wait_for(&format!("> {}/jwt-█", dir.path().display()));
    t.keys(&["-l", "o"]);
    t.keys(&["Tab"]);
    t.wait_for(&format!("> {}/jwt-one.txt█", dir.path().display()));
    t.keys(&["Enter"]);
    t.wait_for("e2e-participant");
}
