//! Durations in scenario files: a number of hours, or a string with a unit ("25 min", "3 d").

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A non-negative, finite duration in hours, read from a number (hours) or a string with a unit.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Duration(pub f64);

/// Accepted unit spellings and their length in hours.
pub const UNITS: &[(&str, f64)] = &[
    ("s", 1.0 / 3600.0),
    ("sec", 1.0 / 3600.0),
    ("min", 1.0 / 60.0),
    ("h", 1.0),
    ("hr", 1.0),
    ("d", 24.0),
    ("day", 24.0),
    ("days", 24.0),
    ("wk", 168.0),
    ("yr", 8760.0),
];

impl Duration {
    /// Hours.
    pub fn hours(self) -> f64 {
        self.0
    }

    /// Parses "25 min", "8 h", "3 d", "1.5h" or a bare number of hours.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(text.len());
        let (number, unit) = (text[..split].trim(), text[split..].trim());
        let value: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a duration: {}", Self::expected()))?;
        let factor = if unit.is_empty() {
            1.0
        } else {
            UNITS
                .iter()
                .find(|(name, _)| *name == unit)
                .map(|(_, f)| *f)
                .ok_or_else(|| {
                    format!(
                        "unknown time unit `{unit}` in `{text}`; {}",
                        Self::expected()
                    )
                })?
        };
        Self::from_hours(value * factor)
    }

    /// A duration from hours, rejecting negative, NaN and infinite values.
    pub fn from_hours(hours: f64) -> Result<Self, String> {
        if hours.is_finite() && hours >= 0.0 {
            Ok(Duration(hours))
        } else {
            Err(format!(
                "duration {hours} h is out of range: expected a finite value >= 0"
            ))
        }
    }

    fn expected() -> String {
        let units: Vec<&str> = UNITS.iter().map(|(u, _)| *u).collect();
        format!(
            "expected a number of hours or a number with a unit ({})",
            units.join(", ")
        )
    }
}

impl<'de> serde::Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DurationVisitor)
    }
}

struct DurationVisitor;

impl Visitor<'_> for DurationVisitor {
    type Value = Duration;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a duration: a number of hours or a string such as \"25 min\" or \"3 d\"")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
        Duration::from_hours(v as f64).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
        Duration::from_hours(v as f64).map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
        Duration::from_hours(v).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
        Duration::parse(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_convert_to_hours() {
        assert_eq!(Duration::parse("90 min").unwrap().hours(), 1.5);
        assert_eq!(Duration::parse("3 d").unwrap().hours(), 72.0);
        assert_eq!(Duration::parse("36 s").unwrap().hours(), 0.01);
        assert_eq!(Duration::parse("2.5").unwrap().hours(), 2.5);
        assert_eq!(Duration::parse("365d").unwrap().hours(), 8760.0);
    }

    #[test]
    fn bad_durations_are_rejected() {
        assert!(Duration::parse("ten min").is_err());
        assert!(Duration::parse("5 fortnights").is_err());
        assert!(Duration::parse("-1 h").is_err());
        assert!(Duration::parse("inf").is_err());
        assert!(Duration::parse("NaN h").is_err());
    }
}
