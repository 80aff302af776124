//! Adictiz findings (RULES.md section 4): the JWT of Adictiz Box campaigns.

use super::RuleSpec;
use super::{Error, Info, Warning};

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
