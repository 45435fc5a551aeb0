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

    /// Parses "25 min", "8 h", "3 d", "1.5h", "1e-3 h" or a bare number of hours.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (number, unit) = number_unit(text);
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

    /// Regression: "1e-9 h" was read as 1 of the unit "e-9 h" ("unknown time unit"); a number
    /// in scientific notation takes its unit like any other number.
    #[test]
    fn scientific_notation_takes_a_unit() {
        assert_eq!(Duration::parse("1e-3 h").unwrap().hours(), 1e-3);
        assert_eq!(Duration::parse("2.5E2min").unwrap().hours(), 250.0 / 60.0);
        assert_eq!(Duration::parse("1e+2 d").unwrap().hours(), 2400.0);
        assert_eq!(Duration::parse("1e2").unwrap().hours(), 100.0);
        assert!((Rate::parse("1e4 t/yr").unwrap().t_per_h() - 1e4 / 8760.0).abs() < 1e-15);
        assert_eq!(number_unit("1e h"), ("1", "e h"));
        assert_eq!(number_unit("-1.5e-3 USD/kg"), ("-1.5e-3", "USD/kg"));
        assert_eq!(number_unit("1,000 USD"), ("1,000", "USD"));
        let e = Duration::parse("1e999 h").unwrap_err();
        assert!(e.contains("out of range"), "{e}");
        assert!(
            Duration::parse("1e h")
                .unwrap_err()
                .contains("unknown time unit `e h`")
        );
        assert!(Duration::parse("inf h").is_err());
    }
}

/// A mass flow in t REO/h, read from a number (t REO/h) or a string with a unit
/// ("5000 t/yr", "14 t/d", "0.57 t/h", "570 kg/h").
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Rate(pub f64);

/// Accepted rate units and their size in t/h.
pub const RATE_UNITS: &[(&str, f64)] = &[
    ("t/h", 1.0),
    ("t/d", 1.0 / 24.0),
    ("t/yr", 1.0 / 8760.0),
    ("t/y", 1.0 / 8760.0),
    ("kg/h", 1e-3),
    ("kg/d", 1e-3 / 24.0),
];

impl Rate {
    /// t REO/h.
    pub fn t_per_h(self) -> f64 {
        self.0
    }

    /// Parses a number with an optional rate unit.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (value, unit) = split_number(text)?;
        let factor = if unit.is_empty() {
            1.0
        } else {
            RATE_UNITS
                .iter()
                .find(|(u, _)| *u == unit.replace(' ', ""))
                .map(|(_, f)| *f)
                .ok_or_else(|| {
                    format!(
                        "unknown rate unit `{unit}` in `{text}`; {}",
                        rate_expected()
                    )
                })?
        };
        Self::from_t_per_h(value * factor)
    }

    /// A rate from t/h, rejecting negative, NaN and infinite values.
    pub fn from_t_per_h(v: f64) -> Result<Self, String> {
        if v.is_finite() && v >= 0.0 {
            Ok(Rate(v))
        } else {
            Err(format!(
                "rate {v} t/h is out of range: expected a finite value >= 0"
            ))
        }
    }
}

fn rate_expected() -> String {
    let units: Vec<&str> = RATE_UNITS.iter().map(|(u, _)| *u).collect();
    format!(
        "expected t REO/h or a number with a unit ({})",
        units.join(", ")
    )
}

/// Splits "12.5 t/h" into its number text and its unit text (both trimmed). The number is
/// an optional sign, digits (with `.`, `_` and `,`) and an optional exponent, so "1e-9 h" is
/// 1e-9 hours, not 1 of the unit "e-9 h".
pub(super) fn number_unit(text: &str) -> (&str, &str) {
    let text = text.trim();
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        (from..bytes.len())
            .find(|&i| !(bytes[i].is_ascii_digit() || b"._,".contains(&bytes[i])))
            .unwrap_or(bytes.len())
    };
    let mut end = digits(usize::from(matches!(bytes.first(), Some(b'+' | b'-'))));
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        if bytes.get(end + 1 + sign).is_some_and(u8::is_ascii_digit) {
            end = digits(end + 1 + sign);
        }
    }
    (text[..end].trim(), text[end..].trim())
}

/// The number and the unit text of "12.5 t/h".
fn split_number(text: &str) -> Result<(f64, String), String> {
    let text = text.trim();
    let (number, unit) = number_unit(text);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` does not start with a number"))?;
    Ok((value, unit.to_string()))
}

/// A tank size: a mass in t REO ("40 t", or a bare number) or a duration ("8 h": that many
/// hours of flow at the rate that fills it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    /// t REO.
    Tonnes(f64),
    /// Hours of flow.
    Hours(f64),
}

impl Amount {
    /// Parses "40 t", "500 kg", "8 h", "2 d" or a bare number (t REO).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (value, unit) = split_number(text)?;
        let amount = match unit.as_str() {
            "" | "t" => Amount::Tonnes(value),
            "kg" => Amount::Tonnes(value / 1000.0),
            _ => Amount::Hours(Duration::parse(text)?.hours()),
        };
        match amount {
            Amount::Tonnes(t) | Amount::Hours(t) if t.is_finite() && t > 0.0 => Ok(amount),
            _ => Err(format!(
                "`{text}` is out of range: expected a finite amount > 0"
            )),
        }
    }

    /// In t REO, with hours converted at `rate` t/h.
    pub fn tonnes(self, rate: f64) -> f64 {
        match self {
            Amount::Tonnes(t) => t,
            Amount::Hours(h) => h * rate,
        }
    }
}

macro_rules! number_or_text {
    ($ty:ident, $visitor:ident, $what:expr, $from_number:expr) => {
        struct $visitor;

        impl Visitor<'_> for $visitor {
            type Value = $ty;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str($what)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<$ty, E> {
                $from_number(v as f64).map_err(E::custom)
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<$ty, E> {
                $from_number(v as f64).map_err(E::custom)
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<$ty, E> {
                $from_number(v).map_err(E::custom)
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                $ty::parse(v).map_err(E::custom)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any($visitor)
            }
        }
    };
}

number_or_text!(
    Rate,
    RateVisitor,
    "a rate: t REO/h, or a string such as \"5000 t/yr\" or \"570 kg/h\"",
    Rate::from_t_per_h
);
number_or_text!(
    Amount,
    AmountVisitor,
    "an amount: t REO, or a string such as \"40 t\" or \"8 h\" (hours of flow)",
    |v: f64| Amount::parse(&v.to_string())
);

#[cfg(test)]
mod rate_tests {
    use super::*;

    #[test]
    fn rates_and_amounts_convert() {
        assert!((Rate::parse("8760 t/yr").unwrap().t_per_h() - 1.0).abs() < 1e-15);
        assert_eq!(Rate::parse("24 t/d").unwrap().t_per_h(), 1.0);
        assert!((Rate::parse("570 kg/h").unwrap().t_per_h() - 0.57).abs() < 1e-15);
        assert_eq!(Rate::parse("0.57").unwrap().t_per_h(), 0.57);
        assert!(Rate::parse("5 t/fortnight").is_err());
        assert_eq!(Amount::parse("8 h").unwrap().tonnes(2.0), 16.0);
        assert_eq!(Amount::parse("40 t").unwrap().tonnes(2.0), 40.0);
        assert_eq!(Amount::parse("12").unwrap(), Amount::Tonnes(12.0));
        assert!(Amount::parse("0 t").is_err());
    }
}
