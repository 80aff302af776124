//! `tokenscope keys export`: the public half of a stored key, as PEM, a JWK or a JWKS.

use std::io::Write;
use std::path::Path;

use anyhow::bail;
use serde_json::Value;

use crate::cli::KeyExportFormat;
use crate::keys::{Key, KeyError, Material, Store, public_jwk, public_jwks, public_pem};
// Names, kids and URLs come from key files and endpoints: escaped like everything printed.
use crate::escape::{self, warn};

use super::{find_entry, select};

pub(super) fn export(
    store: &Store,
    cache_dir: &Path,
    wanted: &str,
    format: KeyExportFormat,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let (entry, member) = find_entry(store, wanted)?;
    let (keys, warnings) = entry.keys(cache_dir)?;
    warnings.iter().for_each(|w| warn(w));
    let keys = select(keys, member.as_deref(), &entry.name)?;
    let (public, secrets): (Vec<Key>, Vec<Key>) = keys
        .into_iter()
        .partition(|k| !matches!(k.material, Material::Secret(_)));
    if public.is_empty() {
        let name = secrets
            .first()
            .map_or(entry.name.clone(), |k| k.name.clone());
        return Err(KeyError::NoPublicHalf { name }.into());
    }
    for secret in &secrets {
        warn(&format!(
            "'{}' is a shared secret: left out of the export",
            secret.name
        ));
    }
    match format {
        KeyExportFormat::Pem => {
            for key in &public {
                write!(out, "{}", public_pem(key)?)?;
            }
        }
        KeyExportFormat::Jwk => {
            let [key] = public.as_slice() else {
                bail!(
                    "'{}' holds {} keys: export one with NAME#kid, or use --format jwks",
                    entry.name,
                    public.len()
                );
            };
            writeln!(
                out,
                "{}",
                escape::json_pretty(&Value::Object(public_jwk(key)?))?
            )?;
        }
        KeyExportFormat::Jwks => {
            writeln!(out, "{}", escape::json_pretty(&public_jwks(&public)?)?)?;
        }
    }
    Ok(())
}
