//! Every finding the rules engine can report, as data: stable id, severity, the claim it is
//! about, what it means and where the rule comes from. `ALL` is the table the README documents;
//! a finding is only ever built from one of these specs, so ids, severities and sources cannot
//! drift between the code and the documentation.

use crate::report::{Finding, Severity};

/// One kind of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSpec {
    /// Stable dotted lowercase id.
    pub id: &'static str,
    pub severity: Severity,
    /// The JSON pointer the finding is reported at (`<var>` marks a variable part; header
    /// pointers of an inner JWS are `/layers/<i>/header/...`).
    pub claim: &'static str,
    /// One line: what the finding means.
    pub meaning: &'static str,
    /// Document title and section, or RFC and section.
    pub source: &'static str,
}

impl RuleSpec {
    /// A finding of this kind about `claim`.
    pub fn at(&self, claim: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding::new(self.id, self.severity, claim, message, self.source)
    }
}

use Severity::{Error, Info, Warning};

// Sources: RULES.md cites the documents of shared/docs by file number; findings cite the
// document title and section, as docs/README.md lists them (`concat!` keeps the titles
// spelled once per line while staying `const`).

macro_rules! spec {
    ($name:ident, $id:literal, $sev:ident, $claim:literal, $meaning:literal, $source:expr) => {
        pub const $name: RuleSpec = RuleSpec {
            id: $id,
            severity: $sev,
            claim: $claim,
            meaning: $meaning,
            source: $source,
        };
    };
}

/// The `spec!`s written inside it, then `$list`: the list of them in the order they are
/// written, so that each id is written once and `ALL` is made of these lists.
macro_rules! specs {
    ($(#[$doc:meta])* $list:ident; $(spec!($name:ident, $($spec:tt)*);)*) => {
        $(spec!($name, $($spec)*);)*
        $(#[$doc])*
        const $list: &[RuleSpec] = &[$($name),*];
    };
}

// ---- Generic (RULES.md section 2) --------------------------------------------------------
specs! {
    /// The generic findings (RULES.md section 2), in documentation order.
    GENERIC;
    spec!(
        GENERIC_ALG_NONE,
        "generic.alg.none",
        Error,
        "/header/alg",
        "alg none (any letter case): the token is unsigned and never accepted",
        "RFC 8725 section 3.1"
    );
    spec!(
        GENERIC_ALG_CONFUSION,
        "generic.alg.confusion",
        Error,
        "/header/alg",
        "HS* token while the stored key is an RSA/EC/OKP public key: refused (algorithm confusion)",
        "RFC 8725 section 3.1"
    );
    spec!(
        GENERIC_HMAC_SHORT_SECRET,
        "generic.hmac.short_secret",
        Warning,
        "/header/alg",
        "the verifying HMAC secret is shorter than the hash output (32/48/64 bytes for HS256/384/512)",
        "RFC 7518 section 3.2"
    );
    spec!(
        GENERIC_HEADER_KEY_REFERENCE,
        "generic.header.key_reference",
        Warning,
        "/header/<jku|x5u|x5c|jwk>",
        "the header names or embeds a key: tokenscope never fetches or trusts it",
        "RFC 8725 section 3.10"
    );
    spec!(
        GENERIC_HEADER_MEMBER_TYPE,
        "generic.header.member_type",
        Error,
        "/header/<kid|typ|cty>",
        "kid, typ or cty is not a string (another JOSE library refuses to read such a header)",
        "RFC 7515 sections 4.1.4, 4.1.9 and 4.1.10"
    );
    spec!(
        GENERIC_CRIT_UNKNOWN,
        "generic.crit.unknown",
        Error,
        "/header/crit/<i>",
        "crit lists an extension tokenscope does not understand",
        "RFC 7515 section 4.1.11"
    );
    spec!(
        GENERIC_CRIT_INVALID,
        "generic.crit.invalid",
        Error,
        "/header/crit",
        "crit is not a non-empty array of names present in the header",
        "RFC 7515 section 4.1.11"
    );
    spec!(
        GENERIC_DUPLICATE_MEMBER,
        "generic.json.duplicate_member",
        Error,
        "<pointer>",
        "a member name appears twice in the header or payload JSON (parsers disagree on which wins)",
        "RFC 7519 section 4"
    );
    spec!(
        GENERIC_CLAIMS_NOT_OBJECT,
        "generic.claims.not_object",
        Error,
        "",
        "the token is a JWT but its payload is JSON that is not an object, so it is not a claims set",
        "RFC 7519 section 7.2"
    );
    spec!(
        GENERIC_TIME_TYPE,
        "generic.time.type",
        Error,
        "/<exp|nbf|iat>",
        "a time claim is not a JSON number (NumericDate, seconds)",
        "RFC 7519 section 2 (NumericDate)"
    );
    spec!(
        GENERIC_TIME_MILLISECONDS,
        "generic.time.milliseconds",
        Warning,
        "/<exp|nbf|iat>",
        "a time claim above 10^11 looks like milliseconds, not seconds",
        "RFC 7519 section 2 (NumericDate)"
    );
    spec!(
        GENERIC_EXP_EXPIRED,
        "generic.exp.expired",
        Error,
        "/exp",
        "exp <= evaluation instant - skew: the token has expired",
        "RFC 7519 section 4.1.4"
    );
    spec!(
        GENERIC_NBF_NOT_YET_VALID,
        "generic.nbf.not_yet_valid",
        Error,
        "/nbf",
        "nbf > evaluation instant + skew: the token is not valid yet",
        "RFC 7519 section 4.1.5"
    );
    spec!(
        GENERIC_IAT_FUTURE,
        "generic.iat.future",
        Warning,
        "/iat",
        "iat > evaluation instant + skew: issued in the future (issuer clock ahead?)",
        "RFC 7519 section 4.1.6"
    );
    spec!(
        GENERIC_EXP_BEFORE_IAT,
        "generic.exp.before_iat",
        Error,
        "/exp",
        "exp <= iat: the token was born expired",
        "RFC 7519 section 4.1.4"
    );
    spec!(
        GENERIC_EXP_MISSING,
        "generic.exp.missing",
        Warning,
        "/exp",
        "no exp: the token never expires",
        "RFC 8725 section 3 (bounded lifetimes), RFC 7519 section 4.1.4"
    );

    // ---- Acceptance fails closed (RULES.md section 2) ---------------------------------------
    // Every check that failed, or that tokenscope could not make, is a finding: a batch summary
    // counts them like any other.

    spec!(
        GENERIC_SIGNATURE_INVALID,
        "generic.signature.invalid",
        Error,
        "/header/alg",
        "the signature does not match any key that fits (wrong key, or the token was altered), or the JWS is malformed",
        "RFC 7515 section 5.2"
    );
    spec!(
        GENERIC_SIGNATURE_UNVERIFIED,
        "generic.signature.unverified",
        Error,
        "/header/alg",
        "no stored or one-off key fits the JWS, so its signature was not checked (exit 3: not verified)",
        concat!(
            "RFC 7515 section 5.2; ",
            "RULES.md section 2, Acceptance fails closed"
        )
    );
    spec!(
        GENERIC_ALG_UNSUPPORTED,
        "generic.alg.unsupported",
        Error,
        "/header/alg",
        "the layer uses an algorithm tokenscope does not implement, so it was not checked (exit 3: not verified)",
        "RULES.md section 2, Acceptance fails closed"
    );
    spec!(
        GENERIC_KID_MISMATCH,
        "generic.kid.mismatch",
        Error,
        "/header/kid",
        "the only key that verifies carries another kid than the token's, where kid selects the key",
        "RFC 7515 section 4.1.4"
    );
    spec!(
        GENERIC_JWE_DECRYPTION_FAILED,
        "generic.jwe.decryption_failed",
        Error,
        "/header/enc",
        "no key that fits decrypts the JWE (wrong key, or the token was altered)",
        "RFC 7516 section 5.2"
    );
    spec!(
        GENERIC_JWE_NO_KEY,
        "generic.jwe.no_key",
        Error,
        "/header/alg",
        "no stored or one-off key fits the JWE, so it was not decrypted (exit 3: not verified)",
        concat!(
            "RFC 7516 section 5.2; ",
            "RULES.md section 2, Acceptance fails closed"
        )
    );
    spec!(
        GENERIC_JWE_UNSIGNED_JWT,
        "generic.jwe.unsigned_jwt",
        Error,
        "/header/alg",
        "a JWT encrypted with a public key (RSA-OAEP, RSA1_5, ECDH-ES) and signed nowhere: anyone holding the public key can make one",
        "RULES.md section 2, Acceptance fails closed; RFC 7519 section 11.2"
    );
    spec!(
        GENERIC_JWE_UNAUTHENTICATED,
        "generic.jwe.unauthenticated",
        Warning,
        "/header/alg",
        "opaque content encrypted with a public key: confidential, but it says nothing about who made it",
        "RULES.md section 2, Acceptance fails closed"
    );
    spec!(
        GENERIC_NESTING_TOO_DEEP,
        "generic.nesting.too_deep",
        Error,
        "/layers/<i>",
        "the token nests more layers than tokenscope opens: the innermost were never checked",
        "RULES.md section 2, Acceptance fails closed"
    );
    spec!(
        GENERIC_CLAIMS_UNREADABLE,
        "generic.claims.unreadable",
        Error,
        "",
        "the token is a JWT but its claims are not a JSON object tokenscope can read (not UTF-8, not JSON, trailing bytes, too deep)",
        "RFC 7519 section 7.2; RULES.md section 2, Acceptance fails closed"
    );
    spec!(
        GENERIC_PAYLOAD_OPAQUE,
        "generic.payload.opaque",
        Info,
        "",
        "a JWS whose payload is not a JWT (no JWT marker, not JSON): shown as it is, no claim rule applies",
        "RFC 7515 section 3; RULES.md section 2, Acceptance fails closed"
    );
    spec!(
        GENERIC_KEY_SECRET_IS_KEY,
        "generic.key.secret_is_key",
        Error,
        "/header/alg",
        "a one-off or stored secret is really a public or private key (PEM, DER, JWK): never used as an HMAC secret",
        "RFC 8725 section 3.1; RULES.md section 2, Keys"
    );
    spec!(
        GENERIC_KEY_JWKS_PRIVATE,
        "generic.key.jwks_private",
        Warning,
        "/header/alg",
        "the key that opened the token came from a JWKS with its private part, or as a shared secret: a JWKS publishes public keys only",
        "RFC 7517 section 5; RULES.md section 2, Keys"
    );
    spec!(
        GENERIC_KEY_RSA_SHORT,
        "generic.key.rsa_short",
        Warning,
        "/header/alg",
        "the RSA key that opened the token is shorter than 2048 bits",
        "RFC 7518 section 3.3; RULES.md section 2, Keys"
    );
    spec!(
        GENERIC_URL_PARAMETER_SWALLOWED,
        "generic.url.parameter_swallowed",
        Error,
        "",
        "the token's URL parameter sits inside another parameter's value (a second '?'): the platform receives no token (a warning under the generic profile)",
        "RFC 3986 section 3.4; RULES.md section 2, Where the token was found"
    );
    spec!(
        GENERIC_INTAKE_SEVERAL_TOKENS,
        "generic.intake.several_tokens",
        Info,
        "",
        "the pasted text holds several tokens: the first is inspected, unless --index picks another",
        "RULES.md section 2, Where the token was found"
    );
}

// ---- Qualifio (RULES.md section 3) -------------------------------------------------------
specs! {
    /// The Qualifio findings (RULES.md section 3), in documentation order.
    QUALIFIO;
    spec!(
        QUALIFIO_ALG,
        "qualifio.alg",
        Error,
        "/header/alg",
        "alg is not one of RS256/384/512, ES256/384/512, HS256/384/512",
        concat!(
            "Qualifio \"Secure token\"",
            ", Validation methods and algorithms"
        )
    );
    spec!(
        QUALIFIO_KID_MISSING,
        "qualifio.kid.missing",
        Error,
        "/header/kid",
        "the verifying key comes from a JWKS (or the campaign uses one) and the header has no kid",
        concat!(
            "Qualifio \"Secure token\"",
            ", Secure token structure, Validation methods and algorithms (JWKS Endpoint)"
        )
    );
    spec!(
        QUALIFIO_KID_IGNORED,
        "qualifio.kid.ignored",
        Info,
        "/header/kid",
        "the header has a kid but the key is not from a JWKS: Qualifio ignores kid then, so it neither selects nor excludes a key",
        concat!("Qualifio \"Secure token\"", ", Secure token structure")
    );
    spec!(
        QUALIFIO_KEY_PKCS1,
        "qualifio.key.pkcs1",
        Warning,
        "",
        "the verifying public key was given as PKCS#1; Qualifio wants PKCS#8/SPKI (conversion command given)",
        concat!(
            "Qualifio \"Secure token\"",
            ", Validation methods and algorithms (Public key)"
        )
    );
    spec!(
        QUALIFIO_JWE_ALG,
        "qualifio.jwe.alg",
        Error,
        "/header/alg",
        "a Qualifio JWE must use alg dir",
        concat!("Qualifio \"Secure token\"", ", Token encryption")
    );
    spec!(
        QUALIFIO_JWE_ENC,
        "qualifio.jwe.enc",
        Error,
        "/header/enc",
        "a Qualifio JWE must use enc A128GCM/A192GCM/A256GCM/A128CBC-HS256/A192CBC-HS384/A256CBC-HS512",
        concat!("Qualifio \"Secure token\"", ", Token encryption")
    );
    spec!(
        QUALIFIO_JWE_NOT_NESTED,
        "qualifio.jwe.not_nested",
        Error,
        "",
        "the JWE plaintext is not a signed JWS (bare JSON claims or other data)",
        concat!("Qualifio \"Secure token\"", ", Token encryption")
    );
    spec!(
        QUALIFIO_JWE_CTY,
        "qualifio.jwe.cty",
        Info,
        "/header/cty",
        "a nested token without cty \"JWT\" (recommended)",
        "RFC 7519 section 5.2"
    );
    spec!(
        QUALIFIO_SUB_MISSING,
        "qualifio.sub.missing",
        Error,
        "/sub",
        "sub (the participant's unique id) is missing or empty",
        concat!(
            "Qualifio \"Secure token\"",
            ", Usual fields; ",
            "Qualifio \"How to use the secure token to pass prize and winner information\"",
            ", Required claims"
        )
    );
    spec!(
        QUALIFIO_SUB_NUMBER,
        "qualifio.sub.number",
        Warning,
        "/sub",
        "sub is a JSON number; a string is expected",
        concat!("Qualifio \"Secure token\"", ", Secure token structure")
    );
    spec!(
        QUALIFIO_SUB_TYPE,
        "qualifio.sub.type",
        Error,
        "/sub",
        "sub is neither a string nor a number",
        concat!("Qualifio \"Secure token\"", ", Secure token structure")
    );
    spec!(
        QUALIFIO_CAMPAIGN_ID_MISSING,
        "qualifio.campaign_id.missing",
        Error,
        "/campaignId",
        "campaignId is missing or empty",
        concat!(
            "Qualifio \"Secure token\"",
            ", Qualifio mandatory field; ",
            "Qualifio \"How to use the secure token to pass prize and winner information\"",
            ", Required claims"
        )
    );
    spec!(
        QUALIFIO_CAMPAIGN_ID_TYPE,
        "qualifio.campaign_id.type",
        Error,
        "/campaignId",
        "campaignId is not a string (String format; a JSON number is an error)",
        concat!("Qualifio \"Secure token\"", ", Qualifio mandatory field")
    );
    spec!(
        QUALIFIO_CAMPAIGN_ID_MISMATCH,
        "qualifio.campaign_id.mismatch",
        Error,
        "/campaignId",
        "campaignId differs from the campaign file's id",
        concat!("Qualifio \"Secure token\"", ", Qualifio mandatory field")
    );
    spec!(
        QUALIFIO_EXP_MISSING,
        "qualifio.exp.missing",
        Error,
        "/exp",
        "no exp: 000 recommends it, 001 requires it; the stricter reading wins",
        concat!(
            "Qualifio \"Secure token\"",
            ", Usual fields; ",
            "Qualifio \"How to use the secure token to pass prize and winner information\"",
            ", Required claims"
        )
    );
    spec!(
        QUALIFIO_NBF_MISSING,
        "qualifio.nbf.missing",
        Info,
        "/nbf",
        "no nbf: recommended a few minutes before iat",
        concat!("Qualifio \"Secure token\"", ", Usual fields")
    );
    spec!(
        QUALIFIO_NBF_NOT_BEFORE_IAT,
        "qualifio.nbf.not_before_iat",
        Info,
        "/nbf",
        "nbf is not before iat: Qualifio recommends nbf a few minutes before iat",
        concat!("Qualifio \"Secure token\"", ", Usual fields")
    );
    spec!(
        QUALIFIO_LIMIT_MISSING,
        "qualifio.limit.missing",
        Warning,
        "/limit",
        "no limit: the campaign's own participation rules apply, yet 000 calls canPlay always mandatory (except with nb)",
        concat!("Qualifio \"Secure token\"", ", Access limitation")
    );
    spec!(
        QUALIFIO_CHANNEL_SET_META_DATA,
        "qualifio.channel.set_meta_data",
        Info,
        "",
        "the token was found in a setMetaData call: 002's channel (an integrator's tag on a CNAME), not the mini-site",
        concat!(
            "Qualifio \"Share information at the campaign load\"",
            ", SetMetaData method, What are the requirements to set it up?"
        )
    );
    spec!(
        QUALIFIO_CHANNEL_DIV_MISMATCH,
        "qualifio.channel.div_mismatch",
        Warning,
        "",
        "the setMetaData call names another div than the createIframe tag: the token goes to no campaign iframe",
        concat!(
            "Qualifio \"Share information at the campaign load\"",
            ", SetMetaData method"
        )
    );
    spec!(
        QUALIFIO_MEMBER_CASE,
        "qualifio.member.case",
        Error,
        "/<member>",
        "a member differs only by letter case from a Qualifio claim (CampaignId, Gift, Limit, canplay, CW...), which is then absent: did you mean",
        concat!("Qualifio \"Secure token\"", ", Secure token structure")
    );
    spec!(
        QUALIFIO_LIMIT_TYPE,
        "qualifio.limit.type",
        Error,
        "/limit",
        "limit is not a JSON object: participation invalid",
        concat!("Qualifio \"Secure token\"", ", Access limitation")
    );
    spec!(
        QUALIFIO_LIMIT_EMPTY,
        "qualifio.limit.empty",
        Error,
        "/limit",
        "limit has neither canPlay nor nb: participation invalid",
        concat!("Qualifio \"Secure token\"", ", Access limitation")
    );
    spec!(
        QUALIFIO_LIMIT_CANPLAY_TYPE,
        "qualifio.limit.canplay_type",
        Error,
        "/limit/canPlay",
        "canPlay is not a JSON boolean: participation invalid",
        concat!("Qualifio \"Secure token\"", ", Access limitation")
    );
    spec!(
        QUALIFIO_LIMIT_NB_TYPE,
        "qualifio.limit.nb_type",
        Error,
        "/limit/nb",
        "nb is not a non-negative JSON integer: participation invalid",
        concat!("Qualifio \"Secure token\"", ", Access limitation")
    );
    spec!(
        QUALIFIO_LIMIT_NB_TYPE_IGNORED,
        "qualifio.limit.nb_type_ignored",
        Warning,
        "/limit/nb",
        "nb is malformed but canPlay is false, so the platform never reads it (outcome stays blocked)",
        concat!("Qualifio \"Secure token\"", ", Access limitation")
    );
    spec!(
        QUALIFIO_LIMIT_NB_ZERO,
        "qualifio.limit.nb_zero",
        Warning,
        "/limit/nb",
        "nb is 0: the participant can never play",
        concat!("Qualifio \"Secure token\"", ", Access limitation")
    );
    spec!(
        QUALIFIO_LIMIT_UNKNOWN_MEMBER,
        "qualifio.limit.unknown_member",
        Warning,
        "/limit/<member>",
        "limit has a member other than canPlay and nb (often a letter-case typo)",
        concat!("Qualifio \"Secure token\"", ", Access limitation")
    );
    spec!(
        QUALIFIO_GIFT_TYPE,
        "qualifio.gift.type",
        Error,
        "/gift",
        "gift is not a JSON object: win invalid",
        concat!("Qualifio \"Secure token\"", ", Winner and gift definition")
    );
    spec!(
        QUALIFIO_GIFT_CW_TYPE,
        "qualifio.gift.cw_type",
        Error,
        "/gift/cw",
        "cw is not a JSON boolean: win invalid",
        concat!("Qualifio \"Secure token\"", ", Winner and gift definition")
    );
    spec!(
        QUALIFIO_GIFT_LABEL_TYPE,
        "qualifio.gift.label_type",
        Error,
        "/gift/label",
        "label is not a string: win invalid",
        concat!("Qualifio \"Secure token\"", ", Winner and gift definition")
    );
    spec!(
        QUALIFIO_GIFT_LABEL_TYPE_IGNORED,
        "qualifio.gift.label_type_ignored",
        Warning,
        "/gift/label",
        "label is not a string but cw is false, so it is ignored (outcome stays cannot_win)",
        concat!(
            "Qualifio \"How to use the secure token to pass prize and winner information\"",
            ", Additional claims"
        )
    );
    spec!(
        QUALIFIO_GIFT_LABEL_EMPTY,
        "qualifio.gift.label_empty",
        Warning,
        "/gift/label",
        "label is the empty string: counted as absent",
        concat!("Qualifio \"Secure token\"", ", Winner and gift definition")
    );
    spec!(
        QUALIFIO_GIFT_LABEL_MISSING,
        "qualifio.gift.label_missing",
        Info,
        "/gift/label",
        "cw true without label: 000 calls label mandatory, 001 allows it (any prize)",
        concat!(
            "Qualifio \"Secure token\"",
            ", Winner and gift definition; ",
            "Qualifio \"How to use the secure token to pass prize and winner information\"",
            ", Additional claims"
        )
    );
    spec!(
        QUALIFIO_GIFT_PLACEHOLDER,
        "qualifio.gift.placeholder",
        Info,
        "/gift/cw",
        "label without cw: the prize is granted only if the campaign has a placeholder prize",
        concat!("Qualifio \"Secure token\"", ", Winner and gift definition")
    );
    spec!(
        QUALIFIO_GIFT_EMPTY,
        "qualifio.gift.empty",
        Info,
        "/gift",
        "gift is {}: the contest runs in the standard way",
        concat!(
            "Qualifio \"How to use the secure token to pass prize and winner information\"",
            ", Additional claims"
        )
    );
    spec!(
        QUALIFIO_GIFT_UNKNOWN_MEMBER,
        "qualifio.gift.unknown_member",
        Warning,
        "/gift/<member>",
        "gift has a member other than cw and label (often a letter-case typo)",
        concat!("Qualifio \"Secure token\"", ", Winner and gift definition")
    );
    spec!(
        QUALIFIO_OPTIN_TYPE,
        "qualifio.optin.type",
        Error,
        "/optin",
        "optin is not a JSON object",
        concat!(
            "Qualifio \"Secure token\"",
            ", Qualifio optional fields - Functionalities"
        )
    );
    spec!(
        QUALIFIO_OPTIN_VALUE,
        "qualifio.optin.value",
        Error,
        "/optin/<var>",
        "an optin value is not one of 0, 1, \"0\", \"1\", true, false, \"on\", \"off\"",
        concat!(
            "Qualifio \"Secure token\"",
            ", Qualifio optional fields - Functionalities"
        )
    );
    spec!(
        QUALIFIO_OPTIN_UNKNOWN,
        "qualifio.optin.unknown_variable",
        Warning,
        "/optin/<var>",
        "an optin variable the campaign file does not list",
        concat!(
            "Qualifio \"Secure token\"",
            ", Qualifio optional fields - Functionalities"
        )
    );
    spec!(
        QUALIFIO_FORM_TYPE,
        "qualifio.form.type",
        Error,
        "/form",
        "form is not a JSON object",
        concat!(
            "Qualifio \"Secure token\"",
            ", Qualifio optional fields - Functionalities"
        )
    );
    spec!(
        QUALIFIO_FORM_UNKNOWN,
        "qualifio.form.unknown_variable",
        Warning,
        "/form/<var>",
        "a form variable the campaign file does not list",
        concat!(
            "Qualifio \"Secure token\"",
            ", Qualifio optional fields - Functionalities"
        )
    );
    spec!(
        QUALIFIO_FORM_CASE,
        "qualifio.form.case_mismatch",
        Error,
        "/form/<var>",
        "a form value differs only by letter case from an allowed value (values are case-sensitive)",
        concat!(
            "Qualifio \"Secure token\"",
            ", Qualifio optional fields - Functionalities"
        )
    );
    spec!(
        QUALIFIO_FORM_VALUE,
        "qualifio.form.value",
        Warning,
        "/form/<var>",
        "a form value is not one of the campaign's allowed values for that field",
        concat!(
            "Qualifio \"Secure token\"",
            ", Qualifio optional fields - Functionalities"
        )
    );
}

// ---- Campaign file against the token (RULES.md section 6) --------------------------------
specs! {
    /// The campaign file checked against the token (RULES.md section 6), in documentation order.
    CAMPAIGN;
    spec!(
        CAMPAIGN_PROFILE_MISMATCH,
        "campaign.profile_mismatch",
        Warning,
        "",
        "the profile applied differs from the campaign file's profile",
        "tokenscope campaign file"
    );
    spec!(
        CAMPAIGN_JWE_EXPECTED,
        "campaign.jwe.expected",
        Error,
        "",
        "the campaign expects a JWE but the token is a plain JWS",
        concat!("Qualifio \"Secure token\"", ", Token encryption")
    );
    spec!(
        CAMPAIGN_JWE_UNEXPECTED,
        "campaign.jwe.unexpected",
        Warning,
        "",
        "the token is a JWE but the campaign is not set up for encryption",
        concat!("Qualifio \"Secure token\"", ", Token encryption")
    );
    spec!(
        CAMPAIGN_SIGNATURE_MISMATCH,
        "campaign.signature.mismatch",
        Error,
        "/header/alg",
        "the token's alg does not fit the campaign's signature method (hmac vs jwks/public_key)",
        concat!(
            "Qualifio \"Secure token\"",
            ", Validation methods and algorithms"
        )
    );
    spec!(
        CAMPAIGN_KEY_UNEXPECTED,
        "campaign.key.unexpected",
        Warning,
        "",
        "the verifying key is not one of the campaign file's keys",
        "tokenscope campaign file"
    );
    spec!(
        CAMPAIGN_PRIZES_NONE,
        "campaign.prizes.none",
        Warning,
        "/gift",
        "the token may win but the campaign file declares 0 prizes",
        concat!(
            "Qualifio \"How to use the secure token to pass prize and winner information\"",
            ", Manage prizes"
        )
    );
}

// ---- Adictiz (RULES.md section 4) --------------------------------------------------------
specs! {
    /// The Adictiz findings (RULES.md section 4), in documentation order.
    ADICTIZ;
    spec!(
        ADICTIZ_PARTNER_USER_ID_MISSING,
        "adictiz.partner_user_id.missing",
        Error,
        "/partnerUserID",
        "partnerUserID (mandatory, case-sensitive) is missing or empty",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Données d’authentification (obligatoire)"
        )
    );
    spec!(
        ADICTIZ_PARTNER_USER_ID_CASE,
        "adictiz.partner_user_id.case",
        Error,
        "/<variant>",
        "a case variant of partnerUserID (e.g. partnerUserId) is sent instead of partnerUserID",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Données d’authentification (obligatoire)"
        )
    );
    spec!(
        ADICTIZ_PARTNER_USER_ID_TYPE,
        "adictiz.partner_user_id.type",
        Error,
        "/partnerUserID",
        "partnerUserID is neither a string nor an integer",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Données d’authentification (obligatoire)"
        )
    );
    spec!(
        ADICTIZ_CIVILITY_FORMAT,
        "adictiz.civility.format",
        Error,
        "/civility",
        "civility is not one of mr, miss, mme (lowercase)",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Autres données"
        )
    );
    spec!(
        ADICTIZ_LETTERS_FORMAT,
        "adictiz.letters.format",
        Error,
        "/<lastname|firstname|city|country|state>",
        "a letters-only field holds a digit or a symbol (letters of any script, accents, spaces, hyphens, apostrophes and periods are fine)",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Autres données"
        )
    );
    spec!(
        ADICTIZ_EMAIL_FORMAT,
        "adictiz.email.format",
        Error,
        "/email",
        "email is not a valid address",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Autres données"
        )
    );
    spec!(
        ADICTIZ_BIRTHDAY_FORMAT,
        "adictiz.birthday.format",
        Error,
        "/birthday",
        "birthday is not DD/MM/YYYY or YYYY-MM-DD",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Autres données"
        )
    );
    spec!(
        ADICTIZ_BIRTHDAY_DATE,
        "adictiz.birthday.date",
        Error,
        "/birthday",
        "birthday has the right shape but is not a real date (e.g. 31/02/2020)",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Autres données"
        )
    );
    spec!(
        ADICTIZ_PHONE_FORMAT,
        "adictiz.phone.format",
        Error,
        "/<deskPhone|mobilePhone>",
        "a phone field is not a string of digits only",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Autres données"
        )
    );
    spec!(
        ADICTIZ_OPTIN_FORMAT,
        "adictiz.optin.format",
        Error,
        "/<rule|newsletter|optin_mobile|optin_partner>",
        "an opt-in field is not the JSON integer 0 or 1",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Autres données"
        )
    );
    spec!(
        ADICTIZ_FIELD_CASE,
        "adictiz.field.case",
        Warning,
        "/<member>",
        "a member differs only by letter case from a normalised Adictiz field (names are case-sensitive)",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Autres données"
        )
    );
    spec!(
        ADICTIZ_ALG,
        "adictiz.alg",
        Info,
        "/header/alg",
        "alg is not HS256, the alg of 003's example (its introduction also names RSA and ECDSA)",
        concat!("Adictiz \"JWT for Adictiz Box campaigns\"", ", Pré-requis")
    );
    spec!(
        ADICTIZ_FIELD_NUMBER,
        "adictiz.field.number",
        Warning,
        "/<field>",
        "a String field sent as a JSON number (a zipCode of 01000 loses its leading zero)",
        concat!(
            "Adictiz \"JWT for Adictiz Box campaigns\"",
            ", Autres données"
        )
    );
    spec!(
        ADICTIZ_ACCOUNT_KEY,
        "adictiz.key.account",
        Error,
        "/header/alg",
        "the token verifies only with the account key while the campaign has its own key: the account key no longer works for it",
        concat!("Adictiz \"JWT for Adictiz Box campaigns\"", ", Pré-requis")
    );
    spec!(
        ADICTIZ_KID_IGNORED,
        "adictiz.kid.ignored",
        Info,
        "/header/kid",
        "the header has a kid: Adictiz ignores it, so it neither selects nor excludes a key",
        concat!("Adictiz \"JWT for Adictiz Box campaigns\"", ", Pré-requis")
    );
}

// ---- Xtremepush (RULES.md section 5) -----------------------------------------------------
specs! {
    /// The Xtremepush findings (RULES.md section 5), in documentation order.
    XTREMEPUSH;
    spec!(
        XTREMEPUSH_ALG,
        "xtremepush.alg",
        Error,
        "/header/alg",
        "alg is not RS256",
        concat!(
            "Xtremepush \"Manage User Authentication\"",
            ", JWT Token and Payload"
        )
    );
    spec!(
        XTREMEPUSH_TYP,
        "xtremepush.typ",
        Error,
        "/header/typ",
        "typ is not JWT",
        concat!(
            "Xtremepush \"Manage User Authentication\"",
            ", JWT Token and Payload"
        )
    );
    spec!(
        XTREMEPUSH_JWE,
        "xtremepush.jwe",
        Error,
        "",
        "the token is a JWE; the loyalty widget takes a signed JWT",
        concat!(
            "Xtremepush \"Manage User Authentication\"",
            ", JWT Token and Payload"
        )
    );
    spec!(
        XTREMEPUSH_SUB_MISSING,
        "xtremepush.sub.missing",
        Error,
        "/sub",
        "sub (the user id) is missing or empty",
        concat!(
            "Xtremepush \"Manage User Authentication\"",
            ", JWT Token and Payload"
        )
    );
    spec!(
        XTREMEPUSH_SUB_TYPE,
        "xtremepush.sub.type",
        Warning,
        "/sub",
        "sub is not a string",
        concat!(
            "Xtremepush \"Manage User Authentication\"",
            ", JWT Token and Payload"
        )
    );
    spec!(
        XTREMEPUSH_EXP_MISSING,
        "xtremepush.exp.missing",
        Error,
        "/exp",
        "no exp (required)",
        concat!(
            "Xtremepush \"Manage User Authentication\"",
            ", JWT Token and Payload"
        )
    );
    spec!(
        XTREMEPUSH_KID_MISSING,
        "xtremepush.kid.missing",
        Warning,
        "/header/kid",
        "several xtremepush keys are stored and the header has no kid (key rotation)",
        concat!(
            "Xtremepush \"Manage User Authentication\"",
            ", Security Best Practices"
        )
    );
}

/// Every finding kind, in documentation order: the lists `specs!` writes, one after the other.
pub const ALL: &[RuleSpec] = &{
    const PARTS: [&[RuleSpec]; 5] = [GENERIC, QUALIFIO, CAMPAIGN, ADICTIZ, XTREMEPUSH];
    const COUNT: usize = {
        let (mut count, mut part) = (0, 0);
        while part < PARTS.len() {
            count += PARTS[part].len();
            part += 1;
        }
        count
    };
    let mut all = [PARTS[0][0]; COUNT];
    let (mut part, mut at) = (0, 0);
    while part < PARTS.len() {
        let mut i = 0;
        while i < PARTS[part].len() {
            all[at] = PARTS[part][i];
            at += 1;
            i += 1;
        }
        part += 1;
    }
    all
};

/// Error findings that say a check could not be made (no key fits, an algorithm tokenscope
/// does not implement): the token is not accepted, and its overall state is "not verified"
/// (exit 3) unless something else rejects it.
pub const NOT_CHECKED: &[&str] = &[
    GENERIC_SIGNATURE_UNVERIFIED.id,
    GENERIC_ALG_UNSUPPORTED.id,
    GENERIC_JWE_NO_KEY.id,
];

/// The spec of a finding id, if tokenscope knows it.
pub fn spec(id: &str) -> Option<&'static RuleSpec> {
    ALL.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const TITLES: [&str; 4] = [
        "Qualifio \"Secure token\"",
        "Qualifio \"How to use the secure token to pass prize and winner information\"",
        "Adictiz \"JWT for Adictiz Box campaigns\"",
        "Qualifio \"Share information at the campaign load\"",
    ];

    #[test]
    fn ids_are_unique_dotted_lowercase() {
        let mut seen = HashSet::new();
        for s in ALL {
            assert!(seen.insert(s.id), "duplicate id {}", s.id);
            assert!(s.id.contains('.'), "{} is not dotted", s.id);
            assert!(
                s.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'),
                "{} is not lowercase",
                s.id
            );
            let prefix = s.id.split('.').next().unwrap_or_default();
            assert!(
                ["generic", "qualifio", "adictiz", "xtremepush", "campaign"].contains(&prefix),
                "{} has an unknown prefix",
                s.id
            );
            assert!(!s.source.is_empty() && !s.meaning.is_empty());
        }
    }

    #[test]
    fn platform_sources_cite_a_document_title() {
        for s in ALL {
            if s.id.starts_with("qualifio.") && s.id != "qualifio.jwe.cty" {
                assert!(
                    [TITLES[0], TITLES[1], TITLES[3]]
                        .iter()
                        .any(|t| s.source.starts_with(t)),
                    "{}",
                    s.id
                );
            }
            if s.id.starts_with("adictiz.") {
                assert!(s.source.starts_with(TITLES[2]), "{}", s.id);
            }
        }
    }

    #[test]
    fn spec_lookup() {
        assert_eq!(spec("generic.alg.none"), Some(&GENERIC_ALG_NONE));
        assert_eq!(spec("no.such.id"), None);
    }
}
