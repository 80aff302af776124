//! `tokenscope keys show NAME[#member]`: an entry and its keys; private material and secrets
//! only with `--reveal`.

use std::io::Write;
use std::path::Path;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::keys::{
    B64URL, Material, MaterialSource, SecretEncoding, Store, describe, key_fingerprint,
};
// Names, kids and URLs come from key files and endpoints: escaped like everything printed.
use crate::escape::{self, line, warn};

use super::{dash, display_keys, find_entry, key_json, select};

pub(super) fn show(
    store: &Store,
    cache_dir: &Path,
    wanted: &str,
    reveal: bool,
    as_json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let (entry, member) = find_entry(store, wanted)?;
    let loaded = display_keys(&entry, cache_dir)?;
    let (keys, warnings) = loaded.unwrap_or_default();
    warnings.iter().for_each(|w| warn(w));
    let keys = select(keys, member.as_deref(), &entry.name)?;
    let any_private = keys
        .iter()
        .any(|k| !matches!(k.material, Material::Public { .. }));
    // Public material is not secret: shown as given. Private keys and secrets only on --reveal.
    let show_data = reveal || !any_private;
    if as_json {
        let mut obj = Map::new();
        obj.insert("name".into(), json!(entry.name));
        obj.insert("source".into(), json!(entry.source.as_str()));
        obj.insert("created".into(), json!(entry.created));
        obj.insert("kid".into(), json!(entry.kid));
        obj.insert("profile".into(), json!(entry.profile.map(|p| p.as_str())));
        obj.insert("algs".into(), json!(entry.algs));
        obj.insert(
            "keys".into(),
            Value::Array(keys.iter().map(|k| key_json(&entry, k, reveal)).collect()),
        );
        if show_data {
            obj.insert("data".into(), json!(entry.data));
        }
        writeln!(out, "{}", escape::json_pretty(&Value::Object(obj))?)?;
        return Ok(());
    }
    let source = match entry.source {
        MaterialSource::JwksUrl => format!("jwks endpoint {}", line(&entry.data)),
        MaterialSource::Secret => format!(
            "secret ({})",
            entry.encoding.unwrap_or(SecretEncoding::Utf8).as_str()
        ),
        other => other.as_str().to_string(),
    };
    writeln!(out, "name:     {}", line(&entry.name))?;
    writeln!(out, "source:   {source}")?;
    writeln!(out, "created:  {}", entry.created)?;
    writeln!(out, "kid:      {}", line(&dash(entry.kid.as_deref())))?;
    writeln!(out, "profile:  {}", dash(entry.profile.map(|p| p.as_str())))?;
    writeln!(
        out,
        "algs:     {}",
        if entry.algs.is_empty() {
            "any the key fits".to_string()
        } else {
            line(&entry.algs.join(", ")).into_owned()
        }
    )?;
    if entry.source == MaterialSource::JwksUrl && keys.is_empty() {
        writeln!(
            out,
            "keys:     not fetched yet (`tokenscope keys refresh {}`)",
            line(&entry.name)
        )?;
        return Ok(());
    }
    writeln!(out, "keys:     {}", keys.len())?;
    for key in &keys {
        writeln!(out, "  {}", line(&key.name))?;
        writeln!(
            out,
            "    type:        {}{}",
            describe(key),
            if key.pkcs1 { " (given as PKCS#1)" } else { "" }
        )?;
        if keys.len() > 1 || key.kid != entry.kid {
            writeln!(out, "    kid:         {}", line(&dash(key.kid.as_deref())))?;
        }
        if keys.len() > 1 && entry.algs.is_empty() && !key.algs.is_empty() {
            writeln!(out, "    algs:        {}", line(&key.algs.join(", ")))?;
        }
        writeln!(out, "    fingerprint: {}", key_fingerprint(key))?;
        if let Material::Secret(s) = &key.material {
            if reveal && entry.source == MaterialSource::Secret {
                writeln!(
                    out,
                    "    secret:      {} ({})",
                    line(&entry.data),
                    entry.encoding.unwrap_or(SecretEncoding::Utf8).as_str()
                )?;
            } else if reveal {
                writeln!(out, "    secret:      {} (base64url)", B64URL.encode(&**s))?;
            } else {
                writeln!(
                    out,
                    "    secret:      **** ({} bytes; --reveal shows it)",
                    s.len()
                )?;
            }
        }
    }
    match entry.source {
        MaterialSource::Secret | MaterialSource::JwksUrl => {}
        _ if show_data => {
            writeln!(out, "material:")?;
            writeln!(out, "{}", escape::text(entry.data.trim_end()))?;
        }
        _ => writeln!(out, "material: private, hidden (--reveal shows it)")?,
    }
    Ok(())
}
