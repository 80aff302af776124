//! Instants: parsing `--at`, formatting UTC dates and relative ages for humans.

use chrono::{DateTime, Utc};

/// RFC 3339 in UTC (`2024-01-01T00:00:00Z`); out-of-range values are shown as the number.
pub fn rfc3339(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| format!("{secs} (out of range)"))
}

/// Parse an instant given as RFC 3339 or unix seconds.
pub fn parse_instant(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<i64>() {
        return Ok(secs);
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.timestamp())
        .map_err(|e| {
            format!("invalid instant '{t}': {e} (expected RFC 3339 like 2024-05-01T12:00:00Z, or unix seconds)")
        })
}

/// "3 days ago", "in 2 hours", "now": the distance from `at` to `secs`.
pub fn relative(secs: i64, at: i64) -> String {
    let delta = secs.saturating_sub(at);
    let abs = delta.unsigned_abs();
    if abs < 5 {
        return "now".to_string();
    }
    let (n, unit) = match abs {
        a if a < 60 => (a, "second"),
        a if a < 90 * 60 => ((a + 30) / 60, "minute"),
        a if a < 36 * 3600 => ((a + 1800) / 3600, "hour"),
        a if a < 60 * 86_400 => ((a + 43_200) / 86_400, "day"),
        a if a < 2 * 365 * 86_400 => ((a + 15 * 86_400) / (30 * 86_400), "month"),
        a => ((a + 182 * 86_400) / (365 * 86_400), "year"),
    };
    let plural = if n == 1 { "" } else { "s" };
    if delta < 0 {
        format!("{n} {unit}{plural} ago")
    } else {
        format!("in {n} {unit}{plural}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(rfc3339(1_300_819_380), "2011-03-22T18:43:00Z");
        assert_eq!(
            parse_instant("2011-03-22T18:43:00Z").unwrap(),
            1_300_819_380
        );
        assert_eq!(
            parse_instant("2011-03-22T20:43:00+02:00").unwrap(),
            1_300_819_380
        );
        assert_eq!(parse_instant(" 1300819380 ").unwrap(), 1_300_819_380);
        assert!(parse_instant("yesterday").unwrap_err().contains("RFC 3339"));
    }

    #[test]
    fn relative_ages() {
        assert_eq!(relative(100, 100), "now");
        assert_eq!(relative(40, 100), "1 minute ago");
        assert_eq!(relative(100 + 2 * 86_400, 100), "in 2 days");
        assert_eq!(relative(100 - 3 * 3600, 100), "3 hours ago");
        assert_eq!(relative(100 - 30, 100), "30 seconds ago");
    }
}

/// Where "now" comes from: the system clock, or an instant fixed for a test or a demo that
/// must draw the same thing every time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(i64),
}

impl Clock {
    /// Unix seconds.
    pub fn now(self) -> i64 {
        match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or_default(),
            Clock::Fixed(at) => at,
        }
    }
}
