//! Completion scripts in the real shells. `tokenscope completions SHELL` is installed where the
//! README says (bash-completion's user directory, a zsh `$fpath` directory, fish's completions
//! directory) in a temp HOME, then completion is asked for as the shell asks for it: zsh in a
//! tmux pane, Tab typed and the screen read; bash through bash-completion's loader and the
//! completion function it registered (`COMP_WORDS`, `COMPREPLY`); fish through `complete -C`.
//! Each shell runs in a working directory holding a file (`inspection.log`), as a user's does:
//! the first word completes commands, never file names (a token is pasted, a file goes with
//! `--file`).
//!
//! A shell, or a tool its test needs (bash-completion for bash, tmux for zsh), that is not
//! installed fails the test with what to install (`.ci/run` installs them all). To run the
//! tests where a shell cannot be installed, name it in the environment variable
//! TOKENSCOPE_SKIP_SHELLS (comma or space separated: `TOKENSCOPE_SKIP_SHELLS=zsh,fish cargo
//! test --test completions`); a skipped shell is reported on stderr.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::ValueEnum;
use common::Sandbox;

const WAIT: Duration = Duration::from_secs(10);
/// zsh's prompt in the test pane: the line that holds what was typed.
const PROMPT: &str = "tokenscope-test> ";
/// Where the cursor is, in a screen the zsh tests read.
const CURSOR: char = '\u{2588}';

static NEXT: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

const SHELLS: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

impl Shell {
    fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
        }
    }
}

#[test]
fn the_first_word_completes_a_command() {
    tab("tokenscope ins", &["inspect"]);
}

#[test]
fn a_command_flag_completes_after_the_command() {
    tab("tokenscope inspect --prof", &["--profile"]);
}

#[test]
fn a_command_of_a_command_completes() {
    tab("tokenscope keys ge", &["gen"]);
}

#[test]
fn inspect_profile_lists_the_profiles() {
    let profiles = values::<tokenscope::cli::ProfileArg>();
    assert!(profiles.contains(&"qualifio".to_string()), "{profiles:?}");
    tab("tokenscope inspect --profile ", &as_strs(&profiles));
}

#[test]
fn keys_gen_type_lists_every_key_type_with_dir() {
    let types = values::<tokenscope::cli::GenType>();
    assert!(types.contains(&"dir".to_string()), "{types:?}");
    tab("tokenscope keys gen --type ", &as_strs(&types));
}

#[test]
fn global_options_before_the_command_leave_it_completing() {
    tab("tokenscope --color never inspect --prof", &["--profile"]);
}

#[test]
fn view_options_complete_after_a_token() {
    // `tokenscope [TOKEN] [--theme NAME] ...` (README): the options after a pasted token. fish's
    // script takes any first word for a command and completes nothing after it.
    tab_in(
        &[Shell::Bash, Shell::Zsh],
        "tokenscope eyJhbGciOiJub25lIn0.e30. --time-",
        &["--time-display"],
    );
}

/// Possible values of a clap value enum, as the command line spells them.
fn values<T: ValueEnum>() -> Vec<String> {
    T::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|v| v.get_name().to_string())
        .collect()
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Tab after LINE, in every shell: with one expected candidate the shell completes it (and
/// offers nothing else), with several it offers exactly those (zsh: lists at least those).
#[track_caller]
fn tab(line: &str, expected: &[&str]) {
    tab_in(&SHELLS, line, expected)
}

#[track_caller]
fn tab_in(shells: &[Shell], line: &str, expected: &[&str]) {
    let mut failures = Vec::new();
    for &shell in shells {
        if skipped(shell) {
            eprintln!("{}: skipped (TOKENSCOPE_SKIP_SHELLS)", shell.name());
            continue;
        }
        if let Err(missing) = installed(shell) {
            failures.push(missing);
            continue;
        }
        let installed = Installed::new(shell);
        let result = match shell {
            Shell::Bash => {
                bash_candidates(&installed, line).and_then(|c| compare(line, expected, c))
            }
            Shell::Fish => {
                fish_candidates(&installed, line).and_then(|c| compare(line, expected, c))
            }
            Shell::Zsh => zsh_tab(&installed, line, expected),
        };
        if let Err(e) = result {
            failures.push(format!("{}: {e}", shell.name()));
        }
    }
    assert!(
        failures.is_empty(),
        "Tab after {line:?}:\n{}",
        failures.join("\n")
    );
}

/// The candidates a shell offered, against the expected ones (order aside).
fn compare(line: &str, expected: &[&str], mut got: Vec<String>) -> Result<(), String> {
    let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    got.sort();
    got.dedup();
    want.sort();
    if got == want {
        Ok(())
    } else {
        Err(format!("after {line:?} offered {got:?}, expected {want:?}"))
    }
}

fn skipped(shell: Shell) -> bool {
    std::env::var("TOKENSCOPE_SKIP_SHELLS").is_ok_and(|list| {
        list.split([',', ' '])
            .any(|s| s.trim().eq_ignore_ascii_case(shell.name()))
    })
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// bash-completion's main script, where distributions put it.
fn bash_completion() -> Option<PathBuf> {
    [
        "/usr/share/bash-completion/bash_completion",
        "/usr/local/share/bash-completion/bash_completion",
        "/opt/homebrew/share/bash-completion/bash_completion",
        "/etc/bash_completion",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// Ok when the shell and what its test needs are installed; else what to install.
fn installed(shell: Shell) -> Result<(), String> {
    let skip = format!(
        "(CI installs it in .ci/run; to skip this shell, set TOKENSCOPE_SKIP_SHELLS={})",
        shell.name()
    );
    if !runs(shell.name(), "--version") {
        return Err(format!(
            "{0}: {0} is not installed: install it (apt-get install {0}) {skip}",
            shell.name()
        ));
    }
    match shell {
        Shell::Bash if bash_completion().is_none() => Err(format!(
            "bash: bash-completion is not installed: install it (apt-get install \
             bash-completion) {skip}"
        )),
        Shell::Zsh if !runs("tmux", "-V") => Err(format!(
            "zsh: tmux is not installed (zsh completes in a terminal): install it (apt-get \
             install tmux) {skip}"
        )),
        _ => Ok(()),
    }
}

/// A temp HOME with tokenscope's completion script where the README installs it, and a
/// working directory holding a file.
struct Installed {
    sandbox: Sandbox,
    cwd: PathBuf,
}

impl Installed {
    fn new(shell: Shell) -> Installed {
        let sandbox = Sandbox::new();
        let out = sandbox
            .cmd()
            .args(["completions", shell.name()])
            .output()
            .expect("tokenscope runs");
        assert!(
            out.status.success(),
            "completions {}: {out:?}",
            shell.name()
        );
        let home = sandbox.home.path();
        let path = match shell {
            Shell::Bash => home.join(".local/share/bash-completion/completions/tokenscope"),
            Shell::Zsh => home.join(".zfunc/_tokenscope"),
            Shell::Fish => home.join(".config/fish/completions/tokenscope.fish"),
        };
        write(&path, &out.stdout);
        if shell == Shell::Zsh {
            // The README's two lines, then a prompt the test can find.
            write(
                &home.join(".zshrc"),
                format!(
                    "fpath=(~/.zfunc $fpath); autoload -U compinit && compinit\nPS1='{PROMPT}'\n"
                )
                .as_bytes(),
            );
        }
        let cwd = home.join("work");
        write(&cwd.join("inspection.log"), b"a log with tokens\n");
        // tokenscope on PATH, as installed: fish loads a command's completions only then.
        let bin = home.join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_tokenscope"), bin.join("tokenscope"))
            .expect("symlink");
        Installed { sandbox, cwd }
    }

    /// PATH with tokenscope's directory first.
    fn path(&self) -> String {
        let bin = self.home().join("bin");
        match std::env::var("PATH") {
            Ok(path) => format!("{}:{path}", bin.display()),
            Err(_) => bin.display().to_string(),
        }
    }

    fn home(&self) -> &Path {
        self.sandbox.home.path()
    }

    /// A shell command with this HOME and working directory, and no XDG directory of the
    /// user's.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.cwd)
            .env("HOME", self.home())
            .env("PATH", self.path())
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_DATA_HOME", self.home().join(".local/share"))
            .env("XDG_CACHE_HOME", self.home().join(".cache"))
            .env_remove("BASH_COMPLETION_USER_DIR")
            .env_remove("ZDOTDIR");
        cmd
    }
}

fn write(path: &Path, contents: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, contents).expect("write");
}

/// What bash does on Tab: bash-completion's default loader finds the script in the user's
/// completions directory, then the function it registered fills COMPREPLY.
const BASH_TAB: &str = r#"
source "$TS_BASH_COMPLETION" || exit 90
loader=$(complete -p -D 2>/dev/null) || { echo "bash-completion registered no loader" >&2; exit 91; }
loader=${loader#*-F }; loader=${loader%% *}
"$loader" tokenscope >/dev/null 2>&1
spec=$(complete -p tokenscope 2>/dev/null) || { echo "bash-completion loaded no completion for tokenscope" >&2; exit 92; }
fn=${spec#*-F }; fn=${fn%% *}
read -ra COMP_WORDS <<< "$TS_LINE"
[[ $TS_LINE == *' ' ]] && COMP_WORDS+=('')
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$TS_LINE
COMP_POINT=${#TS_LINE}
COMPREPLY=()
"$fn" tokenscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

fn bash_candidates(installed: &Installed, line: &str) -> Result<Vec<String>, String> {
    let bash_completion = bash_completion().ok_or("bash-completion not found")?;
    let out = installed
        .command("bash")
        .args(["--norc", "--noprofile", "-c", BASH_TAB])
        .env("TS_BASH_COMPLETION", bash_completion)
        .env("TS_LINE", line)
        .output()
        .map_err(|e| format!("cannot run bash: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "bash failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// fish's own completion of a command line (what Tab shows), the description after a tab.
fn fish_candidates(installed: &Installed, line: &str) -> Result<Vec<String>, String> {
    let out = installed
        .command("fish")
        .args(["-c", "complete --do-complete=\"$TS_LINE\""])
        .env("TS_LINE", line)
        .output()
        .map_err(|e| format!("cannot run fish: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "fish failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect())
}

/// A private tmux server, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pane's text with CURSOR where the cursor is.
    fn screen(&self) -> String {
        let text = self.run(&["capture-pane", "-p", "-t", "compl"]);
        let at = self.run(&[
            "display-message",
            "-p",
            "-t",
            "compl",
            "#{cursor_x} #{cursor_y}",
        ]);
        let mut at = at.split_whitespace().map(|n| n.parse::<usize>().ok());
        let (Some(Some(x)), Some(Some(y))) = (at.next(), at.next()) else {
            return text;
        };
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if let Some(line) = lines.get_mut(y) {
            let mut chars: Vec<char> = line.chars().collect();
            if chars.len() < x {
                chars.resize(x, ' ');
            }
            chars.insert(x, CURSOR);
            *line = chars.into_iter().collect();
        }
        lines.join("\n")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// zsh: LINE typed at an interactive prompt, then Tab. One expected candidate: the line now
/// ends with it, completed (a space after it, or `=` after an option that takes a value; a
/// prefix shared with other candidates is inserted without either), and nothing is listed.
/// Several: the listing under the line holds each of them.
fn zsh_tab(installed: &Installed, line: &str, expected: &[&str]) -> Result<(), String> {
    let tmux = Tmux {
        socket: format!(
            "tokenscope-compl-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ),
    };
    let home = installed.home().display().to_string();
    let cwd = installed.cwd.display().to_string();
    // No global rc files: only the README's lines set completion up.
    let path = installed.path();
    let command = format!(
        "env HOME='{home}' ZDOTDIR='{home}' PATH='{path}' XDG_CONFIG_HOME='{home}/.config' \
         XDG_DATA_HOME='{home}/.local/share' XDG_CACHE_HOME='{home}/.cache' zsh -d -i"
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "compl",
        "-x",
        "200",
        "-y",
        "50",
        "-c",
        &cwd,
        &command,
    ]);
    wait(&tmux, |screen| screen.contains(PROMPT.trim_end()))
        .map_err(|s| format!("no prompt within {WAIT:?}; screen:\n{s}"))?;
    tmux.run(&["send-keys", "-t", "compl", "-l", line]);
    tmux.run(&["send-keys", "-t", "compl", "Tab"]);
    let done = |screen: &str| zsh_completed(screen, expected);
    let settled = wait(&tmux, done).and_then(|_| {
        // A listing can follow the line's redraw: look again once it has had time to appear.
        std::thread::sleep(Duration::from_millis(300));
        let screen = tmux.screen();
        if done(&screen) {
            Ok(screen)
        } else {
            Err(screen)
        }
    });
    settled
        .map(|_| ())
        .map_err(|screen| format!("after {line:?} + Tab, expected {expected:?}; screen:\n{screen}"))
}

/// The prompt line and what zsh listed under it.
fn zsh_completed(screen: &str, expected: &[&str]) -> bool {
    let mut lines = screen.lines().skip_while(|l| !l.starts_with(PROMPT));
    let Some(prompt_line) = lines.next() else {
        return false;
    };
    let listed: Vec<&str> = lines.flat_map(str::split_whitespace).collect();
    match expected {
        [one] => {
            let typed = prompt_line.split(CURSOR).next().unwrap_or_default();
            (typed.ends_with(&format!("{one} ")) || typed.ends_with(&format!("{one}=")))
                && listed.is_empty()
        }
        many => many.iter().all(|w| listed.contains(w)),
    }
}

/// Poll the pane until `done` holds (Ok with the screen) or WAIT passes (Err with it).
fn wait(tmux: &Tmux, done: impl Fn(&str) -> bool) -> Result<String, String> {
    let start = Instant::now();
    loop {
        let screen = tmux.screen();
        if done(&screen) {
            return Ok(screen);
        }
        if start.elapsed() > WAIT {
            return Err(screen);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
