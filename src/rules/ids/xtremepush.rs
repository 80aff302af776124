//! Xtremepush findings (RULES.md section 5): the user authentication JWT.

use super::RuleSpec;
use super::{Error, Warning};

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
