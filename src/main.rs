use std::process::ExitCode;

use clap::Parser;
use tokenscope::cli::Cli;
use tokenscope::commands::{self, Exit, exit};

fn main() -> ExitCode {
    match commands::run(Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            if let Some(Exit(code)) = err.downcast_ref::<Exit>() {
                return ExitCode::from(*code);
            }
            // A closed pipe (`tokenscope inspect ... | head -1`) is not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("tokenscope: {err:#}");
            ExitCode::from(exit::USAGE)
        }
    }
}
