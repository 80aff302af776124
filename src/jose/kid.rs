//! Which keys a layer tries, and in what order (issue: "by kid first, then every stored key
//! compatible with the alg"): keys whose `kid` equals the token's come first, then keys without
//! a `kid`, then keys with another `kid` (tried only to explain a wrong `kid`: a match there is
//! reported, never accepted). Whether `kid` selects the key at all depends on the platform
//! (`KidPolicy`); messages quote a token's `kid` through `shown`.

use crate::keys::{Key, KeyRing};
use crate::profile::Profile;

/// How a key's `kid` relates to the token's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum KidRelation {
    Match,
    Unnamed,
    Differs,
}

fn kid_relation(token_kid: Option<&str>, key: &Key, kids: &KidPolicy<'_>) -> KidRelation {
    match (token_kid, key.kid.as_deref()) {
        (Some(t), Some(k)) if t == k => KidRelation::Match,
        (Some(_), Some(_)) if kids.ignored_for(key) => KidRelation::Unnamed,
        (Some(_), Some(_)) => KidRelation::Differs,
        _ => KidRelation::Unnamed,
    }
}

pub(super) fn ordered<'a>(
    ring: &'a KeyRing,
    token_kid: Option<&str>,
    kids: &KidPolicy<'_>,
) -> Vec<(&'a Key, KidRelation)> {
    let mut keys: Vec<_> = ring
        .keys
        .iter()
        .map(|k| (k, kid_relation(token_kid, k, kids)))
        .collect();
    keys.sort_by_key(|(_, rel)| *rel);
    keys
}

/// Whether `kid` selects the key (RULES.md section 2, Keys): it does for generic JOSE, JWKS
/// keys and Xtremepush rotation; Qualifio (without a JWKS) and Adictiz ignore it, so there a
/// key that verifies is used whatever its `kid`.
#[derive(Debug)]
pub struct KidPolicy<'a> {
    /// The profile the user stated (`--profile`, a campaign file), if any.
    pub stated: Option<Profile>,
    /// The payload, read only when a key's kid differs from the token's, to detect the
    /// profile from its members as the rules will.
    pub payload: &'a [u8],
    /// How the rules detect the profile from the payload's members (`rules::detect_profile`):
    /// the rules sit above this glue, so the caller hands it in.
    pub detect_profile: fn(&[u8]) -> Option<Profile>,
    detected: std::cell::OnceCell<Option<Profile>>,
}

impl Default for KidPolicy<'_> {
    /// No stated profile and no payload: no profile is detected.
    fn default() -> Self {
        KidPolicy::new(None, &[], |_| None)
    }
}

impl<'a> KidPolicy<'a> {
    pub fn new(
        stated: Option<Profile>,
        payload: &'a [u8],
        detect_profile: fn(&[u8]) -> Option<Profile>,
    ) -> Self {
        KidPolicy {
            stated,
            payload,
            detect_profile,
            detected: std::cell::OnceCell::new(),
        }
    }

    /// True when the platform of `key` ignores `kid`: a key from a JWKS never; else the key's
    /// own profile tag, then the stated profile, then the one the payload's members select.
    pub fn ignored_for(&self, key: &Key) -> bool {
        if key.from_jwks {
            return false;
        }
        let profile = key.profile.or(self.stated).or_else(|| {
            *self
                .detected
                .get_or_init(|| (self.detect_profile)(self.payload))
        });
        matches!(profile, Some(Profile::Qualifio | Profile::Adictiz))
    }
}

pub(super) fn kid_note(kid: Option<&str>) -> String {
    kid.map(|k| format!(" with kid '{}'", shown(k)))
        .unwrap_or_default()
}

/// A token's `kid` as messages quote it: at most 64 characters (a hostile kid can be 64 KiB).
pub(super) fn shown(kid: &str) -> String {
    const MAX: usize = 64;
    match kid.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}… ({} characters)", &kid[..cut], kid.chars().count()),
        None => kid.to_string(),
    }
}
