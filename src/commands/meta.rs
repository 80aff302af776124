//! `tokenscope completions` and `tokenscope man`: what the shell and man read.

use super::*;

/// `tokenscope completions SHELL`: generated from the same clap definitions as the help.
/// Generated into memory first: clap_complete panics on a failed write, and a closed pipe
/// must end quietly.
pub(super) fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "tokenscope", &mut script);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
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
