//! The dependency rule: the core (what inspects, verifies, signs and reports) imports nothing
//! from the shells (the CLI definitions, the commands, the configuration, the interactive
//! view, the log). Read from the sources, so that a new `use crate::cli` in the core fails
//! here before it becomes a cycle.

use std::path::{Path, PathBuf};

/// The core: modules and folders under src/.
const CORE: &[&str] = &[
    "token", "keys", "jose", "rules", "inspect", "report", "export", "sign", "batch", "profile",
    "time", "limits", "escape", "ticket",
];

/// The shells the core must not name.
const SHELLS: &[&str] = &[
    "crate::cli",
    "crate::commands",
    "crate::config",
    "crate::tui",
    "crate::logging",
    "crate::render",
    "crate::view",
];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), out);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

#[test]
fn the_core_imports_nothing_from_the_shells() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for module in CORE {
        rust_files(&src.join(module), &mut files);
        rust_files(&src.join(format!("{module}.rs")), &mut files);
    }
    assert!(files.len() > 40, "only {} core files found", files.len());
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for shell in SHELLS {
                if code.contains(shell)
                    && code[code.find(shell).unwrap() + shell.len()..]
                        .starts_with([':', ';', ' ', ','])
                {
                    offences.push(format!(
                        "{}:{}: {}",
                        file.strip_prefix(&src).unwrap().display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "the core names a shell:\n{}",
        offences.join("\n")
    );
}
