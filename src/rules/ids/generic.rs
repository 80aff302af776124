//! Generic findings (RULES.md section 2): what any JWS or JWE is checked for, whatever the
//! platform, and the checks of acceptance that fail closed.

use super::RuleSpec;
use super::{Error, Info, Warning};

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
