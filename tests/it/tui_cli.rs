//! The TUI's command line: top-level arguments that do not disturb the subcommands, and the
//! errors given without a terminal.

use crate::common;

use common::Sandbox;
use predicates::prelude::*;

#[test]
fn without_a_terminal_the_tui_points_to_inspect() {
    let sb = Sandbox::new();
    sb.cmd()
        .arg("--demo")
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"))
        .stderr(predicate::str::contains("tokenscope inspect"));
    sb.cmd()
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tokenscope inspect"));
}

#[test]
fn a_bad_theme_or_file_is_reported_first() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["--theme", "neon"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown theme 'neon' (shipped: dark, light, high-contrast, colorblind)",
        ));
    sb.cmd()
        .args(["--file", "/nonexistent/token.txt"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot open token file '/nonexistent/token.txt'",
        ));
}

/// `--follow` follows a log: without `--batch` (with a token, or alone) it is a usage error
/// before the terminal is taken, as is a log that does not open.
#[test]
fn follow_without_a_log_is_a_usage_error() {
    let sb = Sandbox::new();
    for args in [&["--follow", "eyJx.eyJ5.c2ln"][..], &["--follow"]] {
        sb.cmd()
            .args(args)
            .write_stdin("")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--batch"));
    }
    sb.cmd()
        .args(["--batch", "/nonexistent/app.log", "--follow"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot open log '/nonexistent/app.log'",
        ));
}

#[test]
fn subcommands_still_parse_next_to_the_top_level_token() {
    let sb = Sandbox::new();
    let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNjE5MTAxNDg5LCJleHAiOjQxMDI0NDQ4MDAsImlzcyI6IkFCQyBDb21wYW55IiwiY2FtcGFpZ25JZCI6IjEyMzQ1NiIsImxpbWl0Ijp7ImNhblBsYXkiOnRydWUsIm5iIjozfSwiZ2lmdCI6eyJjdyI6dHJ1ZSwibGFiZWwiOiJmaXZlLW5pZ2h0IGdldGF3YXkgdG8gTGFuemFyb3RlIn19.Aa6OUF74niqF0QlKPnYbQOTPrahXRC0AytIUf80L3aM";
    sb.cmd()
        .args([
            "inspect",
            "--secret",
            "tokenscope-demo-secret-0123456789abcdef",
            "--at",
            "2024-05-01T12:00:00Z",
            token,
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ACCEPTED"));
    sb.cmd().args(["keys", "list"]).assert().success();
    sb.cmd()
        .args(["--store"])
        .arg(sb.store())
        .args(["keys", "list"])
        .assert()
        .success();
    // A subcommand name is never taken for the top-level TOKEN.
    sb.cmd()
        .args(["keys", "list", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("["));
    sb.cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("--demo"))
        .stdout(predicate::str::contains("inspect"));
}

#[test]
fn a_broken_user_theme_is_reported_before_the_terminal_with_file_line_and_key() {
    let sb = Sandbox::new();
    // User themes live in $TOKENSCOPE_HOME/themes (the sandbox's home holds the store).
    let home = sb.store().parent().expect("home").to_path_buf();
    std::fs::create_dir_all(home.join("themes")).expect("themes dir");
    let theme = sb.write(
        "themes/broken.toml",
        "extends = \"dark\"\n\n[finding]\nerror = { fg = \"reddish\" }\n",
    );
    sb.cmd()
        .args(["--theme", "broken"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "theme '{}', line 4: finding.error: unknown colour 'reddish'",
            theme.display()
        )));
    // The same through the environment and the config file.
    sb.cmd()
        .env("TOKENSCOPE_THEME", "broken")
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 4: finding.error"));
    sb.write("config.toml", "theme = \"broken\"\n");
    sb.cmd()
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 4: finding.error"));
    // A good user theme gets as far as the terminal check.
    sb.write(
        "themes/mine.toml",
        "extends = \"light\"\n[json]\nkey = { fg = \"red\" }\n",
    );
    sb.cmd()
        .args(["--theme", "mine", "--demo"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"));
}

#[test]
fn a_key_bound_twice_in_the_config_is_reported_before_the_terminal() {
    let sb = Sandbox::new();
    let config = sb.write("config.toml", "[keys]\ntop = \"j\"\n");
    sb.cmd()
        .arg("--demo")
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "config file '{}': [keys]: key 'j' is bound to both 'down' and 'top'",
            config.display()
        )));
    // Edit-mode commands are rebindable too (the command list comes from the key map).
    sb.write("config.toml", "[keys]\ncw = \"W\"\n");
    sb.cmd()
        .arg("--demo")
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a terminal"));
}

#[test]
fn a_configured_campaign_file_that_is_broken_is_reported_first() {
    let sb = Sandbox::new();
    sb.write("config.toml", "campaigns = [\"missing.toml\"]\n");
    sb.cmd()
        .arg("--demo")
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("campaign file"))
        .stderr(predicate::str::contains("missing.toml"));
}

/// `--demo`, `--file` and a TOKEN open the interactive view: with a command they would be
/// silently ignored, so they are a usage error naming both. `--theme` and the global options
/// still go with any command (`config show` reports them).
#[test]
fn view_arguments_with_a_command_are_a_usage_error() {
    let sb = Sandbox::new();
    for (args, arg, command) in [
        (&["--demo", "keys", "list"][..], "--demo", "keys"),
        (
            &["--file", "t.txt", "inspect", "x"][..],
            "--file",
            "inspect",
        ),
    ] {
        sb.cmd()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "{arg} opens the interactive view and cannot be used with the '{command}' command"
            )));
    }
    sb.cmd()
        .args(["--theme", "light", "config", "show"])
        .assert()
        .success()
        .stdout(predicate::str::contains("light"));
}
