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

    /// Wait (bounded) until the screen no longer shows `text` (a popup closing: the next key
    /// sent at once after Escape would read as Alt-key).
    #[track_caller]
    fn wait_gone(&self, text: &str) {
        let start = Instant::now();
        while self.screen().contains(text) {
            assert!(
                start.elapsed() < WAIT,
                "'{text}' still on screen after {WAIT:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
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

/// `tokenscope ARGS` with `home` as TOKENSCOPE_HOME, which must succeed: its output, trimmed.
fn tokenscope_in(home: &Path, args: &[&str]) -> String {
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
}

fn store_secret(home: &Path) {
    tokenscope_in(home, &["keys", "add", "e2e-hmac", "--secret", SECRET]);
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

/// The demo, focused on its Keys pane (five demo keys); the screen then.
fn demo_keys_pane() -> (Tmux, String) {
    let t = Tmux::start(&["--demo"]);
    t.wait_for("ACCEPTED");
    t.keys(&["Tab", "Tab", "Tab"]);
    let screen = t.wait_for("[Keys (5)]");
    (t, screen)
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

/// A 32-byte `dir` key (A256GCM) written in base64url, as a customer sends it.
const DIR_KEY_B64URL: &str = "_5EqyYz7nBgTCyjQkDk9H5zC6IPzAEF1xCY_NyvJsJE";

/// A Qualifio winner signed HS256 with SECRET, wrapped in a JWE `dir`/A256GCM with
/// DIR_KEY_B64URL (by `tokenscope sign`, with a store of its own).
fn qualifio_jwe() -> String {
    let home = tempfile::tempdir().expect("temp home");
    let run = |args: &[&str]| tokenscope_in(home.path(), args);
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

mod big;
mod part1;
mod part2;
mod part3;
mod pin;
