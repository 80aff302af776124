//! `inspect --batch FILE --follow`: records as the log grows, through truncation and
//! replacement, until Ctrl-C; and `--batch - --follow` to the end of standard input.
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common;

use common::Sandbox;
use common::crypto::hmac_token;
use predicates::prelude::*;
use serde_json::{Value, json};

const SECRET: &str = "follow-test-secret-0123456789abcdef-xyz";
const FAR: i64 = 4_102_444_800;
/// A bound on waiting for a record, never an expectation of speed.
const WAIT: Duration = Duration::from_secs(30);

fn token(sub: &str) -> String {
    hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256"}),
        &json!({"sub": sub, "exp": FAR}),
    )
}

fn expired(sub: &str) -> String {
    hmac_token(
        "HS256",
        SECRET.as_bytes(),
        &json!({"alg": "HS256"}),
        &json!({"sub": sub, "exp": 1_600_000_000}),
    )
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// The binary running, killed if the test fails before it ends; its stdout lines come on a
/// channel as they are written.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Running {
    fn start(sb: &Sandbox, args: &[&str], stdin: Stdio) -> Running {
        let secret = sb.write("secret.txt", SECRET);
        std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        let mut child = sb
            .std_cmd()
            .args(["inspect", "--secret", &format!("@{}", secret.display())])
            .args(args)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if send.send(line).is_err() {
                    return;
                }
            }
        });
        Running { child, lines }
    }

    /// The next `n` JSON records: (generation, line, sub, accepted).
    #[track_caller]
    fn records(&self, n: usize) -> Vec<(u64, u64, String, bool)> {
        (0..n)
            .map(|i| {
                let line = self
                    .lines
                    .recv_timeout(WAIT)
                    .unwrap_or_else(|e| panic!("record {} of {n} did not come: {e}", i + 1));
                let v: Value = serde_json::from_str(&line).unwrap();
                (
                    v["generation"].as_u64().unwrap(),
                    v["line"].as_u64().unwrap(),
                    v["payload"]["sub"].as_str().unwrap_or_default().to_string(),
                    v["accepted"] == true,
                )
            })
            .collect()
    }

    /// Ctrl-C, then the exit status, stdout left and stderr.
    fn interrupt(self) -> (Option<i32>, String, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        self.wait()
    }

    fn wait(mut self) -> (Option<i32>, String, String) {
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut self.child.stderr.take().unwrap(), &mut err).unwrap();
        let rest: Vec<String> = self.lines.iter().collect();
        (status.code(), rest.join("\n"), err)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rec(generation: u64, line: u64, sub: &str, accepted: bool) -> (u64, u64, String, bool) {
    (generation, line, sub.to_string(), accepted)
}

#[test]
fn json_records_come_as_lines_arrive_through_truncation_and_replacement() {
    let sb = Sandbox::new();
    let log = sb.write(
        "app.log",
        format!("boot\nGET /play?jwt={} 200\n", token("first")),
    );
    let path = log.to_str().unwrap();
    let run = Running::start(&sb, &["--json", "--batch", path, "--follow"], Stdio::null());
    assert_eq!(run.records(1), [rec(0, 2, "first", true)]);
    // Lines appended, one of them in two writes: each record once its line is whole.
    append(&log, &format!("token={}\nhealthcheck\n", token("second")));
    assert_eq!(run.records(1), [rec(0, 3, "second", true)]);
    let third = expired("third");
    append(&log, &format!("late {}", &third[..20]));
    append(&log, &format!("{}\n", &third[20..]));
    assert_eq!(run.records(1), [rec(0, 5, "third", false)]);
    // copytruncate: the file cut, then written again: generation 1, from line 1.
    std::fs::write(&log, format!("{}\n", token("after-truncate"))).unwrap();
    assert_eq!(run.records(1), [rec(1, 1, "after-truncate", true)]);
    // A new file renamed over it: generation 2.
    let fresh = sb.write(
        "app.log.new",
        format!("x\n{}\n{}\n", token("new-1"), token("new-2")),
    );
    std::fs::rename(&fresh, &log).unwrap();
    assert_eq!(
        run.records(2),
        [rec(2, 2, "new-1", true), rec(2, 3, "new-2", true)]
    );
    append(&log, &format!("{}\n", token("new-3")));
    assert_eq!(run.records(1), [rec(2, 4, "new-3", true)]);
    // Ctrl-C: the batch ends with the usual status (one token was rejected: 1).
    let (code, rest, err) = run.interrupt();
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(rest, "", "no summary with --json");
    assert!(err.contains("'") && err.contains("was truncated"), "{err}");
    assert!(err.contains("was replaced"), "{err}");
}

/// Without --json the summary comes at the end: of standard input here, at Ctrl-C for a file
/// (the tmux test `following_a_log_counts_on_stderr_and_ctrl_c_prints_the_summary`).
#[test]
fn without_json_the_summary_comes_at_the_end() {
    let sb = Sandbox::new();
    let mut run = Running::start(&sb, &["--batch", "-", "--follow"], Stdio::piped());
    let mut stdin = run.child.stdin.take().unwrap();
    writeln!(stdin, "{}", token("a")).unwrap();
    writeln!(stdin, "token=eyJhbGciOiJIUzI1NiJ9.bad.sig").unwrap();
    drop(stdin);
    let (code, out, err) = run.wait();
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains("2 token(s): 1 accepted, 0 rejected, 0 not verified, 1 malformed"),
        "{out}"
    );
}

#[test]
fn standard_input_is_followed_to_its_end() {
    let sb = Sandbox::new();
    let mut run = Running::start(&sb, &["--json", "--batch", "-", "--follow"], Stdio::piped());
    let mut stdin = run.child.stdin.take().unwrap();
    // One line, stdin still open: its record comes without waiting for a chunk to fill.
    writeln!(stdin, "{}", token("one")).unwrap();
    stdin.flush().unwrap();
    assert_eq!(run.records(1), [rec(0, 1, "one", true)]);
    // A last line without a newline counts at the end of the input.
    write!(stdin, "{}", token("two")).unwrap();
    drop(stdin);
    assert_eq!(run.records(1), [rec(0, 2, "two", true)]);
    let (code, rest, err) = run.wait();
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(rest, "");
}

/// `inspect --batch app.log --follow --json >> app.log` would read its own records back as
/// new lines, forever: refused.
#[test]
fn records_written_to_the_followed_log_itself_are_refused() {
    let sb = Sandbox::new();
    let log = sb.write("app.log", format!("{}\n", token("a")));
    let out = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let mut child = sb
        .std_cmd()
        .args(["inspect", "--json", "--follow", "--batch"])
        .arg(&log)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > WAIT {
            let _ = child.kill();
            panic!("still following its own output after {WAIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("standard output is the followed log"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        format!("{}\n", token("a"))
    );
}

#[test]
fn follow_needs_batch_and_a_log_that_opens() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["inspect", "--follow", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--batch"));
    sb.cmd()
        .args(["inspect", "--batch", "/nonexistent/app.log", "--follow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot open batch input '/nonexistent/app.log'",
        ));
    sb.cmd()
        .args(["inspect", "--follow", "--batch"])
        .arg(sb.home.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory"));
}
