//! `tokenscope keys list`: one row per key (an entry of a JWKS gives several), a placeholder
//! row for an entry that cannot be shown, as an aligned table or as JSON.

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::keys::{
    Material, MaterialSource, SecretEncoding, Store, StoredKey, describe, key_fingerprint,
};
// Names, kids and URLs come from key files and endpoints: escaped like everything printed.
use crate::escape::{self, line, warn};

use super::{dash, display_keys, key_json};

fn entry_placeholder_json(entry: &StoredKey, problem: &str) -> Value {
    let mut obj = Map::new();
    obj.insert("name".into(), json!(entry.name));
    obj.insert("entry".into(), json!(entry.name));
    obj.insert("source".into(), json!(entry.source.as_str()));
    obj.insert("kid".into(), json!(entry.kid));
    obj.insert("profile".into(), json!(entry.profile.map(|p| p.as_str())));
    obj.insert("algs".into(), json!(entry.algs));
    obj.insert("created".into(), json!(entry.created));
    if entry.source == MaterialSource::JwksUrl {
        obj.insert("url".into(), json!(entry.data));
    }
    obj.insert("problem".into(), json!(problem));
    Value::Object(obj)
}

pub(super) fn list(
    store: &Store,
    cache_dir: &Path,
    reveal: bool,
    as_json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let entries = store.list()?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut items = Vec::new();
    for entry in &entries {
        match display_keys(entry, cache_dir) {
            Ok(Some((keys, warnings))) => {
                warnings
                    .iter()
                    .for_each(|w| warn(&format!("key '{}': {w}", entry.name)));
                for key in &keys {
                    items.push(key_json(entry, key, reveal));
                    let mut row = vec![
                        key.name.clone(),
                        describe(key).to_string(),
                        dash(key.kid.as_deref()),
                        dash(key.profile.map(|p| p.as_str())),
                        if key.algs.is_empty() {
                            "any".to_string()
                        } else {
                            key.algs.join(",")
                        },
                        key_fingerprint(key),
                    ];
                    if reveal {
                        row.push(match &key.material {
                            Material::Secret(_) => format!(
                                "{} ({})",
                                entry.data,
                                entry.encoding.unwrap_or(SecretEncoding::Utf8).as_str()
                            ),
                            _ => "-".to_string(),
                        });
                    }
                    rows.push(row);
                }
            }
            Ok(None) => {
                items.push(entry_placeholder_json(
                    entry,
                    "jwks endpoint not fetched yet",
                ));
                rows.push(placeholder_row(entry, "jwks endpoint, not fetched", reveal));
            }
            Err(err) => {
                items.push(entry_placeholder_json(entry, &err.to_string()));
                rows.push(placeholder_row(entry, "unreadable", reveal));
                warn(&err.to_string());
            }
        }
    }
    if as_json {
        writeln!(out, "{}", escape::json_pretty(&Value::Array(items))?)?;
        return Ok(());
    }
    if rows.is_empty() {
        writeln!(
            out,
            "no keys stored in {} (add one with `tokenscope keys add` or `tokenscope keys gen`)",
            store.dir().display()
        )?;
        return Ok(());
    }
    let mut header = vec!["NAME", "TYPE", "KID", "PROFILE", "ALGS", "FINGERPRINT"];
    if reveal {
        header.push("SECRET");
    }
    write_table(out, &header, &rows)?;
    Ok(())
}

fn placeholder_row(entry: &StoredKey, what: &str, reveal: bool) -> Vec<String> {
    let mut row = vec![
        entry.name.clone(),
        what.to_string(),
        dash(entry.kid.as_deref()),
        dash(entry.profile.map(|p| p.as_str())),
        if entry.algs.is_empty() {
            "any".to_string()
        } else {
            entry.algs.join(",")
        },
        "-".to_string(),
    ];
    if reveal {
        row.push("-".to_string());
    }
    row
}

/// Aligned columns; cells are escaped (names and kids come from key files and endpoints) and
/// measured in terminal columns, so a wide or escaped kid keeps the columns straight.
fn write_table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    let rows: Vec<Vec<std::borrow::Cow<str>>> = rows
        .iter()
        .map(|row| row.iter().map(|c| line(c)).collect())
        .collect();
    let mut columns = crate::text::Columns::default();
    columns.fit(header);
    rows.iter().for_each(|row| columns.fit(row));
    writeln!(out, "{}", columns.line(header))?;
    for row in &rows {
        writeln!(out, "{}", columns.line(row))?;
    }
    Ok(())
}
