//! `tokenscope completions` and `tokenscope man`: what the shell and man read.

use super::*;

/// `tokenscope completions SHELL`: generated from the same clap definitions as the help.
/// Generated into memory first: clap_complete panics on a failed write, and a closed pipe
/// must end quietly.
pub(super) fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let script = completion_script(shell);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(script.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// clap_complete's script for SHELL, with the top-level TOKEN taken out of the first word.
///
/// `tokenscope TOKEN` and `tokenscope COMMAND` share the first word: an optional positional
/// beside commands, which clap_complete's zsh and fish scripts get wrong (a known limit of
/// its zsh generator, clap-rs/clap#1147). zsh's gives the first word to TOKEN and looks for
/// the command in the second, so `tokenscope inspect --prof<TAB>` and `tokenscope keys
/// ge<TAB>` completed nothing; zsh's and fish's offer file names beside the commands. A token
/// is pasted, never completed (a file goes with `--file`), so these two scripts are rewritten
/// as clap_complete writes them for a command without TOKEN. Where clap_complete's layout is
/// not the one expected the script is left as generated (the tests below say so).
fn completion_script(shell: clap_complete::Shell) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "tokenscope", &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    match shell {
        clap_complete::Shell::Zsh => zsh_command_first(&script).unwrap_or(script),
        clap_complete::Shell::Fish => fish_commands_without_files(&script),
        _ => script,
    }
}

/// The zsh script with the first word completing the commands only. Three edits of the
/// top-level `_tokenscope` function: TOKEN's spec goes; the dispatch reads the command from
/// the first word (`$line[1]`, not `$line[2]`); and a first word that is not a command (a
/// TOKEN) is followed by the top-level options, as it was before.
fn zsh_command_first(script: &str) -> Option<String> {
    let lines: Vec<&str> = script.lines().collect();
    let find =
        |from: usize, pred: &dyn Fn(&str) -> bool| (from..lines.len()).find(|&i| pred(lines[i]));
    let args = find(0, &|l| {
        l.trim_start()
            .starts_with("_arguments \"${_arguments_options[@]}\" : \\")
    })?;
    let ret = find(args, &|l| l == "&& ret=0")?;
    let token = (args..ret).find(|&i| lines[i].starts_with("'::token "))?;
    // Options and flags come first, then positionals: the top-level options are the lines
    // between `_arguments` and TOKEN's spec.
    let options = &lines[args + 1..token];
    let dispatch = find(ret, &|l| l.trim_start().starts_with("case $line[2] in"))?;
    let end = find(dispatch, &|l| l == "}")?;
    let last_esac = (dispatch..end)
        .rev()
        .find(|&i| lines[i] == "        esac")?;

    let mut out = Vec::with_capacity(lines.len() + options.len() + 4);
    for (i, line) in lines.iter().enumerate() {
        if i == token {
            continue;
        }
        if i == last_esac {
            out.push("(*)".to_string());
            out.push(lines[args].trim_start().to_string());
            out.extend(options.iter().map(|l| l.to_string()));
            out.push("&& ret=0".to_string());
            out.push(";;".to_string());
        }
        if (ret..=dispatch).contains(&i) {
            out.push(line.replace("$line[2]", "$line[1]"));
        } else {
            out.push(line.to_string());
        }
    }
    Some(out.join("\n") + "\n")
}

/// The fish script with the first word completing the commands only: `-f` (no file names) on
/// the commands, as clap_complete writes it for a command without positionals.
fn fish_commands_without_files(script: &str) -> String {
    const COMMAND: &str = "complete -c tokenscope -n \"__fish_tokenscope_needs_command\" -a ";
    const NO_FILES: &str = "complete -c tokenscope -n \"__fish_tokenscope_needs_command\" -f -a ";
    script.replace(COMMAND, NO_FILES)
}

/// `tokenscope man`: tokenscope.1 as roff on stdout, or every page into `--out-dir`.
pub(super) fn man(args: &crate::cli::ManArgs) -> Result<ExitCode> {
    // Without the generated `help` subcommands: the pages would list a tokenscope-help(1)
    // that `--out-dir` never writes (every page documents --help instead).
    fn without_help(cmd: clap::Command) -> clap::Command {
        cmd.disable_help_subcommand(true)
            .mut_subcommands(without_help)
    }
    let cmd = without_help(crate::cli::command());
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory '{}'", dir.display()))?;
        clap_mangen::generate_to(cmd, dir)
            .with_context(|| format!("cannot write man pages to '{}'", dir.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut page)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(&page)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap_complete::Shell;

    /// The rewrite found clap_complete's layout: if this fails after a clap_complete upgrade,
    /// see whether the generated scripts still need it (tests/it/completions.rs runs them).
    #[test]
    fn zsh_script_completes_commands_in_the_first_word() {
        let mut generated = Vec::new();
        clap_complete::generate(
            Shell::Zsh,
            &mut crate::cli::command(),
            "tokenscope",
            &mut generated,
        );
        let generated = String::from_utf8(generated).unwrap();
        let script = zsh_command_first(&generated).expect("clap_complete's zsh layout changed");
        assert_eq!(script, completion_script(Shell::Zsh));
        assert!(
            !script.contains("'::token -- Open the interactive view"),
            "{script}"
        );
        // `inspect [TOKEN]` keeps its own.
        assert!(
            script.contains("'::token -- The token, or text"),
            "{script}"
        );
        assert!(!script.contains("$line[2]"), "{script}");
        assert!(
            script.contains("        case $line[1] in\n            (inspect)"),
            "{script}"
        );
        assert!(script.contains("(*)\n_arguments"), "{script}");
        assert_eq!(script.matches("'--theme=[").count(), 2, "{script}");
    }

    #[test]
    fn fish_script_offers_no_files_beside_the_commands() {
        let script = completion_script(Shell::Fish);
        let commands: Vec<&str> = script
            .lines()
            .filter(|l| {
                l.starts_with("complete -c tokenscope -n \"__fish_tokenscope_needs_command\"")
            })
            .filter(|l| l.contains(" -a \""))
            .collect();
        assert!(
            commands.iter().any(|l| l.contains("-a \"inspect\"")),
            "{script}"
        );
        for line in commands {
            assert!(line.contains(" -f "), "{line}");
        }
    }
}
