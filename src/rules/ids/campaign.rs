//! Campaign findings (RULES.md section 6): a campaign file checked against the token.

use super::RuleSpec;
use super::{Error, Warning};

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
