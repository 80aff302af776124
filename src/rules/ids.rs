//! Every finding the rules engine can report, as data: stable id, severity, the claim it is
//! about, what it means and where the rule comes from. `ALL` is the table the README documents;
//! a finding is only ever built from one of these specs, so ids, severities and sources cannot
//! drift between the code and the documentation.
//!
//! The specs are written one file per part (`generic`, `qualifio`, `campaign`, `adictiz`,
//! `xtremepush`) and re-exported here, so every id keeps its name: `rules::ids::QUALIFIO_ALG`.

use crate::report::{Finding, Severity};

/// One kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSpec {
    /// Stable dotted lowercase id.
    pub id: &'static str,
    pub severity: Severity,
    /// The JSON pointer the finding is reported at (`<var>` marks a variable part; header
    /// pointers of an inner JWS are `/layers/<i>/header/...`).
    pub claim: &'static str,
    /// One line: what the finding means.
    pub meaning: &'static str,
    /// Document title and section, or RFC and section.
    pub source: &'static str,
}

impl RuleSpec {
    /// A finding of this kind about `claim`.
    pub fn at(&self, claim: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding::new(self.id, self.severity, claim, message, self.source)
    }
}

use Severity::{Error, Info, Warning};

// Sources: RULES.md cites the documents of shared/docs by file number; findings cite the
// document title and section, as docs/README.md lists them (`concat!` keeps the titles
// spelled once per line while staying `const`).

macro_rules! spec {
    ($name:ident, $id:literal, $sev:ident, $claim:literal, $meaning:literal, $source:expr) => {
        pub const $name: RuleSpec = RuleSpec {
            id: $id,
            severity: $sev,
            claim: $claim,
            meaning: $meaning,
            source: $source,
        };
    };
}

/// The `spec!`s written inside it, then `$list`: the list of them in the order they are
/// written, so that each id is written once and `ALL` is made of these lists.
macro_rules! specs {
    ($(#[$doc:meta])* $list:ident; $(spec!($name:ident, $($spec:tt)*);)*) => {
        $(spec!($name, $($spec)*);)*
        $(#[$doc])*
        pub(super) const $list: &[RuleSpec] = &[$($name),*];
    };
}

mod adictiz;
mod campaign;
mod generic;
mod qualifio;
mod xtremepush;

pub use adictiz::*;
pub use campaign::*;
pub use generic::*;
pub use qualifio::*;
pub use xtremepush::*;

/// Every finding kind, in documentation order: the lists `specs!` writes, one after the other.
pub const ALL: &[RuleSpec] = &{
    const PARTS: [&[RuleSpec]; 5] = [
        generic::GENERIC,
        qualifio::QUALIFIO,
        campaign::CAMPAIGN,
        adictiz::ADICTIZ,
        xtremepush::XTREMEPUSH,
    ];
    const COUNT: usize = {
        let (mut count, mut part) = (0, 0);
        while part < PARTS.len() {
            count += PARTS[part].len();
            part += 1;
        }
        count
    };
    let mut all = [PARTS[0][0]; COUNT];
    let (mut part, mut at) = (0, 0);
    while part < PARTS.len() {
        let mut i = 0;
        while i < PARTS[part].len() {
            all[at] = PARTS[part][i];
            at += 1;
            i += 1;
        }
        part += 1;
    }
    all
};

/// Error findings that say a check could not be made (no key fits, an algorithm tokenscope
/// does not implement): the token is not accepted, and its overall state is "not verified"
/// (exit 3) unless something else rejects it.
pub const NOT_CHECKED: &[&str] = &[
    GENERIC_SIGNATURE_UNVERIFIED.id,
    GENERIC_ALG_UNSUPPORTED.id,
    GENERIC_JWE_NO_KEY.id,
];

/// The spec of a finding id, if tokenscope knows it.
pub fn spec(id: &str) -> Option<&'static RuleSpec> {
    ALL.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const TITLES: [&str; 4] = [
        "Qualifio \"Secure token\"",
        "Qualifio \"How to use the secure token to pass prize and winner information\"",
        "Adictiz \"JWT for Adictiz Box campaigns\"",
        "Qualifio \"Share information at the campaign load\"",
    ];

    #[test]
    fn ids_are_unique_dotted_lowercase() {
        let mut seen = HashSet::new();
        for s in ALL {
            assert!(seen.insert(s.id), "duplicate id {}", s.id);
            assert!(s.id.contains('.'), "{} is not dotted", s.id);
            assert!(
                s.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'),
                "{} is not lowercase",
                s.id
            );
            let prefix = s.id.split('.').next().unwrap_or_default();
            assert!(
                ["generic", "qualifio", "adictiz", "xtremepush", "campaign"].contains(&prefix),
                "{} has an unknown prefix",
                s.id
            );
            assert!(!s.source.is_empty() && !s.meaning.is_empty());
        }
    }

    #[test]
    fn platform_sources_cite_a_document_title() {
        for s in ALL {
            if s.id.starts_with("qualifio.") && s.id != "qualifio.jwe.cty" {
                assert!(
                    [TITLES[0], TITLES[1], TITLES[3]]
                        .iter()
                        .any(|t| s.source.starts_with(t)),
                    "{}",
                    s.id
                );
            }
            if s.id.starts_with("adictiz.") {
                assert!(s.source.starts_with(TITLES[2]), "{}", s.id);
            }
        }
    }

    #[test]
    fn spec_lookup() {
        assert_eq!(spec("generic.alg.none"), Some(&GENERIC_ALG_NONE));
        assert_eq!(spec("no.such.id"), None);
    }
}
