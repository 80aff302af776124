//! Campaign files (RULES.md section 6): an optional description of one campaign, given with
//! `--campaign FILE`, so the rules can check a token against it.
//!
//! # Format
//!
//! TOML (`.toml`) or JSON (`.json`); any other extension is tried as TOML, then JSON. Unknown
//! keys are errors, so a typo is caught instead of silently ignored. Every key but `id` is
//! optional.
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `id` | string | the campaign's id: a Qualifio token's `campaignId` must equal it |
//! | `profile` | `qualifio` \| `adictiz` \| `xtremepush` \| `generic` | platform; in `--profile auto` it decides the profile |
//! | `signature` | `jwks` \| `public_key` \| `hmac` | how the platform verifies: `jwks` makes `kid` mandatory (Qualifio), `hmac` expects HS*, the others RS*/ES* |
//! | `keys` | array of strings | names of the stored keys meant for this campaign (a JWKS member `store#kid` matches `store`) |
//! | `jwe` | boolean | whether the platform expects the token encrypted (JWE `dir`) |
//! | `form` | table: variable -> array of strings | known form variables and their allowed values; an empty array accepts any value |
//! | `optins` | array of strings | known optin variable names |
//! | `prizes` | non-negative integer | prizes in the campaign (0: a winning token cannot win anything) |
//!
//! ```toml
//! id = "123456"
//! profile = "qualifio"
//! signature = "public_key"
//! keys = ["qualifio-prod"]
//! jwe = false
//! optins = ["newsletter", "partners"]
//! prizes = 3
//!
//! [form]
//! firstname = []
//! country = ["BE", "FR", "NL"]
//! ```
//!
//! The same campaign in JSON:
//!
//! ```json
//! {"id": "123456", "profile": "qualifio", "signature": "public_key", "keys": ["qualifio-prod"],
//!  "jwe": false, "optins": ["newsletter", "partners"], "prizes": 3,
//!  "form": {"firstname": [], "country": ["BE", "FR", "NL"]}}
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::text::quote;
use super::{Ctx, Verdict, WinOutcome, ids};
use crate::profile::Profile;
use crate::report::TokenKind;

/// How the platform verifies the campaign's tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureMethod {
    /// A JWKS (file or endpoint): `kid` is mandatory for Qualifio.
    Jwks,
    /// A public key (RS*/ES*).
    PublicKey,
    /// A shared secret (HS*).
    Hmac,
}

impl SignatureMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureMethod::Jwks => "jwks",
            SignatureMethod::PublicKey => "public_key",
            SignatureMethod::Hmac => "hmac",
        }
    }
}

/// One campaign, as described by a `--campaign` file (TOML or JSON). See the module docs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub id: String,
    #[serde(default)]
    pub profile: Option<Profile>,
    #[serde(default)]
    pub signature: Option<SignatureMethod>,
    #[serde(default)]
    pub keys: Vec<String>,
    #[serde(default)]
    pub jwe: Option<bool>,
    /// Form variable -> allowed values (empty: any value).
    #[serde(default)]
    pub form: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    pub optins: Option<Vec<String>>,
    #[serde(default)]
    pub prizes: Option<u64>,
    /// Adictiz (003 "Pré-requis"): the stored key of the campaign itself, and the account's
    /// key, which stops working for a campaign once it has its own.
    #[serde(default)]
    pub campaign_key: Option<String>,
    #[serde(default)]
    pub account_key: Option<String>,
}

/// Why a campaign file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error("campaign file '{}': {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("campaign file '{}': {format} error at line {line}, column {column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        /// `TOML` or `JSON`.
        format: &'static str,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("campaign file '{}': {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

impl Campaign {
    /// Read a campaign file: TOML or JSON by extension, else TOML then JSON.
    pub fn from_path(path: &Path) -> Result<Campaign, CampaignError> {
        let text = crate::limits::read_file_to_string(path, crate::limits::CAMPAIGN_FILE).map_err(
            |source| CampaignError::Read {
                path: path.to_owned(),
                source,
            },
        )?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("toml") => Campaign::from_toml(&text, path),
            Some("json") => Campaign::from_json(&text, path),
            _ => Campaign::from_toml(&text, path).or_else(|toml_err| {
                // A file that looks like JSON reports the JSON error; otherwise the TOML one.
                if text.trim_start().starts_with('{') {
                    Campaign::from_json(&text, path)
                } else {
                    Campaign::from_json(&text, path).map_err(|_| toml_err)
                }
            }),
        }
    }

    /// Parse TOML text; `path` only names the file in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Campaign, CampaignError> {
        let campaign: Campaign = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|s| crate::text::line_col(text, s.start))
                .unwrap_or((1, 1));
            CampaignError::Parse {
                path: path.to_owned(),
                format: "TOML",
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        campaign.validate(path)
    }

    /// Parse JSON text; `path` only names the file in errors.
    pub fn from_json(text: &str, path: &Path) -> Result<Campaign, CampaignError> {
        let campaign: Campaign = serde_json::from_str(text).map_err(|e| CampaignError::Parse {
            path: path.to_owned(),
            format: "JSON",
            line: e.line(),
            column: e.column(),
            message: {
                // serde_json appends " at line L column C"; the variant says it already.
                let m = e.to_string();
                match m.rfind(" at line ") {
                    Some(i) => m[..i].to_owned(),
                    None => m,
                }
            },
        })?;
        campaign.validate(path)
    }

    fn validate(self, path: &Path) -> Result<Campaign, CampaignError> {
        let invalid = |message: String| CampaignError::Invalid {
            path: path.to_owned(),
            message,
        };
        if self.id.trim().is_empty() {
            return Err(invalid(String::from(
                "'id' is empty: give the campaign's id, e.g. id = \"123456\"",
            )));
        }
        if let Some(k) = self.keys.iter().find(|k| k.trim().is_empty()) {
            return Err(invalid(format!("'keys' has an empty name {}", quote(k))));
        }
        if let Some(form) = &self.form
            && form.keys().any(|k| k.trim().is_empty())
        {
            return Err(invalid(String::from("'form' has an empty variable name")));
        }
        if let Some(o) = self
            .optins
            .as_ref()
            .and_then(|o| o.iter().find(|o| o.trim().is_empty()))
        {
            return Err(invalid(format!("'optins' has an empty name {}", quote(o))));
        }
        Ok(self)
    }

    /// True when `key` (a key name as the key ring reports it) is one of the campaign's keys:
    /// a JWKS member `store#kid` belongs to the stored JWKS `store`.
    pub fn lists_key(&self, key: &str) -> bool {
        self.keys.iter().any(|k| {
            key == k
                || key
                    .strip_prefix(k.as_str())
                    .is_some_and(|rest| rest.starts_with('#'))
        })
    }
}

/// Checks of the token against the campaign file that do not belong to one platform's claims
/// (the Qualifio claims checks live in `qualifio`).
pub(crate) fn check(ctx: &mut Ctx<'_, '_>, verdict: &Verdict) {
    let input = ctx.input;
    let Some(c) = input.campaign else {
        return;
    };
    if let Some(p) = c.profile
        && p != ctx.profile
    {
        ctx.report(
            &ids::CAMPAIGN_PROFILE_MISMATCH,
            "",
            format!(
                "the campaign file says profile {p} but the token was checked as {}: pass --profile {p}, or use the campaign file of this platform",
                ctx.profile
            ),
        );
    }
    match (c.jwe, input.kind) {
        (Some(true), TokenKind::Jws) => ctx.report(
            &ids::CAMPAIGN_JWE_EXPECTED,
            "",
            format!(
                "campaign {} expects an encrypted token (JWE, alg dir) but this is a plain JWS: encrypt the signed JWS with the campaign's shared secret",
                quote(&c.id)
            ),
        ),
        (Some(false), TokenKind::Jwe) => ctx.report(
            &ids::CAMPAIGN_JWE_UNEXPECTED,
            "",
            format!(
                "campaign {} is not set up for encryption but the token is a JWE: send the signed JWS, or enable encryption for the campaign",
                quote(&c.id)
            ),
        ),
        _ => {}
    }
    if let (Some(method), Some((claim, alg))) = (c.signature, ctx.jws_alg())
        && !alg.eq_ignore_ascii_case("none")
    {
        let hmac = alg.starts_with("HS");
        let fits = match method {
            SignatureMethod::Hmac => hmac,
            SignatureMethod::Jwks | SignatureMethod::PublicKey => !hmac,
        };
        if !fits {
            let want = if hmac {
                "an RS*/ES* alg signed with the private key"
            } else {
                "an HS* alg signed with the shared secret"
            };
            ctx.report(
                &ids::CAMPAIGN_SIGNATURE_MISMATCH,
                claim,
                format!(
                    "alg is {} but campaign {} verifies with {}: send {want}",
                    quote(alg),
                    quote(&c.id),
                    method.as_str()
                ),
            );
        }
    }
    if !c.keys.is_empty()
        && let Some(k) = input.verified_by
        && !c.lists_key(&k.name)
    {
        ctx.report(
            &ids::CAMPAIGN_KEY_UNEXPECTED,
            "",
            format!(
                "the token verified with key '{}', which is not one of campaign {}'s keys ({}): is it signed for another campaign or environment?",
                k.name,
                quote(&c.id),
                c.keys.join(", ")
            ),
        );
    }
    // 001 "Manage prizes": a prize is only allocated if prizes are available.
    if c.prizes == Some(0)
        && matches!(
            verdict.win.outcome,
            WinOutcome::GivenPrize | WinOutcome::AnyPrize
        )
    {
        ctx.report(
            &ids::CAMPAIGN_PRIZES_NONE,
            "/gift",
            format!(
                "the token lets the participant win but campaign {} declares 0 prizes: nothing can be allocated; add prizes or send \"cw\": false",
                quote(&c.id)
            ),
        );
    }
}

#[cfg(test)]
mod tests;
