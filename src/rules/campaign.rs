//! Campaign files (RULES.md section 6).

use serde::Deserialize;

/// One campaign, as described by a `--campaign` file (TOML or JSON).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Campaign {
    pub id: String,
}
