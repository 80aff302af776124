// Locked in (Cargo.toml [lints]): no unsafe code, forbidden outright here, and no unwrap
// outside tests (a value a user typed, pasted or stored never panics tokenscope).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use tokenscope::commands::{self, Exit, exit};

// Batch mode allocates and frees many small values per token; mimalloc keeps that cheap.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// A closed standard output (`>&-`) cannot be detected here: before `main` the Rust runtime
// opens /dev/null read-write in place of a closed standard descriptor, which is also how
// launchers (Python's DEVNULL, daemons) hand over a /dev/null on purpose.
fn main() -> ExitCode {
    if let Some(warning) = tokenscope::harden::no_core_dumps() {
        tokenscope::escape::warn(&warning);
    }
    match commands::run(tokenscope::cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            if let Some(Exit(code)) = err.downcast_ref::<Exit>() {
                return ExitCode::from(*code);
            }
            // A closed pipe (`tokenscope inspect ... | head -1`) is not an error.
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            tracing::error!("command failed");
            // Errors quote the input (a bad character, a file name): never raw to the terminal.
            tokenscope::escape::stderr(&causes(&err));
            ExitCode::from(exit::USAGE)
        }
    }
}

/// The error and its causes, as `{err:#}` prints them, each once: an error that shows its
/// source in its own message (`cannot read the key file: <io error>`) would repeat it.
fn causes(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// Whether the error is a write to a closed pipe, however it was wrapped (serde_json keeps
/// the io::Error out of the source chain, so it is asked directly).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(BrokenPipe))
    })
}
