//! One setting's value: the clap spellings of the enum settings, and the range checks of
//! skew, PBES2 count and theme name, shared by the file, the environment and the flags.

use clap::ValueEnum;
use serde::{Deserialize, Deserializer};

/// A clap value name as a config value: the same spellings as the flag.
pub(super) fn value_enum<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: ValueEnum,
{
    let s = String::deserialize(d)?;
    parse_enum(&s).map(Some).map_err(serde::de::Error::custom)
}

pub(super) fn parse_enum<T: ValueEnum>(s: &str) -> Result<T, String> {
    T::from_str(s, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|p| p.get_name().to_string())
            .collect();
        format!("unknown value '{s}', expected one of {}", names.join(", "))
    })
}

pub(super) fn skew<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    // An integer past i64 fails inside the TOML reader, whose message speaks of i128.
    let Ok(value) = toml::Value::deserialize(d) else {
        return Err(serde::de::Error::custom(skew_range()));
    };
    match value {
        toml::Value::Integer(secs) => check_skew(secs).map(Some),
        other => Err(format!(
            "skew is a whole number of seconds, not {} {other}",
            other.type_str()
        )),
    }
    .map_err(serde::de::Error::custom)
}

/// The largest clock skew tokenscope takes: a year, far past any clock drift.
pub const MAX_SKEW: i64 = 365 * 24 * 3600;

fn skew_range() -> String {
    format!("skew is a whole number of seconds from 0 to {MAX_SKEW} (a year)")
}

fn check_skew(secs: i64) -> Result<i64, String> {
    if (0..=MAX_SKEW).contains(&secs) {
        Ok(secs)
    } else {
        Err(format!("{}, not {secs}", skew_range()))
    }
}

/// A skew written as text (`--skew`, `TOKENSCOPE_SKEW`): 0 to [`MAX_SKEW`] seconds. The
/// message quotes at most 24 characters of what was given.
pub fn parse_skew(text: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(secs) => check_skew(secs),
        Err(_) => {
            let shown: String = text.chars().take(24).collect();
            let more = if text.chars().count() > 24 { "…" } else { "" };
            Err(format!("{}, not '{shown}{more}'", skew_range()))
        }
    }
}

pub(super) fn pbes2_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let max = crate::limits::PBES2_COUNT_CEILING;
    match toml::Value::deserialize(d)? {
        toml::Value::Integer(n) if (1..=max as i64).contains(&n) => Ok(Some(n as u64)),
        toml::Value::Integer(n) => Err(format!(
            "max_pbes2_count is {n}: PBES2 iterations are 1 to {max}"
        )),
        other => Err(format!(
            "max_pbes2_count is a whole number of PBES2 iterations, not {} {other}",
            other.type_str()
        )),
    }
    .map_err(serde::de::Error::custom)
}

pub(super) fn theme<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let name = String::deserialize(d)?;
    check_theme(&name)
        .map(|()| Some(name))
        .map_err(serde::de::Error::custom)
}

pub(super) fn check_theme(name: &str) -> Result<(), String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "theme '{name}' is not a theme name (letters, digits, - and _: dark, light, high-contrast, colorblind, or a file themes/NAME.toml in the config dir)"
        ));
    }
    Ok(())
}

/// The flag spelling of a clap value (`qualifio-url`).
pub fn name_of<T: ValueEnum>(value: T) -> String {
    value
        .to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}
