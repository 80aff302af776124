//! The integration tests, one binary: each file is a module (one link of the crate and its
//! dependencies instead of one per file). `cargo test --test it MODULE` runs one file's tests.

mod architecture;
mod attacks;
mod cli_batch;
mod cli_config;
mod cli_conventions;
mod cli_diff;
mod cli_ecosystem;
mod cli_follow;
mod cli_inspect;
mod cli_jwks;
mod cli_keys;
mod cli_rules;
mod cli_scenarios;
mod cli_sign;
mod common;
mod completions;
mod conformance;
mod differential;
mod escaping;
mod failing_parts;
mod hostile_small;
mod limits;
mod properties;
mod readme;
mod rules_fidelity;
mod secrets_files;
mod soundness;
mod sources;
mod support;
mod tui_big;
mod tui_cli;
mod tui_pin;
mod tui_snapshots;
mod tui_snapshots_browser;
mod tui_tmux;
