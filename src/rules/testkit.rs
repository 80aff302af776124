//! Test helpers: build a `RuleInput` from `json!` values, evaluate, and assert on findings.

use serde_json::{Map, Value, json};

use super::{Campaign, PlaintextKind, RuleInput, RulesOutcome, TokenFacts, evaluate};
use crate::keys::KeyringFacts;
use crate::profile::{Profile, ProfileChoice};
use crate::report::{
    Attempt, AttemptResult, Finding, KeyFacts, Layer, LayerStatus, Severity, TokenKind,
};

/// 2024-01-01T00:00:00Z: the evaluation instant of every test.
pub const AT: i64 = 1_704_067_200;

pub fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

/// Everything a `RuleInput` borrows, owned.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub requested: ProfileChoice,
    pub kind: TokenKind,
    pub header: Map<String, Value>,
    /// The inner JWS header of a nested token.
    pub inner: Option<Map<String, Value>>,
    pub layers: Vec<Layer>,
    pub payload: Option<Value>,
    pub jwe_plaintext: Option<PlaintextKind>,
    pub duplicates: Vec<String>,
    pub verified_by: Option<KeyFacts>,
    pub keyring: KeyringFacts,
    pub at: i64,
    pub skew: i64,
    pub campaign: Option<Campaign>,
    /// The token as a whole: a JWT unless a test says otherwise.
    pub facts: TokenFacts,
}

pub fn layer(kind: TokenKind, header: &Map<String, Value>, status: LayerStatus) -> Layer {
    let s = |k: &str| header.get(k).and_then(Value::as_str).map(str::to_owned);
    Layer {
        kind,
        alg: s("alg"),
        enc: s("enc"),
        kid: s("kid"),
        status,
        key: None,
        key_facts: None,
        attempts: Vec::new(),
        detail: String::new(),
        header: header.clone(),
        content: None,
        kid_mismatch: false,
    }
}

/// The facts of a JWT found as it is.
fn jwt_facts() -> TokenFacts {
    TokenFacts {
        is_jwt: true,
        ..TokenFacts::default()
    }
}

impl Fixture {
    /// A plain JWS with this header and payload, verified, profile auto.
    pub fn jws(header: Value, payload: Value) -> Self {
        let header = obj(header);
        let layers = vec![layer(TokenKind::Jws, &header, LayerStatus::Valid)];
        Fixture {
            requested: ProfileChoice::Auto,
            kind: TokenKind::Jws,
            header,
            inner: None,
            layers,
            payload: Some(payload),
            jwe_plaintext: None,
            duplicates: Vec::new(),
            verified_by: None,
            keyring: KeyringFacts::default(),
            at: AT,
            skew: 60,
            campaign: None,
            facts: jwt_facts(),
        }
    }

    /// A JWE with this outer header. With `inner`, a nested JWS carrying `payload`; without,
    /// the plaintext is what `plaintext` says.
    pub fn jwe(
        outer: Value,
        inner: Option<Value>,
        payload: Value,
        plaintext: PlaintextKind,
    ) -> Self {
        let header = obj(outer);
        let inner = inner.map(obj);
        let mut layers = vec![layer(TokenKind::Jwe, &header, LayerStatus::Decrypted)];
        if let Some(h) = &inner {
            layers.push(layer(TokenKind::Jws, h, LayerStatus::Valid));
        }
        Fixture {
            requested: ProfileChoice::Auto,
            kind: TokenKind::Jwe,
            header,
            inner,
            layers,
            payload: Some(payload),
            jwe_plaintext: Some(plaintext),
            duplicates: Vec::new(),
            verified_by: None,
            keyring: KeyringFacts::default(),
            at: AT,
            skew: 60,
            campaign: None,
            facts: jwt_facts(),
        }
    }

    pub fn profile(mut self, p: Profile) -> Self {
        self.requested = ProfileChoice::Fixed(p);
        self
    }

    /// The key that verified the claims-carrying JWS (recorded on its layer too).
    pub fn verified_by(mut self, facts: KeyFacts) -> Self {
        if let Some(l) = self
            .layers
            .iter_mut()
            .rev()
            .find(|l| l.kind == TokenKind::Jws)
        {
            l.key = Some(facts.name.clone());
            l.key_facts = Some(facts.clone());
        }
        self.verified_by = Some(facts);
        self
    }

    pub fn campaign(mut self, c: Campaign) -> Self {
        self.campaign = Some(c);
        self
    }

    pub fn duplicates(mut self, d: &[&str]) -> Self {
        self.duplicates = d.iter().map(|s| s.to_string()).collect();
        self
    }

    pub fn refused(mut self, key: &str) -> Self {
        if let Some(l) = self
            .layers
            .iter_mut()
            .rev()
            .find(|l| l.kind == TokenKind::Jws)
        {
            l.status = LayerStatus::Unverified;
            l.attempts.push(Attempt {
                key: key.to_owned(),
                result: AttemptResult::PublicKeyAsHmacRefused,
                detail: String::from("public key offered for HS256"),
            });
        }
        self
    }

    pub fn eval(&self) -> RulesOutcome {
        let claims = self
            .payload
            .as_ref()
            .map(crate::token::tree::Json::from_value);
        let input = RuleInput {
            requested: self.requested,
            kind: self.kind,
            header: &self.header,
            jws_header: match self.kind {
                TokenKind::Jws => Some(&self.header),
                TokenKind::Jwe => self.inner.as_ref(),
            },
            layers: &self.layers,
            payload: claims.as_ref(),
            jwe_plaintext: self.jwe_plaintext,
            duplicates: &self.duplicates,
            verified_by: self.verified_by.as_ref(),
            keyring: &self.keyring,
            at: self.at,
            skew: self.skew,
            campaign: self.campaign.as_ref(),
            facts: &self.facts,
        };
        evaluate(&input)
    }
}

pub fn hs256() -> Value {
    json!({"alg": "HS256", "typ": "JWT"})
}

pub fn rs256() -> Value {
    json!({"alg": "RS256", "typ": "JWT"})
}

/// A Qualifio payload that breaks no rule, with `extra` members merged in (a `null` in
/// `extra` removes the member).
pub fn qpayload(extra: Value) -> Value {
    let mut base = obj(json!({
        "sub": "1234",
        "iat": AT - 60,
        "nbf": AT - 120,
        "exp": AT + 900,
        "campaignId": "123456",
        "limit": {"canPlay": true}
    }));
    for (k, v) in obj(extra) {
        if v.is_null() {
            base.remove(&k);
        } else {
            base.insert(k, v);
        }
    }
    Value::Object(base)
}

/// Evaluate a Qualifio token (HS256, profile qualifio) with this payload.
pub fn qualifio(payload: Value) -> RulesOutcome {
    Fixture::jws(hs256(), payload)
        .profile(Profile::Qualifio)
        .eval()
}

pub fn secret_key(name: &str, len: usize) -> KeyFacts {
    KeyFacts {
        name: name.to_owned(),
        key_type: "secret",
        visibility: "secret",
        profile: None,
        from_jwks: false,
        pkcs1: false,
        secret_len: Some(len),
        kid: None,
        rsa_bits: None,
    }
}

pub fn rsa_public(name: &str) -> KeyFacts {
    KeyFacts {
        name: name.to_owned(),
        key_type: "rsa",
        visibility: "public",
        profile: None,
        from_jwks: false,
        pkcs1: false,
        secret_len: None,
        kid: None,
        rsa_bits: Some(2048),
    }
}

/// The only finding with this id (fails when there is none or several).
#[track_caller]
pub fn one<'o>(out: &'o RulesOutcome, id: &str) -> &'o Finding {
    let found: Vec<&Finding> = out.findings.iter().filter(|f| f.id == id).collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {id}, findings: {:#?}",
        out.findings
    );
    found[0]
}

/// Exactly one finding `id`, with this severity and claim.
#[track_caller]
pub fn expect<'o>(out: &'o RulesOutcome, id: &str, severity: Severity, claim: &str) -> &'o Finding {
    let f = one(out, id);
    assert_eq!(f.severity, severity, "severity of {id}");
    assert_eq!(f.claim, claim, "claim of {id}");
    assert!(!f.source.is_empty() && !f.message.is_empty());
    assert!(!f.message.contains('\n'), "{id}: message must be one line");
    f
}

#[track_caller]
pub fn absent(out: &RulesOutcome, id: &str) {
    assert!(
        !out.findings.iter().any(|f| f.id == id),
        "unexpected {id}: {:#?}",
        out.findings
    );
}

/// No finding at all but those listed.
#[track_caller]
pub fn only(out: &RulesOutcome, allowed: &[&str]) {
    let extra: Vec<&Finding> = out
        .findings
        .iter()
        .filter(|f| !allowed.contains(&f.id.as_str()))
        .collect();
    assert!(extra.is_empty(), "unexpected findings: {extra:#?}");
}

#[track_caller]
pub fn no_errors(out: &RulesOutcome) {
    let errors: Vec<&Finding> = out
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "unexpected errors: {errors:#?}");
}

/// Exactly one finding `id` at `claim`, with this severity (other claims may have the id too).
#[track_caller]
pub fn expect_at<'o>(
    out: &'o RulesOutcome,
    id: &str,
    severity: Severity,
    claim: &str,
) -> &'o Finding {
    let found: Vec<&Finding> = out
        .findings
        .iter()
        .filter(|f| f.id == id && f.claim == claim)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {id} at {claim}, findings: {:#?}",
        out.findings
    );
    assert_eq!(found[0].severity, severity, "severity of {id}");
    found[0]
}
