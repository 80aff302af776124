//! Qualifio findings (RULES.md section 3): the secure token of documents 000, 001 and 002.

use super::RuleSpec;
use super::{Error, Info, Warning};

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
