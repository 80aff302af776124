//! The TUI's command line: top-level arguments that do not disturb the subcommands, and the
//! errors given without a terminal.

mod common;

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
