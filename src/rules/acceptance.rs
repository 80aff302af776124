//! Acceptance fails closed (RULES.md section 2): every check that failed, or that tokenscope
//! could not make, is a finding, and so is every reason the token is not what it seems
//! (encrypted but signed nowhere, nested past the limit, claims that do not read, a secret
//! that is really a key, a token hidden in another URL parameter). They run last, so that a
//! layer already explained by another rule (alg none, crit, algorithm confusion) gets no
//! second finding.

use std::borrow::Cow;

use super::text::quote;
use super::{Ctx, ids};
use crate::jose::needs_secret;
use crate::profile::Profile;
use crate::report::{Finding, Layer, LayerStatus, Overall, Severity, TokenKind};

pub(crate) fn check(ctx: &mut Ctx<'_, '_>) {
    let input = ctx.input;
    secrets_that_are_keys(ctx);
    key_quality(ctx);
    for (i, layer) in input.layers.iter().enumerate() {
        layer_findings(ctx, i, layer);
    }
    unauthenticated(ctx);
    let facts = input.facts;
    if let Some(i) = facts.too_deep {
        ctx.report(
            &ids::GENERIC_NESTING_TOO_DEEP,
            format!("/layers/{i}"),
            format!(
                "the token nests more than {} layers: layer {i}'s content is another token that tokenscope did not open, so its signature and claims were never checked; send a token with fewer layers (a JWE around a signed JWS)",
                crate::limits::MAX_DEPTH
            ),
        );
    }
    if let Some(problem) = &facts.claims_problem {
        ctx.report(
            &ids::GENERIC_CLAIMS_UNREADABLE,
            "",
            format!(
                "the token is a JWT but its claims do not read as a JSON object: {problem}; the rules ran on what could be read. Send the claims as one UTF-8 JSON object and nothing else"
            ),
        );
    }
    if let Some(param) = &facts.swallowed_by {
        let platform = ctx.profile != Profile::Generic;
        let mut finding = ids::GENERIC_URL_PARAMETER_SWALLOWED.at(
            "",
            format!(
                "the token's parameter sits inside the value of the URL parameter {} (the URL has a second '?'): a standard URL parser sees no token parameter, so the platform receives no token; join it with '&' instead of '?'",
                quote(param)
            ),
        );
        if !platform {
            finding.severity = Severity::Warning;
        }
        ctx.findings.push(finding);
    }
    if facts.other_tokens > 0 {
        let total = facts.other_tokens + 1;
        let which = match facts.token_index {
            0 => String::from("the first"),
            i => format!("token {}", i + 1),
        };
        ctx.report(
            &ids::GENERIC_INTAKE_SEVERAL_TOKENS,
            "",
            format!(
                "the pasted text holds {total} tokens: {which} is inspected; `--index N` (1 to {total}) picks another"
            ),
        );
    }
}

/// Findings that say why a layer did not verify: such a layer gets no second finding.
const EXPLAIN_A_LAYER: &[&str] = &[
    ids::GENERIC_ALG_NONE.id,
    ids::GENERIC_ALG_CONFUSION.id,
    ids::GENERIC_CRIT_UNKNOWN.id,
    ids::GENERIC_CRIT_INVALID.id,
    ids::GENERIC_KEY_SECRET_IS_KEY.id,
];

/// RULES.md section 2, Keys: a secret that is really key material is an error whenever a
/// layer takes a shared secret, whichever key verified it and whatever the keys' order.
fn secrets_that_are_keys(ctx: &mut Ctx<'_, '_>) {
    let names = &ctx.input.keyring.secrets_that_are_keys;
    if names.is_empty() {
        return;
    }
    let layer = ctx.input.layers.iter().enumerate().find(|(_, l)| {
        let alg = l.alg.as_deref().unwrap_or_default();
        match l.kind {
            TokenKind::Jws => alg.starts_with("HS"),
            TokenKind::Jwe => needs_secret(alg),
        }
    });
    let Some((i, _)) = layer else {
        return;
    };
    let names = names
        .iter()
        .map(|k| quote(k))
        .collect::<Vec<_>>()
        .join(", ");
    ctx.report(
        &ids::GENERIC_KEY_SECRET_IS_KEY,
        format!("{}/alg", header_prefix(i)),
        format!(
            "the secret {names} is really a public or private key (PEM, DER or JWK): tokenscope never uses key material as a shared secret (algorithm confusion), so the token is not accepted; pass the key with --key-file, or the real shared secret with --secret"
        ),
    );
}

/// RULES.md section 2, Keys: a key from a JWKS that holds its private part (or is a shared
/// secret), and an RSA key under 2048 bits, are warned about where they opened a layer.
fn key_quality(ctx: &mut Ctx<'_, '_>) {
    for (i, layer) in ctx.input.layers.iter().enumerate() {
        let Some(k) = &layer.key_facts else {
            continue;
        };
        let claim = format!("{}/alg", header_prefix(i));
        if k.from_jwks && k.visibility != "public" {
            ctx.report(
                &ids::GENERIC_KEY_JWKS_PRIVATE,
                claim.clone(),
                format!(
                    "key {} came from a JWKS as a {} key: a JWKS publishes public keys only, so whoever serves it can sign or decrypt as you; publish the public half and keep the rest private",
                    quote(&k.name),
                    k.visibility
                ),
            );
        }
        if let Some(bits) = k.rsa_bits.filter(|b| *b < 2048) {
            ctx.report(
                &ids::GENERIC_KEY_RSA_SHORT,
                claim,
                format!(
                    "key {} is RSA-{bits}: RSA keys of fewer than 2048 bits can be factored; use RSA-2048 or more (tokenscope keys gen)",
                    quote(&k.name)
                ),
            );
        }
    }
}

/// The pointer prefix of a layer's header.
fn header_prefix(i: usize) -> Cow<'static, str> {
    match i {
        0 => Cow::Borrowed("/header"),
        i => Cow::Owned(format!("/layers/{i}/header")),
    }
}

/// One finding for a layer that did not verify or decrypt, unless a rule already reported
/// an error about its header.
fn layer_findings(ctx: &mut Ctx<'_, '_>, i: usize, layer: &Layer) {
    if layer.status.is_ok() {
        return;
    }
    let prefix = header_prefix(i);
    let explained = ctx.findings.iter().any(|f| {
        EXPLAIN_A_LAYER.contains(&f.id.as_str())
            && f.claim
                .strip_prefix(prefix.as_ref())
                .is_some_and(|rest| rest.starts_with('/'))
    });
    if explained {
        return;
    }
    let which = match i {
        0 => String::from("the token"),
        i => format!("layer {i}"),
    };
    let detail = &layer.detail;
    let (spec, member, message) = match (layer.kind, layer.status) {
        (_, _) if layer.kid_mismatch => (
            &ids::GENERIC_KID_MISMATCH,
            "kid",
            format!(
                "{which}: {detail}; kid selects the key here, so it is not accepted: send the kid of the key that signed it, or store the key under that kid"
            ),
        ),
        (TokenKind::Jws, LayerStatus::Invalid) => (
            &ids::GENERIC_SIGNATURE_INVALID,
            "alg",
            format!("{which}: {detail}"),
        ),
        (TokenKind::Jws, LayerStatus::Unverified) => (
            &ids::GENERIC_SIGNATURE_UNVERIFIED,
            "alg",
            format!(
                "{which}: the signature was not checked, so the token is not accepted: {detail}"
            ),
        ),
        (TokenKind::Jwe, LayerStatus::Failed) => (
            &ids::GENERIC_JWE_DECRYPTION_FAILED,
            "enc",
            format!("{which}: {detail}"),
        ),
        (TokenKind::Jwe, LayerStatus::NoKey) => (
            &ids::GENERIC_JWE_NO_KEY,
            "alg",
            format!(
                "{which}: the JWE was not decrypted, so nothing inside it was checked: {detail}"
            ),
        ),
        (_, _) => (
            &ids::GENERIC_ALG_UNSUPPORTED,
            "alg",
            format!("{which}: {detail}, so it was not checked"),
        ),
    };
    ctx.report(spec, format!("{prefix}/{member}"), message);
}

/// RULES.md section 2: a JWT is authenticated by a JWS verified at some layer, or by a JWE
/// whose key management needs a secret. A JWE made with a public key around content that no
/// JWS signs proves nothing about who made it. A token with a JWS inside gets its JWS's
/// status instead, and a layer that did not open gets its own finding.
fn unauthenticated(ctx: &mut Ctx<'_, '_>) {
    let layers = ctx.input.layers;
    let all_open = !layers.is_empty() && layers.iter().all(|l| l.status.is_ok());
    if !all_open || layers.iter().any(|l| l.kind == TokenKind::Jws) {
        return;
    }
    let secret_layer = layers
        .iter()
        .any(|l| needs_secret(l.alg.as_deref().unwrap_or_default()));
    if secret_layer {
        return;
    }
    let algs: Vec<&str> = layers.iter().filter_map(|l| l.alg.as_deref()).collect();
    let algs = algs.join(", ");
    if ctx.input.facts.is_jwt {
        ctx.report(
            &ids::GENERIC_JWE_UNSIGNED_JWT,
            "/header/alg",
            format!(
                "the claims are encrypted with a public key ({algs}) and signed nowhere: anyone holding the public key can make such a token, so it is not accepted; sign the claims (a JWS) and encrypt that JWS"
            ),
        );
    } else {
        ctx.report(
            &ids::GENERIC_JWE_UNAUTHENTICATED,
            "/header/alg",
            format!(
                "the content is encrypted with a public key ({algs}) and signed nowhere: it is confidential, but anyone holding the public key could have made it"
            ),
        );
    }
}

/// Overall state, as the status bar and exit code see it: accepted; rejected when a layer
/// failed or an error finding says the token is wrong; else not verified.
pub fn overall(accepted: bool, layers: &[Layer], findings: &[Finding]) -> Overall {
    if accepted {
        return Overall::Accepted;
    }
    let failed = layers.iter().any(|l| l.status.is_failure());
    // A check tokenscope could not make (no key fits, an alg it does not implement) is
    // an error finding that keeps the token from being accepted, but it is "not
    // verified" (exit 3), not "rejected".
    let error = findings
        .iter()
        .any(|f| f.severity == Severity::Error && !ids::NOT_CHECKED.contains(&f.id.as_str()));
    if failed || error {
        Overall::Rejected
    } else {
        Overall::NotVerified
    }
}
