//! Platform profiles (RULES.md section 1).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The rule set applied to a token. The generic rules apply under every profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Generic,
    Qualifio,
    Adictiz,
    Xtremepush,
}

impl Profile {
    pub const ALL: [Profile; 4] = [
        Profile::Generic,
        Profile::Qualifio,
        Profile::Adictiz,
        Profile::Xtremepush,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Generic => "generic",
            Profile::Qualifio => "qualifio",
            Profile::Adictiz => "adictiz",
            Profile::Xtremepush => "xtremepush",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown profile '{s}' (expected generic, qualifio, adictiz or xtremepush)")
            })
    }
}

/// `--profile auto|qualifio|adictiz|xtremepush|generic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProfileChoice {
    /// Detect from the payload and the verifying key's tag (RULES.md section 1).
    #[default]
    Auto,
    Fixed(Profile),
}
