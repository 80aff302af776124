//! tokenscope: a debugger for signed and encrypted tokens (JWS, JWE, JWT) that knows the
//! platforms' claim rules. The core knows nothing of the terminal: the CLI and the TUI are
//! two faces of it.

// Locked in (Cargo.toml [lints]): no unsafe code, forbidden outright here, and no unwrap
// outside tests (a value a user typed, pasted or stored never panics tokenscope).
#![forbid(unsafe_code)]
pub mod cli;
pub mod diff;
pub mod keys;
pub mod limits;
pub mod profile;
pub mod report;
pub mod rules;
pub mod sign;

pub use profile::{Profile, ProfileChoice};
pub use report::{Finding, Inspection, Severity};
pub mod inspect;
pub mod jose;
pub mod time;
pub mod token;

pub use inspect::{InspectError, Options, inspect_text, inspect_token};
pub mod batch;
pub mod commands;
pub mod config;
pub mod context;
pub mod dirs;
pub mod escape;
pub mod export;
pub mod harden;
pub mod json_lines;
pub mod logging;
pub mod render;
pub mod text;
pub mod ticket;
pub mod tui;
