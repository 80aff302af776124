//! Secrets and files under hostile conditions, through the real binary: stale temp copies of
//! the store, a umask of 000, planted symbolic links, a store others can read, a secret on the
//! command line, core dumps, and the interactive view ended by a signal.
#![cfg(unix)]
// Test helpers outside a #[test] unwrap too (clippy.toml allows it in #[test] functions).
#![allow(clippy::unwrap_used)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;

/// The binary as a std Command (to spawn and signal it) with this sandbox's home.
fn spawn_cmd(sb: &Sandbox) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tokenscope"));
    cmd.env("TOKENSCOPE_HOME", sb.home.path());
    cmd
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn add_secret(sb: &Sandbox, name: &str) -> std::process::Output {
    let secret = sb.write("s.txt", b"0123456789abcdef0123456789abcdef");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    sb.cmd()
        .args(["keys", "add", name, "--secret"])
        .arg(format!("@{}", secret.display()))
        .output()
        .unwrap()
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tokenscope-") && n.ends_with(".tmp"))
        .collect()
}

/// A write killed between its temp file and the rename leaves a copy of the store: the next
/// write, or `keys remove`, cleans every such copy under the lock.
#[test]
fn stale_temp_copies_of_the_store_are_removed_on_the_next_write() {
    let sb = Sandbox::new();
    assert!(add_secret(&sb, "first").status.success());
    let store = sb.store();
    for i in 0..3 {
        std::fs::write(
            store.join(format!(".tokenscope-stale{i}.tmp")),
            "secret copy",
        )
        .unwrap();
    }
    assert_eq!(temp_files(&store).len(), 3);
    let out = sb.cmd().args(["keys", "remove", "first"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(temp_files(&store), Vec::<String>::new());
    // And killed writes for real: whatever a SIGKILL leaves, the next write removes.
    for i in 0..20 {
        let mut child = spawn_cmd(&sb)
            .args(["keys", "gen", &format!("k{i}"), "--type", "hmac"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(i % 7));
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(add_secret(&sb, "last").status.success());
    assert_eq!(temp_files(&store), Vec::<String>::new());
    for entry in std::fs::read_dir(&store).unwrap().flatten() {
        let m = mode(&entry.path());
        assert_eq!(m & 0o077, 0, "{} is mode {m:o}", entry.path().display());
    }
}

/// With umask 000, every directory is still 0700 and every file 0600, and the log is never
/// opened through a planted symbolic link.
#[test]
fn a_umask_of_000_creates_nothing_others_can_read() {
    let sb = Sandbox::new();
    let home = sb.home.path().join("fresh-home");
    let bin = env!("CARGO_BIN_EXE_tokenscope");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; TOKENSCOPE_HOME='{}' '{bin}' --log-level info keys gen k --type hmac",
            home.display()
        ))
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    for dir in [home.clone(), home.join("logs"), home.join("keys")] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    for file in [
        home.join("logs/tokenscope.log"),
        home.join("keys/keys.toml"),
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    // A planted link at the log's path: logging is off with a warning, the target untouched.
    let victim = sb.write("victim.txt", "untouched\n");
    let log = home.join("logs/tokenscope.log");
    std::fs::remove_file(&log).unwrap();
    std::os::unix::fs::symlink(&victim, &log).unwrap();
    let out = Command::new(bin)
        .env("TOKENSCOPE_HOME", &home)
        .args(["--log-level", "info", "keys", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("logging is off"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched\n");
}

/// A symlinked keys.toml is written through: the link stays, its target gets the new store.
#[test]
fn a_symlinked_store_is_written_through() {
    let sb = Sandbox::new();
    assert!(add_secret(&sb, "one").status.success());
    let store = sb.store();
    let elsewhere = sb.home.path().join("dotfiles");
    std::fs::create_dir(&elsewhere).unwrap();
    let target = elsewhere.join("keys.toml");
    std::fs::rename(store.join("keys.toml"), &target).unwrap();
    std::os::unix::fs::symlink(&target, store.join("keys.toml")).unwrap();
    assert!(add_secret(&sb, "two").status.success());
    let link = std::fs::symlink_metadata(store.join("keys.toml")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(
        text.contains("\"one\"") || text.contains("name = \"one\""),
        "{text}"
    );
    assert!(text.contains("two"), "{text}");
    assert_eq!(mode(&target), 0o600);
    assert!(temp_files(&elsewhere).is_empty());
}

/// A store directory or keys.toml that others can read or write is warned about.
#[test]
fn a_store_others_can_read_is_warned_about() {
    let sb = Sandbox::new();
    assert!(add_secret(&sb, "one").status.success());
    let store = sb.store();
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        store.join("keys.toml"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    for args in [
        &["keys", "list"][..],
        &["inspect", "--json", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"],
    ] {
        let out = sb.cmd().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("key store directory") && stderr.contains("mode 755"),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("chmod 600"), "{args:?}: {stderr}");
    }
}

/// `--secret VALUE` is visible in the process list: warned once, with what to do instead.
#[test]
fn a_secret_on_the_command_line_is_warned_about() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args([
            "inspect",
            "--secret",
            "hunter2",
            "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("process list").count(), 1, "{stderr}");
    assert!(stderr.contains("--secret @FILE"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    let file = sb.write("s.txt", "hunter2");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = sb
        .cmd()
        .args(["inspect", "--secret"])
        .arg(format!("@{}", file.display()))
        .arg("eyJhbGciOiJIUzI1NiJ9.e30.c2ln")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("process list"));
}

/// The process never dumps core: its core size limit is 0 and it is not dumpable.
#[test]
fn no_core_dumps() {
    let sb = Sandbox::new();
    let secret = sb.write("s.txt", "0123456789abcdef0123456789abcdef");
    let mut child = spawn_cmd(&sb)
        .args(["inspect", "--batch", "-", "--secret"])
        .arg(format!("@{}", secret.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let limits = format!("/proc/{}/limits", child.id());
    let start = Instant::now();
    let mut line = String::new();
    while start.elapsed() < Duration::from_secs(10) {
        let text = std::fs::read_to_string(&limits).unwrap_or_default();
        line = text
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap_or_default()
            .to_string();
        if line.split_whitespace().skip(4).take(2).eq(["0", "0"]) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(child.stdin.take());
    let _ = child.wait();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields.get(4..6), Some(&["0", "0"][..]), "{line}");
}

/// SIGTERM and SIGHUP end the interactive view with the terminal restored: main screen,
/// no mouse capture, cursor shown.
#[test]
fn the_terminal_is_restored_on_sigterm_and_sighup() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux not installed: skipped");
        return;
    }
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let sb = Sandbox::new();
        let socket = format!("ts-signal-{}-{signal}", std::process::id());
        let tmux = |args: &[&str]| {
            let out = Command::new("tmux")
                .args(["-L", &socket, "-f", "/dev/null"])
                .args(args)
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let command = format!(
            "TOKENSCOPE_HOME='{}' '{}' --demo --mouse on; echo TS-EXIT-$?; sleep 30",
            sb.home.path().display(),
            env!("CARGO_BIN_EXE_tokenscope")
        );
        tmux(&[
            "new-session",
            "-d",
            "-s",
            "s",
            "-x",
            "100",
            "-y",
            "30",
            &command,
        ]);
        let wait = |what: &dyn Fn(&str) -> bool, probe: &dyn Fn() -> String| {
            let start = Instant::now();
            loop {
                let s = probe();
                if what(&s) {
                    return s;
                }
                assert!(start.elapsed() < Duration::from_secs(10), "timed out: {s}");
                std::thread::sleep(Duration::from_millis(100));
            }
        };
        let flags = || {
            tmux(&[
                "display",
                "-p",
                "-t",
                "s",
                "#{alternate_on} #{mouse_any_flag}",
            ])
        };
        wait(&|s| s.trim() == "1 1", &flags);
        let pane_pid = tmux(&["display", "-p", "-t", "s", "#{pane_pid}"]);
        let status = Command::new("pkill")
            .args([&format!("-{signal}"), "-P", pane_pid.trim(), "tokenscope"])
            .status()
            .unwrap();
        assert!(status.success());
        let screen = wait(&|s| s.contains("TS-EXIT-"), &|| {
            tmux(&["capture-pane", "-p", "-t", "s"])
        });
        assert!(screen.contains(&format!("TS-EXIT-{code}")), "{screen}");
        assert_eq!(flags().trim(), "0 0", "SIG{signal}");
        let cursor = tmux(&["display", "-p", "-t", "s", "#{cursor_flag}"]);
        assert_eq!(cursor.trim(), "1", "SIG{signal}: cursor hidden");
        tmux(&["kill-server"]);
    }
}
