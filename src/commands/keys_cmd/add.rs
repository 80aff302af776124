//! `tokenscope keys add`: store a key file (PEM, DER, JWK, JWKS), a secret or a JWKS endpoint
//! under a name.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine as _;
use serde_json::Value;

use crate::cli::KeysAddArgs;
use crate::keys::{
    B64URL, KeyError, MaterialSource, SecretEncoding, Store, StoredKey, describe, jwks,
    key_fingerprint, parse_key_bytes_lenient, read_secret_raw, secret_file_warning,
};
// Names, kids and URLs come from key files and endpoints: escaped like everything printed.
use crate::escape::{line, warn};
use crate::limits;

use super::{apply_common, jwks_key_warnings, refuse_existing};

pub(super) fn add(
    args: &KeysAddArgs,
    store: &Store,
    cache_dir: &Path,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    refuse_existing(store, &args.name, args.force)?;
    let mut stored = if let Some(path) = &args.file {
        let mut bytes = zeroize::Zeroizing::new(Vec::new());
        if path.as_os_str() == "-" {
            limits::read_capped_into(std::io::stdin(), limits::KEY_FILE, &mut bytes)
                .context("cannot read the key from stdin")?;
        } else {
            std::fs::File::open(path)
                .and_then(|f| limits::read_capped_into(f, limits::KEY_FILE, &mut bytes))
                .map_err(|e| KeyError::io(path, "read the key file", e))?;
        }
        stored_from_file(&args.name, &bytes)?
    } else if let Some(arg) = &args.secret {
        let encoding = SecretEncoding::from(args.encoding);
        if let Some(w) = secret_file_warning(arg) {
            warn(&w);
        }
        let raw = read_secret_raw(arg)?;
        let mut key = match std::str::from_utf8(&raw) {
            Ok(text) => {
                let mut key = StoredKey::new(&args.name, MaterialSource::Secret, text);
                key.encoding = Some(encoding);
                key
            }
            // Binary file bytes taken as they are: kept as base64url so the store stays text.
            Err(_) if encoding == SecretEncoding::Utf8 => {
                let mut key =
                    StoredKey::new(&args.name, MaterialSource::Secret, B64URL.encode(&*raw));
                key.encoding = Some(SecretEncoding::Base64url);
                key
            }
            Err(_) => {
                return Err(KeyError::Secret {
                    reason: format!(
                        "a {} secret must be text, the input is binary",
                        encoding.as_str()
                    ),
                }
                .into());
            }
        };
        key.algs.clear();
        key
    } else if let Some(url) = &args.jwks_url {
        let policy = jwks::FetchPolicy::from_env();
        jwks::check_url(url, &policy)?;
        // Fetched now so a wrong URL is refused at once, and the first inspect is offline.
        let body = jwks::refresh(url, cache_dir, &policy)?;
        let (fetched, _) = parse_key_bytes_lenient(&args.name, &body)?;
        jwks_key_warnings(&fetched).iter().for_each(|w| warn(w));
        StoredKey::new(&args.name, MaterialSource::JwksUrl, url.trim())
    } else {
        bail!("nothing to add: give one of --file PATH, --secret S or --jwks-url URL");
    };
    apply_common(&mut stored, &args.kid, args.profile, &args.algs);
    let warnings = store.add(stored.clone(), args.force)?;
    warnings.iter().for_each(|w| warn(w));
    let (keys, _) = stored.keys(cache_dir)?;
    let summary: Vec<String> = keys
        .iter()
        .map(|k| format!("{} {} ({})", k.name, describe(k), key_fingerprint(k)))
        .collect();
    writeln!(
        out,
        "added '{}': {}",
        line(&stored.name),
        line(&summary.join("; "))
    )?;
    for key in keys.iter().filter(|k| k.pkcs1) {
        writeln!(
            out,
            "note: '{}' was given as PKCS#1; platforms such as Qualifio want SPKI/PKCS#8 (`tokenscope keys export {}` prints it)",
            line(&key.name),
            line(&stored.name)
        )?;
    }
    Ok(())
}

/// What a key file is, for the store: PEM and JSON kept as text, anything else as DER.
fn stored_from_file(name: &str, bytes: &[u8]) -> anyhow::Result<StoredKey> {
    // Parse once to refuse a broken file with the parser's message.
    parse_key_bytes_lenient(name, bytes)?;
    let text = std::str::from_utf8(bytes).ok();
    Ok(match text.map(str::trim_start) {
        Some(t) if t.starts_with('{') => {
            let is_set = serde_json::from_str::<Value>(t).is_ok_and(|v| v.get("keys").is_some());
            let source = if is_set {
                MaterialSource::Jwks
            } else {
                MaterialSource::Jwk
            };
            StoredKey::new(name, source, t.trim_end())
        }
        Some(t) if t.contains("-----BEGIN ") => StoredKey::new(name, MaterialSource::Pem, t),
        _ => StoredKey::from_der(name, bytes),
    })
}
