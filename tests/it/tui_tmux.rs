//! End to end: the real binary in tmux. Each test runs its own tmux server (a private
//! socket), a temp TOKENSCOPE_HOME, polls `capture-pane` with a bounded wait, and always
//! kills the server (Drop guard), so a failing test never leaves a session behind.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::json;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_tokenscope");
const WAIT: Duration = Duration::from_secs(10);
const SECRET: &str = "tokenscope-e2e-secret-0123456789abcdef";

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

struct Tmux {
    socket: String,
    home: TempDir,
}

impl Tmux {
    /// Start `tokenscope ARGS` in a 100x30 pane; after it exits the pane prints its status.
    fn start(args: &[&str]) -> Tmux {
        Tmux::start_in(tempfile::tempdir().expect("temp home"), args)
    }

    fn start_in(home: TempDir, args: &[&str]) -> Tmux {
        Tmux::start_with(home, "", args)
    }

    /// As `start_in`, with `env` (`NAME='value' ...`) set for the binary.
    fn start_with(home: TempDir, env: &str, args: &[&str]) -> Tmux {
        let socket = format!(
            "tokenscope-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let command = format!(
            "env -u NO_COLOR TOKENSCOPE_HOME='{}' {env} '{BIN}' {}; echo TS-EXIT-$?; sleep 60",
            home.path().display(),
            quoted.join(" ")
        );
        let t = Tmux { socket, home };
        t.tmux(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "100",
            "-y",
            "30",
            &command,
        ]);
        t
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Wait (bounded) until the screen shows `text`; returns the screen.
    #[track_caller]
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > WAIT {
                panic!("'{text}' did not appear within {WAIT:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Paste like a terminal does: bracketed paste when the application asked for it.
    fn paste(&self, text: &str) {
        self.tmux(&["set-buffer", "-b", "e2e", "--", text]);
        self.tmux(&["paste-buffer", "-p", "-d", "-b", "e2e", "-t", "e2e"]);
    }

    fn store_file(&self) -> std::path::PathBuf {
        self.home.path().join("keys")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// An HS256 token signed with SECRET.
fn hs256(claims: serde_json::Value) -> String {
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .expect("token")
}

fn qualifio(exp_in: i64) -> String {
    hs256(json!({
        "sub": "e2e-participant",
        "iat": now() - 60,
        "nbf": now() - 120,
        "exp": now() + exp_in,
        "campaignId": "e2e-campaign",
        "limit": {"canPlay": true, "nb": 2}
    }))
}

macro_rules! need_tmux {
    () => {
        if !have_tmux() {
            eprintln!("tmux not installed: skipped");
            return;
        }
    };
}

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

fn store_secret(home: &Path) {
    let out = Command::new(BIN)
        .env("TOKENSCOPE_HOME", home)
        .args(["keys", "add", "e2e-hmac", "--secret", SECRET])
        .output()
        .expect("keys add runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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

/// `tokenscope inspect --json --secret SECRET FILE` (no key store): (accepted, win, participation).
fn inspect_file(path: &Path) -> (bool, String, String) {
    let home = tempfile::tempdir().expect("temp home");
    let out = Command::new(BIN)
        .env("TOKENSCOPE_HOME", home.path())
        .env_remove("NO_COLOR")
        .args(["inspect", "--json", "--secret", SECRET, "--file"])
        .arg(path)
        .output()
        .expect("inspect runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "inspect --json: {e}\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        v["accepted"] == json!(true),
        v["verdict"]["win"]["outcome"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        v["verdict"]["participation"]["outcome"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    )
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

/// `tokenscope keys list` in `home`.
fn keys_list(home: &Path) -> String {
    let out = Command::new(BIN)
        .env("TOKENSCOPE_HOME", home)
        .args(["keys", "list"])
        .output()
        .expect("keys list runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn vim_bindings_from_the_config_file_drive_the_view() {
    need_tmux!();
    let home = tempfile::tempdir().expect("temp home");
    let vim = include_str!("../../examples/vim-keys.toml");
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

/// The demo, focused on its Keys pane (five demo keys); the screen then.
fn demo_keys_pane() -> (Tmux, String) {
    let t = Tmux::start(&["--demo"]);
    t.wait_for("ACCEPTED");
    t.keys(&["Tab", "Tab", "Tab"]);
    let screen = t.wait_for("[Keys (5)]");
    (t, screen)
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

/// A loopback JWKS endpoint: the first request gets `body`, every later connection is held
/// open and never answered. The count is of the connections held.
fn jwks_then_silence(body: String) -> (String, std::sync::Arc<AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let held = std::sync::Arc::new(AtomicUsize::new(0));
    let count = held.clone();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            if n == 0 {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            } else {
                open.push(stream);
                count.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    (base, held)
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
    let start = Instant::now();
    while t.screen().contains("key closes") {
        assert!(start.elapsed() < WAIT, "the help did not close");
        std::thread::sleep(Duration::from_millis(50));
    }
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
    let start = Instant::now();
    while t.screen().contains("key closes") {
        assert!(start.elapsed() < WAIT, "the help did not close");
        std::thread::sleep(Duration::from_millis(50));
    }
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

/// A 32-byte `dir` key (A256GCM) written in base64url, as a customer sends it.
const DIR_KEY_B64URL: &str = "_5EqyYz7nBgTCyjQkDk9H5zC6IPzAEF1xCY_NyvJsJE";

/// A Qualifio winner signed HS256 with SECRET, wrapped in a JWE `dir`/A256GCM with
/// DIR_KEY_B64URL (by `tokenscope sign`, with a store of its own).
fn qualifio_jwe() -> String {
    let home = tempfile::tempdir().expect("temp home");
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .env("TOKENSCOPE_HOME", home.path())
            .args(args)
            .output()
            .expect("tokenscope runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    run(&["keys", "add", "hs", "--secret", SECRET]);
    let dir_key = ["--secret", DIR_KEY_B64URL, "--encoding", "base64url"];
    run(&[&["keys", "add", "d"][..], &dir_key[..]].concat());
    run(&[
        "sign",
        "--template",
        "qualifio-winner",
        "--key",
        "hs",
        "--encrypt-key",
        "d",
    ])
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
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .env("TOKENSCOPE_HOME", issuer.path())
            .args(args)
            .output()
            .expect("tokenscope runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
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
    // Filter to the expired ones by finding id.
    t.keys(&["/"]);
    t.wait_for("Show the rows holding");
    t.keys(&["-l", "generic.exp.expired"]);
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
    assert!(s.contains("filter 'generic.exp.expired'"), "{s}");
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
    let run = |home: &Path, args: &[&str]| {
        let out = Command::new(BIN)
            .env("TOKENSCOPE_HOME", home)
            .args(args)
            .output()
            .expect("tokenscope runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
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
