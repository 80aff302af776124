//! `tokenscope keys ...`: list, add, show, remove, gen, export, refresh (a shell over the
//! core's `keys`).
//!
//! Plain text on `out` (warnings on stderr), JSON with `--json`. Secret material is printed
//! only by `--reveal`.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::cli::{ExportFormat, KeysAddArgs, KeysCommand, KeysGenArgs, ProfileTag};
use crate::keys::{
    B64URL, Key, KeyError, KeyType, Material, MaterialSource, SecretEncoding, Store, StoredKey,
    curve_jwk_name, describe, jwks, key_fingerprint, keygen, okp_jwk_name, parse_key_bytes_lenient,
    public_jwk, public_jwks, public_pem, read_secret_raw, secret_file_warning, unknown_key,
};
// Names, kids and URLs come from key files and endpoints: escaped like everything printed.
use crate::escape::{self, line, warn};
use crate::limits;
use crate::profile::Profile;

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

fn list(
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

fn show(
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

fn add(
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

fn generate(args: &KeysGenArgs, store: &Store, out: &mut dyn Write) -> anyhow::Result<()> {
    refuse_existing(store, &args.name, args.force)?;
    let mut stored = match (args.key_type, &args.enc) {
        (crate::cli::GenType::Dir, enc) => keygen::generate_dir(
            &args.name,
            enc.as_deref().unwrap_or(keygen::DEFAULT_DIR_ENC),
        )?,
        (_, Some(_)) => {
            bail!("--enc sizes a JWE dir key: use it with --type dir")
        }
        (kind, None) => keygen::generate(&args.name, kind, args.bytes)?,
    };
    apply_common(&mut stored, &args.kid, args.profile, &args.algs);
    store.add(stored.clone(), args.force)?;
    let (keys, _) = stored.keys(Path::new(""))?;
    for key in &keys {
        writeln!(
            out,
            "generated '{}': {} ({})",
            line(&key.name),
            describe(key),
            key_fingerprint(key)
        )?;
    }
    if stored.source == MaterialSource::Secret {
        writeln!(
            out,
            "`tokenscope keys show {} --reveal` prints the secret",
            line(&stored.name)
        )?;
    } else {
        writeln!(
            out,
            "`tokenscope keys export {}` prints the public half to give the platform",
            line(&stored.name)
        )?;
    }
    Ok(())
}

fn export(
    store: &Store,
    cache_dir: &Path,
    wanted: &str,
    format: ExportFormat,
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
        ExportFormat::Pem => {
            for key in &public {
                write!(out, "{}", public_pem(key)?)?;
            }
        }
        ExportFormat::Jwk => {
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
        ExportFormat::Jwks => {
            writeln!(out, "{}", escape::json_pretty(&public_jwks(&public)?)?)?;
        }
    }
    Ok(())
}

fn refresh(
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

#[cfg(test)]
mod tests;
