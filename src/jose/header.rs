//! Protected-header members that decide whether a layer can be processed at all: `crit`
//! (RFC 7515 4.1.11, RFC 7516 4.1.13), whose extensions must all be understood, and `b64`
//! (RFC 7797), the one extension tokenscope understands.

use serde_json::{Map, Value};

use crate::token::header_member;

/// `crit` extensions tokenscope understands (RFC 7515 4.1.11): anything else listed in `crit`
/// makes the JWS invalid. `b64` is RFC 7797 (unencoded payload), which `b64_flag` reads.
pub const UNDERSTOOD_CRIT: &[&str] = &["b64"];

/// The `crit` extensions understood in `header`: RFC 7797's `b64` is a JWS extension, so a
/// JWE header (one with `enc`) understands none.
pub fn understood_crit(header: &Map<String, Value>) -> &'static [&'static str] {
    match header.contains_key("enc") {
        true => &[],
        false => UNDERSTOOD_CRIT,
    }
}

/// Check `crit` (RFC 7515 4.1.11, RFC 7516 4.1.13): every listed extension must be understood
/// and present; an empty or malformed list is invalid.
pub fn crit_problem(header: &Map<String, Value>) -> Option<String> {
    let crit = header_member(header, "crit")?;
    let Some(list) = crit.as_array() else {
        return Some("'crit' must be an array of header member names".to_string());
    };
    if list.is_empty() {
        return Some("'crit' is an empty list, which RFC 7515 4.1.11 forbids".to_string());
    }
    for item in list {
        let Some(name) = item.as_str() else {
            return Some(format!("'crit' lists {item}, which is not a member name"));
        };
        if !understood_crit(header).contains(&name) {
            return Some(format!(
                "'crit' lists '{name}', an extension tokenscope does not understand, so the token must be rejected"
            ));
        }
        if !header.contains_key(name) {
            return Some(format!(
                "'crit' lists '{name}', which the header does not carry"
            ));
        }
    }
    None
}

/// The RFC 7797 `b64` header: Ok(true) for a base64url payload (the default).
pub fn b64_flag(header: &Map<String, Value>) -> Result<bool, String> {
    match header_member(header, "b64") {
        None => Ok(true),
        Some(Value::Bool(b)) => {
            let listed = header_member(header, "crit")
                .and_then(Value::as_array)
                .is_some_and(|c| c.iter().any(|v| v == "b64"));
            if !b && !listed {
                // RFC 7797 section 6: b64 must be understood, so it must be listed in crit.
                Err(
                    "'b64': false is only valid when 'crit' lists \"b64\" (RFC 7797 section 6)"
                        .to_string(),
                )
            } else {
                Ok(*b)
            }
        }
        Some(other) => Err(format!("'b64' must be a boolean, found {other}")),
    }
}
