//! Edit mode: a copy of the current token's header and claims, the toggles that drive the
//! Qualifio outcome tables, and re-signing with a chosen key (optionally wrapped in a JWE
//! `dir`). Pure: every function takes the claims and the instant it needs, and signing goes
//! through `jose::mint` exactly as `tokenscope sign` does, so what the TUI exports is what
//! `tokenscope sign --header H --claims C --key K [--encrypt-key E --enc ENC]` prints.
//!
//! The original token (a history entry) is never changed: the edit lives here until it is
//! exported or dropped.

pub mod json_editor;

use serde_json::{Map, Value, json};

use crate::jose::JWE_ENCS;
use crate::jose::mint::{SignOptions, choose_alg, default_enc, encrypt_dir, sign_jws};
use crate::keys::{Key, KeyRing, Material};
use crate::report::{Inspection, Overall, TokenKind};
use crate::sign::{Template, claims_bytes, parse_exp, set_path, template_alg, unset_path};

/// The edited copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// History index of the original token.
    pub source: usize,
    /// The original's verdict when the edit began (the original is not re-signed).
    pub original_overall: Overall,
    /// The header members to carry; `alg` is the alg to sign with.
    pub header: Map<String, Value>,
    pub claims: Value,
    /// Name of the signing key (a private key or a secret of the ring), if any fits.
    pub key: Option<String>,
    /// JWE `dir` wrapping: the shared secret's name and the enc.
    pub encrypt: Option<(String, String)>,
    /// The signed (and maybe encrypted) token, or why it could not be made. Without a key
    /// that signs the alg, the token is made unsigned (see `unsigned`).
    pub token: Result<String, String>,
    /// Why the token is not signed (`no private key`, or the key's refusal), when it is
    /// shown unsigned: the edited header and claims with an empty signature, evaluated by
    /// the rules but never accepted.
    pub unsigned: Option<String>,
    /// JSON text that did not parse, kept for the next edit.
    pub draft: Option<String>,
    /// The last label removed with the label toggle (restored when it comes back).
    pub saved_label: Option<Value>,
    /// Base URL for the URL and curl snippets (`--base-url`).
    pub base_url: Option<String>,
    /// Whether anything was changed (leaving then asks first).
    pub touched: bool,
}

/// Where a claim toggle acts.
pub const CW: &[&str] = &["gift", "cw"];
pub const LABEL: &[&str] = &["gift", "label"];
pub const CAN_PLAY: &[&str] = &["limit", "canPlay"];
pub const NB: &[&str] = &["limit", "nb"];

fn path(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

/// The value at a dotted path, if there.
pub fn get<'a>(claims: &'a Value, p: &[&str]) -> Option<&'a Value> {
    p.iter().try_fold(claims, |v, name| v.get(name))
}

fn get_mut<'a>(claims: &'a mut Value, p: &[&str]) -> Option<&'a mut Value> {
    p.iter().try_fold(claims, |v, k| v.get_mut(*k))
}

/// true -> false -> absent -> true (a value of another type becomes true).
pub fn cycle_bool(claims: &mut Value, p: &[&str]) -> Result<(), String> {
    let path = path(p);
    let result = match get(claims, p) {
        Some(Value::Bool(true)) => set_path(claims, &path, Value::Bool(false)),
        Some(Value::Bool(false)) => unset_path(claims, &path).map(|_| ()),
        None => {
            // Back in first place (`canPlay`, `cw` lead their objects), so that cycling
            // through absent does not reorder the object.
            if let [parent @ .., last] = p
                && let Some(Value::Object(obj)) = get_mut(claims, parent)
            {
                obj.shift_insert(0, (*last).to_string(), Value::Bool(true));
                return Ok(());
            }
            set_path(claims, &path, Value::Bool(true))
        }
        _ => set_path(claims, &path, Value::Bool(true)),
    };
    result.map_err(|e| e.to_string())
}

/// `limit.nb` plus `delta`, not below 0; absent counts as 0 before the step, so `+` on an
/// absent nb gives 1 and `-` gives 0.
pub fn step_nb(claims: &mut Value, delta: i64) -> Result<(), String> {
    let current = get(claims, NB).and_then(Value::as_i64).unwrap_or(0);
    let next = current.saturating_add(delta).max(0);
    set_path(claims, &path(NB), json!(next)).map_err(|e| e.to_string())
}

/// Remove the member at `p` (no error when it is not there).
pub fn remove(claims: &mut Value, p: &[&str]) -> Result<(), String> {
    unset_path(claims, &path(p))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// `exp` as `tokenscope sign --exp SPEC` would set it, relative to `now` (`+1h`, `+1d`, `-1m`).
pub fn set_exp(claims: &mut Value, spec: &str, now: i64) -> Result<(), String> {
    let exp = parse_exp(spec, now).map_err(|e| e.to_string())?;
    set_path(claims, &["exp".to_string()], json!(exp)).map_err(|e| e.to_string())
}

/// Set a claim that is a string on every platform (`campaignId`, `sub`, `gift.label`) from
/// what was typed: the text as a string (`987654` stays "987654"), or a quoted JSON string
/// literal decoded; empty removes the claim.
pub fn set_string(claims: &mut Value, dotted: &str, text: &str) -> Result<(), String> {
    let p = crate::sign::parse_path(dotted).map_err(|e| e.to_string())?;
    if text.is_empty() {
        return unset_path(claims, &p)
            .map(|_| ())
            .map_err(|e| e.to_string());
    }
    let value = match serde_json::from_str::<Value>(text) {
        Ok(Value::String(s)) if text.starts_with('"') => s,
        _ => text.to_string(),
    };
    set_path(claims, &p, Value::String(value)).map_err(|e| e.to_string())
}

/// A claim's value as the edit pane and the prompts show it.
pub fn shown(claims: &Value, p: &[&str]) -> String {
    match get(claims, p) {
        None => "absent".to_string(),
        Some(Value::String(s)) => format!("\"{}\"", crate::escape::line(s)),
        Some(v) => crate::escape::line(&v.to_string()).into_owned(),
    }
}

/// What a prompt starts with for a string claim: its text as [`set_string`] takes it back
/// (another JSON value as JSON: submitting it makes it a string).
pub fn prompt_text(claims: &Value, p: &[&str]) -> String {
    match get(claims, p) {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Whether `key` can sign at all (a private key or a secret with a JWS alg).
pub fn can_sign(key: &Key) -> bool {
    !matches!(key.material, Material::Public { .. })
        && !crate::jose::mint::signing_algs(key).is_empty()
}

/// Whether `key` can wrap a JWE `dir` (a shared secret of a length some enc takes).
pub fn can_encrypt(key: &Key) -> bool {
    matches!(key.material, Material::Secret(_)) && !dir_encs(key).is_empty()
}

/// The encs a `dir` secret fits, the key's default first.
pub fn dir_encs(key: &Key) -> Vec<&'static str> {
    let Material::Secret(secret) = &key.material else {
        return Vec::new();
    };
    let fitting = JWE_ENCS
        .iter()
        .filter(|(_, n)| *n == secret.len())
        .map(|(e, _)| *e)
        .filter(|e| key.allows("dir") || key.allows(e));
    let default = default_enc(key);
    default
        .into_iter()
        .chain(fitting.filter(|e| Some(*e) != default))
        .collect()
}

impl Edit {
    /// An edit of the inspected token `insp` (history entry `source`), or why it cannot be
    /// edited (nothing decoded, or a payload that is not JSON).
    pub fn begin(source: usize, insp: &Inspection, ring: &KeyRing) -> Result<Edit, String> {
        let claims = insp.payload.clone().ok_or_else(|| {
            "the payload is not readable JSON (is the JWE's key missing?): nothing to edit"
                .to_string()
        })?;
        let jws = insp
            .layers
            .iter()
            .rev()
            .find(|l| l.kind == TokenKind::Jws)
            .ok_or_else(|| "no JWS layer was opened: nothing to edit".to_string())?;
        let mut header = jws.header.clone();
        // The alg is chosen from the key below; crit/b64 of a RFC 7797 token are not re-signed.
        let wanted_alg = header
            .get("alg")
            .and_then(Value::as_str)
            .map(str::to_string);
        let verified_by = jws.key.clone();
        let key = verified_by
            .and_then(|name| ring.keys.iter().find(|k| k.name == name && can_sign(k)))
            .or_else(|| ring.keys.iter().find(|k| can_sign(k)));
        let mut edit = Edit {
            source,
            original_overall: insp.overall(),
            header: Map::new(),
            claims,
            key: key.map(|k| k.name.clone()),
            encrypt: None,
            token: Err(String::new()),
            unsigned: None,
            draft: None,
            saved_label: None,
            base_url: None,
            touched: false,
        };
        if let Some(k) = key {
            let alg = choose_alg(k, wanted_alg.as_deref())
                .or_else(|_| choose_alg(k, None))
                .unwrap_or_default();
            header.insert("alg".into(), Value::String(alg.to_string()));
            if k.kid.is_some() {
                header.remove("kid");
            }
        }
        edit.header = header;
        if let Some(outer) = insp.layers.first().filter(|l| l.kind == TokenKind::Jwe)
            && outer.alg.as_deref() == Some("dir")
            && let (Some(name), Some(enc)) = (&outer.key, &outer.enc)
            && ring.keys.iter().any(|k| &k.name == name && can_encrypt(k))
        {
            edit.encrypt = Some((name.clone(), enc.clone()));
        }
        edit.resign(ring);
        Ok(edit)
    }

    /// An edit of `template`'s claims issued at `now` (`tokenscope sign --template T`),
    /// signed with the ring's first key that makes an alg the platform takes (keys tagged with
    /// the template's platform first), else unsigned. `source` is the history entry it shows.
    pub fn from_template(template: Template, now: i64, ring: &KeyRing, source: usize) -> Edit {
        let (key, alg) = template_signer(template, ring)
            .map(|(k, alg)| (Some(k.name.clone()), alg))
            .unwrap_or((None, template.alg_rule().algs[0]));
        let mut header = Map::new();
        header.insert("alg".into(), Value::String(alg.to_string()));
        header.insert("typ".into(), Value::String("JWT".into()));
        let mut edit = Edit {
            source,
            original_overall: Overall::NotVerified,
            header,
            claims: template.claims(now),
            key,
            encrypt: None,
            token: Err(String::new()),
            unsigned: None,
            draft: None,
            saved_label: None,
            base_url: None,
            touched: false,
        };
        edit.resign(ring);
        edit
    }

    /// Sign (and wrap) the header and claims again with the chosen keys. Without a key that
    /// signs, the token is made unsigned, so that its claims are still evaluated.
    pub fn resign(&mut self, ring: &KeyRing) {
        let jws = match self.sign(ring) {
            Ok(jws) => {
                self.unsigned = None;
                jws
            }
            Err(why) => {
                self.unsigned = Some(why);
                unsigned_jws(&self.header, &self.claims)
            }
        };
        self.token = self.wrap(jws, ring);
    }

    /// The JWS signed with the chosen key, or why there is none: `no private key`, or
    /// what the key says.
    fn sign(&self, ring: &KeyRing) -> Result<String, String> {
        let name = self
            .key
            .as_deref()
            .ok_or_else(|| NO_PRIVATE_KEY.to_string())?;
        let key = find(ring, name)?;
        sign_jws(
            &self.header,
            &claims_bytes(&self.claims),
            key,
            &SignOptions::default(),
        )
        .map_err(|e| e.to_string())
    }

    /// `jws` in the JWE `dir` chosen, if any.
    fn wrap(&self, jws: String, ring: &KeyRing) -> Result<String, String> {
        match &self.encrypt {
            None => Ok(jws),
            Some((name, enc)) => {
                encrypt_dir(&jws, find(ring, name)?, enc).map_err(|e| e.to_string())
            }
        }
    }

    /// The alg the header asks for.
    pub fn alg(&self) -> &str {
        self.header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or("-")
    }

    /// The next key that can sign (after the current one), its first alg, and its kid.
    pub fn next_key(&mut self, ring: &KeyRing) -> Result<(), String> {
        let signers: Vec<&Key> = ring.keys.iter().filter(|k| can_sign(k)).collect();
        if signers.is_empty() {
            return Err(
                "no private key or secret to sign with: add one (a) or generate one (N)".into(),
            );
        }
        let at = self
            .key
            .as_deref()
            .and_then(|n| signers.iter().position(|k| k.name == n));
        let next = signers[at.map_or(0, |i| (i + 1) % signers.len())];
        self.use_key(next);
        Ok(())
    }

    fn use_key(&mut self, key: &Key) {
        self.key = Some(key.name.clone());
        let alg = choose_alg(key, None).unwrap_or_default();
        self.header
            .insert("alg".into(), Value::String(alg.to_string()));
        // The kid is the new key's (build_header puts it in), never the old key's.
        self.header.remove("kid");
    }

    /// The next alg the signing key allows.
    pub fn next_alg(&mut self, ring: &KeyRing) -> Result<(), String> {
        let key = find(ring, self.key.as_deref().unwrap_or_default())?;
        let algs = crate::jose::mint::signing_algs(key);
        if algs.is_empty() {
            return Err(format!("key '{}' allows no JWS alg", key.name));
        }
        let at = algs.iter().position(|a| *a == self.alg());
        let next = algs[at.map_or(0, |i| (i + 1) % algs.len())];
        self.header
            .insert("alg".into(), Value::String(next.to_string()));
        Ok(())
    }

    /// No JWE -> a `dir` JWE with each shared secret that fits -> no JWE.
    pub fn next_encrypt_key(&mut self, ring: &KeyRing) -> Result<(), String> {
        let secrets: Vec<&Key> = ring.keys.iter().filter(|k| can_encrypt(k)).collect();
        if secrets.is_empty() {
            return Err(
                "no shared secret of 16, 24, 32, 48 or 64 bytes to encrypt with (JWE dir)".into(),
            );
        }
        let at = self
            .encrypt
            .as_ref()
            .and_then(|(n, _)| secrets.iter().position(|k| &k.name == n));
        self.encrypt = match at {
            Some(i) if i + 1 == secrets.len() => None,
            Some(i) => Some(secrets[i + 1]),
            None => Some(secrets[0]),
        }
        .map(|k| {
            let enc = dir_encs(k).first().copied().unwrap_or("A256GCM");
            (k.name.clone(), enc.to_string())
        });
        Ok(())
    }

    /// The next enc the `dir` secret fits.
    pub fn next_enc(&mut self, ring: &KeyRing) -> Result<(), String> {
        let Some((name, enc)) = &self.encrypt else {
            return Err("not encrypted: J wraps the token in a JWE dir first".into());
        };
        let encs = dir_encs(find(ring, name)?);
        let at = encs.iter().position(|e| e == enc);
        if let Some(next) = encs.get(at.map_or(0, |i| (i + 1) % encs.len().max(1))) {
            self.encrypt = Some((name.clone(), next.to_string()));
        }
        Ok(())
    }

    /// Toggle `gift.label`: present -> absent (remembered) -> back (or "Prize").
    pub fn toggle_label(&mut self) -> Result<(), String> {
        match get(&self.claims, LABEL).cloned() {
            Some(v) => {
                remove(&mut self.claims, LABEL)?;
                self.saved_label = Some(v);
                Ok(())
            }
            None => {
                let v = self
                    .saved_label
                    .clone()
                    .unwrap_or_else(|| Value::String("Prize".into()));
                set_path(&mut self.claims, &path(LABEL), v).map_err(|e| e.to_string())
            }
        }
    }

    /// The JSON document the editors show: `{"header": {...}, "payload": ...}`.
    pub fn document(&self) -> String {
        let doc = json!({ "header": self.header, "payload": self.claims });
        // Escaped like --json: the text stays valid JSON for the same claims, and the editor
        // shows every character it holds.
        crate::escape::json_pretty(&doc).unwrap_or_default()
    }

    /// Take an edited document; on a parse error the text is kept as the draft and the error
    /// names its line and column.
    pub fn apply_document(&mut self, text: &str) -> Result<(), DocError> {
        match parse_document(text) {
            Ok((header, claims)) => {
                self.header = header;
                self.claims = claims;
                self.draft = None;
                Ok(())
            }
            Err(e) => {
                self.draft = Some(text.to_string());
                Err(e)
            }
        }
    }

    /// What the next editor opens with: the draft that did not parse, else the document.
    pub fn editor_text(&self) -> String {
        self.draft.clone().unwrap_or_else(|| self.document())
    }
}

/// The key `template` is signed with and its alg: the first key of the ring (those tagged
/// with the template's platform first) that signs an alg the platform takes, as `sign
/// --template T --key K` picks the alg.
pub fn template_signer(template: Template, ring: &KeyRing) -> Option<(&Key, &'static str)> {
    let profile = Some(template.profile());
    let tagged = ring.keys.iter().filter(|k| k.profile == profile);
    let others = ring.keys.iter().filter(|k| k.profile != profile);
    tagged.chain(others).filter(|k| can_sign(k)).find_map(|k| {
        let alg = template_alg(template, k, None).ok()?.alg?;
        Some((k, alg))
    })
}

/// Why an edited token is shown unsigned when no key of the ring can sign.
pub const NO_PRIVATE_KEY: &str = "no private key";

/// A compact JWS of `header` and `claims` with an empty signature: what an edit is shown as
/// when nothing can sign it.
pub fn unsigned_jws(header: &Map<String, Value>, claims: &Value) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = serde_json::to_vec(header).unwrap_or_default();
    format!(
        "{}.{}.",
        b64.encode(header),
        b64.encode(claims_bytes(claims))
    )
}

/// The inspection of an edited token as the view shows it: when the edit is unsigned, its
/// JWS layer is "not re-signed (why)", unverified, whatever key the inspection tried, and the
/// token is not accepted (not verified, or rejected by its claims). The claims' verdict
/// and findings stand.
pub fn mark_unsigned(edit: Option<&Edit>, insp: Inspection) -> Inspection {
    mark_unsigned_because(edit.and_then(|e| e.unsigned.as_deref()), insp)
}

/// As `mark_unsigned`, for an edited token unsigned because of `why` (a pinned edit).
pub fn mark_unsigned_because(why: Option<&str>, mut insp: Inspection) -> Inspection {
    use crate::report::LayerStatus;
    use crate::rules::ids;
    let Some(why) = why else {
        return insp;
    };
    let Some(i) = insp.layers.iter().rposition(|l| l.kind == TokenKind::Jws) else {
        return insp;
    };
    let layer = &mut insp.layers[i];
    layer.status = LayerStatus::Unverified;
    layer.key = None;
    layer.key_facts = None;
    layer.kid_mismatch = false;
    layer.attempts.clear();
    layer.detail = format!("not re-signed ({why})");
    let prefix = match i {
        0 => "/header/".to_string(),
        i => format!("/layers/{i}/header/"),
    };
    // What the inspection said of the empty signature is replaced by why it is empty.
    let about_the_signature = [
        ids::GENERIC_SIGNATURE_INVALID.id,
        ids::GENERIC_SIGNATURE_UNVERIFIED.id,
        ids::GENERIC_KID_MISMATCH.id,
        ids::GENERIC_ALG_CONFUSION.id,
    ];
    insp.findings.retain(|f| {
        !(about_the_signature.contains(&f.id.as_str()) && f.claim.starts_with(&prefix))
    });
    insp.findings.insert(
        0,
        ids::GENERIC_SIGNATURE_UNVERIFIED.at(
            format!("{prefix}alg"),
            format!(
                "the EDITED token is not re-signed ({why}): its claims are evaluated, its signature is empty, so it is not accepted; add the private key or secret (a) or generate one (N) to sign it"
            ),
        ),
    );
    insp.accepted = false;
    insp.overall = crate::rules::overall(false, &insp.layers, &insp.findings);
    insp
}

fn find<'a>(ring: &'a KeyRing, name: &str) -> Result<&'a Key, String> {
    ring.keys
        .iter()
        .find(|k| k.name == name)
        .ok_or_else(|| format!("key '{name}' is no longer in the key ring"))
}

/// Why an edited document was refused; `line`/`column` (1-based) when the JSON itself is bad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "invalid JSON at line {}, column {}: {}",
                self.line, self.column, self.message
            )
        } else {
            write!(f, "{}", self.message)
        }
    }
}

/// Parse `{"header": {...}, "payload": ...}`.
pub fn parse_document(text: &str) -> Result<(Map<String, Value>, Value), DocError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| DocError {
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or("")
            .to_string(),
    })?;
    let plain = |message: String| DocError {
        line: 0,
        column: 0,
        message,
    };
    let Value::Object(mut top) = doc else {
        return Err(plain(
            "the document must be an object: {\"header\": {...}, \"payload\": {...}}".into(),
        ));
    };
    if let Some(other) = top.keys().find(|k| *k != "header" && *k != "payload") {
        return Err(plain(format!(
            "unknown member '{other}': the document holds only \"header\" and \"payload\""
        )));
    }
    let header = match top.remove("header") {
        Some(Value::Object(h)) => h,
        Some(other) => {
            return Err(plain(format!(
                "\"header\" is {}, not an object",
                crate::token::json_type(&other)
            )));
        }
        None => return Err(plain("the document has no \"header\" member".into())),
    };
    let claims = top
        .remove("payload")
        .ok_or_else(|| plain("the document has no \"payload\" member".into()))?;
    Ok((header, claims))
}

#[cfg(test)]
mod tests;
