//! From the store to a `KeyRing`: what `inspect` runs before every verification.

use std::path::Path;

use super::KeyRing;
use super::error::KeyError;
use super::store::{Store, unknown_key};

/// Load the keys an inspection may use.
///
/// With `only` empty, every stored key; a stored key that cannot be used (a hand-edited
/// entry that no longer parses, an unreachable JWKS endpoint with no cache) is skipped with a
/// warning so one broken entry does not stop every inspection. With `only`, exactly those
/// names (a `NAME#kid` or `NAME#index` picks one member of a JWKS entry), and any problem is
/// an error; an unknown name lists the known ones.
///
/// JWKS endpoints are read from `cache_dir` and fetched only when not cached yet; PEM and DER
/// parsing is a few microseconds per key, so nothing else is cached.
pub fn load_ring(
    store: &Store,
    only: &[String],
    cache_dir: &Path,
) -> Result<(KeyRing, Vec<String>), KeyError> {
    let entries = store.list()?;
    let mut ring = KeyRing::default();
    let mut warnings = Vec::new();
    if only.is_empty() {
        for entry in &entries {
            match entry.keys(cache_dir) {
                Ok((keys, more)) => {
                    ring.keys.extend(keys);
                    warnings.extend(
                        more.into_iter()
                            .map(|w| format!("key '{}': {w}", entry.name)),
                    );
                }
                Err(err) => warnings.push(format!("stored key '{}' skipped: {err}", entry.name)),
            }
        }
        return Ok((ring, warnings));
    }
    for wanted in only {
        let (entry_name, member) = match wanted.split_once('#') {
            Some((entry, _)) => (entry, true),
            None => (wanted.as_str(), false),
        };
        let entry = entries
            .iter()
            .find(|e| e.name == entry_name)
            .ok_or_else(|| unknown_key(wanted, &entries))?;
        let (keys, more) = entry.keys(cache_dir)?;
        warnings.extend(
            more.into_iter()
                .map(|w| format!("key '{}': {w}", entry.name)),
        );
        let keys: Vec<_> = if member {
            let names: Vec<String> = keys.iter().map(|k| k.name.clone()).collect();
            let picked: Vec<_> = keys.into_iter().filter(|k| &k.name == wanted).collect();
            if picked.is_empty() {
                return Err(KeyError::UnknownKey {
                    name: wanted.clone(),
                    known: format!("members of '{entry_name}': {}", names.join(", ")),
                });
            }
            picked
        } else {
            keys
        };
        for key in keys {
            // `--key a --key a` or `--key a --key a#kid` must not try a key twice.
            if !ring.keys.iter().any(|k| k.name == key.name) {
                ring.keys.push(key);
            }
        }
    }
    Ok((ring, warnings))
}
