//! `tokenscope keys refresh`: fetch stored JWKS endpoints again.

use std::io::Write;
use std::path::Path;

use anyhow::bail;

use crate::keys::{MaterialSource, Store, StoredKey, jwks, parse_key_bytes_lenient, unknown_key};
// Names, kids and URLs come from key files and endpoints: escaped like everything printed.
use crate::escape::{line, warn};

use super::jwks_key_warnings;

pub(super) fn refresh(
    store: &Store,
    cache_dir: &Path,
    name: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let entries = store.list()?;
    let targets: Vec<&StoredKey> = match name {
        Some(name) => {
            let entry = entries
                .iter()
                .find(|e| e.name == name)
                .ok_or_else(|| unknown_key(name, &entries))?;
            if entry.source != MaterialSource::JwksUrl {
                bail!(
                    "'{name}' is not a JWKS endpoint (it is stored as {}): nothing to refresh",
                    entry.source.as_str()
                );
            }
            vec![entry]
        }
        None => entries
            .iter()
            .filter(|e| e.source == MaterialSource::JwksUrl)
            .collect(),
    };
    if targets.is_empty() {
        writeln!(
            out,
            "no JWKS endpoints stored (add one with `tokenscope keys add NAME --jwks-url URL`)"
        )?;
        return Ok(());
    }
    let policy = jwks::FetchPolicy::from_env();
    let mut failed = Vec::new();
    for entry in targets {
        let result = jwks::refresh(&entry.data, cache_dir, &policy)
            .and_then(|body| parse_key_bytes_lenient(&entry.name, &body));
        match result {
            Ok((keys, warnings)) => {
                warnings.iter().for_each(|w| warn(w));
                jwks_key_warnings(&keys).iter().for_each(|w| warn(w));
                writeln!(
                    out,
                    "refreshed '{}': {} keys from {}",
                    line(&entry.name),
                    keys.len(),
                    line(&entry.data)
                )?;
            }
            Err(err) => {
                warn(&err.to_string());
                failed.push(entry.name.clone());
            }
        }
    }
    if !failed.is_empty() {
        bail!("could not refresh {}", failed.join(", "));
    }
    Ok(())
}
