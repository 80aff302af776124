//! Building the claims of a test token: edits by dotted path (`--set`, `--unset`), the
//! expiry (`--exp`), starting templates per platform and the Qualifio scenario matrix. Pure:
//! the caller passes the instant. Signing itself is `jose::mint`, packaging is `export`.

pub mod scenarios;

use serde_json::{Map, Value, json};
use thiserror::Error;

use crate::jose::mint::signing_algs;
use crate::keys::Key;
use crate::profile::Profile;
use crate::rules::RuleSpec;
use crate::rules::ids;

/// Why the claims could not be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ClaimsError {
    #[error("--set '{0}': expected PATH=VALUE, e.g. gift.cw=true or campaignId='\"123\"'")]
    NoEquals(String),
    #[error("path '{0}' has an empty member name (paths are dotted: limit.nb)")]
    EmptySegment(String),
    #[error("the claims are {0}, not a JSON object: members cannot be set or removed")]
    NotObject(String),
    #[error("cannot reach '{path}': '{at}' is {found}, not an object")]
    NotObjectAt {
        path: String,
        at: String,
        found: String,
    },
    #[error(
        "invalid --exp '{0}': expected +30m, +2h, +1d, +45s, -1m (relative to now), RFC 3339 like 2030-01-01T00:00:00Z, or unix seconds"
    )]
    Exp(String),
}

/// Split a dotted path into member names. Every segment must be non-empty.
pub fn parse_path(path: &str) -> Result<Vec<String>, ClaimsError> {
    let segments: Vec<String> = path.split('.').map(str::to_string).collect();
    if segments.iter().any(String::is_empty) {
        return Err(ClaimsError::EmptySegment(path.to_string()));
    }
    Ok(segments)
}

/// `PATH=VALUE`: VALUE is JSON when it parses as JSON (`true`, `3`, `"123"`, `{"a":1}`),
/// else the text as a string (`Prize`, and the empty string for `gift.label=`).
pub fn parse_set(arg: &str) -> Result<(Vec<String>, Value), ClaimsError> {
    let (path, raw) = arg
        .split_once('=')
        .ok_or_else(|| ClaimsError::NoEquals(arg.to_string()))?;
    let path = parse_path(path.trim())?;
    let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
    Ok((path, value))
}

fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Set the member at `path`, creating the objects on the way (an existing member keeps its
/// place; a new one goes last).
pub fn set_path(claims: &mut Value, path: &[String], value: Value) -> Result<(), ClaimsError> {
    let joined = path.join(".");
    let Value::Object(map) = claims else {
        return Err(ClaimsError::NotObject(kind(claims)));
    };
    // Check the whole path first, so a failed edit leaves the claims as they were.
    let mut current: &Map<String, Value> = map;
    for (depth, name) in path.iter().enumerate().take(path.len().saturating_sub(1)) {
        match current.get(name) {
            None => break,
            Some(Value::Object(inner)) => current = inner,
            Some(other) => {
                return Err(ClaimsError::NotObjectAt {
                    path: joined.clone(),
                    at: path[..=depth].join("."),
                    found: kind(other),
                });
            }
        }
    }
    set_in(map, path, value, &joined, 0)
}

fn set_in(
    map: &mut Map<String, Value>,
    path: &[String],
    value: Value,
    joined: &str,
    depth: usize,
) -> Result<(), ClaimsError> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    if rest.is_empty() {
        map.insert(first.clone(), value);
        return Ok(());
    }
    let child = map
        .entry(first.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    match child {
        Value::Object(inner) => set_in(inner, rest, value, joined, depth + 1),
        other => Err(ClaimsError::NotObjectAt {
            path: joined.to_string(),
            at: joined
                .split('.')
                .take(depth + 1)
                .collect::<Vec<_>>()
                .join("."),
            found: kind(other),
        }),
    }
}

/// Remove the member at `path`; Ok(false) when it was not there.
pub fn unset_path(claims: &mut Value, path: &[String]) -> Result<bool, ClaimsError> {
    let Value::Object(map) = claims else {
        return Err(ClaimsError::NotObject(kind(claims)));
    };
    let Some((last, parents)) = path.split_last() else {
        return Ok(false);
    };
    let mut current = map;
    for name in parents {
        match current.get_mut(name) {
            Some(Value::Object(inner)) => current = inner,
            _ => return Ok(false),
        }
    }
    // shift_remove keeps the order of the remaining members.
    Ok(current.shift_remove(last).is_some())
}

/// `--exp`: `+30m`, `+2h`, `+1d`, `+45s`, `+1w`, `-1m` relative to `now`; RFC 3339; or unix
/// seconds.
pub fn parse_exp(text: &str, now: i64) -> Result<i64, ClaimsError> {
    let t = text.trim();
    let bad = || ClaimsError::Exp(text.to_string());
    if let Some(sign) = t.chars().next().filter(|c| *c == '+' || *c == '-') {
        let body = &t[1..];
        if let Some(unit) = body.chars().last().filter(char::is_ascii_alphabetic) {
            let amount: i64 = body[..body.len() - 1].parse().map_err(|_| bad())?;
            let scale = match unit {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                'w' => 7 * 86_400,
                _ => return Err(bad()),
            };
            let delta = amount.checked_mul(scale).ok_or_else(bad)?;
            let delta = if sign == '-' { -delta } else { delta };
            return now.checked_add(delta).ok_or_else(bad);
        }
        // `+30` without a unit is ambiguous: refuse rather than read it as unix seconds.
        return Err(bad());
    }
    crate::time::parse_instant(t).map_err(|_| bad())
}

/// Apply `--set` edits, then `--unset`, then `--exp`.
pub fn edit_claims(
    claims: &mut Value,
    sets: &[(Vec<String>, Value)],
    unsets: &[Vec<String>],
    exp: Option<i64>,
) -> Result<(), ClaimsError> {
    for (path, value) in sets {
        set_path(claims, path, value.clone())?;
    }
    for path in unsets {
        unset_path(claims, path)?;
    }
    if let Some(exp) = exp {
        set_path(claims, &["exp".to_string()], json!(exp))?;
    }
    Ok(())
}

/// The claims bytes a JWS carries: compact JSON, members in the order they were given.
pub fn claims_bytes(claims: &Value) -> Vec<u8> {
    // Serialising a Value cannot fail (its keys are strings).
    serde_json::to_vec(claims).unwrap_or_default()
}

/// A starting claims object that passes its profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// Qualifio: the participant may play and wins a given prize.
    QualifioWinner,
    /// Qualifio: the participant may not play (`canPlay: false`).
    QualifioBlocked,
    /// Qualifio: three participations allowed.
    QualifioLimited,
    /// Adictiz Box SSO: `partnerUserID` and normalised fields.
    Adictiz,
    /// Xtremepush loyalty widget: `sub` and `exp` (sign with RS256).
    Xtremepush,
}

impl Template {
    pub const ALL: [Template; 5] = [
        Template::QualifioWinner,
        Template::QualifioBlocked,
        Template::QualifioLimited,
        Template::Adictiz,
        Template::Xtremepush,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Template::QualifioWinner => "qualifio-winner",
            Template::QualifioBlocked => "qualifio-blocked",
            Template::QualifioLimited => "qualifio-limited",
            Template::Adictiz => "adictiz",
            Template::Xtremepush => "xtremepush",
        }
    }

    /// The profile the claims are made to pass.
    pub fn profile(self) -> Profile {
        match self {
            Template::QualifioWinner | Template::QualifioBlocked | Template::QualifioLimited => {
                Profile::Qualifio
            }
            Template::Adictiz => Profile::Adictiz,
            Template::Xtremepush => Profile::Xtremepush,
        }
    }

    /// The alg rule of the platform the claims are made for (RULES.md 3, 4, 5).
    pub fn alg_rule(self) -> AlgRule {
        match self.profile() {
            Profile::Adictiz => AlgRule {
                algs: &["HS256"],
                rejects_others: false,
                rule: "Adictiz Box signs with the campaign's or the account's HMAC key, HS256 is expected",
                spec: &ids::ADICTIZ_ALG,
                key_hint: "the campaign's or the account's HMAC secret",
            },
            Profile::Xtremepush => AlgRule {
                algs: &["RS256"],
                rejects_others: true,
                rule: "the Xtremepush loyalty widget only accepts RS256",
                spec: &ids::XTREMEPUSH_ALG,
                key_hint: "the RSA private key whose public key is uploaded in the Loyalty Hub (`tokenscope keys gen NAME --type rsa2048` makes one)",
            },
            _ => AlgRule {
                algs: &[
                    "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512",
                ],
                rejects_others: true,
                rule: "Qualifio verifies RS256/384/512, ES256/384/512 and HS256/384/512 only",
                spec: &ids::QUALIFIO_ALG,
                key_hint: "an RSA private key, an EC P-256, P-384 or P-521 private key, or an HMAC secret",
            },
        }
    }

    /// The claims, issued at `now` and expiring a day later.
    pub fn claims(self, now: i64) -> Value {
        let exp = now.saturating_add(86_400);
        match self {
            Template::QualifioWinner | Template::QualifioBlocked | Template::QualifioLimited => {
                // 000 "Usual fields": nbf "a few minutes before the iat".
                let mut claims = json!({
                    "sub": "user-1234",
                    "iss": "tokenscope",
                    "campaignId": "123456",
                    "iat": now,
                    "nbf": now.saturating_sub(300),
                    "exp": exp,
                });
                let extra = match self {
                    Template::QualifioWinner => json!({
                        "limit": {"canPlay": true},
                        "gift": {"cw": true, "label": "Weekend for two"},
                    }),
                    Template::QualifioBlocked => json!({"limit": {"canPlay": false}}),
                    _ => json!({"limit": {"canPlay": true, "nb": 3}}),
                };
                if let (Some(map), Value::Object(extra)) = (claims.as_object_mut(), extra) {
                    map.extend(extra);
                }
                claims
            }
            Template::Adictiz => json!({
                "partnerUserID": "user-1234",
                "email": "jane.doe@example.com",
                "firstname": "Jane",
                "lastname": "Doe",
                "iat": now,
                "exp": exp,
            }),
            Template::Xtremepush => json!({
                "sub": "user-1234",
                "iat": now,
                "exp": exp,
            }),
        }
    }
}

/// How a platform constrains the JWS alg, as `sign --template` applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgRule {
    /// The algs the platform takes.
    pub algs: &'static [&'static str],
    /// Whether the platform rejects every other alg (Qualifio, Xtremepush: an error finding).
    /// Adictiz only expects HS256: 003 also names RSA and ECDSA (RULES.md 4), so another alg
    /// is signed with a note.
    pub rejects_others: bool,
    /// The rule, one clause, for messages.
    pub rule: &'static str,
    /// The finding `inspect` reports for another alg: its id and source are quoted.
    pub spec: &'static RuleSpec,
    /// What to sign with instead.
    pub key_hint: &'static str,
}

impl AlgRule {
    /// `the rule (id, source)`.
    fn cited(&self) -> String {
        format!("{} ({}: {})", self.rule, self.spec.id, self.spec.source)
    }
}

/// `sign --template T`'s alg: what to sign with and what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateAlg {
    /// The alg to ask for when none was requested: the key's first alg the platform takes.
    pub alg: Option<&'static str>,
    /// An explicit alg the platform rejects: printed as a warning once the token is signed.
    pub warning: Option<String>,
    /// An alg the platform does not expect but takes (Adictiz): printed as a note.
    pub note: Option<String>,
}

/// A template whose platform fixes the alg, and a key that signs none of its algs.
#[derive(Debug, Error, PartialEq, Eq)]
#[error(
    "--template {template}: key '{key}' ({what}) cannot sign {wanted} (it signs {signs}): {rule}; sign with {hint}, or name the alg with --alg to make a token the platform will reject on purpose"
)]
pub struct TemplateAlgError {
    pub template: &'static str,
    pub key: String,
    pub what: String,
    /// The platform's one alg, or `any alg the platform takes`.
    pub wanted: String,
    /// The algs the key signs, or `no JWS alg`.
    pub signs: String,
    pub rule: String,
    pub hint: &'static str,
}

/// `a shared secret`, `an RSA-2048 key`, `an EC P-256 key`, `an Ed25519 key`.
fn key_kind(key: &Key) -> String {
    crate::keys::describe(key).kind_in_sentence()
}

/// Apply the template's platform alg rule to signing with `key`. `requested` is the alg asked
/// for explicitly (`--alg`, else the header file's `alg`), named `requested_by` in messages.
///
/// Without a request, the key's first alg the platform takes is used; a key that signs none is
/// refused where the platform rejects other algs. A request outside the platform's list is an
/// override: signed, with a warning that the platform will reject the token (a note for
/// Adictiz, which only expects HS256). Whether the key can sign the alg is `sign_jws`'s check.
pub fn template_alg(
    template: Template,
    key: &Key,
    requested: Option<(&str, &str)>,
) -> Result<TemplateAlg, Box<TemplateAlgError>> {
    let rule = template.alg_rule();
    let platform = template.profile().as_str();
    if let Some((alg, requested_by)) = requested {
        let mut out = TemplateAlg {
            alg: None,
            warning: None,
            note: None,
        };
        if !rule.algs.contains(&alg) {
            if rule.rejects_others {
                out.warning = Some(format!(
                    "{requested_by} '{alg}' overrides the {platform} template's alg: {}, so the platform will reject this token",
                    rule.cited()
                ));
            } else {
                out.note = Some(format!("{requested_by} '{alg}': {}", rule.cited()));
            }
        }
        return Ok(out);
    }
    let signs = signing_algs(key);
    if let Some(alg) = signs.iter().copied().find(|a| rule.algs.contains(a)) {
        return Ok(TemplateAlg {
            alg: Some(alg),
            warning: None,
            note: None,
        });
    }
    if rule.rejects_others {
        return Err(Box::new(TemplateAlgError {
            template: template.name(),
            key: key.name.clone(),
            what: key_kind(key),
            wanted: match rule.algs {
                [one] => one.to_string(),
                _ => "any alg the platform takes".to_string(),
            },
            signs: if signs.is_empty() {
                "no JWS alg".to_string()
            } else {
                signs.join(", ")
            },
            rule: rule.cited(),
            hint: rule.key_hint,
        }));
    }
    Ok(TemplateAlg {
        alg: None,
        warning: None,
        note: signs.first().map(|alg| {
            format!(
                "key '{}' ({}) signs {alg}: {}",
                key.name,
                key_kind(key),
                rule.cited()
            )
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Vec<String> {
        parse_path(p).unwrap()
    }

    #[test]
    fn set_values_parse_as_json_else_string() {
        assert_eq!(
            parse_set("gift.cw=true").unwrap(),
            (path("gift.cw"), json!(true))
        );
        assert_eq!(
            parse_set("limit.nb=3").unwrap(),
            (path("limit.nb"), json!(3))
        );
        assert_eq!(
            parse_set(r#"campaignId="123""#).unwrap(),
            (path("campaignId"), json!("123"))
        );
        assert_eq!(
            parse_set("gift.label=Weekend for two").unwrap().1,
            json!("Weekend for two")
        );
        assert_eq!(parse_set("gift.label=").unwrap().1, json!(""));
        assert_eq!(parse_set("x=a=b").unwrap().1, json!("a=b"));
        assert_eq!(parse_set("x={\"a\":1}").unwrap().1, json!({"a": 1}));
        assert!(matches!(
            parse_set("gift.cw"),
            Err(ClaimsError::NoEquals(_))
        ));
        assert!(matches!(
            parse_set("gift..cw=1"),
            Err(ClaimsError::EmptySegment(_))
        ));
    }

    #[test]
    fn set_and_unset_keep_member_order() {
        let mut c = json!({"sub": "1", "limit": {"canPlay": true, "nb": 1}, "exp": 5});
        set_path(&mut c, &path("limit.nb"), json!(3)).unwrap();
        set_path(&mut c, &path("gift.cw"), json!(false)).unwrap();
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"sub":"1","limit":{"canPlay":true,"nb":3},"exp":5,"gift":{"cw":false}}"#
        );
        assert!(unset_path(&mut c, &path("limit.canPlay")).unwrap());
        assert!(unset_path(&mut c, &path("sub")).unwrap());
        assert!(!unset_path(&mut c, &path("nothing.here")).unwrap());
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"limit":{"nb":3},"exp":5,"gift":{"cw":false}}"#
        );
        let err = set_path(&mut c, &path("exp.x"), json!(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot reach 'exp.x': 'exp' is the number 5, not an object"
        );
        // The claims survive a failed edit.
        assert_eq!(c["exp"], 5);
        let mut arr = json!([1]);
        assert!(matches!(
            set_path(&mut arr, &path("a"), json!(1)),
            Err(ClaimsError::NotObject(_))
        ));
        assert_eq!(arr, json!([1]));
    }

    #[test]
    fn exp_forms() {
        let now = 1_000_000;
        assert_eq!(parse_exp("+30m", now).unwrap(), now + 1800);
        assert_eq!(parse_exp("+2h", now).unwrap(), now + 7200);
        assert_eq!(parse_exp("+1d", now).unwrap(), now + 86_400);
        assert_eq!(parse_exp("+45s", now).unwrap(), now + 45);
        assert_eq!(parse_exp("-1m", now).unwrap(), now - 60);
        assert_eq!(
            parse_exp("2030-01-01T00:00:00Z", now).unwrap(),
            1_893_456_000
        );
        assert_eq!(parse_exp("1893456000", now).unwrap(), 1_893_456_000);
        for bad in ["+30", "+m", "+3y", "soon", "+99999999999999999d"] {
            assert!(parse_exp(bad, now).is_err(), "{bad}");
        }
    }

    #[test]
    fn edits_apply_in_order() {
        let mut c = json!({"sub": "1", "exp": 1});
        edit_claims(
            &mut c,
            &[(path("exp"), json!(2)), (path("gift.label"), json!("P"))],
            &[path("sub")],
            Some(10),
        )
        .unwrap();
        assert_eq!(claims_bytes(&c), br#"{"exp":10,"gift":{"label":"P"}}"#);
    }

    #[test]
    fn templates_are_objects_with_exp() {
        for t in Template::ALL {
            let c = t.claims(100);
            assert_eq!(c["exp"], 86_500, "{}", t.name());
            assert!(!t.alg_rule().algs.is_empty());
        }
        assert_eq!(
            Template::QualifioWinner.claims(0)["gift"],
            json!({"cw": true, "label": "Weekend for two"})
        );
    }

    #[test]
    fn template_alg_rules() {
        let secret = crate::keys::secret_key("s", zeroize::Zeroizing::new(vec![7u8; 32]));
        // Qualifio and Adictiz take HS256: a secret signs it, silently.
        for t in [Template::QualifioWinner, Template::Adictiz] {
            assert_eq!(
                template_alg(t, &secret, None).unwrap(),
                TemplateAlg {
                    alg: Some("HS256"),
                    warning: None,
                    note: None
                }
            );
        }
        // Xtremepush fixes RS256: a secret is refused, naming the rule and its source.
        let err = template_alg(Template::Xtremepush, &secret, None).unwrap_err();
        assert_eq!(err.wanted, "RS256");
        let text = err.to_string();
        assert!(
            text.contains("cannot sign RS256 (it signs HS256, HS384, HS512)"),
            "{text}"
        );
        assert!(text.contains(ids::XTREMEPUSH_ALG.source), "{text}");
        // An explicit alg outside the list is an override, with a warning.
        let o = template_alg(Template::Xtremepush, &secret, Some(("HS256", "--alg"))).unwrap();
        assert_eq!(o.alg, None);
        assert!(
            o.warning
                .unwrap()
                .contains("the platform will reject this token")
        );
        assert_eq!(
            template_alg(Template::QualifioBlocked, &secret, Some(("HS512", "--alg"))).unwrap(),
            TemplateAlg {
                alg: None,
                warning: None,
                note: None
            }
        );
        // Adictiz only expects HS256 (RULES.md 4): another alg is a note, never refused.
        let o = template_alg(Template::Adictiz, &secret, Some(("HS512", "--alg"))).unwrap();
        assert_eq!((o.alg, o.warning), (None, None));
        assert!(o.note.unwrap().contains(ids::ADICTIZ_ALG.id));
        // A key's allowed algs are honoured.
        let mut only_hs512 = crate::keys::secret_key("k", zeroize::Zeroizing::new(vec![7u8; 64]));
        only_hs512.algs = vec!["HS512".into()];
        assert_eq!(
            template_alg(Template::QualifioWinner, &only_hs512, None)
                .unwrap()
                .alg,
            Some("HS512")
        );
        assert!(
            template_alg(Template::Adictiz, &only_hs512, None)
                .unwrap()
                .note
                .unwrap()
                .contains("signs HS512")
        );
    }
}
