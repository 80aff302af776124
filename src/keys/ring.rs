//! From the store to a `KeyRing`: what `inspect` runs before every verification.

use std::path::Path;

use super::error::KeyError;
use super::store::{Store, StoredKey, unknown_key};
use super::{Key, KeyRing};

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
    let mut warnings = store.exposure_warnings();
    collect(&entries, only, cache_dir, true, &mut ring, &mut warnings)?;
    Ok((ring, warnings))
}

/// [`load_ring`] without the network: a JWKS endpoint with no usable cached copy is left
/// out, in [`Deferred`], for [`Deferred::fetch`] to fetch when a token needs its keys (an
/// endpoint serves public keys: an HS* token or a JWE never needs them), so that a dead
/// endpoint does not hold up an inspection it cannot serve.
pub fn load_ring_offline(
    store: &Store,
    only: &[String],
    cache_dir: &Path,
) -> Result<(KeyRing, Vec<String>, Deferred), KeyError> {
    let entries = store.list()?;
    let mut ring = KeyRing::default();
    let mut warnings = store.exposure_warnings();
    let deferred = collect(&entries, only, cache_dir, false, &mut ring, &mut warnings)?;
    Ok((ring, warnings, deferred))
}

/// The JWKS endpoints [`load_ring_offline`] left out, and the names asked for.
#[derive(Debug, Default)]
pub struct Deferred {
    entries: Vec<StoredKey>,
    only: Vec<String>,
}

impl Deferred {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The store names of the endpoints left out.
    pub fn names(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.name.as_str()).collect()
    }

    /// Fetch the endpoints left out (as [`load_ring`] would have): their keys and warnings;
    /// with names asked for, a problem is an error, else a warning.
    pub fn fetch(self, cache_dir: &Path) -> Result<(Vec<Key>, Vec<String>), KeyError> {
        let only: Vec<String> = self
            .only
            .iter()
            .filter(|w| {
                let entry = w.split_once('#').map_or(w.as_str(), |(e, _)| e);
                self.entries.iter().any(|e| e.name == entry)
            })
            .cloned()
            .collect();
        let mut ring = KeyRing::default();
        let mut warnings = Vec::new();
        collect(
            &self.entries,
            &only,
            cache_dir,
            true,
            &mut ring,
            &mut warnings,
        )?;
        Ok((ring.keys, warnings))
    }
}

/// The keys of `entries` (all of them, or those `only` names) into `ring`; with `fetch`
/// false, the JWKS endpoints with no cached copy are returned instead.
fn collect(
    entries: &[StoredKey],
    only: &[String],
    cache_dir: &Path,
    fetch: bool,
    ring: &mut KeyRing,
    warnings: &mut Vec<String>,
) -> Result<Deferred, KeyError> {
    let mut deferred = Deferred {
        entries: Vec::new(),
        only: only.to_vec(),
    };
    if only.is_empty() {
        for entry in entries {
            match entry.keys_with(cache_dir, fetch) {
                Ok(Some((keys, more))) => {
                    ring.keys.extend(keys);
                    warnings.extend(
                        more.into_iter()
                            .map(|w| format!("key '{}': {w}", entry.name)),
                    );
                }
                Ok(None) => deferred.entries.push(entry.clone()),
                Err(err) => warnings.push(format!("stored key '{}' skipped: {err}", entry.name)),
            }
        }
        return Ok(deferred);
    }
    for wanted in only {
        let (entry_name, member) = match wanted.split_once('#') {
            Some((entry, _)) => (entry, true),
            None => (wanted.as_str(), false),
        };
        let entry = entries
            .iter()
            .find(|e| e.name == entry_name)
            .ok_or_else(|| unknown_key(wanted, entries))?;
        let Some((keys, more)) = entry.keys_with(cache_dir, fetch)? else {
            if !deferred.entries.iter().any(|e| e.name == entry.name) {
                deferred.entries.push(entry.clone());
            }
            continue;
        };
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
    Ok(deferred)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::jwks::cache_path;
    use crate::keys::material::SecretEncoding;
    use crate::keys::store::{MaterialSource, StoredKey};
    use crate::keys::test_support::{ec, public_jwk};
    use openssl::nid::Nid;
    use serde_json::json;

    fn store_with_keys(dir: &Path) -> Store {
        let store = Store::open(dir.join("keys"));
        let mut s = StoredKey::new(
            "hmac",
            MaterialSource::Secret,
            "shared-secret-shared-secret-32b!",
        );
        s.encoding = Some(SecretEncoding::Utf8);
        store.add(s, false).unwrap();
        let mut a = public_jwk(&ec(Nid::X9_62_PRIME256V1));
        a["kid"] = json!("a");
        let mut b = public_jwk(&ec(Nid::X9_62_PRIME256V1));
        b["kid"] = json!("b");
        let set = json!({"keys": [a, b]}).to_string();
        store
            .add(StoredKey::new("set", MaterialSource::Jwks, set), false)
            .unwrap();
        store
    }

    #[test]
    fn all_keys_or_only_the_named_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_keys(dir.path());
        let cache = dir.path().join("cache");
        let (ring, warnings) = load_ring(&store, &[], &cache).unwrap();
        let names: Vec<_> = ring.keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["hmac", "set#a", "set#b"]);
        assert!(warnings.is_empty());
        assert!(ring.keys[1].from_jwks);

        let only = ["set#b".to_string(), "hmac".to_string(), "hmac".to_string()];
        let (ring, _) = load_ring(&store, &only, &cache).unwrap();
        let names: Vec<_> = ring.keys.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["set#b", "hmac"]);

        assert_eq!(
            load_ring(&store, &["nope".into()], &cache)
                .unwrap_err()
                .to_string(),
            "no stored key named 'nope' (known: hmac, set)"
        );
        assert_eq!(
            load_ring(&store, &["set#c".into()], &cache)
                .unwrap_err()
                .to_string(),
            "no stored key named 'set#c' (members of 'set': set#a, set#b)"
        );
    }

    #[test]
    fn a_broken_entry_is_skipped_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_keys(dir.path());
        // A hand edit that breaks one entry's material.
        let text = std::fs::read_to_string(store.path()).unwrap();
        let text = text.replace("shared-secret-shared-secret-32b!", "");
        std::fs::write(store.path(), text).unwrap();
        let (ring, warnings) = load_ring(&store, &[], &dir.path().join("cache")).unwrap();
        assert_eq!(ring.keys.len(), 2);
        assert_eq!(
            warnings,
            ["stored key 'hmac' skipped: key 'hmac': utf8 secret: the secret is empty"]
        );
        assert!(load_ring(&store, &["hmac".into()], &dir.path().join("cache")).is_err());
    }

    #[test]
    fn offline_an_endpoint_with_no_cache_is_deferred() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_keys(dir.path());
        // Never fetched: an offline load does not touch the network.
        let url = "https://jwks.invalid/jwks.json";
        store
            .add(StoredKey::new("ep", MaterialSource::JwksUrl, url), false)
            .unwrap();
        let cache = dir.path().join("cache");
        for only in [vec![], vec!["ep#k1".to_string(), "hmac".to_string()]] {
            let (ring, warnings, deferred) = load_ring_offline(&store, &only, &cache).unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(deferred.names(), ["ep"]);
            assert!(ring.keys.iter().all(|k| !k.name.starts_with("ep")));
            assert!(!ring.keys.is_empty());
        }
        // Once cached, nothing is deferred.
        let mut member = public_jwk(&ec(Nid::X9_62_PRIME256V1));
        member["kid"] = json!("k1");
        let path = cache_path(&cache, url);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, json!({"keys": [member]}).to_string()).unwrap();
        let (ring, _, deferred) = load_ring_offline(&store, &[], &cache).unwrap();
        assert!(deferred.is_empty());
        assert!(ring.keys.iter().any(|k| k.name == "ep#k1"));
    }

    #[test]
    fn a_jwks_endpoint_is_read_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("keys"));
        let url = "https://jwks.example/.well-known/jwks.json";
        let mut entry = StoredKey::new("ep", MaterialSource::JwksUrl, url);
        entry.profile = Some(crate::Profile::Qualifio);
        store.add(entry, false).unwrap();
        let cache = dir.path().join("cache");
        let mut member = public_jwk(&ec(Nid::X9_62_PRIME256V1));
        member["kid"] = json!("k1");
        let path = cache_path(&cache, url);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            json!({"keys": [member, {"kty": "weird"}]}).to_string(),
        )
        .unwrap();
        let (ring, warnings) = load_ring(&store, &[], &cache).unwrap();
        assert_eq!(ring.keys.len(), 1);
        assert_eq!(ring.keys[0].name, "ep#k1");
        assert!(ring.keys[0].from_jwks);
        assert_eq!(ring.keys[0].profile, Some(crate::Profile::Qualifio));
        assert_eq!(ring.facts().qualifio_keys, 1);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("key 'ep': skipped JWKS member 1: "),
            "{warnings:?}"
        );
    }
}
