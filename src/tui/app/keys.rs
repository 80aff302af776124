//! The Keys pane's commands: add a pasted key or one from a file, generate one (`keys gen` in
//! a menu), delete one, reveal a stored secret on demand, and the rows the pane lists.

use zeroize::Zeroizing;

use super::{App, GEN_TYPES, KeyRow, KeySource, Modal, PromptKind, expand_home};
use crate::cli::GenType;
use crate::keys::{self, KeyType, Material, MaterialSource, StoredKey};
use crate::tui::jobs::Job;

impl App {
    pub(crate) fn free_key_name(&self) -> String {
        let taken = |n: &str| {
            self.key_rows
                .iter()
                .any(|r| r.name == n || r.name.starts_with(&format!("{n}#")))
        };
        (1..)
            .map(|i| format!("key-{i}"))
            .find(|n| !taken(n))
            .unwrap_or_else(|| "key".to_string())
    }

    /// Add pasted material: a PEM/JWK/JWKS, else the text is an HMAC (or `dir`) secret.
    pub(crate) fn add_key(&mut self, name: &str, material: &str) {
        if name.is_empty() {
            self.error("a key needs a name");
            return;
        }
        let trimmed = material.trim();
        let source = if trimmed.starts_with('{') {
            match serde_json::from_str::<serde_json::Value>(trimmed) {
                Ok(v) if v.get("keys").is_some() => MaterialSource::Jwks,
                _ => MaterialSource::Jwk,
            }
        } else if trimmed.contains("-----BEGIN ") {
            MaterialSource::Pem
        } else {
            MaterialSource::Secret
        };
        let result = match &mut self.keys {
            KeySource::Memory => {
                if self.ring.keys.iter().any(|k| k.name == name) {
                    Err(format!("a key named '{name}' exists already"))
                } else if source == MaterialSource::Secret {
                    self.ring.keys.push(keys::secret_key(
                        name,
                        Zeroizing::new(trimmed.as_bytes().to_vec()),
                    ));
                    Ok(Vec::new())
                } else {
                    keys::parse_key_bytes(name, trimmed.as_bytes())
                        .map(|ks| {
                            self.ring.keys.extend(ks);
                            Vec::new()
                        })
                        .map_err(|e| e.to_string())
                }
            }
            KeySource::Store { store, cache } => {
                let mut entry = StoredKey::new(name, source, trimmed);
                if source == MaterialSource::Secret {
                    entry.encoding = Some(keys::SecretEncoding::Utf8);
                }
                // Validated here, stored (and the ring loaded again) by a job.
                if let Err(e) = entry.validate() {
                    self.error(format!("key not added: {e}"));
                    return;
                }
                let job = Job::StoreKey {
                    store: store.clone(),
                    cache: cache.clone(),
                    entry,
                    generated: None,
                };
                self.run(job);
                return;
            }
        };
        self.key_added(name, result);
    }

    /// The end of adding a pasted or file key: the message says what the token is now.
    pub(crate) fn key_added(&mut self, name: &str, result: Result<Vec<String>, String>) {
        match result {
            Ok(warnings) => {
                self.refresh_key_rows();
                self.resign_edit();
                self.reinspect();
                let verdict = self
                    .inspection()
                    .map(|i| i.overall().label())
                    .unwrap_or("no token");
                let where_ = if matches!(self.keys, KeySource::Memory) {
                    "in memory"
                } else {
                    "in the key store"
                };
                let mut text = format!("key '{name}' added {where_}: token now {verdict}");
                if let Some(w) = warnings.first() {
                    text.push_str(&format!(" (warning: {w})"));
                }
                self.info(text);
            }
            Err(e) => self.error(format!("key not added: {e}")),
        }
    }

    pub(crate) fn delete_key(&mut self, name: &str) {
        let result = match &mut self.keys {
            KeySource::Memory => {
                let before = self.ring.keys.len();
                self.ring.keys.retain(|k| k.name != name);
                if before == self.ring.keys.len() {
                    Err(format!("no key named '{name}'"))
                } else {
                    Ok(())
                }
            }
            KeySource::Store { store, cache } => {
                let job = Job::RemoveKey {
                    store: store.clone(),
                    cache: cache.clone(),
                    name: name.to_string(),
                };
                self.run(job);
                return;
            }
        };
        self.key_deleted(name, result);
    }

    /// The end of deleting a key.
    pub(crate) fn key_deleted(&mut self, name: &str, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.refresh_key_rows();
                self.clamp_all();
                self.resign_edit();
                self.reinspect();
                self.info(format!("key '{name}' deleted"));
            }
            Err(e) => self.error(format!("key not deleted: {e}")),
        }
    }

    pub fn refresh_key_rows(&mut self) {
        self.revealed = None;
        self.key_rows = self
            .ring
            .keys
            .iter()
            .map(|k| {
                let (kind, half) = match (&k.key_type, &k.material) {
                    (KeyType::Secret, Material::Secret(s)) => (format!("secret {} B", s.len()), ""),
                    (KeyType::Rsa { bits }, m) => (format!("rsa {bits}"), m.visibility()),
                    (KeyType::Ec(c), m) => (format!("ec {c:?}"), m.visibility()),
                    (KeyType::Okp(c), m) => (format!("okp {c:?}"), m.visibility()),
                    (t, m) => (t.as_str().to_string(), m.visibility()),
                };
                KeyRow {
                    name: k.name.clone(),
                    kind,
                    half,
                    kid: k.kid.clone().unwrap_or_default(),
                    profile: k.profile.map(|p| p.to_string()).unwrap_or_default(),
                    fingerprint: keys::key_fingerprint(k),
                    volatile: self.demo && !matches!(k.material, Material::Secret(_)),
                }
            })
            .collect();
    }
}

impl App {
    /// Keys in the generate menu: move, pick by number, Enter asks for the name.
    pub(crate) fn generate_menu(&mut self, action: super::Action) {
        use super::Action;
        let Modal::Generate { sel } = self.modal else {
            return;
        };
        let n = GEN_TYPES.len();
        match action {
            Action::Up => {
                self.modal = Modal::Generate {
                    sel: (sel + n - 1) % n,
                }
            }
            Action::Down => self.modal = Modal::Generate { sel: (sel + 1) % n },
            Action::Char(c @ '1'..='9') => {
                self.modal = Modal::Generate {
                    sel: (c as usize - '1' as usize).min(n - 1),
                }
            }
            Action::Submit => {
                let (kind, label, _) = GEN_TYPES[sel.min(n - 1)];
                let input = self.free_name(label);
                self.modal = Modal::Prompt {
                    kind: PromptKind::GenerateName { kind },
                    input,
                };
            }
            _ => {}
        }
    }

    /// `base`, or `base-2`, `base-3`... whichever no key has yet.
    pub(crate) fn free_name(&self, base: &str) -> String {
        let taken = |n: &str| self.key_rows.iter().any(|r| r.name == n);
        std::iter::once(base.to_string())
            .chain((2..).map(|i| format!("{base}-{i}")))
            .find(|n| !taken(n))
            .unwrap_or_else(|| base.to_string())
    }

    /// Generate a key of `kind` named `name`: into the key store, or the demo's memory.
    pub(crate) fn generate_key(&mut self, kind: GenType, name: &str) {
        if name.is_empty() {
            self.error("a key needs a name");
            return;
        }
        if self.key_rows.iter().any(|r| r.name == name) {
            self.error(format!(
                "key not generated: a key named '{name}' exists already"
            ));
            return;
        }
        self.run(Job::GenerateKey {
            kind,
            name: name.to_string(),
        });
        if self.pending > 0 {
            self.info(format!("generating {} key '{name}'…", label_of(kind)));
        }
    }

    /// Store a generated key (the key store, by a job, or the demo's memory) and inspect again.
    pub(crate) fn install_generated(
        &mut self,
        kind: GenType,
        name: &str,
        key: Result<crate::keys::StoredKey, String>,
    ) {
        let result = key.and_then(|entry| match &mut self.keys {
            KeySource::Memory => {
                if self.ring.keys.iter().any(|k| k.name == name) {
                    return Err(format!("a key named '{name}' exists already"));
                }
                // Only a JWKS URL needs the cache dir; a generated key never is one.
                let (ks, _) = entry
                    .keys(&std::env::temp_dir())
                    .map_err(|e| e.to_string())?;
                self.ring.keys.extend(ks);
                Ok(None)
            }
            KeySource::Store { store, cache } => Ok(Some(Job::StoreKey {
                store: store.clone(),
                cache: cache.clone(),
                entry,
                generated: Some(kind),
            })),
        });
        match result {
            Ok(Some(job)) => self.run(job),
            Ok(None) => self.key_generated(kind, name, Ok(Vec::new())),
            Err(e) => self.key_generated(kind, name, Err(e)),
        }
    }

    /// The end of generating a key: select it, and say where it went.
    pub(crate) fn key_generated(
        &mut self,
        kind: GenType,
        name: &str,
        result: Result<Vec<String>, String>,
    ) {
        match result {
            Ok(warnings) => {
                self.refresh_key_rows();
                if let Some(i) = self.key_rows.iter().position(|r| r.name == name) {
                    self.key_sel = i;
                }
                self.resign_edit();
                self.reinspect();
                let where_ = if matches!(self.keys, KeySource::Memory) {
                    "in memory"
                } else {
                    "in the key store"
                };
                let mut text = format!("generated {} key '{name}' {where_}", label_of(kind));
                if let Some(w) = warnings.first() {
                    text.push_str(&format!(" (warning: {w})"));
                }
                self.info(text);
            }
            Err(e) => self.error(format!("key not generated: {e}")),
        }
    }

    /// Read a key file and go on as a paste of its text would (the name prompt next).
    pub(crate) fn key_file(&mut self, path: &str) {
        if path.is_empty() {
            self.info("no key added");
            return;
        }
        self.run(Job::ReadKeyFile(expand_home(path)));
    }

    /// A key file's text (the name prompt next), or why it could not be read (the path
    /// prompt again).
    pub(crate) fn key_file_read(
        &mut self,
        path: &std::path::Path,
        text: Result<Zeroizing<String>, String>,
    ) {
        match text {
            Ok(material) if material.trim().is_empty() => {
                self.error(format!("'{}' is empty", path.display()))
            }
            Ok(material) => {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .filter(|s| !s.is_empty());
                let input = match stem {
                    Some(s) => self.free_name(&s),
                    None => self.free_key_name(),
                };
                self.modal = Modal::Prompt {
                    kind: PromptKind::KeyName { material },
                    input,
                };
            }
            Err(e) => {
                self.modal = Modal::Prompt {
                    kind: PromptKind::KeyFile,
                    input: path.display().to_string(),
                };
                self.error(e);
            }
        }
    }

    /// Show the selected key's secret, or mask it again.
    pub(crate) fn toggle_reveal(&mut self) {
        let Some(row) = self.key_rows.get(self.key_sel) else {
            self.info("no key selected (focus the Keys pane and pick one)");
            return;
        };
        if self.revealed.as_deref() == Some(row.name.as_str()) {
            self.revealed = None;
            return;
        }
        let name = row.name.clone();
        match self.secret_of(&name) {
            Some(_) => self.revealed = Some(name),
            None => self.info(format!(
                "'{name}' has no shared secret to reveal (only HMAC and dir secrets are shown)"
            )),
        }
    }

    /// A key's shared secret as text: UTF-8 when it prints, else base64url (said so).
    pub fn secret_of(&self, name: &str) -> Option<(String, &'static str)> {
        let key = self.ring.keys.iter().find(|k| k.name == name)?;
        let Material::Secret(bytes) = &key.material else {
            return None;
        };
        match std::str::from_utf8(bytes) {
            Ok(t) if !t.chars().any(char::is_control) => Some((t.to_string(), "utf-8")),
            _ => {
                use base64::Engine;
                Some((
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes.as_slice()),
                    "base64url",
                ))
            }
        }
    }
}

/// The menu's name of a key type (`rsa2048`, `ed25519`).
fn label_of(kind: GenType) -> &'static str {
    GEN_TYPES
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or("", |(_, l, _)| *l)
}
