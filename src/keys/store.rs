//! The on-disk key store: one TOML file, `keys.toml`, in the store directory.
//!
//! ```toml
//! # tokenscope key store ...
//! version = 1
//!
//! [[key]]
//! name = "qualifio-prod"
//! kid = "2024-01"                 # optional
//! profile = "qualifio"            # optional: qualifio | adictiz | xtremepush
//! algs = ["RS256"]                # optional: empty = any alg the key fits
//! created = "2025-01-31T09:00:00Z"
//! source = "pem"                  # pem | der | jwk | jwks | secret | jwks_url
//! encoding = "base64url"          # secrets only: utf8 | base64 | base64url | hex
//! data = """-----BEGIN PUBLIC KEY-----..."""   # as the user gave it (DER as base64)
//! ```
//!
//! Material is kept as the user gave it, so `show --reveal` gives back what was added and a
//! later tokenscope can read it differently; it is parsed when used.
//!
//! Safety of the file: every write is a read-modify-write under an exclusive lock on a
//! sibling lock file (so two processes adding keys at once both land), the new content goes
//! to a temp file in the same directory that is fsynced and renamed over the old one (a crash
//! leaves the old or the new store, never half of one), the file is 0600 and the directory
//! 0700 on unix, and a store that does not parse is never written over.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::error::{KeyError, redact_serde_message};
use super::material::{
    B64STD, SecretEncoding, parse_key_bytes, parse_key_bytes_lenient, parse_secret,
};
use super::private_files::{create_private_dir, remove_stale_temp_files, write_atomic};
use super::{Key, algs, jwks};
use crate::profile::Profile;

const STORE_FILE: &str = "keys.toml";
const LOCK_FILE: &str = ".keys.lock";
const FORMAT_VERSION: u32 = 1;
const HEADER: &str = "# tokenscope key store: written by `tokenscope keys`.\n\
# Hand edits are kept as long as the file stays valid TOML; `data` holds key material:\n\
# keep this file private (mode 0600).\n\n";

/// The keys of an entry and the warnings that came with them.
pub type KeysAndWarnings = (Vec<Key>, Vec<String>);

/// How the material of a stored key was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialSource {
    /// PEM text (one or more blocks).
    Pem,
    /// DER, stored as standard base64.
    Der,
    /// One JWK as JSON.
    Jwk,
    /// A JWKS as JSON.
    Jwks,
    /// A shared secret written in `encoding`.
    Secret,
    /// An https URL serving a JWKS, fetched into the cache dir.
    JwksUrl,
}

impl MaterialSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MaterialSource::Pem => "pem",
            MaterialSource::Der => "der",
            MaterialSource::Jwk => "jwk",
            MaterialSource::Jwks => "jwks",
            MaterialSource::Secret => "secret",
            MaterialSource::JwksUrl => "jwks_url",
        }
    }
}

/// One named entry of the store. `data` may be secret: `Debug` never shows it, and it is
/// wiped from memory on drop.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredKey {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// Allowed algs; empty means any alg the key fits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub algs: Vec<String>,
    /// RFC 3339, UTC.
    pub created: String,
    pub source: MaterialSource,
    /// Secrets only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<SecretEncoding>,
    /// The material as given: PEM text, JWK/JWKS JSON, DER as base64, the secret in
    /// `encoding`, or the JWKS URL.
    pub data: String,
}

impl std::fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let data = if self.source == MaterialSource::JwksUrl {
            self.data.clone()
        } else {
            format!("<{} chars hidden>", self.data.len())
        };
        f.debug_struct("StoredKey")
            .field("name", &self.name)
            .field("kid", &self.kid)
            .field("profile", &self.profile)
            .field("algs", &self.algs)
            .field("created", &self.created)
            .field("source", &self.source)
            .field("encoding", &self.encoding)
            .field("data", &data)
            .finish()
    }
}

impl Drop for StoredKey {
    fn drop(&mut self) {
        self.data.zeroize();
    }
}

impl StoredKey {
    /// A new entry created now, with no kid, profile or alg restriction.
    pub fn new(name: impl Into<String>, source: MaterialSource, data: impl Into<String>) -> Self {
        StoredKey {
            name: name.into(),
            kid: None,
            profile: None,
            algs: Vec::new(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            source,
            encoding: None,
            data: data.into(),
        }
    }

    /// A stored DER key: kept as base64 so the store stays text.
    pub fn from_der(name: impl Into<String>, der: &[u8]) -> Self {
        StoredKey::new(name, MaterialSource::Der, B64STD.encode(der))
    }

    /// Parse the material into keys, with this entry's name, kid, profile and algs applied.
    /// A `jwks_url` entry is read from the cache (fetched when missing): see `jwks::load`.
    /// Also returns warnings (skipped JWKS members, a stale cache).
    pub fn keys(&self, cache_dir: &Path) -> Result<(Vec<Key>, Vec<String>), KeyError> {
        Ok(self.keys_with(cache_dir, true)?.unwrap_or_default())
    }

    /// [`StoredKey::keys`]; with `fetch` false, a `jwks_url` entry is only read from the
    /// cache, and None when it has no usable cached copy (the caller fetches it if a token
    /// needs it).
    pub fn keys_with(
        &self,
        cache_dir: &Path,
        fetch: bool,
    ) -> Result<Option<KeysAndWarnings>, KeyError> {
        let (keys, warnings) = match self.source {
            MaterialSource::Secret => {
                let encoding = self.encoding.unwrap_or(SecretEncoding::Utf8);
                let secret = parse_secret(&self.data, encoding).map_err(|e| KeyError::Invalid {
                    name: self.name.clone(),
                    format: format!("{} secret", encoding.as_str()),
                    reason: e.to_string().trim_start_matches("secret: ").to_string(),
                })?;
                (vec![super::secret_key(&self.name, secret)], Vec::new())
            }
            MaterialSource::Der => {
                let der =
                    zeroize::Zeroizing::new(B64STD.decode(self.data.trim()).map_err(|_| {
                        KeyError::invalid(&self.name, "stored DER", "'data' is not valid base64")
                    })?);
                (parse_key_bytes(&self.name, &der)?, Vec::new())
            }
            MaterialSource::Jwks => parse_key_bytes_lenient(&self.name, self.data.as_bytes())?,
            MaterialSource::Pem | MaterialSource::Jwk => (
                parse_key_bytes(&self.name, self.data.as_bytes())?,
                Vec::new(),
            ),
            MaterialSource::JwksUrl => {
                let (body, mut warnings) = if fetch {
                    let policy = jwks::FetchPolicy::from_env();
                    jwks::load(&self.data, cache_dir, &policy, &self.name)?
                } else {
                    // A corrupt cache's warning comes again with the fetch, if there is one.
                    let mut warnings = Vec::new();
                    match jwks::load_cached(&self.data, cache_dir, &self.name, &mut warnings)? {
                        Some(body) => (body, warnings),
                        None => return Ok(None),
                    }
                };
                let (keys, more) = parse_key_bytes_lenient(&self.name, &body)?;
                warnings.extend(more);
                let keys = keys
                    .into_iter()
                    .map(|mut k| {
                        k.from_jwks = true;
                        k
                    })
                    .collect();
                (keys, warnings)
            }
        };
        Ok(Some((self.apply_metadata(keys), warnings)))
    }

    /// The parsed keys carry the parser's view (JWK `kid` and `alg`); the store's own
    /// settings, when given, win.
    fn apply_metadata(&self, mut keys: Vec<Key>) -> Vec<Key> {
        let single = keys.len() == 1;
        for key in &mut keys {
            if single && self.kid.is_some() {
                key.kid = self.kid.clone();
            }
            key.profile = self.profile;
            if !self.algs.is_empty() {
                key.algs = self.algs.clone();
            }
        }
        keys
    }

    /// Check everything that can be checked without the network: the name, the material
    /// (parsed), and the allowed algs against the key type. A `jwks_url` is checked for
    /// scheme and host only. Returns warnings (skipped JWKS members).
    pub fn validate(&self) -> Result<Vec<String>, KeyError> {
        validate_name(&self.name)?;
        if self.source == MaterialSource::JwksUrl {
            jwks::check_url(&self.data, &jwks::FetchPolicy::from_env())?;
            algs::check(&self.algs, &[]).map_err(|(alg, reason)| KeyError::BadAlg {
                name: self.name.clone(),
                alg,
                reason,
            })?;
            return Ok(Vec::new());
        }
        if self.source == MaterialSource::Secret && self.encoding.is_none() {
            return Err(KeyError::invalid(
                &self.name,
                "secret",
                "a stored secret needs its 'encoding'",
            ));
        }
        // The cache is not touched for non-URL sources.
        let (keys, warnings) = self.keys(Path::new(""))?;
        // RULES.md section 2, Keys: key material is never stored as an HMAC secret.
        if let Some(what) = keys.iter().find_map(|k| k.not_a_secret.as_deref()) {
            return Err(KeyError::Secret {
                reason: format!(
                    "the secret given for '{}' is {what}, not a shared secret: a public or private key is never used as an HMAC secret (algorithm confusion, RFC 8725 3.1); store the key itself with `tokenscope keys add {} --file PATH`",
                    self.name, self.name
                ),
            });
        }
        let types: Vec<_> = keys.iter().map(|k| k.key_type).collect();
        algs::check(&self.algs, &types).map_err(|(alg, reason)| KeyError::BadAlg {
            name: self.name.clone(),
            alg,
            reason,
        })?;
        Ok(warnings)
    }
}

/// Names are how users pick keys (`--key NAME`); `#` is reserved for JWKS members
/// (`NAME#kid`).
fn validate_name(name: &str) -> Result<(), KeyError> {
    let bad = |reason: &str| {
        Err(KeyError::BadName {
            name: name.to_string(),
            reason: reason.to_string(),
        })
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.trim() != name {
        return bad("it starts or ends with whitespace");
    }
    if name.chars().count() > 100 {
        return bad("it is longer than 100 characters");
    }
    if name.contains('#') {
        return bad("'#' is reserved for JWKS members (NAME#kid)");
    }
    if name.chars().any(char::is_control) {
        return bad("it contains a control character");
    }
    if name == "-" {
        return bad("'-' means stdin");
    }
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct StoreFile {
    #[serde(default = "default_version")]
    version: u32,
    #[serde(default, rename = "key")]
    keys: Vec<StoredKey>,
}

fn default_version() -> u32 {
    FORMAT_VERSION
}

/// The key store in one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store in `dir`. Nothing is read or created until used; the directory is made
    /// (0700) on the first write.
    pub fn open(dir: PathBuf) -> Store {
        Store { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(STORE_FILE)
    }

    /// Every stored entry, in the order added. A missing store is an empty one.
    pub fn list(&self) -> Result<Vec<StoredKey>, KeyError> {
        Ok(self.read()?.keys)
    }

    /// One entry by exact name; the error lists the known names.
    pub fn get(&self, name: &str) -> Result<StoredKey, KeyError> {
        let keys = self.list()?;
        keys.iter()
            .find(|k| k.name == name)
            .cloned()
            .ok_or_else(|| unknown_key(name, &keys))
    }

    /// Store `key`, after validating it (see `StoredKey::validate`). Without `force` an
    /// existing name is refused; with it the entry is replaced in place. Returns warnings.
    pub fn add(&self, key: StoredKey, force: bool) -> Result<Vec<String>, KeyError> {
        let warnings = key.validate()?;
        self.update(|keys| {
            match keys.iter().position(|k| k.name == key.name) {
                Some(_) if !force => {
                    return Err(KeyError::Exists {
                        name: key.name.clone(),
                    });
                }
                Some(i) => keys[i] = key,
                None => keys.push(key),
            }
            Ok(())
        })?;
        Ok(warnings)
    }

    /// Remove an entry; returns it.
    pub fn remove(&self, name: &str) -> Result<StoredKey, KeyError> {
        self.update(|keys| match keys.iter().position(|k| k.name == name) {
            Some(i) => Ok(keys.remove(i)),
            None => Err(unknown_key(name, keys)),
        })
    }

    fn read(&self) -> Result<StoreFile, KeyError> {
        let path = self.path();
        let text = match crate::limits::read_file_to_string(&path, crate::limits::KEY_STORE) {
            Ok(text) => zeroize::Zeroizing::new(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(StoreFile {
                    version: FORMAT_VERSION,
                    keys: Vec::new(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(KeyError::StoreCorrupt {
                    path,
                    line: 1,
                    column: 1,
                    message: "the file is not UTF-8 text".to_string(),
                });
            }
            Err(e) => return Err(KeyError::io(path, "read the key store", e)),
        };
        parse_store(&path, &text)
    }

    /// Read-modify-write under the store lock. Nothing is written when the store does not
    /// parse, when `change` fails, or when the result cannot be serialised.
    fn update<R>(
        &self,
        change: impl FnOnce(&mut Vec<StoredKey>) -> Result<R, KeyError>,
    ) -> Result<R, KeyError> {
        self.ensure_dir()?;
        let _lock = self.lock()?;
        // A write killed between its temp file and the rename leaves a copy of the whole
        // store, secrets included: under the lock no write is in flight, so any is stale.
        remove_stale_temp_files(&self.dir);
        let mut file = self.read()?;
        let result = change(&mut file.keys)?;
        let body = toml::to_string(&file).map_err(|e| {
            KeyError::Other(format!(
                "cannot serialise the key store: {}",
                redact_serde_message(&e.to_string())
            ))
        })?;
        let text = zeroize::Zeroizing::new(format!("{HEADER}{body}"));
        // A symlinked keys.toml (a dotfiles repository) is written through: the link stays
        // and its target is replaced atomically in its own directory.
        let path = self.path();
        let target = match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => fs::canonicalize(&path)
                .map_err(|e| KeyError::io(&path, "follow the symbolic link of the key store", e))?,
            _ => path,
        };
        if target.parent() != Some(self.dir.as_path()) {
            remove_stale_temp_files(target.parent().unwrap_or(Path::new(".")));
        }
        write_atomic(&target, text.as_bytes())?;
        Ok(result)
    }

    /// Warnings about a store others can read or write: the directory, and `keys.toml` (or
    /// the file it links to), with group or other permission bits.
    pub fn exposure_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for (what, path) in [
                ("key store directory", self.dir.clone()),
                ("key store", self.path()),
            ] {
                let Ok(meta) = fs::metadata(&path) else {
                    continue;
                };
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    out.push(format!(
                        "the {what} '{}' is readable or writable by others (mode {mode:03o}): restrict it with `chmod {} {}`",
                        path.display(),
                        if meta.is_dir() { "700" } else { "600" },
                        path.display()
                    ));
                }
            }
        }
        out
    }

    fn ensure_dir(&self) -> Result<(), KeyError> {
        if self.dir.is_dir() {
            return Ok(());
        }
        create_private_dir(&self.dir)
    }

    /// An exclusive lock on a sibling file, not on `keys.toml` itself: the store file is
    /// replaced by rename, so a lock on it would be a lock on an inode nobody reads anymore.
    fn lock(&self) -> Result<File, KeyError> {
        let path = self.dir.join(LOCK_FILE);
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options
            .open(&path)
            .map_err(|e| KeyError::io(&path, "open the store lock", e))?;
        // Called through the trait: std's inherent File::lock is newer than our MSRV.
        fs4::FileExt::lock(&file).map_err(|e| KeyError::io(&path, "lock the key store", e))?;
        Ok(file)
    }
}

pub(crate) fn unknown_key(name: &str, keys: &[StoredKey]) -> KeyError {
    let known = if keys.is_empty() {
        "the store is empty: add one with `tokenscope keys add` or `tokenscope keys gen`"
            .to_string()
    } else {
        let names: Vec<&str> = keys.iter().map(|k| k.name.as_str()).collect();
        format!("known: {}", names.join(", "))
    };
    KeyError::UnknownKey {
        name: name.to_string(),
        known,
    }
}

fn parse_store(path: &Path, text: &str) -> Result<StoreFile, KeyError> {
    // toml's Display quotes the offending line, which may hold key material: build the
    // message from the span and the bare message instead.
    let file: StoreFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|span| crate::text::line_col(text, span.start))
            .unwrap_or((1, 1));
        KeyError::StoreCorrupt {
            path: path.to_path_buf(),
            line,
            column,
            message: redact_serde_message(e.message()),
        }
    })?;
    if file.version > FORMAT_VERSION {
        return Err(KeyError::StoreCorrupt {
            path: path.to_path_buf(),
            line: line_of(text, "version").unwrap_or(1),
            column: 1,
            message: format!(
                "store format version {} is newer than this tokenscope understands ({FORMAT_VERSION}): upgrade tokenscope",
                file.version
            ),
        });
    }
    let mut seen = std::collections::HashSet::new();
    for key in &file.keys {
        if !seen.insert(key.name.as_str()) {
            return Err(KeyError::StoreCorrupt {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message: format!("two keys are named '{}': rename or remove one", key.name),
            });
        }
    }
    Ok(file)
}

fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests;
