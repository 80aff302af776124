//! `tokenscope keys ...`: list, add, show, remove, gen, export, refresh (a shell over the
//! core's `keys`).
//!
//! Plain text on `out` (warnings on stderr), JSON with `--json`. Secret material is printed
//! only by `--reveal`.
//!
//! One file per subcommand under `keys_cmd/` (`list`, `show`, `add`, `generate`, `export`,
//! `refresh`); this file dispatches and holds what several of them share.

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::cli::{KeysCommand, ProfileTag};
use crate::keys::{
    Key, KeyError, KeyType, Material, MaterialSource, SecretEncoding, Store, StoredKey,
    curve_jwk_name, describe, jwks, key_fingerprint, okp_jwk_name, unknown_key,
};
// Names, kids and URLs come from key files and endpoints: escaped like everything printed.
use crate::escape::{line, warn};
use crate::profile::Profile;

mod add;
mod export;
mod generate;
mod list;
mod refresh;
mod show;

use add::add;
use export::export;
use generate::generate;
use list::list;
use refresh::refresh;
use show::show;

/// What an endpoint should not publish (RULES.md section 2, Keys): private parts or shared
/// secrets (whoever serves the JWKS can then sign as the platform), RSA under 2048 bits.
pub fn jwks_key_warnings(keys: &[Key]) -> Vec<String> {
    let mut out = Vec::new();
    for k in keys {
        match &k.material {
            Material::Secret(_) => out.push(format!(
                "JWKS member '{}' is a shared secret (kty oct): a JWKS publishes public keys only; anyone who reads it can sign",
                line(&k.name)
            )),
            Material::Private { .. } => out.push(format!(
                "JWKS member '{}' carries its private key ('d'): a JWKS publishes public keys only; anyone who reads it can sign",
                line(&k.name)
            )),
            Material::Public { .. } => {}
        }
        if let KeyType::Rsa { bits } = k.key_type
            && bits < 2048
        {
            out.push(format!(
                "JWKS member '{}' is RSA-{bits}: keys under 2048 bits can be factored",
                line(&k.name)
            ));
        }
    }
    out
}

/// Run one `tokenscope keys` subcommand against `store`, with JWKS endpoints cached in
/// `cache_dir`, printing to `out`.
pub fn run(
    cmd: &KeysCommand,
    store: &Store,
    cache_dir: &Path,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    store.exposure_warnings().iter().for_each(|w| warn(w));
    match cmd {
        KeysCommand::List { reveal, json } => list(store, cache_dir, *reveal, *json, out),
        KeysCommand::Add(args) => add(args, store, cache_dir, out),
        KeysCommand::Show { name, reveal, json } => {
            show(store, cache_dir, name, *reveal, *json, out)
        }
        KeysCommand::Remove { name } => {
            let removed = store.remove(name)?;
            writeln!(out, "removed '{}'", line(&removed.name))?;
            Ok(())
        }
        KeysCommand::Gen(args) => generate(args, store, out),
        KeysCommand::Export { name, format } => export(store, cache_dir, name, *format, out),
        KeysCommand::Refresh { name } => refresh(store, cache_dir, name.as_deref(), out),
    }
}

impl From<ProfileTag> for Profile {
    fn from(tag: ProfileTag) -> Self {
        match tag {
            ProfileTag::Qualifio => Profile::Qualifio,
            ProfileTag::Adictiz => Profile::Adictiz,
            ProfileTag::Xtremepush => Profile::Xtremepush,
        }
    }
}

/// An entry's keys and the warnings loading them gave.
type Loaded = (Vec<Key>, Vec<String>);

/// The keys of an entry for display. A JWKS endpoint that was never fetched is not fetched
/// just to list it: `None`.
fn display_keys(entry: &StoredKey, cache_dir: &Path) -> Result<Option<Loaded>, KeyError> {
    if entry.source == MaterialSource::JwksUrl && !jwks::cache_path(cache_dir, &entry.data).exists()
    {
        return Ok(None);
    }
    entry.keys(cache_dir).map(Some)
}

fn dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

fn key_json(entry: &StoredKey, key: &Key, reveal: bool) -> Value {
    let mut obj = Map::new();
    obj.insert("name".into(), json!(key.name));
    obj.insert("entry".into(), json!(entry.name));
    obj.insert("source".into(), json!(entry.source.as_str()));
    obj.insert("type".into(), json!(key.key_type.as_str()));
    obj.insert("visibility".into(), json!(key.material.visibility()));
    obj.insert("description".into(), json!(describe(key).to_string()));
    match key.key_type {
        KeyType::Rsa { bits } => {
            obj.insert("bits".into(), json!(bits));
        }
        KeyType::Ec(curve) => {
            obj.insert("curve".into(), json!(curve_jwk_name(curve)));
        }
        KeyType::Okp(curve) => {
            obj.insert("curve".into(), json!(okp_jwk_name(curve)));
        }
        KeyType::Secret => {}
    }
    if let Material::Secret(s) = &key.material {
        obj.insert("secret_len".into(), json!(s.len()));
        if reveal {
            obj.insert("secret".into(), json!(entry.data));
            obj.insert(
                "secret_encoding".into(),
                json!(entry.encoding.unwrap_or(SecretEncoding::Utf8).as_str()),
            );
        }
    }
    obj.insert("kid".into(), json!(key.kid));
    obj.insert("profile".into(), json!(key.profile.map(|p| p.as_str())));
    obj.insert("algs".into(), json!(key.algs));
    obj.insert("fingerprint".into(), json!(key_fingerprint(key)));
    obj.insert("from_jwks".into(), json!(key.from_jwks));
    obj.insert("pkcs1".into(), json!(key.pkcs1));
    obj.insert("created".into(), json!(entry.created));
    if entry.source == MaterialSource::JwksUrl {
        obj.insert("url".into(), json!(entry.data));
    }
    Value::Object(obj)
}

/// Find an entry by `NAME` or `NAME#member`.
fn find_entry(store: &Store, wanted: &str) -> anyhow::Result<(StoredKey, Option<String>)> {
    let (entry_name, member) = match wanted.split_once('#') {
        Some((e, _)) => (e, Some(wanted.to_string())),
        None => (wanted, None),
    };
    let entries = store.list()?;
    let entry = entries
        .iter()
        .find(|e| e.name == entry_name)
        .cloned()
        .ok_or_else(|| unknown_key(wanted, &entries))?;
    Ok((entry, member))
}

fn select(keys: Vec<Key>, member: Option<&str>, entry: &str) -> anyhow::Result<Vec<Key>> {
    let Some(member) = member else {
        return Ok(keys);
    };
    let names: Vec<String> = keys.iter().map(|k| k.name.clone()).collect();
    let picked: Vec<Key> = keys.into_iter().filter(|k| k.name == member).collect();
    if picked.is_empty() {
        return Err(KeyError::UnknownKey {
            name: member.to_string(),
            known: format!("members of '{entry}': {}", names.join(", ")),
        }
        .into());
    }
    Ok(picked)
}

fn refuse_existing(store: &Store, name: &str, force: bool) -> anyhow::Result<()> {
    if !force && store.list()?.iter().any(|k| k.name == name) {
        return Err(KeyError::Exists {
            name: name.to_string(),
        }
        .into());
    }
    Ok(())
}

fn apply_common(
    key: &mut StoredKey,
    kid: &Option<String>,
    profile: Option<ProfileTag>,
    algs: &[String],
) {
    key.kid = kid.clone();
    key.profile = profile.map(Profile::from);
    if !algs.is_empty() {
        key.algs = algs
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
    }
}

#[cfg(test)]
mod tests;
