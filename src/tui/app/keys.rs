//! The Keys pane's commands: add a pasted key or one from a file, generate one (`keys gen` in
//! a menu), delete one, reveal a stored secret on demand, and the rows the pane lists.

use zeroize::Zeroizing;

use super::{
    App, EncodingMenu, EncodingRow, GEN_TYPES, KeyRow, KeySource, Modal, PromptKind, expand_home,
};
use crate::cli::GenType;
use crate::keys::{self, Material, MaterialSource, SecretEncoding, StoredKey};
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

    /// Add pasted material: a PEM/JWK/JWKS; a secret goes to the encoding menu first.
    pub(crate) fn add_key(&mut self, name: &str, material: Zeroizing<String>) {
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
        if source == MaterialSource::Secret {
            if self.key_rows.iter().any(|r| r.name == name) {
                self.modal = Modal::Prompt {
                    kind: PromptKind::KeyName { material },
                    input: name.to_string(),
                };
                self.error(format!(
                    "a key named '{name}' exists already: choose another name"
                ));
                return;
            }
            self.modal = Modal::Encoding(self.encoding_menu_for(name, material));
            return;
        }
        let result = match &mut self.keys {
            KeySource::Memory => {
                if self.ring.keys.iter().any(|k| k.name == name) {
                    Err(format!("a key named '{name}' exists already"))
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
                let entry = StoredKey::new(name, source, trimmed);
                let (store, cache) = (store.clone(), cache.clone());
                self.store_entry(store, cache, entry);
                return;
            }
        };
        self.key_added(name, result);
    }

    /// Validate a store entry here, store it (and load the ring again) by a job.
    fn store_entry(&mut self, store: keys::Store, cache: std::path::PathBuf, entry: StoredKey) {
        if let Err(e) = entry.validate() {
            self.error(format!("key not added: {e}"));
            return;
        }
        self.run(Job::StoreKey {
            store,
            cache,
            entry,
            generated: None,
        });
    }

    /// What each encoding makes of a pasted secret, with the one the text fits selected:
    /// the one that opens the current token, else the one giving the length its JWE needs,
    /// else the one the text looks like.
    pub(crate) fn encoding_menu_for(
        &mut self,
        name: &str,
        material: Zeroizing<String>,
    ) -> EncodingMenu {
        let text = material.trim();
        let need = self.inspection().and_then(secret_need);
        let mut rows = Vec::new();
        for encoding in ENCODINGS {
            let decoded = keys::parse_secret(text, encoding);
            let opens = match &decoded {
                Ok(bytes) => self.secret_opens_token(bytes),
                Err(_) => false,
            };
            rows.push(EncodingRow {
                encoding,
                bytes: decoded.map(|b| b.len()).map_err(|e| decode_reason(&e)),
                opens,
            });
        }
        let looks = looks_like(text);
        let pick = |fits: &dyn Fn(&EncodingRow) -> bool| {
            let fitting: Vec<usize> = (0..rows.len()).filter(|&i| fits(&rows[i])).collect();
            fitting
                .iter()
                .copied()
                .find(|&i| rows[i].encoding == looks)
                .or(fitting.first().copied())
        };
        let sel = pick(&|r| r.opens)
            .or_else(|| {
                need.as_ref()
                    .and_then(|(_, n)| pick(&|r| r.bytes == Ok(*n)))
            })
            .or_else(|| rows.iter().position(|r| r.encoding == looks))
            .unwrap_or(0);
        EncodingMenu {
            name: name.to_string(),
            material,
            rows,
            sel,
            need,
        }
    }

    /// Whether a secret of these bytes, next to the keys in the ring, opens a layer of the
    /// current token (as its history entry holds it) that they leave closed. PBES2 is never
    /// tried here: its iterations are seconds of work.
    fn secret_opens_token(&mut self, bytes: &[u8]) -> bool {
        let Some(insp) = self.inspection() else {
            return false;
        };
        let closed = |l: &crate::report::Layer| !l.status.is_ok();
        let pbes2 =
            |l: &crate::report::Layer| l.alg.as_deref().is_some_and(|a| a.starts_with("PBES2"));
        if !insp.layers.iter().any(closed) || insp.layers.iter().any(pbes2) {
            return false;
        }
        let Some(entry) = self.current.and_then(|i| self.history.get(i)) else {
            return false;
        };
        // A name no stored key has (names are typed or come from files: never a NUL).
        const PROBE: &str = "\u{0}pasted secret";
        let opts = crate::inspect::Options {
            at: self.at,
            skew: self.skew,
            max_pbes2_count: 0,
            ..Default::default()
        };
        self.ring
            .keys
            .push(keys::secret_key(PROBE, Zeroizing::new(bytes.to_vec())));
        let opened = crate::inspect::inspect_text_nth(&entry.text, entry.index, &self.ring, &opts)
            .is_ok_and(|i| {
                i.layers
                    .iter()
                    .any(|l| l.status.is_ok() && l.key.as_deref() == Some(PROBE))
            });
        self.ring.keys.retain(|k| k.name != PROBE);
        opened
    }

    /// Keys in the encoding menu: move, pick by number, Enter stores the secret.
    pub(crate) fn encoding_menu(&mut self, action: super::Action) {
        use super::Action;
        let Modal::Encoding(menu) = &mut self.modal else {
            return;
        };
        let n = menu.rows.len().max(1);
        match action {
            Action::Up => menu.sel = (menu.sel + n - 1) % n,
            Action::Down => menu.sel = (menu.sel + 1) % n,
            Action::Char(c @ '1'..='9') => menu.sel = (c as usize - '1' as usize).min(n - 1),
            Action::Submit => {
                let Modal::Encoding(menu) = std::mem::replace(&mut self.modal, Modal::None) else {
                    return;
                };
                let Some(row) = menu.rows.get(menu.sel) else {
                    return;
                };
                let encoding = row.encoding;
                if row.bytes.is_err() {
                    let text = format!(
                        "{} does not decode this text: choose another encoding",
                        encoding.as_str()
                    );
                    self.modal = Modal::Encoding(menu);
                    self.error(text);
                    return;
                }
                self.add_secret(&menu.name, &menu.material, encoding);
            }
            _ => {}
        }
    }

    /// Store a pasted secret written in `encoding`: in the key store (its `encoding` field),
    /// or decoded into the demo's memory.
    pub(crate) fn add_secret(&mut self, name: &str, material: &str, encoding: SecretEncoding) {
        let text = material.trim();
        let result = match &mut self.keys {
            KeySource::Memory => {
                if self.ring.keys.iter().any(|k| k.name == name) {
                    Err(format!("a key named '{name}' exists already"))
                } else {
                    keys::parse_secret(text, encoding)
                        .map(|bytes| {
                            self.ring.keys.push(keys::secret_key(name, bytes));
                            Vec::new()
                        })
                        .map_err(|e| e.to_string())
                }
            }
            KeySource::Store { store, cache } => {
                let mut entry = StoredKey::new(name, MaterialSource::Secret, text);
                entry.encoding = Some(encoding);
                let (store, cache) = (store.clone(), cache.clone());
                self.store_entry(store, cache, entry);
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
                let described = keys::describe(k);
                let (kind, half) = (described.terse(), described.half());
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

/// The encodings a pasted secret may be written in, in menu order (as `keys add --encoding`).
pub const ENCODINGS: [SecretEncoding; 4] = [
    SecretEncoding::Utf8,
    SecretEncoding::Base64,
    SecretEncoding::Base64url,
    SecretEncoding::Hex,
];

/// The encoding a secret's text looks written in: hex when it is an even number of hex
/// digits, base64url when it has `-`/`_` or no padding and decodes, base64 when it decodes
/// with `+`, `/` or `=`, else the text itself.
pub fn looks_like(text: &str) -> SecretEncoding {
    let decodes = |e| keys::parse_secret(text, e).is_ok();
    if !text.is_empty()
        && text.len().is_multiple_of(2)
        && text.bytes().all(|b| b.is_ascii_hexdigit())
    {
        SecretEncoding::Hex
    } else if (text.contains(['-', '_']) || !text.contains('='))
        && decodes(SecretEncoding::Base64url)
    {
        SecretEncoding::Base64url
    } else if text.contains(['+', '/', '=']) && decodes(SecretEncoding::Base64) {
        SecretEncoding::Base64
    } else {
        SecretEncoding::Utf8
    }
}

/// The key length the first JWE layer no key opened needs: `dir` takes the content key
/// itself (its `enc`'s length), AES key wrap (`A128KW`, `A256GCMKW`...) a key of its size.
pub fn secret_need(insp: &crate::report::Inspection) -> Option<(String, usize)> {
    let layer = insp
        .layers
        .iter()
        .find(|l| l.kind == crate::report::TokenKind::Jwe && !l.status.is_ok())?;
    let alg = layer.alg.as_deref()?;
    if alg == "dir" {
        let enc = layer.enc.as_deref()?;
        let (enc, n) = keys::JWE_ENCS.iter().find(|(e, _)| *e == enc)?;
        return Some((enc.to_string(), *n));
    }
    let bits: usize = alg
        .strip_prefix('A')?
        .strip_suffix("KW")?
        .trim_end_matches("GCM")
        .parse()
        .ok()?;
    Some((alg.to_string(), bits / 8))
}

/// Why a secret does not decode, in the TUI's words: the core's hint names the CLI flag
/// (`try --encoding base64url`), and the menu lists the encodings that do decode.
fn decode_reason(e: &keys::KeyError) -> String {
    let text = e.to_string();
    let text = text.strip_prefix("secret: ").unwrap_or(&text);
    // `invalid base64: ...` stands on the base64 row: the reason is what follows.
    let text = text
        .split_once(": ")
        .filter(|(head, _)| head.starts_with("invalid "))
        .map_or(text, |(_, reason)| reason);
    text.split(" (it contains")
        .next()
        .unwrap_or(text)
        .to_string()
}
